"""Adapting the plan to how the back responds.

Rules (CLINICAL.md section 5, the pain-monitoring rule borrowed from
tendinopathy, Silbernagel 2007, unverified for back pain; and section 3 for
when to refer):
- pain 0-3 during or after a session is fine; 4-5 is acceptable if it has
  settled by the next day; above 5, or 4-5 again the next day: step back;
- two weeks in the green (every report 0-3) with at least 70% of the planned
  breaks done: step up;
- new leg, bladder or numbness symptoms, or leg symptoms spreading: stop that
  routine and screen again;
- less than 2 points (or 30%) better after 6 weeks, or worse after 4:
  recommend a clinician.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from backcare.core.plan import Level, Why

GREEN_MAX = 3
AMBER_MAX = 5
STEP_UP_DAYS = 14
STEP_UP_ADHERENCE = 0.7


@dataclass(frozen=True)
class Report:
    """One pain report after a session (or, later, a daily check-in)."""

    day: date
    pain: int | None
    new_symptoms: bool = False
    routine: str | None = None


@dataclass(frozen=True)
class Decision:
    level: Level
    whys: tuple[Why, ...] = ()
    rescreen: bool = False
    pause_routines: frozenset[str] = frozenset()
    see_clinician: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.whys)


def adapt(
    level: Level,
    reports: Sequence[Report],
    today: date,
    last_change: date | None,
    breaks_done: int,
    breaks_planned: int,
    baseline_pain: int | None,
    started: date | None,
    already_advised: bool = False,
) -> Decision:
    """The level for TODAY given the recent REPORTS; pure and deterministic."""
    window_start = today - timedelta(days=STEP_UP_DAYS)
    recent = sorted(
        (r for r in reports if window_start < r.day <= today), key=lambda r: (r.day, r.pain or 0)
    )
    whys: list[Why] = []
    new_level = level

    # Only what was reported since the last change counts, so one report is
    # acted on once.
    since_change = [r for r in recent if last_change is None or r.day >= last_change]
    symptomatic = [r for r in since_change if r.new_symptoms]
    paused = frozenset(r.routine for r in symptomatic if r.routine)
    if symptomatic:
        whys.append(Why("stop_and_rescreen", sources=("nice-ng59",)))

    pains = [(r.day, r.pain) for r in since_change if r.pain is not None]
    too_much = any(p > AMBER_MAX for _, p in pains)
    amber_days = sorted({d for d, p in pains if GREEN_MAX < p <= AMBER_MAX})
    not_settling = any(b - a == timedelta(days=1) for a, b in pairwise(amber_days))
    if (too_much or not_settling) and level > Level.FLARE_UP:
        new_level = Level(level - 1)
        code = "step_back_high_pain" if too_much else "step_back_not_settling"
        whys.append(Why(code, sources=("silbernagel-2007",)))
    elif (
        level < Level.MAINTAINING
        and (last_change is None or today - last_change >= timedelta(days=STEP_UP_DAYS))
        and (started is None or today - started >= timedelta(days=STEP_UP_DAYS))
        and pains
        and all(p <= GREEN_MAX for _, p in pains)
        and breaks_planned > 0
        and breaks_done / breaks_planned >= STEP_UP_ADHERENCE
    ):
        new_level = Level(level + 1)
        whys.append(Why("step_up_green", sources=("macedo-2010",)))

    see_clinician = False
    if not already_advised and baseline_pain is not None and started is not None and pains:
        latest = pains[-1][1]
        weeks = (today - started).days / 7
        better_by = baseline_pain - latest
        enough = better_by >= 2 or (baseline_pain > 0 and better_by / baseline_pain >= 0.3)
        if (weeks >= 6 and not enough) or (weeks >= 4 and latest > baseline_pain):
            see_clinician = True
            whys.append(Why("see_clinician", sources=("nice-ng59", "farrar-2001")))

    return Decision(
        level=new_level,
        whys=tuple(whys),
        rescreen=bool(symptomatic),
        pause_routines=paused,
        see_clinician=see_clinician,
    )
