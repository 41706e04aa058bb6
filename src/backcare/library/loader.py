"""Loading the built-in content files into the database."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction
from pydantic import BaseModel

from backcare.content import CONTENT_DIR, FIGURES_DIR
from backcare.core.content import Exercise as Exercise_
from backcare.core.content import Lesson as Lesson_
from backcare.core.content import Library, RoutineFile, load_library, load_references
from backcare.core.figure import Figure, load_figures
from backcare.core.routine import compile_routine
from backcare.library.models import Exercise, Lesson, Origin, Routine


@cache
def builtin_figures() -> dict[str, Figure]:
    return load_figures(FIGURES_DIR)


@cache
def read_references() -> dict[str, str]:
    return load_references(CONTENT_DIR, [])


def digest(model: BaseModel) -> str:
    return hashlib.sha256(
        json.dumps(model.model_dump(mode="json"), sort_keys=True).encode()
    ).hexdigest()


def read_builtin_library(root: Path = CONTENT_DIR) -> Library:
    """Validate every content file; raises ContentError listing all problems."""
    figures = builtin_figures() if root == CONTENT_DIR else load_figures(root / "figures")
    return load_library(root, pose_keys=set(figures))


def stored_columns(spec: Exercise_ | RoutineFile | Lesson_) -> dict[str, Any]:
    """The columns every library item stores, from its validated definition."""
    return {
        "title_en": spec.title.en,
        "title_da": spec.title.da,
        "definition": spec.model_dump(mode="json"),
        "origin": Origin.BUILTIN,
        "content_hash": digest(spec),
    }


def load_builtin_content(root: Path = CONTENT_DIR) -> int:
    """Validate all files, then write them in one transaction; returns the item count.

    A faulty file raises ContentError before anything is written. Items that
    staff added in the admin are left alone.
    """
    library = read_builtin_library(root)
    with transaction.atomic():
        for exercise in library.exercises.values():
            Exercise.objects.update_or_create(
                slug=exercise.id,
                defaults={**stored_columns(exercise), "total_s": round(exercise.total_s())},
            )
        for routine in library.routines.values():
            compiled = compile_routine(routine, library.exercises, "en")
            Routine.objects.update_or_create(
                slug=routine.id,
                defaults={
                    **stored_columns(routine),
                    "total_s": round(compiled.total_s),
                    "step_count": len(compiled.steps),
                },
            )
        for lesson in library.lessons.values():
            Lesson.objects.update_or_create(
                slug=lesson.id,
                defaults={
                    **stored_columns(lesson),
                    "order": lesson.order,
                    "reading_minutes": lesson.reading_minutes,
                },
            )
    return len(library.exercises) + len(library.routines) + len(library.lessons)
