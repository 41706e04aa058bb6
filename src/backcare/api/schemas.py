from __future__ import annotations

import uuid
from datetime import datetime, time
from enum import StrEnum

from ninja import Field, Schema
from pydantic import field_validator

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
from backcare.core.plan import Posture
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
    reminder: int | None = Field(
        default=None, description="The break reminder this routine answers, from its ?reminder=."
    )
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


class ScreenIn(Schema):
    age: int = Field(ge=16, le=110)
    duration_weeks: float = Field(ge=0, le=1000)
    first_episode: bool
    answers: dict[str, bool] = Field(
        description="Red-flag answer codes (see backcare triage); a missing code counts as "
        "not reported and is listed under unanswered."
    )


class ReasonOut(Schema):
    code: str
    tier: str
    message: str


class ScreenOut(Schema):
    tier: str
    exercise_allowed: bool
    reasons: list[ReasonOut]
    unanswered: list[str]
    created_at: datetime


class AssessmentIn(Schema):
    duration_weeks: float = Field(ge=0, le=1000)
    past_episodes: str = Field(pattern="^(none|few|many)$")
    pain_now: int = Field(ge=0, le=10)
    pain_average: int = Field(ge=0, le=10)
    pain_worst: int = Field(ge=0, le=10)
    leg_symptoms: str = Field(pattern="^(none|buttock|thigh|below-knee|both-legs)$")
    eases: list[Posture] = Field([], max_length=4)
    provokes: list[Posture] = Field([], max_length=4)
    active_minutes_week: int = Field(ge=0, le=3000)
    equipment: list[Equipment] = []
    minutes_free_per_day: int = Field(ge=5, le=20)
    work_start: str = Field(pattern=r"^\d\d:\d\d$")
    work_end: str = Field(pattern=r"^\d\d:\d\d$")
    conditions: list[Condition] = Field([], max_length=20)
    goals: list[str] = Field([], max_length=10)
    confidence: int = Field(ge=0, le=10)
    worry: int = Field(ge=0, le=10)

    @field_validator("work_start", "work_end")
    @classmethod
    def a_clock_time(cls, value: str) -> str:
        try:
            time.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a time of day like 09:00") from None
        return value


class AssessmentOut(AssessmentIn):
    completed_at: datetime | None


class BreakOut(Schema):
    start: datetime
    end: datetime
    kind: str
    routine: str | None
    moved_from: datetime | None


class DroppedOut(Schema):
    ideal: datetime
    kind: str
    reason: str


class ScheduleOut(Schema):
    date: str
    breaks: list[BreakOut]
    dropped: list[DroppedOut]


class ScheduleSettingsIO(Schema):
    tz: str
    working_hours: dict[str, str] = Field(
        description='Weekday 0 (Monday) to 6 to ranges, e.g. {"0": "09:00-12:00, 13:00-17:00"}.'
    )
    micro_interval_min: int = Field(ge=20, le=120)
    walk_every_min: int = Field(ge=60, le=480)
    walk_minutes: int = Field(ge=10, le=20)
    lunch_start: str | None = Field(None, pattern=r"^\d\d:\d\d$")
    lunch_end: str | None = Field(None, pattern=r"^\d\d:\d\d$")
    warning_s: int = Field(ge=0, le=600)
    skip_limit: int = Field(ge=0, le=20)


class ErrorOut(Schema):
    detail: str | list[dict[str, object]]
