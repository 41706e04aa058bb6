from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
import vobject
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from backcare.accounts.models import User
from backcare.accounts.services import local_owner
from backcare.library.models import Routine
from backcare.reminders.models import ScheduleSettings
from backcare.reminders.services import day_schedule, refresh_subscription, settings_for
from tests.helpers import screened

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures" / "calendars"
BACKCARE = [sys.executable, "-m", "backcare"]

SETTINGS = {
    "action": "settings",
    "tz": "Europe/Copenhagen",
    "micro_interval_min": "45",
    "walk_every_min": "180",
    "walk_minutes": "15",
    "lunch_start": "12:00",
    "lunch_end": "12:30",
    "warning_s": "60",
    "skip_limit": "3",
    "hours_0": "09:00-12:00, 13:00-17:00",
    "hours_1": "09:00-17:00",
    "hours_2": "09:00-17:00",
    "hours_3": "09:00-17:00",
    "hours_4": "09:00-15:00",
    "hours_5": "",
    "hours_6": "",
}


def test_schedule_settings_are_saved(alice_client: Client, alice: User) -> None:
    r = alice_client.post("/settings/schedule/", SETTINGS)
    assert r.status_code == 302
    s = ScheduleSettings.objects.get(user=alice)
    assert s.working_hours["0"] == [["09:00", "12:00"], ["13:00", "17:00"]]
    assert "5" not in s.working_hours
    assert s.tz == "Europe/Copenhagen"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("hours_0", "09:00-12:00, 11:00-14:00", "09:00-12:00 and 11:00-14:00 overlap"),
        ("hours_1", "17:00-09:00", "17:00-09:00 ends before it starts"),
        ("hours_2", "nine to five", "is not a range like 09:00-17:00"),
        ("tz", "Mars/Olympus", "Unknown time zone"),
        ("micro_interval_min", "5", "Choose a number from 20 to 120."),
    ],
)
def test_bad_settings_are_refused_with_a_message(
    alice_client: Client, alice: User, field: str, value: str, message: str
) -> None:
    r = alice_client.post("/settings/schedule/", {**SETTINGS, field: value})
    assert r.status_code == 400
    assert message in r.content.decode().replace("&#x27;", "'")
    assert not ScheduleSettings.objects.filter(user=alice, tz="Europe/Copenhagen").exists()


def upload(client: Client, name: str, data: bytes) -> object:
    return client.post(
        "/settings/schedule/",
        {"action": "upload", "file": SimpleUploadedFile(name, data, "text/calendar")},
    )


def test_a_calendar_upload_is_checked_before_it_is_kept(alice_client: Client, alice: User) -> None:
    r = upload(alice_client, "notes.ics", b"Subject,Start\nMeeting,today\n")
    assert r.status_code == 400  # type: ignore[attr-defined]
    assert "This calendar was not saved" in r.content.decode()  # type: ignore[attr-defined]
    assert settings_for(alice).calendar_ics == ""
    r = upload(alice_client, "google.ics", (FIXTURES / "google.ics").read_bytes())
    assert r.status_code == 302  # type: ignore[attr-defined]
    assert settings_for(alice).calendar_name == "Work"


def test_breaks_move_around_uploaded_meetings(alice_client: Client, alice: User) -> None:
    alice_client.post("/settings/schedule/", SETTINGS)
    upload(alice_client, "outlook.ics", (FIXTURES / "outlook.ics").read_bytes())
    tuesday = date(2026, 10, 20)  # weekly planning 14:00-15:00
    breaks = day_schedule(alice, tuesday).breaks
    assert breaks
    for b in breaks:
        local = b.start.astimezone(timezone.get_default_timezone())
        assert not (
            datetime(2026, 10, 20, 12, 0, tzinfo=local.tzinfo) < b.end.astimezone(local.tzinfo)
            and b.start.astimezone(local.tzinfo)
            < datetime(2026, 10, 20, 13, 0, tzinfo=local.tzinfo)
        )
    # Out of office on Friday: no free gap, the breaks are dropped with a note.
    friday = day_schedule(alice, date(2026, 10, 23))
    assert friday.breaks == () and friday.dropped


def test_in_a_meeting_holds_breaks(alice_client: Client, alice: User) -> None:
    alice_client.post(
        "/settings/schedule/",
        {**SETTINGS, "tz": "UTC", "hours_" + str(timezone.localdate().weekday()): "00:00-23:59"},
    )
    before = len(day_schedule(alice, timezone.localdate()).breaks)
    alice_client.post("/settings/schedule/", {"action": "meeting", "minutes": "120"})
    s = settings_for(alice)
    assert s.in_meeting_until is not None
    after = day_schedule(alice, timezone.localdate())
    assert all(b.start >= s.in_meeting_until for b in after.breaks)
    assert len(after.breaks) <= before


def test_an_unreachable_subscription_keeps_the_last_good_calendar(alice: User) -> None:
    s = settings_for(alice)
    s.calendar_ics = (FIXTURES / "google.ics").read_text()
    s.calendar_url = "http://127.0.0.1:9/calendar.ics"
    s.save()
    assert refresh_subscription(s, timeout_s=2) is False
    s.refresh_from_db()
    assert "refused" in s.calendar_error.lower()
    assert "Team stand-up" in s.calendar_ics


def test_urgent_answers_pause_reminders(alice: User, routines: list[Routine]) -> None:
    screened(alice)
    monday = timezone.localdate() + timedelta(days=(7 - timezone.localdate().weekday()) % 7)
    assert day_schedule(alice, monday).breaks
    screened(alice, tier="urgent")
    assert day_schedule(alice, monday).breaks == ()


# ---- the feed ----------------------------------------------------------------------------


