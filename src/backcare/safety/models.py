from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from backcare.accounts.models import User
from backcare.core.safety import exercise_allowed
from backcare.core.triage import Tier

TIER_CHOICES = [(t.label, t.label) for t in Tier]


class SafetyScreen(models.Model):
    """One answered red-flag screen and the tier it gave."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="safety_screens"
    )
    tier = models.CharField(max_length=16, choices=TIER_CHOICES)
    answers = models.JSONField(default=dict, blank=True)
    reasons = models.JSONField(
        default=list, blank=True, help_text="Reason codes, most serious first."
    )
    age = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_weeks = models.FloatField(null=True, blank=True)
    first_episode = models.BooleanField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # For the "see a doctor soon" tier: when the person said they had been seen.
    clinician_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"

    def __str__(self) -> str:
        return f"{self.tier} at {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def tier_value(self) -> Tier:
        return Tier.from_label(self.tier)


def latest_screen(user: User) -> SafetyScreen | None:
    return SafetyScreen.objects.filter(user=user).order_by("-created_at", "-pk").first()


def symptoms_reported_since(user: User, since: datetime) -> bool:
    from backcare.checkins.models import CheckIn
    from backcare.practice.models import PracticeSession

    return (
        PracticeSession.objects.filter(user=user, new_symptoms=True, ended_at__gte=since).exists()
        or CheckIn.objects.filter(user=user, symptoms_at__gte=since).exists()
    )


def may_exercise(user: User, now: datetime | None = None) -> bool:
    screen = latest_screen(user)
    if screen is None:
        return False
    return exercise_allowed(
        screen.tier_value,
        screen.created_at,
        now or timezone.now(),
        symptoms_reported_since(user, screen.created_at),
    )
