"""Guided routines: what a routine file holds, and how long it takes.

A routine is a list of steps. A step is either timed (``duration_s``) or
counted (``reps``, paced at ``rep_s`` seconds each), may carry a breathing
pattern, and is done on one side or both.
"""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class Side(StrEnum):
    LEFT = "left"
    RIGHT = "right"
    BOTH = "both"


class Breathing(BaseModel):
    """One breath: in, an optional pause, out. The player paces these."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    in_s: Annotated[float, Field(ge=1, le=10)]
    hold_s: Annotated[float, Field(ge=0, le=10)] = 0
    out_s: Annotated[float, Field(ge=1, le=12)]

    @property
    def cycle_s(self) -> float:
        return self.in_s + self.hold_s + self.out_s


class Step(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Annotated[str, Field(min_length=1, max_length=80)]
    text: Annotated[str, Field(min_length=1, max_length=600)]
    duration_s: Annotated[int | None, Field(ge=5, le=600)] = None
    reps: Annotated[int | None, Field(ge=1, le=50)] = None
    rep_s: Annotated[float, Field(ge=1, le=30)] = 4
    side: Side = Side.BOTH
    breathing: Breathing | None = None

    @model_validator(mode="after")
    def _timed_or_counted(self) -> Step:
        if (self.duration_s is None) == (self.reps is None):
            raise ValueError("give either duration_s or reps, not both and not neither")
        return self

    @property
    def total_s(self) -> float:
        """How long the step takes when followed at the given pace."""
        if self.duration_s is not None:
            return float(self.duration_s)
        assert self.reps is not None
        return self.reps * self.rep_s


class Routine(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=SLUG.pattern, max_length=60)]
    title: Annotated[str, Field(min_length=1, max_length=80)]
    summary: Annotated[str, Field(min_length=1, max_length=400)]
    position: str
    stop_rule: Annotated[str, Field(min_length=1, max_length=400)]
    sources: list[str] = Field(min_length=1)
    steps: list[Step] = Field(min_length=1, max_length=40)

    @property
    def total_s(self) -> float:
        return sum(step.total_s for step in self.steps)


class ContentError(Exception):
    """A content file is wrong; ``problems`` holds one line per fault as file: field: what."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def _field_path(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def parse_routine(data: Any, source: str) -> Routine:
    """Validate DATA (already parsed YAML) read from SOURCE, or raise ContentError."""
    if not isinstance(data, dict):
        raise ContentError([f"{source}: (top level): expected a mapping of fields"])
    try:
        return Routine.model_validate(data)
    except ValidationError as exc:
        raise ContentError(
            [f"{source}: {_field_path(err['loc'])}: {err['msg']}" for err in exc.errors()]
        ) from None


def load_routine_file(path: Path) -> Routine:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ContentError([f"{path.name}: (file): not valid YAML: {exc}"]) from None
    routine = parse_routine(data, path.name)
    if routine.id != path.stem:
        raise ContentError([f"{path.name}: id: {routine.id!r} must match the file name"])
    return routine


def load_routines(directory: Path) -> list[Routine]:
    """Every routine file in DIRECTORY; all problems are gathered before raising."""
    routines: list[Routine] = []
    problems: list[str] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            routines.append(load_routine_file(path))
        except ContentError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ContentError(problems)
    return routines
