"""A routine as the player runs it: one flat list of steps in one language.

Routine files name exercises; ``compile_routine`` expands each exercise's
steps for its rounds, adds the rests between rounds, and picks one language.
The browser player, the terminal player and the API all run this form, so a
routine's length is always the sum of its steps and never typed by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from backcare.core.content import Breathing, Exercise, RoutineFile, Side, step_seconds

REST_TEXT = {
    "en": "Rest and breathe easily before the next round.",
    "da": "Hvil og træk vejret roligt før næste runde.",
}
REST_TITLE = {"en": "Rest", "da": "Pause"}


class Step(BaseModel):
    model_config = ConfigDict(frozen=True)

    exercise: str
    title: str
    text: str
    duration_s: int | None = None
    reps: int | None = None
    rep_s: float = 4
    side: Side = Side.BOTH
    breathing: Breathing | None = None
    pose: str
    round: Annotated[int, Field(ge=1)] = 1
    rounds: Annotated[int, Field(ge=1)] = 1

    @property
    def total_s(self) -> float:
        return step_seconds(self.duration_s, self.reps, self.rep_s)


class Routine(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    lang: str
    title: str
    summary: str
    stop_rule: str
    sources: list[str]
    steps: list[Step] = Field(min_length=1)
    tempo_bpm: int | None = None

    @property
    def total_s(self) -> float:
        return sum(step.total_s for step in self.steps)


def compile_routine(routine: RoutineFile, exercises: Mapping[str, Exercise], lang: str) -> Routine:
    """Expand ROUTINE into steps in LANG; every exercise it names must be in EXERCISES."""
    steps: list[Step] = []
    sources = list(routine.sources)
    for item in routine.items:
        exercise = exercises[item.exercise]
        rounds = item.rounds or exercise.dose.rounds
        title = exercise.title.get(lang)
        for round_number in range(1, rounds + 1):
            if round_number > 1 and exercise.dose.rest_s:
                steps.append(
                    Step(
                        exercise=exercise.id,
                        title=REST_TITLE.get(lang, REST_TITLE["en"]),
                        text=REST_TEXT.get(lang, REST_TEXT["en"]),
                        duration_s=exercise.dose.rest_s,
                        pose=exercise.steps[0].pose,
                        round=round_number,
                        rounds=rounds,
                    )
                )
            for step in exercise.steps:
                steps.append(
                    Step(
                        exercise=exercise.id,
                        title=title,
                        text=step.text.get(lang),
                        duration_s=step.duration_s,
                        reps=step.reps,
                        rep_s=step.rep_s,
                        side=step.side,
                        breathing=step.breathing,
                        pose=step.pose,
                        round=round_number,
                        rounds=rounds,
                    )
                )
        sources.extend(key for key in exercise.sources if key not in sources)
    return Routine(
        id=routine.id,
        lang=lang,
        title=routine.title.get(lang),
        summary=routine.summary.get(lang),
        stop_rule=routine.stop_rule.get(lang),
        sources=sources,
        steps=steps,
        tempo_bpm=routine.tempo_bpm,
    )
