"""The JSON API, /api/v1/. Every query is scoped to the authenticated user."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import NinjaAPI, Router, Status
from ninja.errors import ValidationError
from ninja.pagination import LimitOffsetPagination, paginate

from backcare import __version__
from backcare.api.auth import AUTH, request_user
from backcare.api.schemas import (
    ErrorOut,
    RoutineDetailOut,
    RoutineOut,
    SessionIn,
    SessionOut,
)
from backcare.practice.models import PracticeSession
from backcare.practice.services import SessionInputError, SessionResult, record_session
from backcare.routines.models import Routine

api = NinjaAPI(
    title="backcare API",
    version="1",
    urls_namespace="api-v1",
    auth=AUTH,
    description="Routines and your practice sessions. Authenticate with your browser "
    "session (plus the CSRF token) or with `Authorization: Bearer <API token>`.",
)

routines = Router(tags=["routines"])
sessions = Router(tags=["sessions"])


@routines.get("", response=list[RoutineOut], summary="List routines")
def list_routines(request: HttpRequest) -> QuerySet[Routine]:
    return Routine.objects.all()


@routines.get("/{slug}", response={200: RoutineDetailOut, 404: ErrorOut}, summary="A routine")
def get_routine(request: HttpRequest, slug: str) -> Routine:
    return get_object_or_404(Routine, slug=slug)


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
    )
    try:
        session, created = record_session(request_user(request), result)
    except SessionInputError as exc:
        raise ValidationError(
            [{"loc": ["body", "payload", exc.field], "msg": exc.message, "type": "value_error"}]
        ) from None
    return Status(201 if created else 200, session)


@sessions.get("", response=list[SessionOut], summary="List your sessions")
@paginate(LimitOffsetPagination)
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


api.add_router("/routines", routines)
api.add_router("/sessions", sessions)
