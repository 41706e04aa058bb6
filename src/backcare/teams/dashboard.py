"""The employer dashboard: participation only, per team and organisation, per week.

Figures: team breaks held (with at least one person joining), team break
joins, personal breaks taken, and weekly active people (anyone who finished a
routine, took a break or joined a team break that week). Which figures may be
shown is decided by ``core.suppress`` from the groups' sizes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from backcare.core.suppress import MIN_GROUP, REST, Shown, suppress
from backcare.practice.models import PracticeSession
from backcare.reminders.models import Reminder
from backcare.teams.models import Join, Membership, Organisation, Team

FIGURES = ("held", "joined", "breaks", "active")


@dataclass
class Row:
    name: str
    size: int
    shown: bool
    weeks: list[dict[str, object]] = field(default_factory=list)


@dataclass
class Board:
    organisation: Organisation
    week_starts: list[date]
    total: Row
    teams: list[Row]
    min_group: int = MIN_GROUP


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def dashboard_for(org: Organisation, weeks: int = 8, today: date | None = None) -> Board:
    today = today or timezone.localdate()
    starts = [monday(today) - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    since = datetime.combine(starts[0], time(0), tzinfo=timezone.get_current_timezone())
    members = dict(Membership.objects.filter(organisation=org).values_list("user_id", "team_id"))
    teams = list(Team.objects.filter(organisation=org))
    key = {t.pk: str(t.pk) for t in teams}

    def group(user_id: int) -> str:
        team = members.get(user_id)
        return key.get(team, REST) if team is not None else REST

    sizes: dict[str, int] = defaultdict(int)
    for user_id in members:
        sizes[group(user_id)] += 1
    shown: Shown = suppress(dict(sizes))

    counts: dict[tuple[str, date, str], int] = defaultdict(int)
    active: dict[tuple[str, date], set[int]] = defaultdict(set)
    held: dict[tuple[str, date], set[int]] = defaultdict(set)
    users = list(members)
    for user_id, at in (
        Reminder.objects.filter(user_id__in=users, state="taken", due_at__gte=since)
        .exclude(kind="team")
        .values_list("user_id", "due_at")
    ):
        g, w = group(user_id), monday(timezone.localdate(at))
        counts[(g, w, "breaks")] += 1
        active[(g, w)].add(user_id)
    for user_id, at in PracticeSession.objects.filter(
        user_id__in=users, completed=True, started_at__gte=since
    ).values_list("user_id", "started_at"):
        active[(group(user_id), monday(timezone.localdate(at)))].add(user_id)
    for user_id, at, occ in Join.objects.filter(
        user_id__in=users, occurrence__starts_at__gte=since
    ).values_list("user_id", "occurrence__starts_at", "occurrence_id"):
        g, w = group(user_id), monday(timezone.localdate(at))
        counts[(g, w, "joined")] += 1
        active[(g, w)].add(user_id)
        held[(g, w)].add(occ)

    def week_figures(groups: list[str], visible: bool) -> list[dict[str, object]]:
        out: list[dict[str, object]] = []
        for w in starts:
            if not visible:
                out.append({"week": w, **dict.fromkeys(FIGURES)})
                continue
            out.append(
                {
                    "week": w,
                    "held": len(set().union(*(held[(g, w)] for g in groups))),
                    "joined": sum(counts[(g, w, "joined")] for g in groups),
                    "breaks": sum(counts[(g, w, "breaks")] for g in groups),
                    "active": sum(len(active[(g, w)]) for g in groups),
                }
            )
        return out

    every = list(sizes)
    total = Row(org.name, sum(sizes.values()), shown.total, week_figures(every, shown.total))
    rows = [
        Row(
            t.name,
            sizes.get(key[t.pk], 0),
            key[t.pk] in shown.groups,
            week_figures([key[t.pk]], key[t.pk] in shown.groups),
        )
        for t in teams
    ]
    return Board(org, starts, total, rows)
