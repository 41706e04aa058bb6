from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone

from backcare.core.session import FEELING_LABELS, PAIN_MAX, PAIN_MIN, Source
from backcare.library.models import Routine


class PracticeSession(models.Model):
    """One run of a guided routine, with how the person felt afterwards."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_sessions"
    )
    routine = models.ForeignKey(Routine, on_delete=models.PROTECT, related_name="sessions")
    # Chosen by the client before its first attempt, so a retried post after a
    # lost answer or a server restart finds the record instead of adding one.
    idempotency_key = models.UUIDField(default=uuid.uuid4)
    source = models.CharField(max_length=16, choices=[(s.value, s.value) for s in Source])
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField()
    active_s = models.PositiveIntegerField(help_text="Seconds in the routine, pauses excluded.")
    steps_completed = models.PositiveSmallIntegerField()
    steps_total = models.PositiveSmallIntegerField()
    completed = models.BooleanField()
    feeling = models.CharField(
        max_length=8,
        choices=[(f.value, label) for f, label in FEELING_LABELS.items()],
        blank=True,
        default="",
    )
    pain = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(PAIN_MAX)]
    )
    # New leg, bladder or numbness symptoms, or leg symptoms spreading: the
    # person must answer the safety screen again before the next routine.
    new_symptoms = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "idempotency_key"], name="session_idempotency_key_per_user"
            ),
            models.CheckConstraint(
                condition=models.Q(pain__isnull=True)
                | models.Q(pain__gte=PAIN_MIN, pain__lte=PAIN_MAX),
                name="session_pain_0_to_10",
            ),
            models.CheckConstraint(
                condition=models.Q(steps_completed__lte=models.F("steps_total")),
                name="session_steps_within_routine",
            ),
        ]
        indexes = [models.Index(fields=["user", "-started_at"], name="session_user_recent")]

    def __str__(self) -> str:
        return f"{self.routine} at {self.started_at:%Y-%m-%d %H:%M}"
