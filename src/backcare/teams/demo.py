"""`backcare demo`: an organisation with teams, people and believable histories.

For trying the dashboard and for benchmarks. Everything is made with bulk
inserts in batches, in one transaction; the people are demo-00001@example.org
and onwards (`backcare login-url --user demo-00001@example.org`). Histories
are random but seeded, so the same arguments give the same data.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from backcare.accounts.models import User
from backcare.checkins.models import CheckIn
from backcare.library.models import Routine
from backcare.practice.models import PracticeSession
from backcare.reminders.models import Reminder, ScheduleSettings
from backcare.safety.models import SafetyScreen
from backcare.teams import activity
from backcare.teams.models import Join, Membership, Occurrence, Organisation, Role, Team, TeamBreak

BATCH = 5000
TEAM_NAMES = [
    "Finance",
    "Sales",
    "Support",
    "Platform",
    "Design",
    "Legal",
    "People",
    "Data",
    "Marketing",
    "Operations",
    "Research",
    "Security",
]
BREAK_HOURS = [9, 10, 11, 13, 14, 15]


def make_demo(
    users: int, days: int, seed: int = 1, say: Callable[[str], None] = print
) -> Organisation:
    if not 1 <= users <= 100_000 or not 1 <= days <= 365:
        raise ValueError("--users must be 1-100000 and --days 1-365")
    rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
    today = timezone.localdate()
    start = today - timedelta(days=days - 1)
    routines = list(Routine.objects.values_list("pk", "step_count"))
    if not routines:
        raise ValueError("the built-in routines are not loaded")
    with transaction.atomic():
        n = Organisation.objects.filter(name__startswith="Demo Company").count()
        org = Organisation.objects.create(name=f"Demo Company {n + 1}" if n else "Demo Company")
        team_count = max(1, users // 12)
        teams = Team.objects.bulk_create(
            [
                Team(organisation=org, name=f"{TEAM_NAMES[i % len(TEAM_NAMES)]} {i // 12 + 1}")
                for i in range(team_count)
            ]
        )
        password = make_password(None)  # nobody signs in with a password
        prefix = f"demo{n + 1}-" if n else "demo-"
        people = User.objects.bulk_create(
            [
                User(
                    username=f"{prefix}{i:05d}",
                    email=f"{prefix}{i:05d}@example.org",
                    first_name=f"Demo {i}",
                    password=password,
                )
                for i in range(1, users + 1)
            ],
            batch_size=BATCH,
        )
        say(f"{len(people)} people in {len(teams)} teams")
        memberships = []
        for i, person in enumerate(people):
            # In larger organisations about one in twenty are in no team (never
            # fewer than five, so they do not hide a team); the first is the admin.
            outside = users >= 100 and i % 20 == 19
            team = None if outside else teams[i % len(teams)]
            memberships.append(
                Membership(
                    organisation=org,
                    user=person,
                    team=team,
                    role=Role.ADMIN if i == 0 else Role.MEMBER,
                    is_lead=team is not None and i < len(teams),
                    show_name=rng.random() < 0.4,
                )
            )
        Membership.objects.bulk_create(memberships, batch_size=BATCH)
        ScheduleSettings.objects.bulk_create(
            [ScheduleSettings(user=p, sync_due_at=None) for p in people], batch_size=BATCH
        )
        # Answered recently enough that nobody is asked again at once (every 4 weeks).
        screened_at = timezone.now() - timedelta(days=min(days - 1, 20))
        SafetyScreen.objects.bulk_create(
            [SafetyScreen(user=p, tier="none", created_at=screened_at) for p in people],
            batch_size=BATCH,
        )
        breaks = TeamBreak.objects.bulk_create(
            [
                TeamBreak(
                    team=t,
                    routine="team-dance-break",
                    times=["10:00", "15:00"],
                    weekdays=[0, 1, 2, 3, 4],
                    tz="UTC",
                )
                for t in teams
            ]
        )
        by_team = {tb.team_id: tb for tb in breaks}
        workdays = [start + timedelta(days=d) for d in range(days)]
        workdays = [d for d in workdays if d.weekday() < 5]
        occurrences = Occurrence.objects.bulk_create(
            [
                Occurrence(team_break=tb, starts_at=datetime.combine(d, time(h), tzinfo=UTC))
                for tb in breaks
                for d in workdays
                if d < today
                for h in (10, 15)
            ],
            batch_size=BATCH,
        )
        occ_by = {(o.team_break_id, o.starts_at): o for o in occurrences}
        say(f"{len(occurrences)} team breaks held over {len(workdays)} working days")

        sessions: list[PracticeSession] = []
        reminders: list[Reminder] = []
        checkins: list[CheckIn] = []
        joins: list[Join] = []
        made = {"sessions": 0, "reminders": 0, "checkins": 0, "joins": 0}

        def flush(final: bool = False) -> None:
            pending: list[tuple[str, list[Any]]] = [
                ("sessions", sessions),
                ("reminders", reminders),
                ("checkins", checkins),
                ("joins", joins),
            ]
            for name, rows in pending:
                if rows and (final or len(rows) >= BATCH):
                    type(rows[0]).objects.bulk_create(rows, batch_size=BATCH)
                    made[name] += len(rows)
                    rows.clear()

        for person, member in zip(people, memberships, strict=True):
            keen = rng.random()  # how much this person takes part
            pain = rng.randint(3, 7)
            tb = by_team.get(member.team_id) if member.team_id else None
            for day in workdays:
                if day > today:
                    continue
                for hour in BREAK_HOURS:
                    at = datetime.combine(day, time(hour, rng.choice([0, 15, 30, 45])), tzinfo=UTC)
                    if at > timezone.now():
                        continue
                    roll = rng.random()
                    state = "taken" if roll < keen * 0.8 else "skipped" if roll < 0.85 else "missed"
                    reminders.append(
                        Reminder(
                            user=person,
                            day=day,
                            ideal_at=at,
                            kind="micro",
                            routine="desk-reset",
                            due_at=at,
                            ends_at=at + timedelta(minutes=5),
                            state=state,
                            acted_at=at + timedelta(minutes=5),
                        )
                    )
                    if state == "taken":
                        pk, steps = rng.choice(routines)
                        sessions.append(
                            PracticeSession(
                                user=person,
                                routine_id=pk,
                                source="web",
                                started_at=at,
                                ended_at=at + timedelta(minutes=4),
                                active_s=230,
                                steps_completed=steps,
                                steps_total=steps,
                                completed=True,
                                feeling=rng.choice(["better", "better", "same", ""]),
                                pain=max(0, min(10, pain + rng.randint(-2, 1))),
                            )
                        )
                if tb is not None and member.team_breaks:
                    for h in (10, 15):
                        occ = occ_by.get((tb.pk, datetime.combine(day, time(h), tzinfo=UTC)))
                        if occ is not None and rng.random() < keen * 0.7:
                            joins.append(Join(occurrence=occ, user=person, joined_at=occ.starts_at))
                if rng.random() < keen:
                    pain = max(0, min(10, pain + rng.choice([-1, 0, 0, 0, 1])))
                    sleep = rng.choice([5, 6, 6.5, 7, 7.5, 8, 8.5])
                    checkins.append(
                        CheckIn(
                            user=person,
                            day=day,
                            pain_now=pain,
                            pain_worst=min(10, pain + 2),
                            sleep_hours=Decimal(str(sleep)),
                            sleep_quality=rng.randint(2, 5),
                            stress=rng.randint(1, 8),
                            active_minutes=rng.choice([0, 15, 20, 30, 45]),
                        )
                    )
            flush()
        flush(final=True)
        activity.rebuild(User.objects.filter(membership__organisation=org).values("pk"))
        say(
            f"{made['reminders']} reminders, {made['sessions']} routines, "
            f"{made['checkins']} check-ins, {made['joins']} team break joins"
        )
    return org
