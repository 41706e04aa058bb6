"""The employer dashboard: participation only, per team and organisation, per week.

Figures: team breaks held (a team's break that at least one person joined),
team break joins, personal breaks taken, and weekly active people (anyone who
finished a routine, took a break or joined a team break that week). People
count in the team they are in now. Read from the weekly roll-up in
``teams.activity``, so a view costs the same whatever the history's length. Which figures may be
shown is decided by ``core.suppress`` from the groups' sizes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone

from backcare.core.suppress import MIN_GROUP, REST, Shown, suppress
from backcare.teams.activity import week_of
from backcare.teams.models import Membership, Organisation, Team, TeamWeek, WeekActivity

FIGURES = ("held", "joined", "breaks", "active")


@dataclass
class Row:
    name: str
    size: int
    shown: bool
    weeks: list[dict[str, object]] = field(default_factory=list)
    team_id: int | None = None


@dataclass
class Board:
    organisation: Organisation
    week_starts: list[date]
    total: Row
    teams: list[Row]
    min_group: int = MIN_GROUP


def dashboard_for(org: Organisation, weeks: int = 8, today: date | None = None) -> Board:
    today = today or timezone.localdate()
    starts = [week_of(today) - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    members = dict(Membership.objects.filter(organisation=org).values_list("user_id", "team_id"))
    teams = list(Team.objects.filter(organisation=org))
    key = {t.pk: str(t.pk) for t in teams}

    def group(team: int | None) -> str:
        return key.get(team, REST) if team is not None else REST

    sizes: dict[str, int] = defaultdict(int)
    for team_id in members.values():
        sizes[group(team_id)] += 1
    shown: Shown = suppress(dict(sizes))

    # From the weekly roll-up (teams.activity), grouped by each person's team now.
    counts: dict[tuple[str, date, str], int] = defaultdict(int)
    for team_id, week, breaks, joined, active in (
        WeekActivity.objects.filter(user__membership__organisation=org, week__gte=starts[0])
        .values("user__membership__team_id", "week")
        .annotate(
            n_breaks=Sum("breaks"),
            n_joined=Sum("joined"),
            n_active=Count("pk", filter=Q(breaks__gt=0) | Q(routines__gt=0) | Q(joined__gt=0)),
        )
        .values_list("user__membership__team_id", "week", "n_breaks", "n_joined", "n_active")
    ):
        g = group(team_id)
        counts[(g, week, "breaks")] += breaks
        counts[(g, week, "joined")] += joined
        counts[(g, week, "active")] += active
    # A team break is held by the team that set it up when at least one person joined.
    for team_id, week, held in TeamWeek.objects.filter(
        team__organisation=org, week__gte=starts[0]
    ).values_list("team_id", "week", "held"):
        counts[(group(team_id), week, "held")] += held

    def week_figures(groups: list[str], visible: bool) -> list[dict[str, object]]:
        out: list[dict[str, object]] = []
        for w in starts:
            if not visible:
                out.append({"week": w, **dict.fromkeys(FIGURES)})
                continue
            out.append(
                {
                    "week": w,
                    **{f: sum(counts[(g, w, f)] for g in groups) for f in FIGURES},
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
            t.pk,
        )
        for t in teams
    ]
    return Board(org, starts, total, rows)
