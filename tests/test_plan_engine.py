"""The plan engine and its adaptation, case by case, with invariants."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, time, timedelta
from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare.content import CONTENT_DIR
from backcare.core.adapt import Report, adapt
from backcare.core.content import Bias, Condition, Equipment, Library, Phase, load_library
from backcare.core.figure import load_figures
from backcare.core.plan import (
    WALKING_GOAL_MIN,
    Assessment,
    LegReach,
    Level,
    Posture,
    WeekPlan,
    build_week,
    initial_level,
    next_walking_target,
)
from backcare.core.routine import compile_routine
from backcare.core.triage import Tier

MONDAY = date(2026, 11, 16)


@cache
def library() -> Library:
    return load_library(CONTENT_DIR, pose_keys=set(load_figures(CONTENT_DIR / "figures")))


def base(**overrides: Any) -> Assessment:
    fields: dict[str, Any] = {
        "duration_weeks": 3,
        "pain_now": 3,
        "pain_average": 3,
        "pain_worst": 5,
        "equipment": frozenset({Equipment.NONE, Equipment.CHAIR, Equipment.MAT}),
        "minutes_free_per_day": 15,
        "active_minutes_week": 40,
    }
    fields.update(overrides)
    return Assessment(**fields)


def plan(
    assessment: Assessment,
    tier: Tier = Tier.NONE,
    answers: dict[str, bool] | None = None,
    level: Level | None = None,
    previous_walking: int | None = None,
) -> WeekPlan:
    lib = library()
    start_level = level if level is not None else initial_level(assessment, tier)[0]
    minutes = {
        rid: max(1, math.ceil(lib.routine_total_s(r) / 60)) for rid, r in lib.routines.items()
    }
    return build_week(
        assessment,
        start_level,
        tier,
        answers or {},
        lib.exercises,
        lib.routines,
        minutes,
        set(lib.lessons),
        MONDAY,
        previous_walking,
    )


def planned_exercises(week: WeekPlan) -> list[Any]:
    lib = library()
    return [
        lib.exercises[item.exercise]
        for slot in week.slots
        for item in lib.routines[slot.routine].items
    ]


PHASE_CASES = [
    ("pain 8 now: flare-up", base(pain_now=8, pain_average=7), Tier.NONE, Phase.FLARE_UP),
    (
        "worst 9 in the first days: flare-up",
        base(pain_now=5, pain_worst=9, duration_weeks=0.5),
        Tier.NONE,
        Phase.FLARE_UP,
    ),
    ("pain 5: recovering", base(pain_now=5, pain_average=5), Tier.NONE, Phase.RECOVERING),
    ("average 6: recovering", base(pain_now=3, pain_average=6), Tier.NONE, Phase.RECOVERING),
    ("pain 2: building", base(pain_now=2, pain_average=2), Tier.NONE, Phase.BUILDING),
    (
        "no pain: maintaining",
        base(pain_now=0, pain_average=0, pain_worst=1),
        Tier.NONE,
        Phase.MAINTAINING,
    ),
    (
        "see a doctor soon keeps it gentle",
        base(pain_now=1, pain_average=1),
        Tier.SOON,
        Phase.RECOVERING,
    ),
    ("soon does not raise a flare-up", base(pain_now=8), Tier.SOON, Phase.FLARE_UP),
]


@pytest.mark.parametrize(
    ("case", "assessment", "tier", "phase"), PHASE_CASES, ids=[c[0] for c in PHASE_CASES]
)
def test_the_phase_follows_pain_and_tier(
    case: str, assessment: Assessment, tier: Tier, phase: Phase
) -> None:
    assert plan(assessment, tier).phase == phase


def test_a_flare_up_gets_only_flare_up_exercises() -> None:
    week = plan(base(pain_now=8, pain_average=7))
    assert week.slots
    assert {s.routine for s in week.slots} == {"flare-up-relief"}
    assert all(Phase.FLARE_UP in e.phases for e in planned_exercises(week))


@pytest.mark.parametrize(
    ("eases", "bias", "excluded"),
    [
        (frozenset({Posture.SITTING}), Bias.FLEXION, Bias.EXTENSION),
        (frozenset({Posture.STANDING}), Bias.EXTENSION, Bias.FLEXION),
        (frozenset({Posture.WALKING}), Bias.EXTENSION, Bias.FLEXION),
    ],
)
def test_directional_preference_leaves_out_the_other_direction(
    eases: frozenset[Posture], bias: Bias, excluded: Bias
) -> None:
    week = plan(base(eases=eases))
    assert week.bias == bias
    assert all(e.bias != excluded for e in planned_exercises(week))


def test_sitting_that_provokes_means_an_extension_bias() -> None:
    assert plan(base(provokes=frozenset({Posture.SITTING}))).bias == Bias.EXTENSION


def test_both_directions_easing_stays_neutral() -> None:
    assert plan(base(eases=frozenset({Posture.SITTING, Posture.WALKING}))).bias == Bias.NEUTRAL


@pytest.mark.parametrize(
    ("assessment", "answers", "condition"),
    [
        (base(conditions=frozenset({Condition.PREGNANCY})), {}, Condition.PREGNANCY),
        (base(conditions=frozenset({Condition.KNEE_PROBLEMS})), {}, Condition.KNEE_PROBLEMS),
        (base(conditions=frozenset({Condition.WRIST_PROBLEMS})), {}, Condition.WRIST_PROBLEMS),
        (base(), {"osteoporosis": True}, Condition.OSTEOPOROSIS),
        (base(), {"long_term_steroids": True}, Condition.OSTEOPOROSIS),
        (base(leg_symptoms=LegReach.BELOW_KNEE), {}, Condition.LEG_SYMPTOMS_BELOW_KNEE),
    ],
)
def test_no_exercise_excluded_by_the_persons_conditions(
    assessment: Assessment, answers: dict[str, bool], condition: Condition
) -> None:
    week = plan(assessment, answers=answers)
    assert all(condition not in e.contraindications for e in planned_exercises(week))


def test_only_equipment_the_person_has() -> None:
    week = plan(base(equipment=frozenset({Equipment.NONE})))
    for exercise in planned_exercises(week):
        assert set(exercise.equipment) == {Equipment.NONE}


@pytest.mark.parametrize(("minutes", "per_day"), [(5, 1), (10, 2), (15, 3), (20, 4)])
def test_the_time_free_sets_the_breaks_per_day(minutes: int, per_day: int) -> None:
    week = plan(base(minutes_free_per_day=minutes))
    assert len([s for s in week.slots if s.day == MONDAY]) == per_day


def test_breaks_fall_inside_working_hours_on_workdays_only() -> None:
    week = plan(base(work_start=time(8, 0), work_end=time(12, 0)))
    assert all(time(8, 0) < s.at < time(12, 0) for s in week.slots)
    assert {s.day.weekday() for s in week.slots} == {0, 1, 2, 3, 4}


def test_breaks_fit_the_time_available_when_a_routine_can() -> None:
    week = plan(base(minutes_free_per_day=10, pain_now=2, pain_average=2))
    assert all(s.minutes <= 5 for s in week.slots)


@pytest.mark.parametrize(
    ("previous", "current", "expected"),
    [
        (None, 40, 40),
        (None, 0, 10),
        (None, 400, 150),
        (100, 0, 115),
        (140, 0, 150),
        (10, 0, 12),
        (150, 0, 150),
        (0, 30, 30),
    ],
)
def test_the_walking_target_starts_from_now_and_grows_toward_150(
    previous: int | None, current: int, expected: int
) -> None:
    assert next_walking_target(previous, current) == expected


def test_walking_comes_in_bouts_of_ten_minutes_or_more() -> None:
    week = plan(base(active_minutes_week=60))
    assert sum(w.minutes for w in week.walks) >= week.walking_target_min
    assert all(w.minutes >= 10 for w in week.walks)


def test_one_lesson_a_day_chosen_for_the_phase() -> None:
    week = plan(base(pain_now=8))
    assert len(week.lessons) == 7
    assert week.lessons[0][1] == "moving-beats-bed-rest"


def test_see_a_doctor_soon_starts_with_the_clinician_lesson() -> None:
    assert plan(base(), Tier.SOON).lessons[0][1] == "when-to-see-a-clinician"


@pytest.mark.parametrize("tier", [Tier.URGENT, Tier.EMERGENCY])
def test_nothing_is_offered_at_urgent_or_emergency(tier: Tier) -> None:
    week = plan(base(), tier)
    assert week.slots == () and week.walks == () and week.walking_target_min == 0
    assert [w.code for w in week.whys] == ["exercise_paused"]


def test_every_item_says_why() -> None:
    week = plan(base())
    assert all(s.why.code and s.why.sources for s in week.slots)
    assert week.walking_why.sources
    assert week.whys


def test_every_routine_in_a_plan_runs() -> None:
    lib = library()
    week = plan(base())
    for slot in week.slots:
        assert compile_routine(lib.routines[slot.routine], lib.exercises, "da").steps


# ---- adaptation ----------------------------------------------------------------------

TODAY = date(2026, 12, 1)


def reports(*pains: int | None, start: date = TODAY - timedelta(days=1)) -> list[Report]:
    return [Report(start - timedelta(days=len(pains) - 1 - i), p) for i, p in enumerate(pains)]


def decide(level: Level, rs: list[Report], **kwargs: Any) -> Any:
    args: dict[str, Any] = {
        "today": TODAY,
        "last_change": TODAY - timedelta(days=30),
        "breaks_done": 8,
        "breaks_planned": 10,
        "baseline_pain": 4,
        "started": TODAY - timedelta(days=30),
    }
    args.update(kwargs)
    return adapt(level, rs, **args)


ADAPT_CASES: list[tuple[str, Level, list[Report], dict[str, Any], Level]] = [
    ("pain 6 after a session: step back", Level.BUILDING, reports(6), {}, Level.RECOVERING),
    ("4-5 not settled next day: step back", Level.BUILDING, reports(4, 5), {}, Level.RECOVERING),
    (
        "4 then 2 next day: settled, stay",
        Level.BUILDING,
        reports(4, 2),
        {"breaks_done": 1},
        Level.BUILDING,
    ),
    (
        "two green weeks, 80% done: step up",
        Level.RECOVERING,
        reports(*[2] * 13),
        {},
        Level.BUILDING,
    ),
    (
        "two green weeks, 50% done: stay",
        Level.RECOVERING,
        reports(*[2] * 13),
        {"breaks_done": 5},
        Level.RECOVERING,
    ),
    (
        "green but changed 10 days ago: stay",
        Level.RECOVERING,
        reports(*[1] * 9),
        {"last_change": TODAY - timedelta(days=10)},
        Level.RECOVERING,
    ),
    ("flare-up cannot go lower", Level.FLARE_UP, reports(8), {}, Level.FLARE_UP),
    ("maintaining cannot go higher", Level.MAINTAINING, reports(*[0] * 13), {}, Level.MAINTAINING),
    ("no reports: stay", Level.BUILDING, [], {}, Level.BUILDING),
]


@pytest.mark.parametrize(
    ("case", "level", "rs", "kwargs", "expected"), ADAPT_CASES, ids=[c[0] for c in ADAPT_CASES]
)
def test_adaptation_follows_the_pain_monitoring_rule(
    case: str, level: Level, rs: list[Report], kwargs: dict[str, Any], expected: Level
) -> None:
    assert decide(level, rs, **kwargs).level == expected


def test_spreading_leg_symptoms_pause_that_routine_and_ask_again() -> None:
    rs = [Report(TODAY, 3, new_symptoms=True, routine="core-level-2")]
    decision = decide(Level.BUILDING, rs)
    assert decision.rescreen
    assert decision.pause_routines == {"core-level-2"}
    assert "stop_and_rescreen" in [w.code for w in decision.whys]


@pytest.mark.parametrize(
    ("baseline", "latest", "weeks", "advise"),
    [
        (6, 5, 5, False),
        (6, 5, 6, True),
        (6, 5, 7, True),
        (6, 3, 7, False),
        (4, 5, 4, True),
        (4, 4, 4, False),
        (10, 7, 6, False),
    ],
)
def test_a_clinician_is_recommended_when_pain_does_not_improve(
    baseline: int, latest: int, weeks: int, advise: bool
) -> None:
    started = TODAY - timedelta(weeks=weeks)
    decision = decide(Level.RECOVERING, reports(latest), baseline_pain=baseline, started=started)
    assert decision.see_clinician is advise


# ---- invariants --------------------------------------------------------------------------

ASSESSMENTS = st.builds(
    Assessment,
    duration_weeks=st.sampled_from([0.5, 2, 5, 8, 16]),
    pain_now=st.integers(0, 10),
    pain_average=st.integers(0, 10),
    pain_worst=st.integers(0, 10),
    leg_symptoms=st.sampled_from(list(LegReach)),
    eases=st.frozensets(st.sampled_from(list(Posture))),
    provokes=st.frozensets(st.sampled_from(list(Posture))),
    active_minutes_week=st.integers(0, 400),
    equipment=st.frozensets(st.sampled_from(list(Equipment))).map(lambda e: e | {Equipment.NONE}),
    minutes_free_per_day=st.sampled_from([5, 10, 15, 20]),
    conditions=st.frozensets(st.sampled_from(list(Condition))),
)
ANSWERS = st.dictionaries(st.sampled_from(["osteoporosis", "long_term_steroids"]), st.booleans())


@settings(max_examples=60, deadline=None)
@given(ASSESSMENTS, st.sampled_from(list(Tier)), ANSWERS)
def test_no_plan_ever_holds_an_excluded_exercise(
    assessment: Assessment, tier: Tier, answers: dict[str, bool]
) -> None:
    week = plan(assessment, tier, answers)
    if tier >= Tier.URGENT:
        assert not week.slots
    for exercise in planned_exercises(week):
        assert week.phase in exercise.phases
        assert not set(exercise.contraindications) & assessment.conditions
        if answers.get("osteoporosis") or answers.get("long_term_steroids"):
            assert Condition.OSTEOPOROSIS not in exercise.contraindications
        assert set(exercise.equipment) - {Equipment.NONE} <= assessment.equipment


@given(st.one_of(st.none(), st.integers(0, 400)), st.integers(0, 1000))
def test_walking_never_grows_more_than_20_percent_or_past_the_goal(
    previous: int | None, current: int
) -> None:
    target = next_walking_target(previous, current)
    assert 10 <= target <= WALKING_GOAL_MIN
    if previous is not None and previous >= 10:
        assert (
            target <= max(previous * 1.2, WALKING_GOAL_MIN if previous >= WALKING_GOAL_MIN else 0)
            or target <= previous * 1.2
        )


@settings(max_examples=30, deadline=None)
@given(ASSESSMENTS, st.sampled_from(list(Tier)))
def test_the_same_input_always_gives_the_same_plan(assessment: Assessment, tier: Tier) -> None:
    assert plan(assessment, tier) == plan(replace(assessment), tier)
