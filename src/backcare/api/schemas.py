from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from ninja import Field, Schema

from backcare.core.content import (
    Bias,
    BodyArea,
    Breathing,
    Condition,
    Equipment,
    Kind,
    Phase,
    Position,
    Side,
)
from backcare.core.routine import Step as RoutineStep
from backcare.core.session import PAIN_MAX, PAIN_MIN, Feeling, Source
from backcare.practice.models import PracticeSession


class Lang(StrEnum):
    EN = "en"
    DA = "da"


LANG_HELP = "Language of the texts: en or da. Default: the request's Accept-Language."


class LangIn(Schema):
    lang: Lang | None = Field(None, description=LANG_HELP)


class ExerciseFilterIn(LangIn):
    q: str = Field("", description="Words that must all appear in the title or text.")
    position: Position | None = None
    equipment: Equipment | None = None
    body_area: BodyArea | None = None
    kind: Kind | None = None
    max_minutes: int | None = Field(None, ge=1, le=60, description="At most this long.")


class RoutineOut(Schema):
    id: str
    title: str
    summary: str
    total_s: int
    step_count: int


class RoutineDetailOut(RoutineOut):
    stop_rule: str
    sources: list[str]
    steps: list[RoutineStep]


class ExerciseOut(Schema):
    id: str
    title: str
    purpose: str
    position: Position
    kind: Kind
    equipment: list[Equipment]
    body_areas: list[BodyArea]
    intensity: int
    phases: list[Phase]
    bias: Bias
    contraindications: list[Condition]
    total_s: int


class ExerciseStepOut(Schema):
    text: str
    duration_s: int | None
    reps: int | None
    rep_s: float
    side: Side
    breathing: Breathing | None
    pose: str


class ExerciseDetailOut(ExerciseOut):
    steps: list[ExerciseStepOut]
    rounds: int
    rest_s: int
    cautions: list[str]
    regression: str | None
    progression: str | None
    sources: list[str]


class LessonOut(Schema):
    id: str
    order: int
    title: str
    reading_minutes: int


class LessonDetailOut(LessonOut):
    body: str
    try_today: str
    sources: list[str]


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
    new_symptoms: bool = Field(
        default=False,
        description="New leg, bladder or numbness symptoms, or leg symptoms spreading. "
        "The safety screen must then be answered again before the next routine.",
    )


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
    new_symptoms: bool

    @staticmethod
    def resolve_id(obj: PracticeSession) -> int:
        return obj.pk

    @staticmethod
    def resolve_routine(obj: PracticeSession) -> str:
        return obj.routine.slug

    @staticmethod
    def resolve_routine_title(obj: PracticeSession) -> str:
        return obj.routine.title_en

    @staticmethod
    def resolve_feeling(obj: PracticeSession) -> str | None:
        return obj.feeling or None


class ErrorOut(Schema):
    detail: str | list[dict[str, object]]
