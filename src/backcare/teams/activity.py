"""Weekly participation per person, the roll-up behind the employer dashboard.

Counting every reminder, routine and team-break join of thousands of people
on each dashboard view is too slow (1.6 s for 2,000 people x 30 days), so
each person has a ``WeekActivity`` row per week. A row is recomputed from the
records it counts, never incremented, in the same transaction as the write
that changed them: ``refresh`` is called where a routine is recorded, a
reminder is answered by it and a team break is joined; ``rebuild`` after bulk
writes (an import, ``backcare demo``, the migration that added the table).
A person's rows go with their account.

Weeks start on Monday in the site's time zone (settings.TIME_ZONE), the same
for every writer and for the dashboard.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef

CHUNK = 20_000


def site_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def week_of(moment: datetime | date) -> date:
    """The Monday of the site-time week MOMENT falls in."""
    day = moment.astimezone(site_zone()).date() if isinstance(moment, datetime) else moment
    return day - timedelta(days=day.weekday())


def week_bounds(week: date) -> tuple[datetime, datetime]:
    start = datetime.combine(week, time(0), tzinfo=site_zone())
    return start, datetime.combine(week + timedelta(days=7), time(0), tzinfo=site_zone())


def _sources(models: Any) -> list[tuple[str, Any, str]]:
    """(figure, queryset of every counted record, its time field) for each figure."""
    return [
        (
            "breaks",
            models["Reminder"].objects.filter(state="taken").exclude(kind="team"),
            "due_at",
        ),
        ("routines", models["PracticeSession"].objects.filter(completed=True), "started_at"),
        ("joined", models["Join"].objects.all(), "occurrence__starts_at"),
    ]


def _current_models() -> dict[str, Any]:
    from backcare.practice.models import PracticeSession
    from backcare.reminders.models import Reminder
    from backcare.teams.models import Join, Occurrence, Team, TeamWeek, WeekActivity

    return {
        "Reminder": Reminder,
        "PracticeSession": PracticeSession,
        "Join": Join,
        "Occurrence": Occurrence,
        "Team": Team,
        "TeamWeek": TeamWeek,
        "WeekActivity": WeekActivity,
    }


def _held(models: dict[str, Any]) -> Any:
    """Every team break at least one person joined."""
    joins = models["Join"].objects.filter(occurrence=OuterRef("pk"))
    return models["Occurrence"].objects.filter(Exists(joins))


def refresh_team(team_id: int, moment: datetime) -> None:
    """Recount the team breaks held in TEAM_ID's week containing MOMENT (see ``refresh``)."""
    models = _current_models()
    row_model = models["TeamWeek"]
    week = week_of(moment)
    with transaction.atomic():
        row_model.objects.bulk_create(
            [row_model(team_id=team_id, week=week)], ignore_conflicts=True
        )
        row = row_model.objects.select_for_update().get(team_id=team_id, week=week)
        start, end = week_bounds(week)
        row.held = (
            _held(models)
            .filter(team_break__team_id=team_id, starts_at__gte=start, starts_at__lt=end)
            .count()
        )
        row.save(update_fields=["held"])


def refresh(user_id: int, moments: Iterable[datetime | date]) -> None:
    """Recount USER_ID's weeks that contain MOMENTS (in the caller's transaction)."""
    models = _current_models()
    row_model = models["WeekActivity"]
    with transaction.atomic():
        for week in sorted({week_of(m) for m in moments}):
            row_model.objects.bulk_create(
                [row_model(user_id=user_id, week=week)], ignore_conflicts=True
            )
            # The lock makes a concurrent refresh of the same week wait, then
            # count with this transaction's records committed (PostgreSQL);
            # SQLite runs one writing transaction at a time anyway.
            row = row_model.objects.select_for_update().get(user_id=user_id, week=week)
            start, end = week_bounds(week)
            for figure, records, field in _sources(models):
                count = records.filter(
                    user_id=user_id, **{f"{field}__gte": start, f"{field}__lt": end}
                ).count()
                setattr(row, figure, count)
            row.save(update_fields=["breaks", "routines", "joined"])


def rebuild(users: Any = None, models: dict[str, Any] | None = None) -> int:
    """Recount every week of USERS (a list or query of user ids; everybody if None).

    The teams of their organisations get their team breaks held recounted too.
    Returns the person-week rows made. MODELS lets a migration pass its
    historical models.
    """
    models = models or _current_models()
    row_model = models["WeekActivity"]
    ids = None if users is None else users if hasattr(users, "query") else list(users)
    counts: dict[tuple[int, date], dict[str, int]] = defaultdict(
        lambda: {"breaks": 0, "routines": 0, "joined": 0}
    )
    zone = site_zone()
    monday: dict[date, date] = {}
    for figure, records, field in _sources(models):
        if ids is not None:
            records = records.filter(user_id__in=ids)
        for user_id, at in records.values_list("user_id", field).iterator(chunk_size=CHUNK):
            day = at.astimezone(zone).date()
            week = monday.get(day)
            if week is None:
                week = monday[day] = day - timedelta(days=day.weekday())
            counts[(user_id, week)][figure] += 1
    held: dict[tuple[int, date], int] = defaultdict(int)
    teams = models["Team"].objects.all()
    if ids is not None:
        teams = teams.filter(organisation__memberships__user_id__in=ids)
    breaks = _held(models).filter(team_break__team__in=teams.values("pk"))
    for team_id, at in breaks.values_list("team_break__team_id", "starts_at").iterator(CHUNK):
        held[(team_id, week_of(at))] += 1
    team_model = models["TeamWeek"]
    with transaction.atomic():
        stale = row_model.objects.all()
        if ids is not None:
            stale = stale.filter(user_id__in=ids)
        stale.delete()
        made = row_model.objects.bulk_create(
            (row_model(user_id=u, week=w, **c) for (u, w), c in counts.items()),
            batch_size=5000,
        )
        team_model.objects.filter(team__in=teams.values("pk")).delete()
        team_model.objects.bulk_create(
            (team_model(team_id=t, week=w, held=n) for (t, w), n in held.items()),
            batch_size=5000,
        )
    return len(made)
