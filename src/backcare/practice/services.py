"""Recording a session: the one place both the API and the terminal write through."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction

from backcare.accounts.models import User
from backcare.core.session import Feeling, Source, pain_problem
from backcare.library.models import Routine
from backcare.practice.models import PracticeSession


class SessionInputError(ValueError):
    """The result cannot be stored; ``field`` names what was wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class SessionResult:
    idempotency_key: uuid.UUID
    routine_slug: str
    source: Source
    started_at: datetime
    ended_at: datetime
    active_s: int
    steps_completed: int
    completed: bool
    feeling: Feeling | None = None
    pain: int | None = None
    new_symptoms: bool = False
    # The break reminder the routine was started from, if any.
    reminder_id: int | None = None


def record_session(user: User, result: SessionResult) -> tuple[PracticeSession, bool]:
    """Store RESULT for USER once; returns (session, created).

    Posting the same idempotency key again returns the stored session
    unchanged, even when two posts race.
    """
    existing = PracticeSession.objects.filter(
        user=user, idempotency_key=result.idempotency_key
    ).first()
    if existing is not None:
        return existing, False

    routine = Routine.objects.filter(slug=result.routine_slug).first()
    if routine is None:
        raise SessionInputError("routine", f"There is no routine called {result.routine_slug!r}.")
    if message := pain_problem(result.pain):
        raise SessionInputError("pain", message)
    if result.ended_at < result.started_at:
        raise SessionInputError("ended_at", "The end time is before the start time.")
    if not 0 <= result.steps_completed <= routine.step_count:
        raise SessionInputError(
            "steps_completed",
            f"This routine has {routine.step_count} steps; got {result.steps_completed}.",
        )
    if result.active_s < 0:
        raise SessionInputError("active_s", "Time spent cannot be negative.")

    from backcare.reminders.delivery import mark_taken
    from backcare.teams import activity

    # The session, the reminder it answers and the weekly roll-up: all or nothing.
    with transaction.atomic():
        try:
            with transaction.atomic():
                session = PracticeSession.objects.create(
                    user=user,
                    routine=routine,
                    idempotency_key=result.idempotency_key,
                    source=result.source,
                    started_at=result.started_at,
                    ended_at=result.ended_at,
                    active_s=result.active_s,
                    steps_completed=result.steps_completed,
                    steps_total=routine.step_count,
                    completed=result.completed,
                    feeling=result.feeling or "",
                    pain=result.pain,
                    new_symptoms=result.new_symptoms,
                )
        except IntegrityError:
            # Another request with the same key won the race; hand back its record.
            found = PracticeSession.objects.get(user=user, idempotency_key=result.idempotency_key)
            return found, False
        taken = mark_taken(user, session, result.reminder_id)
        activity.refresh(
            user.pk, [session.started_at] + ([taken.due_at] if taken is not None else [])
        )
    from backcare.plans.services import adapt_after_session

    adapt_after_session(user)
    return session, True
