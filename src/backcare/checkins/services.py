"""Saving a day's check-in: checked in full, written in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backcare.accounts.models import User
from backcare.checkins.models import LEG_ORDER, CheckIn, LegReach, SleepQuality

# Today and the six days before it can be filled in or changed.
EDITABLE_DAYS = 7
NOTE_MAX = 1000


class CheckInError(ValueError):
    """Bad input; FIELD names what was wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True)
class CheckInInput:
    pain_now: int
    pain_worst: int
    leg: str
    sleep_hours: Decimal
    sleep_quality: int
    stress: int
    active_minutes: int
    note: str = ""
    new_symptoms: bool = False


def editable_days(today: date) -> list[date]:
    return [today - timedelta(days=n) for n in range(EDITABLE_DAYS)]


def problems(data: CheckInInput) -> list[tuple[str, str]]:
    """Every problem with DATA, as (field, message); empty when it can be saved."""
    found = []
    for name in ("pain_now", "pain_worst", "stress"):
        if not 0 <= getattr(data, name) <= 10:
            found.append((name, _("Must be a whole number from 0 to 10.")))
    if 0 <= data.pain_now <= 10 and 0 <= data.pain_worst <= 10 and data.pain_worst < data.pain_now:
        found.append(("pain_worst", _("The worst pain today cannot be lower than the pain now.")))
    if data.leg not in LEG_ORDER:
        found.append(("leg", _("Choose one of the listed answers.")))
    if not Decimal(0) <= data.sleep_hours <= Decimal(24):
        found.append(("sleep_hours", _("Must be between 0 and 24 hours.")))
    if data.sleep_quality not in SleepQuality.values:
        found.append(("sleep_quality", _("Choose from 1 (very poor) to 5 (very good).")))
    if not 0 <= data.active_minutes <= 1440:
        found.append(("active_minutes", _("Must be between 0 and 1440 minutes.")))
    if len(data.note) > NOTE_MAX:
        found.append(("note", _("Keep the note under %(n)s characters.") % {"n": NOTE_MAX}))
    return found


def spreading(user: User, day: date, leg: str) -> bool:
    """Leg symptoms reach further down than at the last check-in before DAY."""
    before = CheckIn.objects.filter(user=user, day__lt=day).order_by("-day").first()
    if before is None or leg not in LEG_ORDER:
        return False
    return LEG_ORDER.index(leg) > LEG_ORDER.index(before.leg)


def save_checkin(
    user: User, day: date, data: CheckInInput, now: datetime | None = None
) -> tuple[CheckIn, bool]:
    """Store DAY's check-in (a second save the same day changes it); returns (it, created).

    New symptoms, or leg symptoms reaching further than the day before, mark
    the time: the safety questions must be answered again before exercise.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    if day not in editable_days(today):
        raise CheckInError(
            "day", _("Only today and the six days before it can be filled in or changed.")
        )
    if found := problems(data):
        field, message = found[0]
        raise CheckInError(field, message)
    new_symptoms = data.new_symptoms or spreading(user, day, data.leg)
    fields: dict[str, Any] = {
        "pain_now": data.pain_now,
        "pain_worst": data.pain_worst,
        "leg": data.leg,
        "sleep_hours": data.sleep_hours,
        "sleep_quality": data.sleep_quality,
        "stress": data.stress,
        "active_minutes": data.active_minutes,
        "note": data.note.strip(),
        "new_symptoms": new_symptoms,
    }
    with transaction.atomic():
        existing = CheckIn.objects.select_for_update().filter(user=user, day=day).first()
        if existing is None:
            checkin = CheckIn.objects.create(
                user=user, day=day, symptoms_at=now if new_symptoms else None, **fields
            )
            created = True
        else:
            for name, value in fields.items():
                setattr(existing, name, value)
            if new_symptoms and existing.symptoms_at is None:
                existing.symptoms_at = now
            existing.save()
            checkin, created = existing, False
    from backcare.plans.services import adapt_after_session

    adapt_after_session(user)
    return checkin, created


def as_input(checkin: CheckIn) -> CheckInInput:
    return CheckInInput(
        pain_now=checkin.pain_now,
        pain_worst=checkin.pain_worst,
        leg=checkin.leg,
        sleep_hours=checkin.sleep_hours,
        sleep_quality=checkin.sleep_quality,
        stress=checkin.stress,
        active_minutes=checkin.active_minutes,
        note=checkin.note,
        new_symptoms=checkin.new_symptoms,
    )


LEG_LABELS = dict(LegReach.choices)
