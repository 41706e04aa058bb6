"""The red-flag screen, case by case from CLINICAL.md section 1."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backcare.core.triage import ANSWER_CODES, EMERGENCY_CODES, ScreenInput, Tier, triage

BACKCARE = [sys.executable, "-m", "backcare"]


def tier_of(age: int = 40, weeks: float = 2, first: bool = False, **answers: bool) -> Tier:
    return triage(
        ScreenInput(answers=answers, age=age, duration_weeks=weeks, first_episode=first)
    ).tier


CASES: list[tuple[str, dict[str, Any], Tier]] = [
    # Emergency, now: cauda equina signs and major trauma.
    ("new bladder trouble", {"urinary_change": True}, Tier.EMERGENCY),
    ("bowel control lost", {"bowel_change": True}, Tier.EMERGENCY),
    ("saddle numbness", {"saddle_numbness": True}, Tier.EMERGENCY),
    ("new sexual dysfunction", {"new_sexual_dysfunction": True}, Tier.EMERGENCY),
    ("sciatica in both legs", {"bilateral_leg_symptoms": True}, Tier.EMERGENCY),
    ("weakness in both legs", {"bilateral_leg_weakness": True}, Tier.EMERGENCY),
    ("fall from a height", {"major_trauma": True}, Tier.EMERGENCY),
    ("emergency beats soon", {"saddle_numbness": True, "night_pain": True}, Tier.EMERGENCY),
    ("emergency beats urgent", {"urinary_change": True, "fever": True}, Tier.EMERGENCY),
    # Urgent, same day.
    ("one leg getting weaker", {"progressive_leg_weakness": True}, Tier.URGENT),
    ("fever with back pain", {"fever": True}, Tier.URGENT),
    ("fever and immune risk", {"fever": True, "infection_risk": True}, Tier.URGENT),
    (
        "cancer and nerve signs",
        {"cancer_history": True, "worsening_leg_symptoms": True},
        Tier.URGENT,
    ),
    (
        "cancer and weakness",
        {"cancer_history": True, "progressive_leg_weakness": True},
        Tier.URGENT,
    ),
    ("urgent beats soon", {"fever": True, "unexplained_weight_loss": True}, Tier.URGENT),
    # See a doctor soon.
    ("past cancer, no nerve signs", {"cancer_history": True}, Tier.SOON),
    ("unexplained weight loss", {"unexplained_weight_loss": True}, Tier.SOON),
    ("constant night pain", {"night_pain": True}, Tier.SOON),
    ("small fall", {"minor_trauma": True}, Tier.SOON),
    ("small fall with osteoporosis", {"minor_trauma": True, "osteoporosis": True}, Tier.SOON),
    ("osteoporosis alone", {"osteoporosis": True}, Tier.SOON),
    ("long-term steroids", {"long_term_steroids": True}, Tier.SOON),
    ("leg symptoms spreading", {"worsening_leg_symptoms": True}, Tier.SOON),
    ("not improving", {"not_improving": True}, Tier.SOON),
    ("infection risk without fever", {"infection_risk": True}, Tier.SOON),
    # Nothing.
    ("no answers at all", {}, Tier.NONE),
    ("everything no", dict.fromkeys(ANSWER_CODES, False), Tier.NONE),
]


@pytest.mark.parametrize(("case", "answers", "expected"), CASES, ids=[c[0] for c in CASES])
def test_the_highest_tier_found_wins(case: str, answers: dict[str, bool], expected: Tier) -> None:
    assert tier_of(**answers) == expected


AGE_CASES: list[tuple[str, dict[str, Any], Tier]] = [
    ("first episode at 51", {"age": 51, "first": True}, Tier.SOON),
    ("first episode at 50", {"age": 50, "first": True}, Tier.NONE),
    ("recurring episode at 60", {"age": 60, "first": False}, Tier.NONE),
    ("age 71: fracture risk", {"age": 71}, Tier.SOON),
    ("age 70: no flag", {"age": 70}, Tier.NONE),
    ("age 75 with a small fall", {"age": 75, "minor_trauma": True}, Tier.SOON),
    ("first episode at 30", {"age": 30, "first": True}, Tier.NONE),
]


@pytest.mark.parametrize(("case", "kwargs", "expected"), AGE_CASES, ids=[c[0] for c in AGE_CASES])
def test_age_and_first_episode_rules(case: str, kwargs: dict[str, Any], expected: Tier) -> None:
    assert tier_of(**kwargs) == expected


def test_reasons_name_every_flag_most_serious_first() -> None:
    result = triage(
        ScreenInput(answers={"night_pain": True, "fever": True, "bowel_change": True}, age=40)
    )
    assert [r.code for r in result.reasons] == ["bowel_change", "fever", "night_pain"]
    assert [r.tier for r in result.reasons] == [Tier.EMERGENCY, Tier.URGENT, Tier.SOON]


def test_not_improving_after_four_weeks_says_so() -> None:
    result = triage(ScreenInput(answers={"not_improving": True}, age=40, duration_weeks=6))
    assert [r.code for r in result.reasons] == ["not_improving_after_weeks"]


def test_missing_answers_are_listed_as_unanswered() -> None:
    result = triage(ScreenInput(answers={"fever": False}, age=40))
    assert "fever" not in result.unanswered
    assert set(result.unanswered) == set(ANSWER_CODES) - {"fever"}


@given(st.dictionaries(st.sampled_from(ANSWER_CODES), st.booleans()), st.integers(16, 100))
def test_no_exercise_is_ever_allowed_at_emergency_or_urgent(
    answers: dict[str, bool], age: int
) -> None:
    result = triage(ScreenInput(answers=answers, age=age))
    if result.tier >= Tier.URGENT:
        assert not result.exercise_allowed
    if any(answers.get(code) for code in EMERGENCY_CODES):
        assert result.tier == Tier.EMERGENCY
    assert result.tier == max((r.tier for r in result.reasons), default=Tier.NONE)


# ---- backcare triage --------------------------------------------------------------


def run_triage(body: object, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*BACKCARE, "triage", *args],
        input=json.dumps(body) if not isinstance(body, str) else body,
        capture_output=True,
        text=True,
    )


def test_triage_reads_json_and_prints_the_tier_and_reasons() -> None:
    r = run_triage(
        {
            "age": 52,
            "duration_weeks": 3,
            "first_episode": False,
            "answers": {"saddle_numbness": True},
        }
    )
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["tier"] == "emergency"
    assert out["exercise_allowed"] is False
    assert out["reasons"][0]["code"] == "saddle_numbness"
    assert out["reasons"][0]["message"] == "Numbness between the legs"
    assert "fever" in out["unanswered"]


def test_triage_reads_a_file(tmp_path: Any) -> None:
    path = tmp_path / "answers.json"
    path.write_text(json.dumps({"age": 30, "answers": dict.fromkeys(ANSWER_CODES, False)}))
    r = run_triage("", "--json", str(path))
    out = json.loads(r.stdout)
    assert (out["tier"], out["exercise_allowed"], out["unanswered"]) == ("none", True, [])


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"age": 40, "answers": {"saddle_numbnes": True}}, "saddle_numbnes"),
        ({"age": 40, "answers": {"fever": "yes"}}, "answers.fever"),
        ({"age": "forty", "answers": {}}, "age"),
        ({"age": 40, "answers": {}, "mood": "fine"}, "mood"),
        ({"age": 40, "answers": ["fever"]}, "answers"),
        ("{not json", "JSON"),
    ],
)
def test_triage_refuses_bad_input_naming_it(body: object, named: str) -> None:
    r = run_triage(body)
    assert r.returncode == 2
    assert named in r.stderr
    assert r.stdout == ""
