"""Everything of one person's, out as a zip and back in; and deleting it all.

The zip holds ``export.json`` (what import reads: a format name, a version and
every record, without database ids) and one CSV per kind of record (for a
spreadsheet). Records refer to each other by natural keys: a session names its
routine by slug, a reminder its session by the session's idempotency key.

Import goes only into an account with no health records, checks the whole
file first, and writes it in one transaction: a corrupt, truncated, foreign
or newer file, or any bad record, writes nothing. Exporting, importing and
exporting again gives the same records.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from backcare import __version__
from backcare.accounts.models import User
from backcare.checkins.models import CheckIn
from backcare.library.models import Routine
from backcare.plans.models import Assessment, PlanChange, PlanState, WeekPlanRecord
from backcare.practice.models import PracticeSession
from backcare.reminders.models import Reminder, ScheduleSettings
from backcare.safety.models import SafetyScreen
from backcare.teams import activity

FORMAT = "backcare-export"
VERSION = 1
MAX_JSON_BYTES = 200 * 1024 * 1024


class ImportError_(ValueError):
    """The file cannot be imported; the message says why, for the person."""


@dataclass(frozen=True)
class Kind:
    name: str
    model: type[models.Model]
    fields: tuple[str, ...]
    # Sort key, so two exports of the same data list records in the same order.
    order: tuple[str, ...]


KINDS = (
    Kind(
        "safety_screens",
        SafetyScreen,
        (
            "tier",
            "answers",
            "reasons",
            "age",
            "duration_weeks",
            "first_episode",
            "created_at",
            "clinician_seen_at",
        ),
        ("created_at",),
    ),
    Kind(
        "assessments",
        Assessment,
        ("answers", "step", "created_at", "completed_at"),
        ("created_at",),
    ),
    Kind(
        "plan_state",
        PlanState,
        (
            "level",
            "started_on",
            "baseline_pain",
            "last_change_on",
            "paused_routines",
            "see_clinician",
        ),
        ("started_on",),
    ),
    Kind(
        "plan_changes",
        PlanChange,
        ("created_at", "from_level", "to_level", "whys"),
        ("created_at",),
    ),
    Kind(
        "week_plans",
        WeekPlanRecord,
        ("week_start", "level", "walking_target_min", "data", "created_at"),
        ("week_start",),
    ),
    Kind(
        "sessions",
        PracticeSession,
        (
            "idempotency_key",
            "routine",
            "source",
            "started_at",
            "ended_at",
            "active_s",
            "steps_completed",
            "steps_total",
            "completed",
            "feeling",
            "pain",
            "new_symptoms",
            "created_at",
        ),
        ("started_at", "idempotency_key"),
    ),
    Kind(
        "checkins",
        CheckIn,
        (
            "day",
            "pain_now",
            "pain_worst",
            "leg",
            "sleep_hours",
            "sleep_quality",
            "stress",
            "active_minutes",
            "note",
            "new_symptoms",
            "symptoms_at",
            "created_at",
        ),
        ("day",),
    ),
    Kind(
        "schedule_settings",
        ScheduleSettings,
        (
            "tz",
            "working_hours",
            "micro_interval_min",
            "walk_every_min",
            "walk_minutes",
            "lunch_start",
            "lunch_end",
            "days_off",
            "dnd_until",
            "in_meeting_until",
            "warning_s",
            "skip_limit",
            "calendar_ics",
            "calendar_name",
            "calendar_url",
            "calendar_refreshed_at",
            "calendar_error",
        ),
        ("tz",),
    ),
    Kind(
        "reminders",
        Reminder,
        (
            "day",
            "ideal_at",
            "kind",
            "routine",
            "due_at",
            "ends_at",
            "state",
            "snoozes",
            "sent_at",
            "desktop_at",
            "acted_at",
            "session",
        ),
        ("ideal_at", "kind"),
    ),
)
PROFILE_FIELDS = ("first_name", "last_name", "language")


# ---- out ---------------------------------------------------------------------------------


def plain(value: Any) -> Any:
    """VALUE as JSON, losing nothing: full-precision times, exact decimals."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):  # also time, via isoformat below
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, UUID):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def rows_of(user: User, kind: Kind) -> list[dict[str, Any]]:
    found = kind.model.objects.filter(user=user)  # type: ignore[attr-defined]
    rows = []
    for record in found:
        row: dict[str, Any] = {}
        for name in kind.fields:
            if kind.name == "sessions" and name == "routine":
                row[name] = record.routine.slug
            elif kind.name == "reminders" and name == "session":
                row[name] = str(record.session.idempotency_key) if record.session else None
            else:
                row[name] = plain(getattr(record, name))
        rows.append(row)
    rows.sort(key=lambda r: tuple(str(r[k]) for k in kind.order))
    return rows


