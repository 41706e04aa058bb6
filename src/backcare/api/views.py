"""The JSON API, /api/v1/. Every query is scoped to the authenticated user."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language
from ninja import Field, NinjaAPI, Query, Router, Schema, Status
from ninja.errors import ValidationError
from ninja.pagination import LimitOffsetPagination, paginate

from backcare import __version__
from backcare.api.auth import AUTH, request_user
from backcare.api.checkins import checkins_router
from backcare.api.reminders import push_router, reminders_router
from backcare.api.schemas import (
    AssessmentIn,
    AssessmentOut,
    ErrorOut,
    ExerciseDetailOut,
    ExerciseFilterIn,
    ExerciseOut,
    Lang,
    LangIn,
    LessonDetailOut,
    LessonOut,
    RoutineDetailOut,
    RoutineOut,
    ScheduleOut,
    ScheduleSettingsIO,
    ScreenIn,
    ScreenOut,
    SessionIn,
    SessionOut,
)
from backcare.api.teams import team_router, time_router
from backcare.core import content as core
from backcare.core.search import ExerciseFilter, filter_exercises
from backcare.library.models import Exercise, Lesson, Routine
from backcare.library.services import compiled
from backcare.practice.models import PracticeSession
from backcare.practice.services import SessionInputError, SessionResult, record_session

api = NinjaAPI(
    title="backcare API",
    version="1",
    urls_namespace="api-v1",
    auth=AUTH,
    description="Exercises, routines, lessons and your practice sessions. Authenticate "
    "with your browser session (plus the CSRF token) or with `Authorization: Bearer <token>`.",
)

routines = Router(tags=["routines"])
exercises = Router(tags=["exercises"])
lessons = Router(tags=["lessons"])
sessions = Router(tags=["sessions"])


class BoundedPagination(LimitOffsetPagination):
    """Limit and offset as ninja's, with an offset a database integer can hold."""

    class Input(Schema):
        limit: int = Field(20, ge=1, le=500)
        offset: int = Field(0, ge=0, le=2**31 - 1)


def language(lang: Lang | None) -> str:
    if lang is not None:
        return lang.value
    return "da" if get_language() == "da" else "en"


def exercise_out(exercise: core.Exercise, lang: str, detail: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": exercise.id,
        "title": exercise.title.get(lang),
        "purpose": exercise.purpose.get(lang),
        "position": exercise.position,
        "kind": exercise.kind,
        "equipment": exercise.equipment,
        "body_areas": exercise.body_areas,
        "intensity": exercise.intensity,
        "phases": exercise.phases,
        "bias": exercise.bias,
        "contraindications": exercise.contraindications,
        "total_s": round(exercise.total_s()),
    }
    if detail:
        out |= {
            "steps": [
                {**step.model_dump(exclude={"text"}), "text": step.text.get(lang)}
                for step in exercise.steps
            ],
            "rounds": exercise.dose.rounds,
            "rest_s": exercise.dose.rest_s,
            "cautions": [c.get(lang) for c in exercise.cautions],
            "regression": exercise.regression,
            "progression": exercise.progression,
            "sources": exercise.sources,
        }
    return out


@exercises.get("", response=list[ExerciseOut], summary="List exercises, filtered")
def list_exercises(
    request: HttpRequest,
    params: Query[ExerciseFilterIn],
) -> list[dict[str, Any]]:
    code = language(params.lang)
    wanted = ExerciseFilter(
        params.q,
        params.position,
        params.equipment,
        params.body_area,
        params.kind,
        params.max_minutes,
    )
    specs = [e.spec for e in Exercise.objects.all()]
    return [exercise_out(e, code) for e in filter_exercises(specs, wanted, code)]


@exercises.get("/{slug}", response={200: ExerciseDetailOut, 404: ErrorOut}, summary="An exercise")
def get_exercise(
    request: HttpRequest,
    slug: str,
    params: Query[LangIn],
) -> dict[str, Any]:
    return exercise_out(
        get_object_or_404(Exercise, slug=slug).spec, language(params.lang), detail=True
    )


@routines.get("", response=list[RoutineOut], summary="List routines")
def list_routines(
    request: HttpRequest,
    params: Query[LangIn],
) -> list[dict[str, Any]]:
    code = language(params.lang)
    return [
        {
            "id": r.slug,
            "title": r.title(code),
            "summary": r.spec.summary.get(code),
            "total_s": r.total_s,
            "step_count": r.step_count,
        }
        for r in Routine.objects.all()
    ]


@routines.get("/{slug}", response={200: RoutineDetailOut, 404: ErrorOut}, summary="A routine")
def get_routine(
    request: HttpRequest,
    slug: str,
    params: Query[LangIn],
) -> dict[str, Any]:
    runnable = compiled(get_object_or_404(Routine, slug=slug), language(params.lang))
    return {
        **runnable.model_dump(),
        "total_s": round(runnable.total_s),
        "step_count": len(runnable.steps),
    }


