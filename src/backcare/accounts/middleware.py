from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils import translation

# Pages anyone may reach. The API answers 401 itself; the rest need a sign-in.
# The calendar feed is opened by calendar apps; its secret token is the key.
OPEN_PREFIXES = (
    "/healthz",
    "/sw.js",
    "/static/",
    "/login/token/",
    "/locked/",
    "/api/",
    "/accounts/",
    "/calendar/",
)


class RequireLoginMiddleware:
    """Every page needs a signed-in user unless its path is listed as open.

    Health data lives behind every other page, so closed is the default: a new
    view is private unless someone adds it here on purpose.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated or request.path.startswith(OPEN_PREFIXES):
            return self.get_response(request)
        return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)


class UserLanguageMiddleware:
    """A signed-in person's chosen language wins over the browser's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = getattr(request.user, "language", "")
        if chosen:
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        return self.get_response(request)
