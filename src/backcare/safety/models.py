from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from backcare.accounts.models import User
from backcare.core.safety import Tier, exercise_allowed


class SafetyScreen(models.Model):
    """One answer to the safety question, kept so the player knows it may start."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="safety_screens"
    )
    tier = models.CharField(max_length=16, choices=[(t.value, t.value) for t in Tier])
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"{self.tier} at {self.created_at:%Y-%m-%d %H:%M}"


def latest_screen(user: User) -> SafetyScreen | None:
    return SafetyScreen.objects.filter(user=user).order_by("-created_at").first()


def may_exercise(user: User, now: datetime | None = None) -> bool:
    screen = latest_screen(user)
    return exercise_allowed(
        Tier(screen.tier) if screen else None,
        screen.created_at if screen else None,
        now or timezone.now(),
    )