@lessons.get("", response=list[LessonOut], summary="List lessons")
def list_lessons(
    request: HttpRequest,
    params: Query[LangIn],
) -> list[dict[str, Any]]:
    code = language(params.lang)
    return [
        {
            "id": x.slug,
            "order": x.order,
            "title": x.title(code),
            "reading_minutes": x.reading_minutes,
        }
        for x in Lesson.objects.all()
    ]


@lessons.get("/{slug}", response={200: LessonDetailOut, 404: ErrorOut}, summary="A lesson")
def get_lesson(
    request: HttpRequest,
    slug: str,
    params: Query[LangIn],
) -> dict[str, Any]:
    lesson = get_object_or_404(Lesson, slug=slug)
    code = language(params.lang)
    spec = lesson.spec
    return {
        "id": lesson.slug,
        "order": lesson.order,
        "title": spec.title.get(code),
        "reading_minutes": lesson.reading_minutes,
        "body": spec.body.get(code),
        "try_today": spec.try_today.get(code),
        "sources": spec.sources,
    }


@sessions.post(
    "",
    response={200: SessionOut, 201: SessionOut, 422: ErrorOut},
    summary="Record a session",
    description="Stores the result of one routine. Answers 201 when stored, or 200 with "
    "the stored record when this idempotency key was posted before.",
)
def create_session(request: HttpRequest, payload: SessionIn) -> Status[PracticeSession]:
    result = SessionResult(
        idempotency_key=payload.idempotency_key,
        routine_slug=payload.routine,
        source=payload.source,
        started_at=payload.started_at,
        ended_at=payload.ended_at,
        active_s=payload.active_s,
        steps_completed=payload.steps_completed,
        completed=payload.completed,
        feeling=payload.feeling,
        pain=payload.pain,
        new_symptoms=payload.new_symptoms,
        reminder_id=payload.reminder,
    )
    try:
        session, created = record_session(request_user(request), result)
    except SessionInputError as exc:
        raise ValidationError(
            [{"loc": ["body", "payload", exc.field], "msg": exc.message, "type": "value_error"}]
        ) from None
    return Status(201 if created else 200, session)


@sessions.get("", response=list[SessionOut], summary="List your sessions")
@paginate(BoundedPagination)
def list_sessions(request: HttpRequest) -> QuerySet[PracticeSession]:
    return PracticeSession.objects.filter(user=request_user(request)).select_related("routine")


@sessions.get("/{int:session_id}", response={200: SessionOut, 404: ErrorOut}, summary="One session")
def get_session(request: HttpRequest, session_id: int) -> PracticeSession:
    return get_object_or_404(
        PracticeSession.objects.select_related("routine"),
        pk=session_id,
        user=request_user(request),
    )


@api.get("/version", auth=None, summary="Server version", tags=["meta"])
def version(request: HttpRequest) -> dict[str, str]:
    return {"version": __version__}


screening = Router(tags=["safety and plan"])


def screen_out(screen: Any) -> dict[str, Any]:
    from backcare.core.triage import ANSWER_CODES, Tier
    from backcare.safety.labels import reason_message

    tiers = {r.code: r.tier for r in triage_reasons(screen)}
    return {
        "tier": screen.tier,
        "exercise_allowed": Tier.from_label(screen.tier).exercise_allowed,
        "reasons": [
            {
                "code": code,
                "tier": tiers.get(code, Tier.NONE).label,
                "message": reason_message(code),
            }
            for code in screen.reasons
        ],
        "unanswered": [c for c in ANSWER_CODES if c not in screen.answers],
        "created_at": screen.created_at,
    }


def triage_reasons(screen: Any) -> Any:
    from backcare.core.triage import ScreenInput, triage

    return triage(
        ScreenInput(screen.answers, screen.age, screen.duration_weeks, screen.first_episode)
    ).reasons


@screening.post(
    "/screen", response={201: ScreenOut, 422: ErrorOut}, summary="Answer the red-flag screen"
)
def post_screen(request: HttpRequest, payload: ScreenIn) -> Status[dict[str, Any]]:
    from backcare.core.triage import ANSWER_CODES, ScreenInput
    from backcare.safety.services import record_screen

    unknown = sorted(set(payload.answers) - set(ANSWER_CODES))
    if unknown:
        raise ValidationError(
            [
                {
                    "loc": ["body", "payload", "answers", code],
                    "msg": f"unknown answer code {code!r}",
                    "type": "value_error",
                }
                for code in unknown
            ]
        )
    screen, _ = record_screen(
        request_user(request),
        ScreenInput(payload.answers, payload.age, payload.duration_weeks, payload.first_episode),
    )
    return Status(201, screen_out(screen))


@screening.get("/screen", response={200: ScreenOut, 404: ErrorOut}, summary="Your latest screen")
def get_screen(request: HttpRequest) -> Any:
    from backcare.safety.models import latest_screen

    screen = latest_screen(request_user(request))
    if screen is None:
        return Status(404, {"detail": "No screen answered yet."})
    return screen_out(screen)