def test_the_feed_is_valid_icalendar_with_an_alarm_on_each_break(
    client: Client, alice: User
) -> None:
    s = settings_for(alice)
    s.working_hours = {str(d): [["00:00", "23:59"]] for d in range(7)}
    s.save()
    r = client.get(f"/calendar/{s.feed_token}.ics")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/calendar")
    # Two independent parsers agree on what is in it.
    events = [c for c in icalendar.Calendar.from_ical(r.content).walk("VEVENT")]
    parsed = vobject.readOne(r.content.decode())
    assert len(events) == len(parsed.vevent_list) > 0
    for event in events:
        assert event.walk("VALARM")
        assert event["DTEND"].dt > event["DTSTART"].dt
    assert all(e.valarm.trigger.value == timedelta(seconds=-60) for e in parsed.vevent_list)


def test_the_feed_follows_every_change_at_once_though_it_is_cached(
    alice_client: Client, client: Client, alice: User
) -> None:
    s = settings_for(alice)
    s.working_hours = {str(d): [["00:00", "23:59"]] for d in range(7)}
    s.save()
    url = f"/calendar/{s.feed_token}.ics"
    first = client.get(url).content
    assert client.get(url).content == first  # served from the cache
    # Shorter days on the Schedule page: the next fetch has fewer breaks.
    form = {
        "action": "settings",
        "tz": "UTC",
        "micro_interval_min": "45",
        "walk_every_min": "180",
        "walk_minutes": "15",
        "warning_s": "60",
        "skip_limit": "3",
        **{f"hours_{d}": "09:00-10:00" for d in range(7)},
    }
    assert alice_client.post("/settings/schedule/", form).status_code == 302
    after = client.get(url).content
    count = lambda body: body.count(b"BEGIN:VEVENT")  # noqa: E731
    assert 0 < count(after) < count(first)


def test_a_new_feed_address_revokes_the_old_one(
    alice_client: Client, client: Client, alice: User
) -> None:
    old = settings_for(alice).feed_token
    alice_client.post("/settings/schedule/", {"action": "new-feed"})
    new = settings_for(alice).feed_token
    assert new != old
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200
    assert client.get("/calendar/guess.ics").status_code == 404


def test_the_settings_page_is_private(client: Client, bob_client: Client, alice: User) -> None:
    alice_token = settings_for(alice).feed_token
    assert client.get("/settings/schedule/")["Location"].startswith("/locked/")
    assert alice_token not in bob_client.get("/settings/schedule/").content.decode()


# ---- the CLI -------------------------------------------------------------------------------


def test_schedule_json_lists_the_days_breaks(cli_env: dict[str, str]) -> None:
    owner = local_owner()
    s = settings_for(owner)
    s.tz = "Europe/Copenhagen"
    s.save()
    r = subprocess.run(
        [*BACKCARE, "schedule", "--date", "2026-10-20", "--json"],
        env=cli_env,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0, r.stderr
    breaks = json.loads(r.stdout)
    assert breaks
    for b in breaks:
        assert set(b) >= {"start", "end", "kind", "routine"}
        assert b["start"].endswith("+02:00")  # Copenhagen summer time, with offset
        assert datetime.fromisoformat(b["end"]) > datetime.fromisoformat(b["start"])
    bad = subprocess.run(
        [*BACKCARE, "schedule", "--date", "20/10"], env=cli_env, capture_output=True, text=True
    )
    assert bad.returncode == 2 and "is not a date" in bad.stderr


def test_calendar_url_prints_the_feed_address(cli_env: dict[str, str]) -> None:
    r = subprocess.run(
        [*BACKCARE, "calendar-url", "--base-url", "http://127.0.0.1:9999"],
        env=cli_env,
        capture_output=True,
        text=True,
    )
    assert r.returncode == 0
    assert (
        r.stdout.strip()
        == f"http://127.0.0.1:9999/calendar/{settings_for(local_owner()).feed_token}.ics"
    )


# ---- API -------------------------------------------------------------------------------------


def test_the_schedule_api_gives_a_days_breaks(
    alice_client: Client, client: Client, alice: User
) -> None:
    r = alice_client.get("/api/v1/schedule", {"date": "2026-10-20"})
    assert r.status_code == 200
    data = r.json()
    assert data["date"] == "2026-10-20" and data["breaks"]
    assert {"start", "end", "kind", "routine", "moved_from"} <= set(data["breaks"][0])
    assert alice_client.get("/api/v1/schedule", {"date": "20/10"}).status_code == 422
    assert client.get("/api/v1/schedule").status_code == 401


def test_the_settings_api_uses_the_same_checks_as_the_page(
    alice_client: Client, alice: User
) -> None:
    current = alice_client.get("/api/v1/schedule/settings").json()
    assert current["working_hours"]["0"] == "09:00-17:00"
    changed = {
        **current,
        "tz": "Europe/Copenhagen",
        "working_hours": {"0": "08:00-12:00, 13:00-16:00"},
    }
    r = alice_client.put(
        "/api/v1/schedule/settings", json.dumps(changed), content_type="application/json"
    )
    assert r.status_code == 200, r.content
    assert settings_for(alice).working_hours == {"0": [["08:00", "12:00"], ["13:00", "16:00"]]}
    bad = {**changed, "working_hours": {"1": "10:00-09:00"}}
    r = alice_client.put(
        "/api/v1/schedule/settings", json.dumps(bad), content_type="application/json"
    )
    assert r.status_code == 422
    assert r.json()["detail"][0]["msg"] == "10:00-09:00 ends before it starts"
    assert settings_for(alice).working_hours["0"] == [["08:00", "12:00"], ["13:00", "16:00"]]
