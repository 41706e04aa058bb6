"""Break times through a workday that dodge meetings.

Pure and deterministic: given the settings, the day and the busy times, the
same breaks come out. Breaks land only inside working hours, never in a busy
interval, lunch or do-not-disturb, and never closer than ``MIN_GAP`` to each
other. A break whose ideal time is taken moves to the nearest free gap long
enough for it, or is dropped with a note when the day is full.

The interval between breaks is a pragmatic default (a posture change every
30-60 minutes, a 10-20 minute walk every few hours: CLINICAL.md section 4,
Waongenngarm 2018, Buckley 2015); there is no evidence-based optimum (Luger
2019).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from itertools import pairwise
from zoneinfo import ZoneInfo

MIN_GAP = timedelta(minutes=10)


@dataclass(frozen=True, order=True)
class Interval:
    start: datetime
    end: datetime

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    def overlaps(self, other: Interval) -> bool:
        return self.start < other.end and other.start < self.end


def subtract(free: Sequence[Interval], blocked: Sequence[Interval]) -> list[Interval]:
    """FREE minus every BLOCKED interval."""
    result = sorted(free)
    for block in sorted(blocked):
        pieces: list[Interval] = []
        for piece in result:
            if not piece.overlaps(block):
                pieces.append(piece)
                continue
            if piece.start < block.start:
                pieces.append(Interval(piece.start, block.start))
            if block.end < piece.end:
                pieces.append(Interval(block.end, piece.end))
        result = pieces
    return result


class BreakKind(StrEnum):
    MICRO = "micro"
    WALK = "walk"


@dataclass(frozen=True)
class Settings:
    tz: str = "UTC"
    # Weekday (0 = Monday) to working ranges in local time; several per day allowed.
    working_hours: Mapping[int, tuple[tuple[time, time], ...]] = field(
        default_factory=lambda: {d: ((time(9, 0), time(17, 0)),) for d in range(5)}
    )
    micro_interval_min: int = 45
    micro_minutes: int = 5
    walk_every_min: int = 180
    walk_minutes: int = 15
    lunch: tuple[time, time] | None = (time(12, 0), time(12, 30))
    days_off: frozenset[date] = frozenset()
    dnd_until: datetime | None = None
    warning_s: int = 60


@dataclass(frozen=True)
class PlannedBreak:
    start: datetime
    end: datetime
    kind: BreakKind
    routine: str | None
    ideal: datetime

    @property
    def moved(self) -> bool:
        return self.start != self.ideal


@dataclass(frozen=True)
class Dropped:
    ideal: datetime
    kind: BreakKind
    reason: str


@dataclass(frozen=True)
class DaySchedule:
    day: date
    breaks: tuple[PlannedBreak, ...]
    dropped: tuple[Dropped, ...]


def _local(day: date, at: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=tz)


def working_intervals(settings: Settings, day: date) -> list[Interval]:
    if day in settings.days_off:
        return []
    tz = ZoneInfo(settings.tz)
    return sorted(
        Interval(_local(day, start, tz), _local(day, end, tz))
        for start, end in settings.working_hours.get(day.weekday(), ())
        if end > start
    )


def ideal_times(settings: Settings, work: Sequence[Interval]) -> list[tuple[datetime, BreakKind]]:
    """Where breaks would go on an empty day: micro-breaks every interval, walks every few hours."""
    if not work:
        return []
    first = work[0].start
    micro = timedelta(minutes=settings.micro_interval_min)
    walk_every = timedelta(minutes=settings.walk_every_min)
    walks = []
    k = 1
    while first + k * walk_every < work[-1].end:
        walks.append(first + k * walk_every)
        k += 1
    times: list[tuple[datetime, BreakKind]] = [(w, BreakKind.WALK) for w in walks]
    for interval in work:
        t = interval.start + micro
        while t < interval.end:
            # A walk close by replaces the micro-break.
            if all(abs(t - w) >= micro / 2 for w in walks):
                times.append((t, BreakKind.MICRO))
            t += micro
    # Walks first: they need the longer gaps.
    return sorted(times, key=lambda item: (item[1] != BreakKind.WALK, item[0]))


def schedule_day(
    settings: Settings,
    day: date,
    busy: Sequence[Interval],
    routines: Sequence[str] = (),
    walk_routine: str | None = "walking-break",
) -> DaySchedule:
    """The breaks for DAY; ROUTINES are handed out to micro-breaks in turn."""
    tz = ZoneInfo(settings.tz)
    work = working_intervals(settings, day)
    blocked = list(busy)
    if settings.lunch:
        blocked.append(
            Interval(_local(day, settings.lunch[0], tz), _local(day, settings.lunch[1], tz))
        )
    if settings.dnd_until is not None and work:
        blocked.append(Interval(work[0].start, settings.dnd_until))
    free = subtract(work, blocked)

    placed: list[PlannedBreak] = []
    dropped: list[Dropped] = []
    for ideal, kind in ideal_times(settings, work):
        length = timedelta(
            minutes=settings.walk_minutes if kind == BreakKind.WALK else settings.micro_minutes
        )
        room = subtract(free, [Interval(b.start - MIN_GAP, b.end + MIN_GAP) for b in placed])
        start = _nearest_start(room, ideal, length)
        if start is None:
            dropped.append(Dropped(ideal, kind, "day_full"))
            continue
        placed.append(PlannedBreak(start, start + length, kind, None, ideal))

    placed.sort(key=lambda b: b.start)
    n = 0
    with_routines: list[PlannedBreak] = []
    for b in placed:
        if b.kind == BreakKind.WALK:
            routine = walk_routine
        elif routines:
            routine = routines[n % len(routines)]
            n += 1
        else:
            routine = None
        with_routines.append(PlannedBreak(b.start, b.end, b.kind, routine, b.ideal))
    return DaySchedule(day, tuple(with_routines), tuple(sorted(dropped, key=lambda d: d.ideal)))


def _nearest_start(room: Sequence[Interval], ideal: datetime, length: timedelta) -> datetime | None:
    """The start nearest IDEAL at which LENGTH fits inside one of ROOM; earlier wins a tie."""
    best: datetime | None = None
    for gap in room:
        if gap.length < length:
            continue
        candidate = min(max(ideal, gap.start), gap.end - length)
        if best is None or (abs(candidate - ideal), candidate) < (abs(best - ideal), best):
            best = candidate
    return best


class HoursError(ValueError):
    """Working hours that cannot be used; the message names the range."""


def parse_ranges(text: str) -> tuple[tuple[time, time], ...]:
    """'09:00-12:00, 13:00-17:00' as sorted ranges; overlapping or backwards ones refused."""
    ranges: list[tuple[time, time]] = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            start_text, end_text = (x.strip() for x in part.split("-"))
            start, end = time.fromisoformat(start_text), time.fromisoformat(end_text)
        except ValueError:
            raise HoursError(f"{part!r} is not a range like 09:00-17:00") from None
        if end <= start:
            raise HoursError(f"{part} ends before it starts")
        ranges.append((start, end))
    ranges.sort()
    for (a_start, a_end), (b_start, b_end) in pairwise(ranges):
        if b_start < a_end:
            raise HoursError(
                f"{a_start:%H:%M}-{a_end:%H:%M} and {b_start:%H:%M}-{b_end:%H:%M} overlap"
            )
    return tuple(ranges)


def format_ranges(ranges: tuple[tuple[time, time], ...]) -> str:
    return ", ".join(f"{s:%H:%M}-{e:%H:%M}" for s, e in ranges)
