"""Plans in the database: start one from an assessment, build each week, adapt.

The rules are in backcare.core.plan and backcare.core.adapt; this module only
gathers their inputs from the database and stores what they decide.
"""

from __future__ import annotations

import math
from dataclasses import asdict
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from backcare.accounts.models import User
from backcare.core.adapt import Report, adapt
from backcare.core.content import Condition, Equipment
from backcare.core.plan import (
    Assessment as AssessmentSpec,
)
from backcare.core.plan import (
    LegReach,
    Level,
    Posture,
    WeekPlan,
    Why,
    build_week,
    initial_level,
    week_start,
)
from backcare.core.triage import Tier
from backcare.library.models import Exercise, Lesson, Routine
from backcare.plans.models import Assessment, PlanChange, PlanState, WeekPlanRecord
from backcare.practice.models import PracticeSession
from backcare.safety.models import latest_screen


def _time(value: str, default: time) -> time:
    try:
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))
    except (AttributeError, ValueError):
        return default


def assessment_spec(answers: dict[str, Any]) -> AssessmentSpec:
    """The core's view of a completed assessment."""
    return AssessmentSpec(
        duration_weeks=float(answers.get("duration_weeks", 1)),
        pain_now=int(answers.get("pain_now", 0)),
        pain_average=int(answers.get("pain_average", 0)),
        pain_worst=int(answers.get("pain_worst", 0)),
        leg_symptoms=LegReach(answers.get("leg_symptoms", "none")),
        eases=frozenset(Posture(p) for p in answers.get("eases", [])),
        provokes=frozenset(Posture(p) for p in answers.get("provokes", [])),
        active_minutes_week=int(answers.get("active_minutes_week", 0)),
        equipment=frozenset(
            {Equipment.NONE, *(Equipment(e) for e in answers.get("equipment", []))}
        ),
        minutes_free_per_day=int(answers.get("minutes_free_per_day", 10)),
        work_start=_time(answers.get("work_start", ""), time(9, 0)),
        work_end=_time(answers.get("work_end", ""), time(17, 0)),
        conditions=frozenset(Condition(c) for c in answers.get("conditions", [])),
    )


def latest_assessment(user: User) -> Assessment | None:
    return (
        Assessment.objects.filter(user=user, completed_at__isnull=False)
        .order_by("-completed_at")
        .first()
    )


def screen_facts(user: User) -> tuple[Tier, dict[str, bool]]:
    screen = latest_screen(user)
    if screen is None:
        return Tier.NONE, {}
    return screen.tier_value, dict(screen.answers)


def start_plan(user: User, assessment: Assessment, today: date | None = None) -> PlanState:
    """A fresh plan from ASSESSMENT; replaces any earlier state."""
    today = today or timezone.localdate()
    spec = assessment_spec(assessment.answers)
    tier, _ = screen_facts(user)
    level, why = initial_level(spec, tier)
    with transaction.atomic():
        state, _created = PlanState.objects.update_or_create(
            user=user,
            defaults={
                "level": level,
                "started_on": today,
                "baseline_pain": spec.pain_now,
                "last_change_on": today,
                "paused_routines": [],
                "see_clinician": False,
            },
        )
        PlanChange.objects.create(user=user, from_level=level, to_level=level, whys=[why_json(why)])
        WeekPlanRecord.objects.filter(user=user, week_start__gte=week_start(today)).delete()
    week_for(user, today)
    return state


def why_json(why: Why) -> dict[str, Any]:
    return {"code": why.code, "params": dict(why.params), "sources": list(why.sources)}


def plan_json(plan: WeekPlan) -> dict[str, Any]:
    def slot(s: Any) -> dict[str, Any]:
        return {
            "day": s.day.isoformat(),
            "at": s.at.strftime("%H:%M"),
            "routine": s.routine,
            "minutes": s.minutes,
            "why": why_json(s.why),
        }

    return {
        "week_start": plan.week_start.isoformat(),
        "phase": plan.phase.value,
        "bias": plan.bias.value,
        "walking_target_min": plan.walking_target_min,
        "slots": [slot(s) for s in plan.slots],
        "walks": [{**asdict(w), "day": w.day.isoformat()} for w in plan.walks],
        "lessons": [{"day": d.isoformat(), "lesson": lesson} for d, lesson in plan.lessons],
        "whys": [why_json(w) for w in plan.whys],
        "walking_why": why_json(plan.walking_why),
        "lesson_why": why_json(plan.lesson_why),
    }


