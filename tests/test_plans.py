from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from backcare.accounts.models import User
from backcare.library.models import Routine
from backcare.plans.models import Assessment, PlanChange, PlanState, WeekPlanRecord
from backcare.safety.models import SafetyScreen
from tests.helpers import CLEAR_SCREEN, screened, session_body

pytestmark = pytest.mark.django_db

STEP_1 = {
    "duration_weeks": "2",
    "past_episodes": "few",
    "pain_now": "2",
    "pain_average": "3",
    "pain_worst": "5",
    "leg_symptoms": "none",
}
STEP_2 = {"eases": ["walking"], "provokes": ["sitting"]}
STEP_3 = {
    "active_minutes_week": "40",
    "equipment": ["chair", "mat"],
    "minutes_free_per_day": "15",
    "work_start": "09:00",
    "work_end": "17:00",
}
STEP_4 = {"goals": ["move-more"], "confidence": "6", "worry": "4"}

API_ASSESSMENT = {
    "duration_weeks": 2,
    "past_episodes": "few",
    "pain_now": 8,
    "pain_average": 7,
    "pain_worst": 9,
    "leg_symptoms": "none",
    "eases": [],
    "provokes": [],
    "active_minutes_week": 20,
    "equipment": ["chair", "mat"],
    "minutes_free_per_day": 10,
    "work_start": "09:00",
    "work_end": "17:00",
    "conditions": [],
    "goals": [],
    "confidence": 5,
    "worry": 5,
}


def assess(
    client: Client,
    step_3: dict[str, Any] | None = None,
    step_1: dict[str, Any] | None = None,
    step_2: dict[str, Any] | None = None,
) -> Any:
    client.post("/assessment/1/", step_1 or STEP_1)
    client.post("/assessment/2/", STEP_2 if step_2 is None else step_2)
    client.post("/assessment/3/", step_3 or STEP_3)
    return client.post("/assessment/4/", STEP_4)


def test_the_assessment_starts_at_its_first_step(alice_client: Client) -> None:
    r = alice_client.get("/assessment/")
    assert r.status_code == 302 and r["Location"] == "/assessment/1/"
    page = alice_client.get("/assessment/1/").content.decode()
    assert "Step 1 of 4" in page


def test_bad_answers_are_named_and_nothing_moves_on(alice_client: Client, alice: User) -> None:
    r = alice_client.post("/assessment/1/", {**STEP_1, "pain_now": "11"})
    assert r.status_code == 400
    assert "Select a valid choice" in r.content.decode()
    assert Assessment.objects.get(user=alice).step == 1
    r = alice_client.post("/assessment/3/", {**STEP_3, "work_end": "08:00"})
    assert "Work must end after it starts." in r.content.decode()


def test_save_and_finish_later_keeps_the_answers(alice_client: Client, alice: User) -> None:
    alice_client.post("/assessment/1/", STEP_1)
    r = alice_client.post("/assessment/2/", {**STEP_2, "later": "1"})
    assert r["Location"] == "/"
    draft = Assessment.objects.get(user=alice)
    assert draft.completed_at is None and draft.step == 3
    assert draft.answers["eases"] == ["walking"]
    # Coming back resumes where it stopped, with earlier answers filled in.
    assert alice_client.get("/assessment/")["Location"] == "/assessment/3/"
    assert (
        'value="walking" checked'
        in alice_client.get("/assessment/2/")
        .content.decode()
        .replace('checked value="walking"', 'value="walking" checked')
        or "checked" in alice_client.get("/assessment/2/").content.decode()
    )


def test_back_goes_to_the_previous_step(alice_client: Client) -> None:
    alice_client.post("/assessment/1/", STEP_1)
    r = alice_client.post("/assessment/2/", {"back": "1"})
    assert r["Location"] == "/assessment/1/"
    # A link, not a submit button: the first submit button is the one Enter in a field
    # presses, and Enter must save and go on, not go back and lose the answers.
    page = alice_client.get("/assessment/2/").content.decode()
    assert '<a href="/assessment/1/" class="button">' in page
    assert 'name="back"' not in page
    assert page.index('<button type="submit" class="button primary">') < page.index('"later"')


