"""A person's break schedule settings and their calendar."""

from __future__ import annotations

import secrets
from datetime import time
from zoneinfo import ZoneInfo

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
    days_off = models.JSONField(default=list, blank=True)
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
    # When the stored reminders must next be brought in line with the schedule:
    # the next local midnight, or None (at once) when settings, calendar, plan or
    # safety change.
    sync_due_at = models.DateTimeField(null=True, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"schedule of {self.user_id}"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)


class Reminder(models.Model):
    """One planned break of one day, from the schedule, and what became of it.

    The worker sends it once (``state`` goes planned, sending, sent under a
    conditional update, so two workers cannot both win), the person takes,
    snoozes or skips it, and a reminder nobody answered is marked missed once
    its window has closed.
    """

    class State(models.TextChoices):
        PLANNED = "planned"
        SENDING = "sending"
        SENT = "sent"
        TAKEN = "taken"
        SKIPPED = "skipped"
        MISSED = "missed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    day = models.DateField()
    # Where the scheduler put it before any snooze: the reminder's identity.
    ideal_at = models.DateTimeField()
    kind = models.CharField(max_length=10)
    routine = models.CharField(max_length=100, blank=True, default="")
    due_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PLANNED)
    snoozes = models.PositiveSmallIntegerField(default=0)
    claimed_by = models.CharField(max_length=64, blank=True, default="")
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Shown by `backcare remind` on the desktop (claimed like a send).
    desktop_at = models.DateTimeField(null=True, blank=True)
    acted_at = models.DateTimeField(null=True, blank=True)
    session = models.ForeignKey(
        "practice.PracticeSession", null=True, blank=True, on_delete=models.SET_NULL
    )
    # For kind "team": the team break this reminder is for.
    team_break = models.ForeignKey(
        "teams.TeamBreak", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        ordering = ["due_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "ideal_at", "kind"], name="one_reminder_per_break"
            )
        ]
        indexes = [
            models.Index(fields=["state", "due_at"]),
            models.Index(fields=["user", "day"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} break of {self.user_id} at {self.due_at:%Y-%m-%d %H:%M}"

    @property
    def open(self) -> bool:
        return self.state in (self.State.PLANNED, self.State.SENDING, self.State.SENT)


class PushSubscription(models.Model):
    """A browser's Web Push subscription (the endpoint and its keys)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = models.URLField(max_length=2000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
    last_error = models.TextField(blank=True, default="")

    def __str__(self) -> str:
        return f"push subscription of {self.user_id}"


class VapidKey(models.Model):
    """The install's one VAPID key pair, made on first run, shared by every process."""

    private_pem = models.TextField()
    public_key = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return "VAPID key"


class Beat(models.Model):
    """When a periodic job is next due; the worker that moves it on runs the job."""

    name = models.CharField(max_length=50, primary_key=True)
    next_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name