@screening.put(
    "/assessment", response={200: AssessmentOut, 422: ErrorOut}, summary="Answer the assessment"
)
def put_assessment(request: HttpRequest, payload: AssessmentIn) -> dict[str, Any]:
    from django.utils import timezone

    from backcare.plans.models import Assessment
    from backcare.plans.services import start_plan

    user = request_user(request)
    with transaction.atomic():
        Assessment.objects.filter(user=user, completed_at__isnull=True).delete()
        assessment = Assessment.objects.create(
            user=user, answers=payload.dict(), step=5, completed_at=timezone.now()
        )
        start_plan(user, assessment)
    return {**assessment.answers, "completed_at": assessment.completed_at}


@screening.get(
    "/assessment", response={200: AssessmentOut, 404: ErrorOut}, summary="Your assessment"
)
def get_assessment(request: HttpRequest) -> Any:
    from backcare.plans.services import latest_assessment

    assessment = latest_assessment(request_user(request))
    if assessment is None:
        return Status(404, {"detail": "No assessment completed yet."})
    return {**assessment.answers, "completed_at": assessment.completed_at}


@screening.get("/plan", response={200: dict[str, Any], 404: ErrorOut}, summary="This week's plan")
def get_plan(request: HttpRequest) -> Any:
    from backcare.plans.models import PlanState
    from backcare.plans.services import week_for

    user = request_user(request)
    record = week_for(user)
    if record is None:
        return Status(404, {"detail": "Complete the assessment to get a plan."})
    state = PlanState.objects.get(user=user)
    return {**record.data, "see_clinician": state.see_clinician}


def settings_out(s: Any) -> dict[str, Any]:
    return {
        "tz": s.tz,
        "working_hours": {
            d: ", ".join(f"{a}-{b}" for a, b in r) for d, r in s.working_hours.items()
        },
        "micro_interval_min": s.micro_interval_min,
        "walk_every_min": s.walk_every_min,
        "walk_minutes": s.walk_minutes,
        "lunch_start": s.lunch_start.strftime("%H:%M") if s.lunch_start else None,
        "lunch_end": s.lunch_end.strftime("%H:%M") if s.lunch_end else None,
        "warning_s": s.warning_s,
        "skip_limit": s.skip_limit,
    }


@screening.get("/schedule", response={200: ScheduleOut, 422: ErrorOut}, summary="A day's breaks")
def get_schedule(request: HttpRequest, date: str = "") -> Any:
    from datetime import date as date_type

    from django.utils import timezone

    from backcare.reminders.services import day_schedule

    try:
        day = date_type.fromisoformat(date) if date else timezone.localdate()
    except ValueError:
        raise ValidationError(
            [
                {
                    "loc": ["query", "date"],
                    "msg": f"{date!r} is not a date like 2026-11-23",
                    "type": "value_error",
                }
            ]
        ) from None
    schedule = day_schedule(request_user(request), day)
    return {
        "date": day.isoformat(),
        "breaks": [
            {
                "start": b.start,
                "end": b.end,
                "kind": b.kind.value,
                "routine": b.routine,
                "moved_from": b.ideal if b.moved else None,
            }
            for b in schedule.breaks
        ],
        "dropped": [
            {"ideal": d.ideal, "kind": d.kind.value, "reason": d.reason} for d in schedule.dropped
        ],
    }


@screening.get("/schedule/settings", response=ScheduleSettingsIO, summary="Your schedule settings")
def get_schedule_settings(request: HttpRequest) -> dict[str, Any]:
    from backcare.reminders.services import settings_for

    return settings_out(settings_for(request_user(request)))


@screening.put(
    "/schedule/settings", response={200: ScheduleSettingsIO, 422: ErrorOut}, summary="Change them"
)
def put_schedule_settings(request: HttpRequest, payload: ScheduleSettingsIO) -> Any:
    from backcare.reminders.forms import SettingsForm
    from backcare.reminders.services import settings_for

    s = settings_for(request_user(request))
    data: dict[str, Any] = {k: v for k, v in payload.dict().items() if k != "working_hours"}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    for day in range(7):
        data[f"hours_{day}"] = payload.working_hours.get(str(day), "")
    # The same form as the page, so the same checks and messages apply.
    form = SettingsForm(data, instance=s)
    if not form.is_valid():
        raise ValidationError(
            [
                {"loc": ["body", "payload", field], "msg": str(errors[0]), "type": "value_error"}
                for field, errors in form.errors.items()
            ]
        )
    form.save()
    from backcare.reminders.delivery import mark_sync_due

    mark_sync_due(request_user(request))
    return settings_out(s)


api.add_router("", screening)
api.add_router("/exercises", exercises)
api.add_router("/routines", routines)
api.add_router("/lessons", lessons)
api.add_router("/sessions", sessions)
api.add_router("/reminders", reminders_router)
api.add_router("/push", push_router)
api.add_router("/checkins", checkins_router)
api.add_router("", time_router)
api.add_router("/team-breaks", team_router)
