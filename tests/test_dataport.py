"""Export, import and delete everything: nothing lost, nothing half-written, nothing left."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import zipfile
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import models
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcare import dataport
from backcare.accounts.models import ApiToken, User
from backcare.library.models import Routine
from backcare.plans.models import Assessment, PlanChange, PlanState, WeekPlanRecord
from backcare.reminders.models import PushSubscription, Reminder
from backcare.reminders.services import settings_for
from backcare.safety.models import SafetyScreen
from tests.helpers import make_session, make_user, signed_in
from tests.test_checkins import fill

T0 = datetime(2026, 10, 5, 9, 30, 15, 123456, tzinfo=UTC)


def rich(user: User) -> None:
    """A person with some of every kind of record, microseconds and unicode included."""
    user.language = "da"
    user.first_name = "Åse"
    user.save()
    SafetyScreen.objects.create(
        user=user,
        tier="soon",
        answers={"night_pain": True},
        reasons=["night_pain"],
        age=52,
        duration_weeks=3.5,
        first_episode=False,
        created_at=T0,
        clinician_seen_at=T0 + timedelta(days=2),
    )
    Assessment.objects.create(
        user=user, answers={"pain": 5, "walk": "15"}, step=6, created_at=T0, completed_at=T0
    )
    PlanState.objects.create(
        user=user,
        level=1,
        started_on=T0.date(),
        baseline_pain=5,
        last_change_on=T0.date() + timedelta(days=7),
        paused_routines=["cat-cow"],
        see_clinician=False,
    )
    PlanChange.objects.create(
        user=user, created_at=T0, from_level=0, to_level=1, whys=[{"code": "x"}]
    )
    WeekPlanRecord.objects.create(
        user=user,
        week_start=date(2026, 10, 5),
        level=1,
        walking_target_min=60,
        data={"slots": [], "lessons": ["why"]},
        created_at=T0,
    )
    routine = Routine.objects.get(slug="desk-reset")
    session = make_session(user, routine, started_at=T0, ended_at=T0 + timedelta(minutes=5))
    make_session(user, routine, started_at=T0 + timedelta(days=1), feeling="", pain=None)
    fill(user, 9)
    s = settings_for(user)
    s.tz = "Europe/Copenhagen"
    s.working_hours = {"0": [["08:00", "12:00"], ["13:00", "16:30"]]}
    s.lunch_start = time(12, 0)
    s.calendar_ics = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
    s.calendar_name = "Arbejde \u2013 møder"
    s.skip_limit = 2
    s.save()
    Reminder.objects.create(
        user=user,
        day=T0.date(),
        ideal_at=T0,
        kind="micro",
        routine="desk-reset",
        due_at=T0,
        ends_at=T0 + timedelta(minutes=5),
        state="taken",
        session=session,
        acted_at=T0,
    )
    Reminder.objects.create(
        user=user,
        day=T0.date(),
        ideal_at=T0 + timedelta(hours=1),
        kind="walk",
        due_at=T0,
        ends_at=T0 + timedelta(minutes=15),
        state="missed",
        snoozes=2,
    )


def records(data: bytes) -> dict[str, Any]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return dict(json.loads(z.read("export.json"))["records"])


def counts(user: User) -> dict[str, int]:
    return {
        kind.name: kind.model.objects.filter(user=user).count()  # type: ignore[attr-defined]
        for kind in dataport.KINDS
    }


@pytest.fixture
def ada(routines: list[Routine]) -> User:
    user = make_user("ada")
    rich(user)
    return user


def test_export_import_export_gives_the_same_records(ada: User) -> None:
    first = dataport.export_zip(ada)
    newcomer = make_user("newcomer")
    signed_in(newcomer).get("/api/v1/reminders")  # a used account has automatic records
    imported = dataport.import_zip(newcomer, first)
    assert imported["checkins"] == 9 and imported["reminders"] == 2
    again = dataport.export_zip(newcomer)
    assert records(again) == records(first)
    assert records(first)["sessions"][0]["started_at"] == "2026-10-05T09:30:15.123456+00:00"
    linked = Reminder.objects.get(user=newcomer, state="taken")
    assert linked.session is not None and linked.session.user == newcomer


def test_the_zip_holds_json_with_a_version_and_a_csv_per_kind(ada: User) -> None:
    with zipfile.ZipFile(io.BytesIO(dataport.export_zip(ada))) as z:
        document = json.loads(z.read("export.json"))
        assert (document["format"], document["version"]) == ("backcare-export", 1)
        for kind in dataport.KINDS:
            rows = list(csv.reader(io.StringIO(z.read(f"{kind.name}.csv").decode())))
            assert tuple(rows[0]) == kind.fields
            assert len(rows) - 1 == len(document["records"][kind.name])


def corrupt(export: bytes) -> list[tuple[bytes, str]]:
    def rezip(document: Any) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as z:
            z.writestr("export.json", json.dumps(document))
        return buffer.getvalue()

    with zipfile.ZipFile(io.BytesIO(export)) as z:
        document = json.loads(z.read("export.json"))
    newer = {**document, "version": 2}
    foreign = {"format": "something-else", "version": 1, "records": {}}
    bad_record = json.loads(json.dumps(document))
    bad_record["records"]["checkins"][-1]["pain_now"] = 11
    bad_late = json.loads(json.dumps(document))
    bad_late["records"]["reminders"][-1]["state"] = "lost"
    no_json = io.BytesIO()
    with zipfile.ZipFile(no_json, "w") as z:
        z.writestr("notes.txt", "hello")
    return [
        (b"just some text", "not a zip file"),
        (export[: len(export) // 2], "not a zip file, or it was cut short"),
        (no_json.getvalue(), "has no export.json"),
        (rezip(foreign), "not made by backcare"),
        (rezip(newer), "newer backcare (format version 2)"),
        (rezip(bad_record), "checkins record 9: pain_now"),
        (rezip(bad_late), "reminders record 2: state"),
    ]


def test_broken_files_are_refused_and_nothing_is_written(ada: User) -> None:
    export = dataport.export_zip(ada)
    empty = make_user("empty")
    for data, message in corrupt(export):
        with pytest.raises(
            dataport.ImportError_, match=message.replace("(", r"\(").replace(")", r"\)")
        ):
            dataport.import_zip(empty, data)
        assert sum(counts(empty).values()) == 0, message
        empty.refresh_from_db()
        assert empty.language == "" and empty.first_name == ""


def test_an_account_with_records_is_not_imported_into(ada: User) -> None:
    with pytest.raises(dataport.ImportError_, match="already has health records"):
        dataport.import_zip(ada, dataport.export_zip(ada))


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    kind=st.sampled_from([k.name for k in dataport.KINDS if k.name != "plan_state"]),
    value=st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-5, 10**6),
        st.text(max_size=30),
        st.lists(st.integers(), max_size=2),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    ),
    data=st.data(),
)
def test_any_wrong_value_is_refused_cleanly_or_imported_whole(
    ada: User, kind: str, value: Any, data: st.DataObject
) -> None:
    document_zip = dataport.export_zip(ada)
    with zipfile.ZipFile(io.BytesIO(document_zip)) as z:
        document = json.loads(z.read("export.json"))
    rows = document["records"][kind]
    if not rows:
        return
    field = data.draw(st.sampled_from(sorted(rows[0])))
    rows[0][field] = value
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("export.json", json.dumps(document))
    target = User.objects.create_user(
        username=f"t{User.objects.count()}", email=f"t{User.objects.count()}@x.org"
    )
    try:
        dataport.import_zip(target, buffer.getvalue())
    except dataport.ImportError_:
        assert sum(counts(target).values()) == 0
    else:
        assert counts(target) == counts(ada)


def test_export_and_import_at_the_terminal(cli_env: dict[str, str], tmp_path: Path) -> None:
    rich(make_user("cli"))
    make_user("fresh")
    target = tmp_path / "out.zip"
    run = [sys.executable, "-m", "backcare"]
    done = subprocess.run(
        [*run, "export", "--user", "cli@example.org", "--output", str(target)],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    back = subprocess.run(
        [*run, "import", str(target), "--user", "fresh@example.org"],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert back.returncode == 0, back.stderr
    assert "Imported" in back.stdout
    target.write_bytes(target.read_bytes()[:100])
    broken = subprocess.run(
        [*run, "import", str(target), "--user", "fresh@example.org"],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert broken.returncode == 2 and "nothing was imported" in broken.stderr


def test_download_and_upload_from_the_page(ada: User) -> None:
    download = signed_in(ada).get("/settings/data/export.zip")
    assert download["Content-Type"] == "application/zip"
    data = b"".join(download.streaming_content) if download.streaming else download.content
    newcomer = make_user("page")
    client = signed_in(newcomer)
    broken = io.BytesIO(b"not a zip")
    broken.name = "x.zip"
    refused = client.post("/settings/data/", {"action": "import", "file": broken})
    assert refused.status_code == 400 and "Nothing was imported" in refused.content.decode()
    good = io.BytesIO(data)
    good.name = "export.zip"
    answer = client.post("/settings/data/", {"action": "import", "file": good})
    assert answer.status_code == 302
    newcomer.refresh_from_db()
    assert records(dataport.export_zip(newcomer)) == records(data)
    # Someone else's download is their own.
    other = signed_in(make_user("zed")).get("/settings/data/export.zip")
    assert records(other.content)["checkins"] == []
    assert Client().get("/settings/data/export.zip").status_code == 302


def person_rows(user_id: int, email: str) -> list[str]:
    """Every row anywhere that points at the person or holds their email."""
    found = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if getattr(field, "concrete", False) is not True:
                continue
            if isinstance(field, models.ForeignKey) and field.related_model is User:
                if model._default_manager.filter(**{field.name: user_id}).exists():
                    found.append(f"{model.__name__}.{field.name}")
            elif isinstance(field, models.CharField | models.TextField | models.JSONField):
                lookup = f"{field.name}__icontains"
                if isinstance(field, models.JSONField):
                    continue
                if model._default_manager.filter(**{lookup: email}).exists():
                    found.append(f"{model.__name__}.{field.name}")
    return found


def test_delete_everything_leaves_no_row_of_the_person(ada: User) -> None:
    ApiToken.issue(ada, "laptop")
    PushSubscription.objects.create(
        user=ada, endpoint="https://push.example/1", p256dh="k", auth="a"
    )
    client = signed_in(ada)
    assert client.get("/progress/").status_code == 200
    assert person_rows(ada.pk, ada.email)
    wrong = client.post("/settings/data/", {"action": "delete", "confirm": "someone@else.org"})
    assert wrong.status_code == 400 and User.objects.filter(pk=ada.pk).exists()
    done = client.post("/settings/data/", {"action": "delete", "confirm": "ADA@example.org"})
    assert done.status_code == 200 and "<h1 data-deleted>" in done.content.decode()
    assert person_rows(ada.pk, ada.email) == []
    assert not User.objects.filter(pk=ada.pk).exists()
    assert all(s.get_decoded().get("_auth_user_id") != str(ada.pk) for s in Session.objects.all())
    assert client.get("/progress/").status_code == 302  # signed out
