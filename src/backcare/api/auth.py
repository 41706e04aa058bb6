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


# Session auth checks the CSRF token on unsafe methods; bearer auth needs none.
AUTH = [SessionAuth(), ApiTokenAuth()]


def request_user(request: HttpRequest) -> User:
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, User)
    return user
