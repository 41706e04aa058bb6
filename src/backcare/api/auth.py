from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from backcare.accounts.models import ApiToken, User, hash_token


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer bc_…` with a token made on the API tokens page."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = ApiToken.objects.select_related("user").filter(token_hash=hash_token(token)).first()
        if found is None or not found.user.is_active:
            return None
        # Touch at most once a minute: no write on every request.
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


class BrowserSessionAuth(SessionAuth):
    """The signed-in browser session; its unsafe requests need the CSRF token.

    Without a session cookie there is no browser credential to abuse, so no
    CSRF check either: a request carrying only a bearer token (a script, the
    CLI) gets 201 or 401, never a CSRF 403.
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)


# Bearer tokens first: they are not sent by browsers on their own, so need no CSRF token.
AUTH = [ApiTokenAuth(), BrowserSessionAuth()]


def request_user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user
