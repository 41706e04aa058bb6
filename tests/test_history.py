"""The break history's counts and streak (core/history.py)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from backcare.core.history import Outcome, Record, summarise, week_start

TODAY = date(2026, 11, 20)  # a Friday

records = st.lists(
    st.builds(
        Record,
        day=st.dates(min_value=TODAY - timedelta(days=40), max_value=TODAY),
        outcome=st.sampled_from(list(Outcome)),
        snoozes=st.integers(0, 3),
    ),
    max_size=60,
)


@given(records)
def test_every_reminder_is_counted_once_per_day_and_per_week(found: list[Record]) -> None:
    history = summarise(found, TODAY)
    assert sum(c.total for c in history.days.values()) == len(found)
    assert sum(c.total for c in history.weeks.values()) == len(found)
    assert sum(c.snoozed for c in history.days.values()) == sum(r.snoozes for r in found)
    assert all(w.weekday() == 0 for w in history.weeks)


@given(records)
def test_the_streak_never_outruns_the_days_with_a_break_taken(found: list[Record]) -> None:
    history = summarise(found, TODAY)
    taken_days = {r.day for r in found if r.outcome == Outcome.TAKEN}
    assert 0 <= history.streak <= len(taken_days)
    # Every day of the streak, counted back over days that had reminders, had one taken.
    counted = sorted((d for d in history.days if d <= TODAY), reverse=True)
    if counted and counted[0] == TODAY and TODAY not in taken_days:
        counted = counted[1:]
    assert all(d in taken_days for d in counted[: history.streak])


def test_days_off_do_not_break_the_streak_and_a_missed_day_does() -> None:
    friday, thursday, monday = TODAY, TODAY - timedelta(days=1), TODAY - timedelta(days=4)
    previous_friday = TODAY - timedelta(days=7)
    found = [
        Record(friday, Outcome.PLANNED),  # today, nothing taken yet: not counted, not broken
        Record(thursday, Outcome.TAKEN),
        Record(thursday, Outcome.MISSED),
        Record(monday, Outcome.TAKEN, snoozes=2),  # Tuesday and Wednesday had no reminders
        Record(previous_friday, Outcome.SKIPPED),
        Record(previous_friday - timedelta(days=1), Outcome.TAKEN),
    ]
    history = summarise(found, TODAY)
    assert history.streak == 2
    assert history.days[monday].snoozed == 2
    assert history.weeks[week_start(TODAY)].taken == 2
    assert summarise([*found, Record(friday, Outcome.TAKEN)], TODAY).streak == 3
