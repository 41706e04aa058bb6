"""A person's assessment, where their plan stands, and each week's plan."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Assessment(models.Model):
    """The assessment wizard's answers; a draft until ``completed_at`` is set."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessments"
    )
    answers = models.JSONField(default=dict, blank=True)
    step = models.PositiveSmallIntegerField(default=1, help_text="The next step to answer.")
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"assessment of {self.user_id} ({'done' if self.completed_at else 'draft'})"


class PlanState(models.Model):
    """Where the person's plan stands: the level and what adaptation decided."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_state"
    )
    level = models.PositiveSmallIntegerField()
    started_on = models.DateField()
    baseline_pain = models.PositiveSmallIntegerField()
    last_change_on = models.DateField(null=True, blank=True)
    paused_routines = models.JSONField(default=list, blank=True)
    see_clinician = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"plan of {self.user_id} at level {self.level}"


class PlanChange(models.Model):
    """A change the plan made by itself, shown to the person with its reasons."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="plan_changes"
    )
    created_at = models.DateTimeField(default=timezone.now)
    from_level = models.PositiveSmallIntegerField()
    to_level = models.PositiveSmallIntegerField()
    whys = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.from_level} -> {self.to_level}"


class WeekPlanRecord(models.Model):
    """One week's plan as shown; rebuilt when the plan changes during the week."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="week_plans"
    )
    week_start = models.DateField()
    level = models.PositiveSmallIntegerField()
    walking_target_min = models.PositiveSmallIntegerField()
    data = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-week_start"]
        constraints = [
            models.UniqueConstraint(fields=["user", "week_start"], name="one_plan_per_week")
        ]

    def __str__(self) -> str:
        return f"week of {self.week_start}"
