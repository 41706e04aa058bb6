"""The daily check-in: pain, leg symptoms, sleep, stress and activity, once a day."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LegReach(models.TextChoices):
    """How far down the leg symptoms (pain, tingling, numbness) reach; each is further."""

    NONE = "none", _("No leg symptoms")
    BUTTOCK = "buttock", _("Buttock or hip")
    THIGH = "thigh", _("Thigh, above the knee")
    BELOW_KNEE = "below_knee", _("Below the knee")
    FOOT = "foot", _("Into the foot")


LEG_ORDER = [choice.value for choice in LegReach]


class SleepQuality(models.IntegerChoices):
    VERY_POOR = 1, _("Very poor")
    POOR = 2, _("Poor")
    FAIR = 3, _("Fair")
    GOOD = 4, _("Good")
    VERY_GOOD = 5, _("Very good")


class CheckIn(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins"
    )
    day = models.DateField()
    pain_now = models.PositiveSmallIntegerField(validators=[MaxValueValidator(10)])
    pain_worst = models.PositiveSmallIntegerField(validators=[MaxValueValidator(10)])
    leg = models.CharField(max_length=12, choices=LegReach.choices, default=LegReach.NONE)
    sleep_hours = models.DecimalField(
        max_digits=3,
        decimal_places=1,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(24))],
    )
    sleep_quality = models.PositiveSmallIntegerField(choices=SleepQuality.choices)
    stress = models.PositiveSmallIntegerField(validators=[MaxValueValidator(10)])
    active_minutes = models.PositiveSmallIntegerField(validators=[MaxValueValidator(1440)])
    note = models.TextField(blank=True, default="")
    # New leg, bladder or numbness symptoms (or leg symptoms reaching further
    # than before): the safety questions must be answered again.
    new_symptoms = models.BooleanField(default=False)
    symptoms_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="one_checkin_per_day"),
            models.CheckConstraint(
                condition=Q(pain_now__lte=10, pain_worst__lte=10, stress__lte=10),
                name="checkin_scores_0_to_10",
            ),
            models.CheckConstraint(
                condition=Q(sleep_hours__gte=0, sleep_hours__lte=24), name="checkin_sleep_0_to_24"
            ),
            models.CheckConstraint(
                condition=Q(active_minutes__lte=1440), name="checkin_active_within_a_day"
            ),
        ]

    def __str__(self) -> str:
        return f"check-in of {self.user_id} on {self.day}"
