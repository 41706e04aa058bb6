from __future__ import annotations

import uuid
from datetime import datetime

from ninja import Field, Schema

from backcare.core.routine import Step
from backcare.core.session import PAIN_MAX, PAIN_MIN, Feeling, Source
from backcare.practice.models import PracticeSession
from backcare.routines.models import Routine


class RoutineOut(Schema):
    id: str
    title: str
    summary: str
    total_s: int
    step_count: int

    @staticmethod
    def resolve_id(obj: Routine) -> str:
        return obj.slug


class RoutineDetailOut(RoutineOut):
    position: str
    stop_rule: str
    sources: list[str]
    steps: list[Step]

    @staticmethod
    def resolve_position(obj: Routine) -> str:
        return obj.spec.position

    @staticmethod
    def resolve_stop_rule(obj: Routine) -> str:
        return obj.spec.stop_rule

    @staticmethod
    def resolve_sources(obj: Routine) -> list[str]:
        return obj.spec.sources

    @staticmethod
    def resolve_steps(obj: Routine) -> list[Step]:
        return obj.spec.steps


class SessionIn(Schema):
    idempotency_key: uuid.UUID = Field(
        description="Chosen by the client; posting the same key again stores nothing new."
    )
    routine: str = Field(description="The routine's id, for example desk-reset.")
    source: Source = Source.WEB
    started_at: datetime
    ended_at: datetime
    active_s: int = Field(ge=0, le=24 * 3600)
    steps_completed: int = Field(ge=0)
    completed: bool
    feeling: Feeling | None = None
    pain: int | None = Field(default=None, ge=PAIN_MIN, le=PAIN_MAX)


class SessionOut(Schema):
    id: int
    idempotency_key: uuid.UUID
    routine: str
    routine_title: str
    source: Source
    started_at: datetime
    ended_at: datetime
    active_s: int
    steps_completed: int
    steps_total: int
    completed: bool
    feeling: Feeling | None
    pain: int | None

    @staticmethod
    def resolve_id(obj: PracticeSession) -> int:
        return obj.pk

    @staticmethod
    def resolve_routine(obj: PracticeSession) -> str:
        return obj.routine.slug

    @staticmethod
    def resolve_routine_title(obj: PracticeSession) -> str:
        return obj.routine.title

    @staticmethod
    def resolve_feeling(obj: PracticeSession) -> str | None:
        return obj.feeling or None


class ErrorOut(Schema):
    detail: str | list[dict[str, object]]
