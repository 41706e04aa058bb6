"""What a person's own records show: pain over time, activity, breaks, milestones, insights.

Pure. Insights are shown only where the data can carry them, always with the
number of days behind them and without causal wording: a pattern in one
person's records is not proof of cause.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import pairwise
from statistics import fmean

# WHO's weekly activity goal (CLINICAL.md section 3).
WEEKLY_GOAL_MIN = 150
MEAN_WINDOW_DAYS = 7
# The sleep insight needs this many check-ins and this big a difference.
INSIGHT_MIN_DAYS = 14
INSIGHT_MIN_GROUP = 3
INSIGHT_MIN_DIFFERENCE = 1.0
GOOD_SLEEP_HOURS = 7


@dataclass(frozen=True)
class DayEntry:
    """One check-in, reduced to what the progress page uses."""

    day: date
    pain_now: int
    pain_worst: int
    sleep_hours: float
    stress: int
    active_minutes: int


@dataclass(frozen=True)
class SessionEntry:
    day: date
    completed: bool
    feeling: str  # better, same, worse or ""


@dataclass(frozen=True)
class PainPoint:
    day: date
    pain: int | None
    mean7: float | None


@dataclass(frozen=True)
class ActiveWeek:
    week_start: date
    minutes: int
    target: int | None


@dataclass(frozen=True)
class BreakWeek:
    week_start: date
    taken: int
    planned: int


@dataclass(frozen=True)
class FeelingWeek:
    week_start: date
    better: int
    same: int
    worse: int


@dataclass(frozen=True)
class Milestone:
    day: date
    code: str  # first_checkin, checkin_week, target_met, goal_met, routines_10, routines_50
    value: int = 0


@dataclass(frozen=True)
class SleepInsight:
    good_days: int
    good_mean: float
    short_days: int
    short_mean: float


@dataclass
class Progress:
    pain: list[PainPoint] = field(default_factory=list)
    active: list[ActiveWeek] = field(default_factory=list)
    breaks: list[BreakWeek] = field(default_factory=list)
    feelings: list[FeelingWeek] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    sleep: SleepInsight | None = None
    days_with_checkins: int = 0


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def pain_series(entries: Sequence[DayEntry], start: date, end: date) -> list[PainPoint]:
    """Pain now for each day from START to END, with the mean of the 7 days ending there."""
    by_day = {e.day: e.pain_now for e in entries}
    points = []
    day = start
    while day <= end:
        window = [
            by_day[d]
            for d in (day - timedelta(days=n) for n in range(MEAN_WINDOW_DAYS))
            if d in by_day
        ]
        points.append(PainPoint(day, by_day.get(day), round(fmean(window), 2) if window else None))
        day += timedelta(days=1)
    return points


def sleep_insight(entries: Sequence[DayEntry]) -> SleepInsight | None:
    """Pain on days after 7 or more hours of sleep against fewer, when the data carry it."""
    if len(entries) < INSIGHT_MIN_DAYS:
        return None
    good = [e.pain_now for e in entries if e.sleep_hours >= GOOD_SLEEP_HOURS]
    short = [e.pain_now for e in entries if e.sleep_hours < GOOD_SLEEP_HOURS]
    if len(good) < INSIGHT_MIN_GROUP or len(short) < INSIGHT_MIN_GROUP:
        return None
    good_mean, short_mean = fmean(good), fmean(short)
    if abs(good_mean - short_mean) < INSIGHT_MIN_DIFFERENCE:
        return None
    return SleepInsight(len(good), round(good_mean, 1), len(short), round(short_mean, 1))


def milestones(
    entries: Sequence[DayEntry], sessions: Sequence[SessionEntry], active: Sequence[ActiveWeek]
) -> list[Milestone]:
    found: list[Milestone] = []
    days = sorted(e.day for e in entries)
    if days:
        found.append(Milestone(days[0], "first_checkin"))
        run = 1
        for a, b in pairwise(days):
            run = run + 1 if b - a == timedelta(days=1) else 1
            if run == 7:
                found.append(Milestone(b, "checkin_week", 7))
                break
    done = sorted(s.day for s in sessions if s.completed)
    for n, code in ((10, "routines_10"), (50, "routines_50")):
        if len(done) >= n:
            found.append(Milestone(done[n - 1], code, n))
    for week in active:
        if week.target and week.minutes >= week.target:
            found.append(Milestone(week.week_start + timedelta(days=6), "target_met", week.minutes))
            break
    for week in active:
        if week.minutes >= WEEKLY_GOAL_MIN:
            found.append(Milestone(week.week_start + timedelta(days=6), "goal_met", week.minutes))
            break
    return sorted(found, key=lambda m: m.day)


def summarise(
    entries: Sequence[DayEntry],
    sessions: Sequence[SessionEntry],
    targets: dict[date, int],
    breaks: dict[date, tuple[int, int]],
    start: date,
    end: date,
) -> Progress:
    """Everything the progress page and the report show for the days START to END.

    TARGETS maps a week's Monday to that week's active-minutes target;
    BREAKS maps a week's Monday to (taken, planned).
    """
    inside = [e for e in entries if start <= e.day <= end]
    weeks = []
    monday = week_start(start)
    while monday <= end:
        weeks.append(monday)
        monday += timedelta(days=7)
    minutes = Counter[date]()
    for e in inside:
        minutes[week_start(e.day)] += e.active_minutes
    active = [ActiveWeek(w, minutes[w], targets.get(w)) for w in weeks]
    feelings = []
    for w in weeks:
        counted = Counter(
            s.feeling for s in sessions if week_start(s.day) == w and start <= s.day <= end
        )
        feelings.append(FeelingWeek(w, counted["better"], counted["same"], counted["worse"]))
    return Progress(
        pain=pain_series(inside, start, end),
        active=active,
        breaks=[BreakWeek(w, *breaks.get(w, (0, 0))) for w in weeks],
        feelings=feelings,
        milestones=milestones(entries, sessions, active),
        sleep=sleep_insight(inside),
        days_with_checkins=len(inside),
    )
