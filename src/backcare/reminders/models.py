"""A person's break schedule settings and their calendar."""

from __future__ import annotations

import secrets
from datetime import time

from django.conf import settings
from django.db import models


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


def default_hours() -> dict[str, list[list[str]]]:
    return {str(day): [["09:00", "17:00"]] for day in range(5)}


class ScheduleSettings(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="schedule_settings"
    )
    tz = models.CharField(max_length=64, default="UTC")
    # Weekday ("0" = Monday) to a list of ["HH:MM", "HH:MM"] ranges.
    working_hours = models.JSONField(default=default_hours)
    micro_interval_min = models.PositiveSmallIntegerField(default=45)
    walk_every_min = models.PositiveSmallIntegerField(default=180)
    walk_minutes = models.PositiveSmallIntegerField(default=15)
    lunch_start = models.TimeField(null=True, blank=True, default=time(12, 0))
    lunch_end = models.TimeField(null=True, blank=True, default=time(12, 30))
    days_off = models.JSONField(default=list)
    dnd_until = models.DateTimeField(null=True, blank=True)
    in_meeting_until = models.DateTimeField(null=True, blank=True)
    warning_s = models.PositiveSmallIntegerField(default=60)
    skip_limit = models.PositiveSmallIntegerField(default=3)
    # The uploaded or last successfully fetched calendar, and the subscription.
    calendar_ics = models.TextField(blank=True, default="")
    calendar_name = models.CharField(max_length=200, blank=True, default="")
    calendar_url = models.URLField(max_length=1000, blank=True, default="")
    calendar_refreshed_at = models.DateTimeField(null=True, blank=True)
    calendar_error = models.TextField(blank=True, default="")
    # Secret for the person's iCalendar feed of breaks; changing it revokes the old URL.
    feed_token = models.CharField(max_length=64, unique=True, default=new_feed_token)

    def __str__(self) -> str:
        return f"schedule of {self.user_id}"