def test_the_first_answer_to_fix_takes_the_focus(alice_client: Client) -> None:
    alice_client.post("/assessment/1/", STEP_1)
    alice_client.post("/assessment/2/", STEP_2)
    r = alice_client.post("/assessment/3/", {**STEP_3, "active_minutes_week": "5000"})
    page = r.content.decode()
    assert page.count(" autofocus") == 1
    assert re.search(r'<input type="number" name="active_minutes_week"[^>]* autofocus', page)
    assert 'id="id_active_minutes_week_error"' in page
    # The action has no fragment: the skip link's "#main" would stop autofocus.
    assert '<form method="post" action="/assessment/3/"' in page
    # A problem with the answers together: the message takes the focus.
    page = alice_client.post("/assessment/3/", {**STEP_3, "work_end": "08:00"}).content.decode()
    assert re.search(r'<div class="alert error" role="alert" tabindex="-1" autofocus>', page)
    assert page.count(" autofocus") == 1


def test_finishing_makes_this_weeks_plan(
    alice_client: Client, alice: User, routines: list[Routine]
) -> None:
    screened(alice)
    r = assess(alice_client)
    assert r["Location"] == "/plan/"
    state = PlanState.objects.get(user=alice)
    assert state.level == 2  # building: pain 2
    page = alice_client.get("/plan/").content.decode()
    assert "Building up" in page
    assert "Standing or walking eases your back" in page
    record = WeekPlanRecord.objects.get(user=alice)
    assert record.data["slots"] and record.walking_target_min == 40
    # Home becomes the dashboard for today.
    home = alice_client.get("/").content.decode()
    assert "Today" in home and "Walking goal" in home


def test_a_flare_up_gets_the_flare_up_plan(
    alice_client: Client, alice: User, routines: list[Routine]
) -> None:
    screened(alice)
    assess(alice_client, step_1={**STEP_1, "pain_now": "8", "pain_average": "7"}, step_2={})
    record = WeekPlanRecord.objects.get(user=alice)
    assert record.data["phase"] == "flare-up"
    assert {s["routine"] for s in record.data["slots"]} == {"flare-up-relief"}


def test_a_flare_up_eased_by_walking_gets_walking_not_bending(
    alice_client: Client, alice: User, routines: list[Routine]
) -> None:
    screened(alice)
    assess(alice_client, step_1={**STEP_1, "pain_now": "8", "pain_average": "7"})
    record = WeekPlanRecord.objects.get(user=alice)
    assert {s["routine"] for s in record.data["slots"]} == {"walking-break"}


def test_plans_are_private(
    alice_client: Client, bob_client: Client, client: Client, alice: User, routines: list[Routine]
) -> None:
    screened(alice)
    assess(alice_client)
    assert bob_client.get("/plan/")["Location"] == "/assessment/"
    assert bob_client.get("/api/v1/plan").status_code == 404
    assert bob_client.get("/api/v1/assessment").status_code == 404
    assert client.get("/plan/")["Location"].startswith("/locked/")
    assert client.get("/api/v1/plan").status_code == 401
    assert alice_client.get("/api/v1/plan").status_code == 200


def post_session(client: Client, **overrides: Any) -> Any:
    return client.post(
        "/api/v1/sessions", json.dumps(session_body(**overrides)), content_type="application/json"
    )


def test_high_pain_after_a_session_steps_the_plan_back(
    alice_client: Client, alice: User, routines: list[Routine]
) -> None:
    screened(alice)
    assess(alice_client)
    from django.utils import timezone

    now = timezone.now().isoformat()
    post_session(alice_client, pain=7, started_at=now, ended_at=now)
    state = PlanState.objects.get(user=alice)
    assert state.level == 1
    change = PlanChange.objects.filter(user=alice).first()
    assert change is not None and change.to_level == 1
    page = alice_client.get("/plan/").content.decode()
    assert "Pain went above 5 after a session, so the plan steps back a level." in page
    assert WeekPlanRecord.objects.get(user=alice).data["phase"] == "recovering"


def test_new_symptoms_after_a_session_pause_exercise_until_rescreened(
    alice_client: Client, alice: User, routines: list[Routine]
) -> None:
    screened(alice)
    from django.utils import timezone

    now = timezone.now().isoformat()
    post_session(alice_client, new_symptoms=True, started_at=now, ended_at=now)
    r = alice_client.get("/break/desk-reset/")
    assert r.status_code == 302 and r["Location"].startswith("/safety/?next=")
    assert (
        "You reported new leg, bladder or numbness symptoms"
        in alice_client.get("/library/").content.decode()
    )
    alice_client.post("/safety/", CLEAR_SCREEN)
    assert alice_client.get("/break/desk-reset/").status_code == 200


