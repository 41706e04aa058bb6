"""The weekly participation roll-up stays in step with the records it counts."""

from __future__ import annotations

import itertools
import threading
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backcare.accounts.models import User
from backcare.library.models import Routine
from backcare.practice.services import SessionResult, record_session
from backcare.reminders.models import Reminder
from backcare.teams import activity, services
from backcare.teams.models import Occurrence, TeamBreak, TeamWeek, WeekActivity
from tests.helpers import make_user

# A Monday at midnight in Copenhagen (23:00 UTC on Sunday): moments either side
# of it fall in different weeks only if the site's time zone is used.
EDGE = datetime(2026, 3, 23, tzinfo=ZoneInfo("Europe/Copenhagen"))
counter = itertools.count()

OPS = st.lists(
    st.tuples(
        st.sampled_from(["routine", "unfinished", "answer", "join", "again"]),
        st.integers(0, 2),  # which person
        st.integers(-3 * 24 * 60, 3 * 24 * 60),  # minutes from EDGE
    ),
    max_size=12,
)


def finish(user: User, at: datetime, completed: bool = True, reminder: int | None = None) -> Any:
    result = SessionResult(
        idempotency_key=uuid.uuid4(),
        routine_slug="desk-reset",
        source="web",
        started_at=at,
        ended_at=at + timedelta(minutes=4),
        active_s=230,
        steps_completed=8 if completed else 2,
        completed=completed,
        reminder_id=reminder,
    )
    record_session(user, result)
    return result


def rows(users: list[User]) -> dict[tuple[int, date], tuple[int, int, int]]:
    found = WeekActivity.objects.filter(user__in=users)
    return {
        (r.user_id, r.week): (r.breaks, r.routines, r.joined)
        for r in found
        if (r.breaks, r.routines, r.joined) != (0, 0, 0)
    }


@pytest.fixture
def copenhagen(settings: Any) -> None:
    settings.TIME_ZONE = "Europe/Copenhagen"


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=OPS)
def test_the_roll_up_counts_exactly_what_was_recorded(
    ops: list[tuple[str, int, int]], routines: list[Routine], copenhagen: None
) -> None:
    # Each example in a savepoint of its own, so one failure does not spoil the next.
    with transaction.atomic():
        check_roll_up(ops)


def check_roll_up(ops: list[tuple[str, int, int]]) -> None:
    run = next(counter)
    people = [make_user(f"act{run}-{n}") for n in range(3)]
    admin = people[0]
    services.create_organisation(admin, f"Org {run}")
    team = services.create_team(admin, "T")
    for person in people[1:]:
        services.accept_invite(person, services.make_invite(admin, team).token)
    tb = TeamBreak.objects.create(team=team, times=["10:00"], weekdays=[0, 1, 2, 3, 4, 5, 6])
    expected: Counter[tuple[int, date, str]] = Counter()
    held: set[tuple[int, date]] = set()  # (team break joined, its week)
    last: dict[int, SessionResult] = {}
    for n, (op, who, minutes) in enumerate(ops):
        person, at = people[who], EDGE + timedelta(minutes=minutes, seconds=n)
        week = activity.week_of(at)
        if op == "again" and person.pk in last:  # the same post twice counts once
            record_session(person, last[person.pk])
        elif op in ("routine", "unfinished"):
            last[person.pk] = finish(person, at, completed=op == "routine")
            expected[(person.pk, week, "routines")] += op == "routine"
        elif op == "answer":
            due = at - timedelta(minutes=1)
            reminder = Reminder.objects.create(
                user=person,
                day=due.date(),
                ideal_at=due,
                kind="micro",
                routine="desk-reset",
                due_at=due,
                ends_at=due + timedelta(minutes=5),
            )
            last[person.pk] = finish(person, at, reminder=reminder.pk)
            expected[(person.pk, activity.week_of(due), "breaks")] += 1
            expected[(person.pk, week, "routines")] += 1
        elif op == "join":
            occ, _ = Occurrence.objects.get_or_create(team_break=tb, starts_at=at)
            before = occ.joins.count()
            services.join(person, occ, now=at)
            services.join(person, occ, now=at)  # joining twice is one join
            expected[(person.pk, week, "joined")] += occ.joins.count() - before
            held.add((occ.pk, week))
    want: dict[tuple[int, date], list[int]] = {}
    for (user_id, week, figure), n in expected.items():
        if n:
            slot = want.setdefault((user_id, week), [0, 0, 0])
            slot[("breaks", "routines", "joined").index(figure)] += n
    assert rows(people) == {k: tuple(v) for k, v in want.items()}
    want_held = Counter(week for _, week in held)

    def team_weeks() -> Counter[date]:
        found = TeamWeek.objects.filter(team=team, held__gt=0)
        return Counter({r.week: r.held for r in found})

    assert team_weeks() == want_held
    # And a rebuild from scratch agrees with what the writes kept up to date.
    activity.rebuild([p.pk for p in people])
    assert rows(people) == {k: tuple(v) for k, v in want.items()}
    assert team_weeks() == want_held


def test_weeks_start_on_monday_in_the_sites_time_zone(copenhagen: None) -> None:
    sunday_evening_utc = datetime(2026, 3, 22, 23, 30, tzinfo=UTC)  # Monday 00:30 there
    assert activity.week_of(sunday_evening_utc) == date(2026, 3, 23)
    assert activity.week_of(sunday_evening_utc - timedelta(hours=1)) == date(2026, 3, 16)


@pytest.mark.django_db(transaction=True)
def test_concurrent_routines_of_one_person_are_all_counted(routines: list[Routine]) -> None:
    person = make_user("busy")
    at = datetime.now(UTC) - timedelta(hours=1)
    failures: list[BaseException] = []

    def post_many() -> None:
        try:
            for n in range(8):
                finish(person, at + timedelta(seconds=n))
        except BaseException as exc:
            failures.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=post_many) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not failures, failures
    row = WeekActivity.objects.get(user=person, week=activity.week_of(at))
    assert row.routines == 24
