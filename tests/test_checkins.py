"""The daily check-in (web, API, terminal), the progress page and the clinician report."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from backcare.accounts.models import User
from backcare.checkins.models import CheckIn
from backcare.core.progress import DayEntry, sleep_insight
from backcare.safety.services import safety_status
from tests.helpers import make_user, screened, signed_in

FORM = {
    "pain_now": "4",
    "pain_worst": "6",
    "leg": "none",
    "sleep_hours": "7.5",
    "sleep_quality": "4",
    "stress": "3",
    "active_minutes": "30",
    "note": "Long meeting day",
}


def today() -> date:
    return timezone.localdate()


def fill(user: User, days: int, sleep: list[float] | None = None, end: date | None = None) -> None:
    """DAYS check-ins ending END (today): pain 2 after a long night, 5 after a short one."""
    end = end or today()
    for n in range(days):
        hours = (sleep or [8, 5])[n % len(sleep or [8, 5])]
        CheckIn.objects.create(
            user=user,
            day=end - timedelta(days=days - 1 - n),
            pain_now=2 if hours >= 7 else 5,
            pain_worst=6,
            leg="none",
            sleep_hours=Decimal(str(hours)),
            sleep_quality=3,
            stress=4,
            active_minutes=25,
            note=f"day {n}" if n % 7 == 0 else "",
        )


@pytest.fixture
def dora(db: None) -> User:
    user = make_user("dora")
    screened(user)
    return user


# ---- the web form -----------------------------------------------------------------------


def test_a_check_in_is_saved_once_a_day_and_can_be_changed(dora: User) -> None:
    client = signed_in(dora)
    page = client.get("/checkin/").content.decode()
    assert "autofocus" in page and 'name="pain_now"' in page
    answer = client.post("/checkin/", FORM)
    assert answer.status_code == 302 and answer["Location"] == "/progress/"
    client.post("/checkin/", {**FORM, "pain_now": "2"})
    saved = CheckIn.objects.get(user=dora)
    assert (saved.day, saved.pain_now, saved.sleep_hours, saved.note) == (
        today(),
        2,
        Decimal("7.5"),
        "Long meeting day",
    )
    assert "Already filled in" in client.get("/checkin/").content.decode()


def test_bad_answers_are_refused_with_the_field_named(dora: User) -> None:
    client = signed_in(dora)
    worse = client.post("/checkin/", {**FORM, "pain_now": "7", "pain_worst": "3"})
    assert worse.status_code == 400
    assert "cannot be lower than the pain now" in worse.content.decode()
    high = client.post("/checkin/", {**FORM, "stress": "11"})
    assert high.status_code == 400 and "less than or equal to 10" in high.content.decode()
    assert not CheckIn.objects.exists()
    # The wrong answer takes the focus (not the first field), and names its message.
    page = high.content.decode()
    assert page.count(" autofocus") == 1
    assert re.search(
        r'<input type="number" name="stress"[^>]* autofocus[^>]*'
        r'aria-describedby="id_stress_error"',
        page,
    )
    assert '<span class="error" role="alert" id="id_stress_error">' in page


def test_only_the_last_seven_days_can_be_filled_in(dora: User) -> None:
    client = signed_in(dora)
    six = (today() - timedelta(days=6)).isoformat()
    seven = (today() - timedelta(days=7)).isoformat()
    assert client.post(f"/checkin/{six}/", FORM).status_code == 302
    assert client.get(f"/checkin/{seven}/").status_code == 404
    assert client.post(f"/checkin/{seven}/", FORM).status_code == 404
    assert client.get("/checkin/not-a-day/").status_code == 404
    assert list(CheckIn.objects.values_list("day", flat=True)) == [date.fromisoformat(six)]


def test_new_symptoms_ask_for_the_safety_questions_again(dora: User) -> None:
    client = signed_in(dora)
    answer = client.post("/checkin/", {**FORM, "new_symptoms": "on"})
    assert answer["Location"] == "/safety/"
    assert safety_status(dora).kind == "symptoms"


def test_leg_symptoms_reaching_further_down_count_as_new(dora: User) -> None:
    client = signed_in(dora)
    yesterday = (today() - timedelta(days=1)).isoformat()
    client.post(f"/checkin/{yesterday}/", {**FORM, "leg": "thigh"})
    assert safety_status(dora).kind == "ok"
    client.post("/checkin/", {**FORM, "leg": "foot"})
    assert CheckIn.objects.get(user=dora, day=today()).new_symptoms
    assert safety_status(dora).kind == "symptoms"


# ---- the API --------------------------------------------------------------------------------


def test_api_check_in_round_trip_and_errors(dora: User) -> None:
    client = signed_in(dora)
    body = {k: v for k, v in FORM.items()}
    url = f"/api/v1/checkins/{today().isoformat()}"
    created = client.put(url, body, content_type="application/json")
    assert created.status_code == 201, created.content
    assert client.put(url, body, content_type="application/json").status_code == 200
    assert client.get(url).json()["sleep_hours"] in ("7.5", 7.5)
    old = f"/api/v1/checkins/{(today() - timedelta(days=9)).isoformat()}"
    refused = client.put(old, body, content_type="application/json")
    assert refused.status_code == 422 and "six days before" in refused.content.decode()
    bad = client.put(url, {**body, "leg": "ankle"}, content_type="application/json")
    assert bad.status_code == 422
    assert [c["day"] for c in client.get("/api/v1/checkins").json()] == [today().isoformat()]
    # Nobody else reads it.
    other = signed_in(make_user("olaf"))
    assert other.get(url).status_code == 404 and other.get("/api/v1/checkins").json() == []
    assert Client().get(url).status_code == 401


# ---- the terminal ---------------------------------------------------------------------------


def test_backcare_checkin_asks_for_what_the_options_leave_out(
    cli_env: dict[str, str],
) -> None:
    make_user("tess")
    result = subprocess.run(
        [
            *(sys.executable, "-m", "backcare", "checkin", "--user", "tess@example.org"),
            *("--pain", "3", "--worst", "5", "--leg", "none", "--stress", "2"),
        ],
        input="eleven\n7,5\n4\n45\n",
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Check-in saved for" in result.stdout
    assert "type hours like 7 or 6.5" in result.stderr
    saved = CheckIn.objects.get(user__email="tess@example.org")
    assert (saved.sleep_hours, saved.sleep_quality, saved.active_minutes) == (Decimal("7.5"), 4, 45)
    unfinished = subprocess.run(
        [sys.executable, "-m", "backcare", "checkin", "--user", "tess@example.org"],
        input="3\n",
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert unfinished.returncode == 2 and "nothing was saved" in unfinished.stderr
    assert CheckIn.objects.count() == 1


# ---- progress ---------------------------------------------------------------------------------


def test_the_progress_page_shows_charts_tables_and_the_sleep_insight(dora: User) -> None:
    fill(dora, 21)
    page = signed_in(dora).get("/progress/").content.decode()
    assert page.count("<svg") == 3
    assert "Pain now, 0-10, per day" in page
    assert "7-day mean" in page and "<table" in page
    assert "after 7 or more hours of sleep, your pain averaged 2.0" in page
    assert "after less sleep, 5.0" in page
    assert "not proof that one causes the other" in page
    assert "Seven check-ins in a row" in page
    assert "Henschke" in page


def test_no_insight_from_too_few_days_or_too_small_a_difference(dora: User) -> None:
    fill(dora, 13)
    assert "A pattern in your records" not in signed_in(dora).get("/progress/").content.decode()
    entries = [
        DayEntry(today() - timedelta(days=n), 3 if n % 4 else 4, 5, 8 if n % 2 else 5, 2, 10)
        for n in range(20)
    ]
    assert sleep_insight(entries) is None  # a difference under 1 point says nothing


def test_progress_is_private(dora: User) -> None:
    fill(dora, 10)
    theirs = signed_in(make_user("otto")).get("/progress/").content.decode()
    assert "No check-ins in this period yet." in theirs and "day 0" not in theirs
    assert Client().get("/progress/").status_code == 302
    assert Client().get("/progress/report.pdf").status_code == 302


# ---- the clinician report -----------------------------------------------------------------------


def pdf_text(data: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


def test_the_report_holds_the_figures_in_one_or_two_pages(dora: User) -> None:
    fill(dora, 28)
    screened(dora, "soon")
    answer = signed_in(dora).get("/progress/report.pdf?weeks=4")
    assert answer["Content-Type"] == "application/pdf"
    assert "attachment" in answer["Content-Disposition"]
    text, pages = pdf_text(answer.content)
    assert 1 <= pages <= 2
    assert "Back-care report" in text
    assert "Red-flag screens" in text and "soon" in text
    assert f"{today().isoformat()}" in text
    # Alternating 8 and 5 hours: pain 2 and 5, so the means are 3.5 (or close) both weeks.
    assert "Mean pain now (0-10)" in text
    assert "Check-ins, last 14 days" in text
    assert "day 21" in text  # a note from the period
    # The table lists the last 14 days, one row each.
    for n in range(14):
        assert (today() - timedelta(days=n)).isoformat() in text
    assert text.count("No leg symptoms") == 14


def test_backcare_report_writes_the_pdf(cli_env: dict[str, str], tmp_path: Path) -> None:
    user = make_user("rhea")
    fill(user, 8)
    target = tmp_path / "report.pdf"
    result = subprocess.run(
        [
            *(sys.executable, "-m", "backcare", "report", "--user", "rhea@example.org"),
            *("--output", str(target), "--weeks", "2"),
        ],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    text, pages = pdf_text(target.read_bytes())
    assert "Period:" in text and "(2 weeks)" in text and pages <= 2
    bad = subprocess.run(
        [sys.executable, "-m", "backcare", "report", "--output", "/nonexistent/x.pdf"],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 1 and "cannot write /nonexistent/x.pdf" in bad.stderr