def test_see_a_doctor_soon_shows_a_banner_until_seen(
    alice_client: Client, alice: User, routines: list[Routine]
) -> None:
    alice_client.post("/safety/", {**CLEAR_SCREEN, "none_apply": "", "night_pain": "on"})
    assert SafetyScreen.objects.get(user=alice).tier == "soon"
    assert alice_client.get("/break/desk-reset/").status_code == 200  # gentle activity allowed
    assert (
        "Please book an appointment with a doctor" in alice_client.get("/library/").content.decode()
    )
    alice_client.post("/safety/clinician-seen/")
    assert (
        "Please book an appointment with a doctor"
        not in alice_client.get("/library/").content.decode()
    )


def test_urgent_answers_pause_every_routine(
    alice_client: Client, alice: User, routines: list[Routine]
) -> None:
    r = alice_client.post(
        "/safety/", {**CLEAR_SCREEN, "none_apply": "", "fever": "on"}, follow=True
    )
    assert "Please contact a doctor today" in r.content.decode()
    for routine in Routine.objects.all():
        assert alice_client.get(f"/break/{routine.slug}/")["Location"] == "/safety/result/"


# ---- API -------------------------------------------------------------------------------


def test_the_screen_api_gives_the_tier_and_reasons(alice_client: Client, alice: User) -> None:
    body = {
        "age": 52,
        "duration_weeks": 3,
        "first_episode": False,
        "answers": {"saddle_numbness": True},
    }
    r = alice_client.post("/api/v1/screen", json.dumps(body), content_type="application/json")
    assert r.status_code == 201
    data = r.json()
    assert data["tier"] == "emergency" and data["exercise_allowed"] is False
    assert data["reasons"][0] == {
        "code": "saddle_numbness",
        "tier": "emergency",
        "message": "Numbness between the legs",
    }
    assert "fever" in data["unanswered"]
    assert alice_client.get("/api/v1/screen").json()["tier"] == "emergency"


def test_the_screen_api_names_an_unknown_code(alice_client: Client, alice: User) -> None:
    body = {"age": 40, "duration_weeks": 1, "first_episode": True, "answers": {"headache": True}}
    r = alice_client.post("/api/v1/screen", json.dumps(body), content_type="application/json")
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"][-1] == "headache"
    assert not SafetyScreen.objects.exists()


def test_the_assessment_api_starts_a_plan(
    alice_client: Client, alice: User, routines: list[Routine]
) -> None:
    screened(alice)
    r = alice_client.put(
        "/api/v1/assessment", json.dumps(API_ASSESSMENT), content_type="application/json"
    )
    assert r.status_code == 200, r.content
    plan = alice_client.get("/api/v1/plan").json()
    assert plan["phase"] == "flare-up"
    assert plan["walking_target_min"] == 20
    assert all(s["why"]["code"] for s in plan["slots"])


def test_the_assessment_api_rejects_bad_values(alice_client: Client, alice: User) -> None:
    bad = {**API_ASSESSMENT, "pain_now": 12, "equipment": ["trampoline"]}
    r = alice_client.put("/api/v1/assessment", json.dumps(bad), content_type="application/json")
    assert r.status_code == 422
    fields = {e["loc"][-1] for e in r.json()["detail"]}
    assert "pain_now" in fields
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("language", ["en", "da"])
def test_every_plan_reason_renders_in_both_languages(language: str) -> None:
    from django.utils import translation

    from backcare.plans.labels import WHYS, why_text

    params = {
        "minutes": "5",
        "goal": "150",
        "routines": "desk-reset",
        "target": "40",
        "phase": "building",
        "pain": "3",
    }
    with translation.override(language):
        for code in WHYS:
            text = why_text({"code": code, "params": params})
            assert text and "%(" not in text and "%%" not in text, (code, text)


def test_the_second_week_explains_the_walking_growth(
    alice_client: Client, alice: User, routines: list[Routine]
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from backcare.plans.labels import why_text
    from backcare.plans.services import week_for

    screened(alice)
    assess(alice_client)
    next_week = week_for(alice, timezone.localdate() + timedelta(days=7))
    assert next_week is not None
    assert next_week.walking_target_min == 46  # 40 + 15%
    text = why_text(next_week.data["walking_why"])
    assert text.startswith("About 15% more than last week")
