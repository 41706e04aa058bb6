"""/api/v1/reminders and /api/v1/push: the day's reminders, answering them, history, Web Push."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from backcare.api.auth import request_user
from backcare.api.schemas import ErrorOut
from backcare.core.history import Counts
from backcare.reminders import delivery
from backcare.reminders.models import PushSubscription
from backcare.reminders.services import settings_for

reminders_router = Router(tags=["reminders"])
push_router = Router(tags=["reminders"])


class ReminderOut(Schema):
    id: int
    title: str = Field(description="What the notification says, in your language.")
    body: str
    kind: str = Field(description="micro or walk")
    routine: str | None
    due_at: datetime = Field(description="When it rings (moved by a snooze).")
    ends_at: datetime
    state: str = Field(description="planned, sending, sent, taken, skipped or missed")
    snoozes: int
    url: str = Field(description="The player for this break; finishing it marks the break taken.")


class UpcomingOut(Schema):
    now: datetime = Field(description="The server's clock, for the client's countdown.")
    warning_s: int = Field(description="Seconds of quiet warning before each break.")
    skip_limit: int
    skipped_today: int
    reminders: list[ReminderOut]


class SnoozeIn(Schema):
    minutes: int = Field(description="5, 10 or 15.")


class CountsOut(Schema):
    planned: int
    taken: int
    snoozed: int
    skipped: int
    missed: int


class DayCountsOut(CountsOut):
    date: date


class WeekCountsOut(CountsOut):
    week_start: date


class HistoryOut(Schema):
    today: date
    streak: int = Field(description="Days in a row, up to today, with at least one break taken.")
    days: list[DayCountsOut]
    weeks: list[WeekCountsOut]


class SubscriptionKeys(Schema):
    p256dh: str = Field(max_length=200)
    auth: str = Field(max_length=100)


class SubscriptionIn(Schema):
    endpoint: str = Field(max_length=2000)
    keys: SubscriptionKeys


class PushKeyOut(Schema):
    public_key: str = Field(description="The VAPID application server key, base64url.")


def counts(c: Counts) -> dict[str, int]:
    return {
        "planned": c.planned,
        "taken": c.taken,
        "snoozed": c.snoozed,
        "skipped": c.skipped,
        "missed": c.missed,
    }


def answer(error: delivery.ReminderError) -> Status[dict[str, Any]]:
    if error.status == 422:
        problem = {"loc": ["body", error.field], "msg": error.message, "type": "value_error"}
        return Status(422, {"detail": [problem]})
    return Status(error.status, {"detail": error.message})


@reminders_router.get("", response=UpcomingOut, summary="Today's reminders still to come")
def upcoming(request: HttpRequest) -> dict[str, Any]:
    user = request_user(request)
    s = settings_for(user)
    found = delivery.upcoming(user)
    today = timezone.now().astimezone(s.zone).date()
    return {
        "now": timezone.now(),
        "warning_s": s.warning_s,
        "skip_limit": s.skip_limit,
        "skipped_today": user.reminders.filter(day=today, state="skipped").count(),
        "reminders": [delivery.reminder_json(r) for r in found],
    }


@reminders_router.post(
    "/{reminder_id}/snooze",
    response={200: ReminderOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Snooze a break for 5, 10 or 15 minutes",
)
def snooze(request: HttpRequest, reminder_id: int, payload: SnoozeIn) -> Any:
    try:
        found = delivery.snooze(request_user(request), reminder_id, payload.minutes)
    except delivery.ReminderError as exc:
        return answer(exc)
    return delivery.reminder_json(found)


@reminders_router.post(
    "/{reminder_id}/skip",
    response={200: ReminderOut, 404: ErrorOut, 409: ErrorOut},
    summary="Skip a break (up to your daily limit)",
)
def skip(request: HttpRequest, reminder_id: int) -> Any:
    try:
        found = delivery.skip(request_user(request), reminder_id)
    except delivery.ReminderError as exc:
        return answer(exc)
    return delivery.reminder_json(found)


@reminders_router.get("/history", response=HistoryOut, summary="Breaks taken, snoozed, skipped")
def history(request: HttpRequest, days: int = 28) -> dict[str, Any]:
    found, today = delivery.history(request_user(request), max(1, min(days, 366)))
    return {
        "today": today,
        "streak": found.streak,
        "days": [{"date": d, **counts(c)} for d, c in sorted(found.days.items())],
        "weeks": [{"week_start": w, **counts(c)} for w, c in sorted(found.weeks.items())],
    }


@push_router.get("/key", response=PushKeyOut, summary="The key a browser subscribes with")
def push_key(request: HttpRequest) -> dict[str, str]:
    from backcare.reminders.push import vapid_key

    return {"public_key": vapid_key().public_key}


@push_router.post(
    "/subscriptions",
    response={201: dict[str, str], 200: dict[str, str], 422: ErrorOut},
    summary="Receive reminders by Web Push in this browser",
)
def subscribe(request: HttpRequest, payload: SubscriptionIn) -> Any:
    from backcare.reminders.push import endpoint_problem

    if problem := endpoint_problem(payload.endpoint):
        return Status(
            422,
            {"detail": [{"loc": ["body", "endpoint"], "msg": problem, "type": "value_error"}]},
        )
    user = request_user(request)
    try:
        with transaction.atomic():
            # An endpoint belongs to one browser: if another account had it, it moves here.
            PushSubscription.objects.filter(endpoint=payload.endpoint).exclude(user=user).delete()
            _, created = PushSubscription.objects.update_or_create(
                endpoint=payload.endpoint,
                defaults={"user": user, "p256dh": payload.keys.p256dh, "auth": payload.keys.auth},
            )
    except IntegrityError:
        created = False  # the same browser subscribed twice at once
    return Status(201 if created else 200, {"detail": "subscribed"})


@push_router.delete("/subscriptions", response={204: None}, summary="Stop Web Push here")
def unsubscribe(request: HttpRequest, endpoint: str) -> Status[None]:
    PushSubscription.objects.filter(user=request_user(request), endpoint=endpoint).delete()
    return Status(204, None)
