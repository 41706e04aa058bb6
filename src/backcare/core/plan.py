"""The weekly plan: deterministic rules from an assessment to a week of breaks.

Everything here is a plain function of its inputs, so the same person on the
same day always gets the same plan, and every item says which rule put it
there (a ``Why`` with a code the pages translate, and the sources behind it).

Rules and their sources (CLINICAL.md):
- phase from pain and the screen's tier; "see a doctor soon" keeps the plan
  at recovering at most (section 1);
- directional preference as a gentle bias only: sitting eases = flexion,
  standing or walking eases = extension (section 5: Long 2004, Surkitt 2012,
  O'Sullivan 2005; self-report unverified);
- walking builds from the current level by about 15% a week (never more than
  20%) toward 150 minutes, in bouts of 10 minutes or more (section 3: WHO
  2020, WalkBack 2024);
- a posture break every 30-60 minutes is a pragmatic default (section 4);
- no exercise whose phases or contraindications exclude it (section 6).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from enum import IntEnum, StrEnum

from backcare.core.content import Bias, Condition, Equipment, Exercise, Phase, RoutineFile
from backcare.core.triage import Tier

WALKING_GOAL_MIN = 150
WALK_BOUT_MIN = 10
WEEKLY_GROWTH = 0.15
MAX_WEEKLY_GROWTH = 0.20


class Level(IntEnum):
    """The phases in order, so stepping up or back is arithmetic."""

    FLARE_UP = 0
    RECOVERING = 1
    BUILDING = 2
    MAINTAINING = 3

    @property
    def phase(self) -> Phase:
        return [Phase.FLARE_UP, Phase.RECOVERING, Phase.BUILDING, Phase.MAINTAINING][self]

    @classmethod
    def of(cls, phase: Phase | str) -> Level:
        return cls([p.value for p in Phase].index(str(phase)))


class Posture(StrEnum):
    SITTING = "sitting"
    STANDING = "standing"
    WALKING = "walking"
    LYING = "lying"


class LegReach(StrEnum):
    NONE = "none"
    BUTTOCK = "buttock"
    THIGH = "thigh"
    BELOW_KNEE = "below-knee"
    BOTH_LEGS = "both-legs"


@dataclass(frozen=True)
class Assessment:
    duration_weeks: float
    pain_now: int
    pain_average: int
    pain_worst: int
    leg_symptoms: LegReach = LegReach.NONE
    eases: frozenset[Posture] = frozenset()
    provokes: frozenset[Posture] = frozenset()
    active_minutes_week: int = 0
    equipment: frozenset[Equipment] = frozenset({Equipment.NONE, Equipment.CHAIR})
    minutes_free_per_day: int = 10
    work_start: time = time(9, 0)
    work_end: time = time(17, 0)
    workdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    conditions: frozenset[Condition] = frozenset()


@dataclass(frozen=True)
class Why:
    """A rule that put an item in the plan: a code for the words, and its sources."""

    code: str
    params: tuple[tuple[str, str], ...] = ()
    sources: tuple[str, ...] = ()

    @property
    def values(self) -> dict[str, str]:
        return dict(self.params)


@dataclass(frozen=True)
class Slot:
    day: date
    at: time
    routine: str
    minutes: int
    why: Why


@dataclass(frozen=True)
class DayWalk:
    day: date
    minutes: int
    bouts: int


@dataclass(frozen=True)
class WeekPlan:
    week_start: date
    phase: Phase
    bias: Bias
    walking_target_min: int
    slots: tuple[Slot, ...]
    walks: tuple[DayWalk, ...]
    lessons: tuple[tuple[date, str], ...]
    whys: tuple[Why, ...] = field(default=())
    walking_why: Why = Why("walking")
    lesson_why: Why = Why("lesson")


# ---- the rules, one function each --------------------------------------------------


def initial_level(assessment: Assessment, tier: Tier) -> tuple[Level, Why]:
    """Where to start, from pain now and on average (0-10 scales)."""
    a = assessment
    if a.pain_now >= 7 or (a.pain_worst >= 9 and a.duration_weeks < 2):
        level, why = Level.FLARE_UP, Why("phase_flare_up", (("pain", str(a.pain_now)),))
    elif a.pain_now >= 4 or a.pain_average >= 5:
        level, why = Level.RECOVERING, Why("phase_recovering", (("pain", str(a.pain_now)),))
    elif a.pain_now >= 1 or a.pain_average >= 2:
        level, why = Level.BUILDING, Why("phase_building", (("pain", str(a.pain_now)),))
    else:
        level, why = Level.MAINTAINING, Why("phase_maintaining")
    return cap_for_tier(level, tier, why)


def cap_for_tier(level: Level, tier: Tier, why: Why) -> tuple[Level, Why]:
    if tier == Tier.SOON and level > Level.RECOVERING:
        return Level.RECOVERING, Why("phase_capped_soon", sources=("nice-ng59",))
    return level, why


def directional_bias(assessment: Assessment) -> tuple[Bias, Why]:
    """A gentle bias only; symptom response decides (CLINICAL.md section 5)."""
    sitting = Posture.SITTING in assessment.eases or {Posture.STANDING, Posture.WALKING} & (
        assessment.provokes
    )
    upright = {Posture.STANDING, Posture.WALKING} & assessment.eases or (
        Posture.SITTING in assessment.provokes
    )
    sources = ("long-2004", "surkitt-2012", "osullivan-2005")
    if sitting and not upright:
        return Bias.FLEXION, Why("bias_flexion", sources=sources)
    if upright and not sitting:
        return Bias.EXTENSION, Why("bias_extension", sources=sources)
    return Bias.NEUTRAL, Why("bias_neutral")


def person_conditions(
    assessment: Assessment, level: Level, bias: Bias, answers: Mapping[str, bool]
) -> frozenset[Condition]:
    """Everything about this person that rules exercises out."""
    found = set(assessment.conditions)
    if level == Level.FLARE_UP:
        found.add(Condition.ACUTE_FLARE)
    if assessment.leg_symptoms in (LegReach.BELOW_KNEE, LegReach.BOTH_LEGS):
        found.add(Condition.LEG_SYMPTOMS_BELOW_KNEE)
    if answers.get("osteoporosis") or answers.get("long_term_steroids"):
        found.add(Condition.OSTEOPOROSIS)
    # Moving against a directional preference made people drop out (Long 2004).
    if bias == Bias.FLEXION:
        found.add(Condition.EXTENSION_INTOLERANT)
    if bias == Bias.EXTENSION:
        found.add(Condition.FLEXION_INTOLERANT)
    return frozenset(found)


def exercise_fits(
    exercise: Exercise,
    level: Level,
    conditions: frozenset[Condition],
    equipment: frozenset[Equipment],
    bias: Bias,
) -> bool:
    if level.phase not in exercise.phases:
        return False
    if set(exercise.contraindications) & conditions:
        return False
    if bias == Bias.FLEXION and exercise.bias == Bias.EXTENSION:
        return False
    if bias == Bias.EXTENSION and exercise.bias == Bias.FLEXION:
        return False
    needed = set(exercise.equipment) - {Equipment.NONE}
    return needed <= equipment


def fitting_routines(
    routines: Mapping[str, RoutineFile],
    exercises: Mapping[str, Exercise],
    level: Level,
    conditions: frozenset[Condition],
    equipment: frozenset[Equipment],
    bias: Bias,
    excluded: frozenset[str] = frozenset(),
) -> list[str]:
    """Routines whose every exercise fits this person, in id order."""
    return sorted(
        rid
        for rid, routine in routines.items()
        if rid not in excluded
        and all(
            exercise_fits(exercises[item.exercise], level, conditions, equipment, bias)
            for item in routine.items
        )
    )


def next_walking_target(previous: int | None, current_level: int) -> int:
    """Minutes of walking this week: from the current level, about 15% more each week."""
    if previous is None or previous < WALK_BOUT_MIN:
        return max(WALK_BOUT_MIN, min(WALKING_GOAL_MIN, current_level))
    if previous >= WALKING_GOAL_MIN:
        return WALKING_GOAL_MIN
    grown = max(previous + 1, round(previous * (1 + WEEKLY_GROWTH)))
    return min(WALKING_GOAL_MIN, grown, math.floor(previous * (1 + MAX_WEEKLY_GROWTH)))


def split_walking(target: int, days: list[date]) -> tuple[DayWalk, ...]:
    """Spread the week's walking over DAYS in bouts of at least ten minutes."""
    per_day = max(WALK_BOUT_MIN, math.ceil(target / len(days) / 5) * 5)
    walks: list[DayWalk] = []
    remaining = target
    for day in days:
        if remaining <= 0:
            break
        minutes = max(WALK_BOUT_MIN, min(per_day, remaining))
        walks.append(DayWalk(day, minutes, max(1, minutes // (2 * WALK_BOUT_MIN))))
        remaining -= minutes
    return tuple(walks)


def break_times(assessment: Assessment, count: int) -> list[time]:
    """COUNT times spread evenly through the working day, on the quarter hour."""
    start = assessment.work_start.hour * 60 + assessment.work_start.minute
    end = assessment.work_end.hour * 60 + assessment.work_end.minute
    span = max(60, end - start)
    times = []
    for k in range(count):
        minute = start + span * (k + 1) // (count + 1)
        minute -= minute % 15
        times.append(time(minute // 60 % 24, minute % 60))
    return times


LESSONS_BY_LEVEL: dict[Level, tuple[str, ...]] = {
    Level.FLARE_UP: (
        "moving-beats-bed-rest", "usual-course", "red-flags", "heat-and-cold", "sleep",
        "why-backs-hurt", "stress-and-saying-no",
    ),
    Level.RECOVERING: (
        "why-backs-hurt", "usual-course", "walking", "next-posture", "heat-and-cold",
        "lifting-without-fear", "sleep",
    ),
    Level.BUILDING: (
        "walking", "lifting-without-fear", "next-posture", "chair-and-desk",
        "sitting-and-standing", "stress-and-saying-no", "self-massage-safely",
    ),
    Level.MAINTAINING: (
        "preventing-the-next-episode", "lifestyle", "sitting-and-standing", "walking",
        "self-massage-safely", "when-to-see-a-clinician", "chair-and-desk",
    ),
}  # fmt: skip


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def build_week(
    assessment: Assessment,
    level: Level,
    tier: Tier,
    answers: Mapping[str, bool],
    exercises: Mapping[str, Exercise],
    routines: Mapping[str, RoutineFile],
    routine_minutes: Mapping[str, int],
    lesson_ids: set[str],
    start: date,
    previous_walking: int | None,
    excluded_routines: frozenset[str] = frozenset(),
) -> WeekPlan:
    """The week from START (a Monday) for this person at LEVEL."""
    level, phase_why = cap_for_tier(level, tier, Why(f"phase_{level.name.lower()}"))
    bias, bias_why = directional_bias(assessment)
    conditions = person_conditions(assessment, level, bias, answers)
    pool = fitting_routines(
        routines, exercises, level, conditions, assessment.equipment, bias, excluded_routines
    )
    # Walking has its own place in the plan; the slots hold movement breaks.
    pool = [rid for rid in pool if rid != "walking-break"] or pool
    paused = not tier.exercise_allowed
    if paused:
        # Urgent or emergency answers: nothing to do but see a doctor.
        pool = []
    days = [start + timedelta(days=i) for i in range(7)]
    workdays = [d for d in days if d.weekday() in assessment.workdays] or days[:5]

    per_day = max(1, min(4, assessment.minutes_free_per_day // 5))
    budget_min = max(2, assessment.minutes_free_per_day // per_day)
    slots: list[Slot] = []
    if pool:
        short = [rid for rid in pool if routine_minutes[rid] <= budget_min]
        choices = short or sorted(pool, key=lambda rid: routine_minutes[rid])[:1]
        why_code = "routine_fits" if short else "routine_shortest"
        n = 0
        for day in workdays:
            for at in break_times(assessment, per_day):
                rid = choices[n % len(choices)]
                slots.append(
                    Slot(
                        day,
                        at,
                        rid,
                        routine_minutes[rid],
                        Why(
                            why_code,
                            (("phase", level.phase.value), ("minutes", str(budget_min))),
                            ("waongenngarm-2018", "hayden-2021"),
                        ),
                    )
                )
                n += 1

    target = 0 if paused else next_walking_target(previous_walking, assessment.active_minutes_week)
    walking_why = Why(
        "walking_growth" if previous_walking is not None else "walking_start",
        (("target", str(target)), ("goal", str(WALKING_GOAL_MIN))),
        ("bull-2020", "pocovi-2024"),
    )
    order = [lesson for lesson in LESSONS_BY_LEVEL[level] if lesson in lesson_ids]
    if tier == Tier.SOON and "when-to-see-a-clinician" in lesson_ids:
        order = ["when-to-see-a-clinician", *[x for x in order if x != "when-to-see-a-clinician"]]
    lessons = tuple((day, order[i % len(order)]) for i, day in enumerate(days)) if order else ()

    whys = [phase_why, bias_why]
    if paused:
        whys = [Why("exercise_paused", sources=("nice-ng59",))]
    elif not pool:
        whys.append(Why("no_routine_fits"))
    if excluded_routines:
        whys.append(Why("routines_paused", (("routines", ", ".join(sorted(excluded_routines))),)))
    return WeekPlan(
        week_start=start,
        phase=level.phase,
        bias=bias,
        walking_target_min=target,
        slots=tuple(slots),
        walks=split_walking(target, days) if target else (),
        lessons=lessons,
        whys=tuple(whys),
        walking_why=walking_why,
        lesson_why=Why("lesson_for_phase", (("phase", level.phase.value),)),
    )
