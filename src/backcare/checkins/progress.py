"""A person's progress from the database: the page and the report share it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from backcare.accounts.models import User
from backcare.checkins.models import CheckIn
from backcare.core import charts
from backcare.core.progress import (
    WEEKLY_GOAL_MIN,
    DayEntry,
    Progress,
    SessionEntry,
    summarise,
    week_start,
)
from backcare.plans.models import WeekPlanRecord
from backcare.practice.models import PracticeSession
from backcare.reminders.models import Reminder


@dataclass
class ProgressView:
    progress: Progress
    start: date
    end: date
    pain_svg: str
    active_svg: str
    breaks_svg: str


def entries(user: User, start: date, end: date) -> list[DayEntry]:
    return [
        DayEntry(c.day, c.pain_now, c.pain_worst, float(c.sleep_hours), c.stress, c.active_minutes)
        for c in CheckIn.objects.filter(user=user, day__range=(start, end)).order_by("day")
    ]


def progress_for(user: User, weeks: int = 4, end: date | None = None) -> ProgressView:
    end = end or timezone.localdate()
    start = week_start(end) - timedelta(weeks=weeks - 1)
    sessions = [
        SessionEntry(timezone.localdate(s.started_at), s.completed, s.feeling)
        for s in PracticeSession.objects.filter(user=user).only(
            "started_at", "completed", "feeling"
        )
    ]
    targets = {
        r.week_start: r.walking_target_min
        for r in WeekPlanRecord.objects.filter(user=user, week_start__gte=start)
    }
    breaks: dict[date, tuple[int, int]] = {}
    for day, state in Reminder.objects.filter(user=user, day__range=(start, end)).values_list(
        "day", "state"
    ):
        taken, planned = breaks.get(week_start(day), (0, 0))
        breaks[week_start(day)] = (taken + (state == "taken"), planned + 1)
    everything = entries(user, date(1970, 1, 1), end)
    found = summarise(everything, sessions, targets, breaks, start, end)
    # The overall list of milestones may reach back before this period.
    day_labels = [p.day.strftime("%d/%m") for p in found.pain]
    week_labels = [w.week_start.strftime("%d/%m") for w in found.active]
    pain_svg = charts.line_chart(
        _("Pain now, 0-10, per day"),
        day_labels,
        [
            charts.Line(_("Pain now"), [p.pain for p in found.pain]),
            charts.Line(
                _("7-day mean"),
                [p.mean7 for p in found.pain],
                colour=charts.SECOND,
                dots=False,
            ),
        ],
    )
    active_svg = charts.bar_chart(
        _("Active minutes per week"),
        week_labels,
        [w.minutes for w in found.active],
        _("Active minutes"),
        [
            charts.Line(_("This week's target"), [w.target for w in found.active], charts.SECOND),
            charts.Line(
                _("150-minute goal"),
                [WEEKLY_GOAL_MIN for _w in found.active],
                charts.MUTED,
                dashed=True,
            ),
        ],
    )
    breaks_svg = charts.bar_chart(
        _("Breaks taken per week"),
        week_labels,
        [b.taken for b in found.breaks],
        _("Taken"),
        [charts.Line(_("Planned"), [b.planned for b in found.breaks], charts.SECOND)],
    )
    return ProgressView(found, start, end, pain_svg, active_svg, breaks_svg)


def milestone_text(code: str, value: int) -> str:
    texts = {
        "first_checkin": _("First check-in"),
        "checkin_week": _("Seven check-ins in a row"),
        "routines_10": _("Ten routines done"),
        "routines_50": _("Fifty routines done"),
        "target_met": _("A week's activity target met (%(n)s minutes)") % {"n": value},
        "goal_met": _("150 active minutes in one week (%(n)s minutes)") % {"n": value},
    }
    return texts.get(code, code)
