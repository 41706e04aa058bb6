"""Which exercises match what a person asks for in the library."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from backcare.core.content import BodyArea, Equipment, Exercise, Kind, Position


@dataclass(frozen=True)
class ExerciseFilter:
    query: str = ""
    position: Position | None = None
    equipment: Equipment | None = None
    body_area: BodyArea | None = None
    kind: Kind | None = None
    max_minutes: int | None = None

    def matches(self, exercise: Exercise, lang: str) -> bool:
        if self.position and exercise.position != self.position:
            return False
        if self.equipment and self.equipment not in exercise.equipment:
            return False
        if self.body_area and self.body_area not in exercise.body_areas:
            return False
        if self.kind and exercise.kind != self.kind:
            return False
        if self.max_minutes is not None and exercise.total_s() > self.max_minutes * 60:
            return False
        if self.query:
            haystack = " ".join(
                [
                    exercise.title.get(lang),
                    exercise.purpose.get(lang),
                    *(step.text.get(lang) for step in exercise.steps),
                ]
            ).casefold()
            return all(word in haystack for word in self.query.casefold().split())
        return True


def filter_exercises(
    exercises: Iterable[Exercise], wanted: ExerciseFilter, lang: str
) -> list[Exercise]:
    return sorted(
        (e for e in exercises if wanted.matches(e, lang)), key=lambda e: e.title.get(lang)
    )