def build_for(user: User, state: PlanState, start: date) -> WeekPlan:
    assessment = latest_assessment(user)
    assert assessment is not None
    tier, answers = screen_facts(user)
    previous = (
        WeekPlanRecord.objects.filter(user=user, week_start__lt=start)
        .order_by("-week_start")
        .first()
    )
    routines = {r.slug: r for r in Routine.objects.all()}
    return build_week(
        assessment=assessment_spec(assessment.answers),
        level=Level(state.level),
        tier=tier,
        answers=answers,
        exercises={e.slug: e.spec for e in Exercise.objects.all()},
        routines={slug: r.spec for slug, r in routines.items()},
        routine_minutes={slug: max(1, math.ceil(r.total_s / 60)) for slug, r in routines.items()},
        lesson_ids=set(Lesson.objects.values_list("slug", flat=True)),
        start=start,
        previous_walking=previous.walking_target_min if previous else None,
        excluded_routines=frozenset(state.paused_routines),
    )


def save_week(user: User, state: PlanState, start: date) -> WeekPlanRecord:
    """Build the week from START for the plan as it stands, and store it."""
    plan = build_for(user, state, start)
    record, _ = WeekPlanRecord.objects.update_or_create(
        user=user,
        week_start=start,
        defaults={
            "level": state.level,
            "walking_target_min": plan.walking_target_min,
            "data": plan_json(plan),
        },
    )
    from backcare.reminders.delivery import mark_sync_due

    mark_sync_due(user)  # the breaks carry the plan's routines
    return record


def week_for(user: User, day: date | None = None) -> WeekPlanRecord | None:
    """This week's plan, built on first sight and kept; None without an assessment."""
    state = PlanState.objects.filter(user=user).first()
    if state is None or latest_assessment(user) is None:
        return None
    start = week_start(day or timezone.localdate())
    existing = WeekPlanRecord.objects.filter(user=user, week_start=start).first()
    return existing or save_week(user, state, start)


def adapt_after_session(user: User, now: datetime | None = None) -> PlanChange | None:
    """Run the adaptation rules after a session's feedback; record what changed."""
    state = PlanState.objects.filter(user=user).first()
    if state is None:
        return None
    now = now or timezone.now()
    today = timezone.localdate(now)
    window = now - timedelta(days=14)
    sessions = list(
        PracticeSession.objects.filter(user=user, ended_at__gte=window).select_related("routine")
    )
    reports = [
        Report(
            day=timezone.localdate(s.ended_at),
            pain=s.pain,
            new_symptoms=s.new_symptoms,
            routine=s.routine.slug,
        )
        for s in sessions
    ]
    planned = sum(
        1
        for record in WeekPlanRecord.objects.filter(
            user=user, week_start__gte=week_start(window.date())
        )
        for slot in record.data["slots"]
        if window.date() <= date.fromisoformat(slot["day"]) <= today
    )
    from backcare.checkins.models import CheckIn

    reports += [
        Report(day=c.day, pain=c.pain_now, new_symptoms=c.new_symptoms)
        for c in CheckIn.objects.filter(user=user, day__gte=window.date())
    ]
    decision = adapt(
        level=Level(state.level),
        reports=reports,
        today=today,
        last_change=state.last_change_on,
        breaks_done=sum(1 for s in sessions if s.completed),
        breaks_planned=planned,
        baseline_pain=state.baseline_pain,
        started=state.started_on,
        already_advised=state.see_clinician,
    )
    if not decision.changed:
        return None
    with transaction.atomic():
        change = PlanChange.objects.create(
            user=user,
            from_level=state.level,
            to_level=decision.level,
            whys=[why_json(w) for w in decision.whys],
        )
        state.last_change_on = today
        state.level = decision.level
        state.paused_routines = sorted(set(state.paused_routines) | decision.pause_routines)
        state.see_clinician = state.see_clinician or decision.see_clinician
        state.save()
        save_week(user, state, week_start(today))
    return change