def export_records(user: User) -> dict[str, Any]:
    return {
        "profile": {name: getattr(user, name) for name in PROFILE_FIELDS},
        **{kind.name: rows_of(user, kind) for kind in KINDS},
    }


def export_zip(user: User) -> bytes:
    records = export_records(user)
    document = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
        "backcare": __version__,
        "records": records,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("export.json", json.dumps(document, indent=1, ensure_ascii=False))
        for kind in KINDS:
            archive.writestr(f"{kind.name}.csv", to_csv(kind.fields, records[kind.name]))
        archive.writestr(
            "README.txt",
            "Your backcare data. export.json holds every record and is what "
            "`backcare import` and the import page read; each CSV file holds one kind of "
            "record for a spreadsheet (nested values as JSON).\n",
        )
    return buffer.getvalue()


def to_csv(fields: tuple[str, ...], rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(fields)
    for row in rows:
        writer.writerow(
            [json.dumps(row[f]) if isinstance(row[f], dict | list) else row[f] for f in fields]
        )
    return out.getvalue()


# ---- in --------------------------------------------------------------------------------------


def read_document(data: bytes) -> dict[str, Any]:
    """The export document in DATA, or ImportError_ saying what is wrong with the file."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ImportError_(
            "This is not a backcare export: it is not a zip file, or it was cut short."
        ) from None
    with archive:
        try:
            info = archive.getinfo("export.json")
        except KeyError:
            raise ImportError_(
                "This zip is not a backcare export: it has no export.json."
            ) from None
        if info.file_size > MAX_JSON_BYTES:
            raise ImportError_("export.json is too large to be a backcare export.")
        try:
            raw = archive.read(info)
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            raise ImportError_(f"The zip is damaged: {exc}.") from None
    try:
        document = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportError_(f"export.json is not valid JSON ({exc}).") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportError_("This file was not made by backcare's export.")
    version = document.get("version")
    if not isinstance(version, int):
        raise ImportError_("export.json has no format version.")
    if version > VERSION:
        raise ImportError_(
            f"This export was made by a newer backcare (format version {version}); this one "
            f"reads version {VERSION}. Update backcare, then import again."
        )
    if version < 1:
        raise ImportError_(f"Unknown format version {version}.")
    if not isinstance(document.get("records"), dict):
        raise ImportError_("export.json has no records.")
    return document


# Made by themselves for every account (default settings, the day's reminders),
# so they do not make an account "not empty"; an import replaces them.
AUTOMATIC = (ScheduleSettings, Reminder)


def has_health_records(user: User) -> bool:
    return any(
        kind.model.objects.filter(user=user).exists()  # type: ignore[attr-defined]
        for kind in KINDS
        if kind.model not in AUTOMATIC
    )


def build(kind: Kind, row: object, where: str, user: User, extra: dict[str, Any]) -> models.Model:
    if not isinstance(row, dict):
        raise ImportError_(f"{where}: a record must be an object.")
    unknown = sorted(set(row) - set(kind.fields))
    missing = sorted(set(kind.fields) - set(row))
    if unknown:
        raise ImportError_(f"{where}: unknown field {unknown[0]!r}.")
    if missing:
        raise ImportError_(f"{where}: missing field {missing[0]!r}.")
    values: dict[str, Any] = {}
    for name, value in row.items():
        if name in extra:
            continue
        field = kind.model._meta.get_field(name)
        try:
            values[name] = field.to_python(value)  # type: ignore[union-attr]
        except ValidationError as exc:
            raise ImportError_(f"{where}: {name}: {' '.join(exc.messages)}") from None
        except (TypeError, ValueError, ArithmeticError):
            raise ImportError_(f"{where}: {name}: {value!r} is not a valid value.") from None
    record = kind.model(user=user, **values, **extra)
    try:
        record.full_clean(validate_unique=False, validate_constraints=True)
    except ValidationError as exc:
        problems = "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()
        )
        raise ImportError_(f"{where}: {problems}") from None
    return record


def import_zip(user: User, data: bytes) -> dict[str, int]:
    """Restore an export into USER's empty account; returns how many records of each kind."""
    document = read_document(data)
    records = document["records"]
    if has_health_records(user):
        raise ImportError_(
            "This account already has health records. Import only into a new, empty account "
            "(or delete everything first)."
        )
    unknown = sorted(set(records) - {"profile", *(k.name for k in KINDS)})
    if unknown:
        raise ImportError_(f"export.json has an unknown kind of record: {unknown[0]!r}.")
    counts: dict[str, int] = {}
    with transaction.atomic():
        profile = records.get("profile", {})
        if not isinstance(profile, dict) or set(profile) - set(PROFILE_FIELDS):
            raise ImportError_("profile: unexpected fields.")
        for name in PROFILE_FIELDS:
            if name in profile:
                setattr(user, name, str(profile[name] or ""))
        try:
            user.full_clean(exclude=["password", "username", "email"])
        except ValidationError as exc:
            raise ImportError_(f"profile: {exc.messages[0]}") from None
        user.save(update_fields=list(PROFILE_FIELDS))
        sessions_by_key: dict[str, PracticeSession] = {}
        routines = {r.slug: r for r in Routine.objects.all()}
        for kind in KINDS:
            rows = records.get(kind.name, [])
            if not isinstance(rows, list):
                raise ImportError_(f"{kind.name}: must be a list of records.")
            if kind.model in (PlanState, ScheduleSettings) and len(rows) > 1:
                raise ImportError_(f"{kind.name}: there can be only one.")
            built = []
            for n, row in enumerate(rows, start=1):
                where = f"{kind.name} record {n}"
                extra: dict[str, Any] = {}
                if kind.name == "sessions" and isinstance(row, dict):
                    routine = routines.get(str(row.get("routine")))
                    if routine is None:
                        raise ImportError_(f"{where}: no routine called {row.get('routine')!r}.")
                    extra["routine"] = routine
                if kind.name == "reminders" and isinstance(row, dict):
                    key = row.get("session")
                    if key is not None and str(key) not in sessions_by_key:
                        raise ImportError_(f"{where}: session {key!r} is not in the file.")
                    extra["session"] = sessions_by_key.get(str(key)) if key else None
                built.append(build(kind, row, where, user, extra))
            if kind.model in AUTOMATIC and (built or kind.model is Reminder):
                kind.model.objects.filter(user=user).delete()
            try:
                with transaction.atomic():
                    saved = kind.model.objects.bulk_create(built)  # type: ignore[attr-defined]
            except IntegrityError as exc:  # a uniqueness clash inside the file
                raise ImportError_(f"{kind.name}: records clash with each other ({exc}).") from None
            if kind.name == "sessions":
                sessions_by_key = {str(s.idempotency_key): s for s in saved}
            counts[kind.name] = len(saved)
        # Imported routines and breaks count in the workplace figures too.
        activity.rebuild([user.pk])
    return counts


# ---- delete ----------------------------------------------------------------------------------


def delete_everything(user: User) -> None:
    """The account and every record of it; the person's signed-in sessions end too."""
    from django.contrib.sessions.models import Session

    with transaction.atomic():
        user_id = str(user.pk)
        for session in Session.objects.all().iterator():
            if session.get_decoded().get("_auth_user_id") == user_id:
                session.delete()
        user.delete()
