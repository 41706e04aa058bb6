"""Who the local owner is, and turning a one-time link into a signed-in user."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from backcare.accounts.models import LoginToken, User, hash_token

OWNER_EMAIL = "owner@localhost"


def local_owner() -> User:
    """The owner of a local install: the first account, created on first run."""
    with transaction.atomic():
        owner = User.objects.order_by("pk").first()
        if owner is None:
            owner = User(username="owner", email=OWNER_EMAIL, is_staff=True, is_superuser=True)
            owner.set_unusable_password()
            owner.save()
    return owner


def find_user(email: str | None) -> User:
    """The user for EMAIL, or the local owner when no email is given."""
    if not email:
        return local_owner()
    try:
        return User.objects.get(email__iexact=email)
    except User.DoesNotExist:
        raise LookupError(f"No account with the email {email!r}.") from None


def login_url(base_url: str, user: User, next_path: str = "") -> str:
    """A one-time sign-in link; NEXT_PATH (a path on this site) is where it lands."""
    raw = LoginToken.issue(user, timedelta(seconds=settings.LOGIN_TOKEN_TTL_S))
    url = f"{base_url.rstrip('/')}/login/token/{raw}/"
    if next_path:
        url += "?" + urlencode({"next": next_path})
    return url


def redeem_login_token(raw: str, now: datetime | None = None) -> User | None:
    """Mark the token used and return its user; None if unknown, used or expired.

    The conditional UPDATE is the claim: of two requests racing with one link,
    exactly one sees a row updated.
    """
    now = now or timezone.now()
    token_hash = hash_token(raw)
    with transaction.atomic():
        claimed = LoginToken.objects.filter(
            token_hash=token_hash, used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
        if not claimed:
            return None
        return LoginToken.objects.select_related("user").get(token_hash=token_hash).user
