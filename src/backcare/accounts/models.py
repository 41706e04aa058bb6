from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.http import HttpRequest
from django.utils import timezone


def hash_token(raw: str) -> str:
    """Tokens are stored hashed: a stolen database backup holds no working link."""
    return hashlib.sha256(raw.encode()).hexdigest()


class User(AbstractUser):
    email = models.EmailField("email address", unique=True)
    # Empty: follow the browser's language.
    language = models.CharField(
        max_length=8, blank=True, choices=[("en", "English"), ("da", "Dansk")]
    )


def current_user(request: HttpRequest) -> User:
    """The signed-in user of a page request (RequireLoginMiddleware guarantees one)."""
    user = request.user
    assert isinstance(user, User), "page reached without a signed-in user"
    return user


class LoginToken(models.Model):
    """A one-time sign-in link, as printed by `backcare serve` and `backcare login-url`."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="login_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"sign-in link for {self.user_id}, expires {self.expires_at:%Y-%m-%d %H:%M}"

    @classmethod
    def issue(cls, user: User, ttl: timedelta, now: datetime | None = None) -> str:
        """Create a token for USER and return the raw value (it is not stored)."""
        now = now or timezone.now()
        raw = secrets.token_urlsafe(32)
        cls.objects.create(
            user=user, token_hash=hash_token(raw), created_at=now, expires_at=now + ttl
        )
        return raw


class ApiToken(models.Model):
    """A bearer token for the JSON API, for scripts and other clients."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=8)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, user: User, name: str) -> tuple[ApiToken, str]:
        raw = "bc_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, prefix=raw[3:11], token_hash=hash_token(raw)
        )
        return token, raw
