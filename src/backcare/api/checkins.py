"""/api/v1/checkins: the daily check-in."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from backcare.api.auth import request_user
from backcare.api.schemas import ErrorOut
from backcare.checkins.models import CheckIn, LegReach
from backcare.checkins.services import CheckInError, CheckInInput, save_checkin

checkins_router = Router(tags=["check-ins"])


class CheckInIn(Schema):
    pain_now: int = Field(ge=0, le=10)
    pain_worst: int = Field(ge=0, le=10, description="Worst pain today; not below pain_now.")
    leg: LegReach = Field(LegReach.NONE, description="How far down the leg symptoms reach.")
    sleep_hours: Decimal = Field(ge=0, le=24, max_digits=3, decimal_places=1)
    sleep_quality: int = Field(ge=1, le=5, description="1 very poor to 5 very good.")
    stress: int = Field(ge=0, le=10)
    active_minutes: int = Field(ge=0, le=1440)
    note: str = Field("", max_length=1000)
    new_symptoms: bool = Field(
        False,
        description="New leg weakness or numbness, numbness between the legs, or bladder or "
        "bowel trouble. The safety questions must then be answered again.",
    )


class CheckInOut(CheckInIn):
    day: date
    updated_at: Any


def out(c: CheckIn) -> dict[str, Any]:
    return {
        "day": c.day,
        "pain_now": c.pain_now,
        "pain_worst": c.pain_worst,
        "leg": c.leg,
        "sleep_hours": c.sleep_hours,
        "sleep_quality": c.sleep_quality,
        "stress": c.stress,
        "active_minutes": c.active_minutes,
        "note": c.note,
        "new_symptoms": c.new_symptoms,
        "updated_at": c.updated_at,
    }


@checkins_router.get("", response=list[CheckInOut], summary="Your check-ins, newest first")
def list_checkins(request: HttpRequest, days: int = 30) -> list[dict[str, Any]]:
    since = timezone.localdate() - timedelta(days=max(1, min(days, 3660)) - 1)
    found = CheckIn.objects.filter(user=request_user(request), day__gte=since)
    return [out(c) for c in found]


@checkins_router.get(
    "/{day}", response={200: CheckInOut, 404: ErrorOut}, summary="One day's check-in"
)
def get_checkin(request: HttpRequest, day: date) -> Any:
    found = CheckIn.objects.filter(user=request_user(request), day=day).first()
    if found is None:
        return Status(404, {"detail": "No check-in for that day."})
    return out(found)


@checkins_router.put(
    "/{day}",
    response={200: CheckInOut, 201: CheckInOut, 422: ErrorOut},
    summary="Check in for a day (today or the six days before); again to change it",
)
def put_checkin(request: HttpRequest, day: date, payload: CheckInIn) -> Any:
    data = CheckInInput(**{**payload.dict(), "leg": str(payload.leg.value)})
    try:
        saved, created = save_checkin(request_user(request), day, data)
    except CheckInError as exc:
        where = ["path", "day"] if exc.field == "day" else ["body", "payload", exc.field]
        return Status(422, {"detail": [{"loc": where, "msg": exc.message, "type": "value_error"}]})
    return Status(201 if created else 200, out(saved))
