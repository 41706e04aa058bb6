"""What became of a person's break reminders, per day and per week, and the streak.

Pure: it takes one record per reminder (its day, its outcome and how many
times it was snoozed) and counts. Snoozes are counted as events (one reminder
snoozed twice counts two); taken, skipped and missed are outcomes, one per
reminder. A reminder still waiting counts as planned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum


class Outcome(StrEnum):
    PLANNED = "planned"  # not yet due, or due and waiting for an answer
    TAKEN = "taken"
    SKIPPED = "skipped"
    MISSED = "missed"


@dataclass(frozen=True)
class Record:
    day: date
    outcome: Outcome
    snoozes: int = 0


@dataclass
class Counts:
    planned: int = 0
    taken: int = 0
    snoozed: int = 0
    skipped: int = 0
    missed: int = 0

    def add(self, record: Record) -> None:
        self.snoozed += record.snoozes
        if record.outcome == Outcome.PLANNED:
            self.planned += 1
        elif record.outcome == Outcome.TAKEN:
            self.taken += 1
        elif record.outcome == Outcome.SKIPPED:
            self.skipped += 1
        else:
            self.missed += 1

    @property
    def total(self) -> int:
        return self.planned + self.taken + self.skipped + self.missed


@dataclass
class History:
    days: dict[date, Counts] = field(default_factory=dict)
    # Keyed by the Monday of each ISO week.
    weeks: dict[date, Counts] = field(default_factory=dict)
    streak: int = 0


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def summarise(records: Iterable[Record], today: date) -> History:
    """Counts per day and week, and the streak.

    The streak is the number of days in a row, ending today, on which at
    least one break was taken. Days without any reminder (days off, weekends)
    neither count nor break it; nor does today while none has been taken yet.
    """
    history = History()
    for record in records:
        history.days.setdefault(record.day, Counts()).add(record)
        history.weeks.setdefault(week_start(record.day), Counts()).add(record)

    streak = 0
    for day in sorted((d for d in history.days if d <= today), reverse=True):
        counts = history.days[day]
        if counts.taken:
            streak += 1
        elif day == today:
            continue  # the day is not over yet
        else:
            break
    history.streak = streak
    return history
