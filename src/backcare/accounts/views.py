from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from backcare.accounts.models import ApiToken, current_user
from backcare.accounts.services import redeem_login_token


def token_login(request: HttpRequest, token: str) -> HttpResponse:
    user = redeem_login_token(token)
    if user is None:
        return render(request, "accounts/token_invalid.html", status=403)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    target = request.GET.get("next", "")
    # Only a path on this site: a sign-in link must never lead elsewhere.
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return redirect(target)
    return redirect("home")


def locked(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    return render(request, "accounts/locked.html")


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Remember the chosen language for this person, on every device."""
    code = request.POST.get("language", "")
    if code in dict(settings.LANGUAGES):
        user = current_user(request)
        user.language = code
        user.save(update_fields=["language"])
        translation.activate(code)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("home")


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    new_token = None
    if request.method == "POST":
        name = request.POST.get("name", "").strip()
        if not name or len(name) > 80:
            messages.error(request, _("Give the token a name of 1 to 80 characters."))
        else:
            new_token = ApiToken.issue(user, name)[1]
    return render(
        request,
        "accounts/api_tokens.html",
        {"tokens": ApiToken.objects.filter(user=user), "new_token": new_token},
    )


@login_required
@require_POST
def revoke_api_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=current_user(request))
    token.delete()
    messages.success(request, _("Revoked the token “%(name)s”.") % {"name": token.name})
    return redirect("api-tokens")
