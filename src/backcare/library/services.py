"""Reading the library: compiled routines, and which exercises match a filter."""

from __future__ import annotations

from backcare.core.routine import Routine as CompiledRoutine
from backcare.core.routine import compile_routine
from backcare.library.models import Exercise, Routine


def compiled(routine: Routine, lang: str) -> CompiledRoutine:
    """ROUTINE as the player runs it, in LANG."""
    spec = routine.spec
    slugs = {item.exercise for item in spec.items}
    exercises = {e.slug: e.spec for e in Exercise.objects.filter(slug__in=slugs)}
    return compile_routine(spec, exercises, lang)
