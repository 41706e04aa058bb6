"""The content format: exercises, routines and lessons as YAML files.

Every file is validated by the models below; then the library as a whole is
checked (unique ids, links between files, known source keys). Every problem
is reported as ``file: field: what is wrong`` and all of them are gathered
before anything is raised, so an author sees the whole list at once.

The format is described for authors in docs/CONTENT.md.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
LANGUAGES = ("en", "da")
WORDS_PER_MINUTE = 200
LESSON_MINUTES = (1, 3)
ROUTINE_SECONDS = (60, 20 * 60)

Slug = Annotated[str, Field(pattern=SLUG_PATTERN, max_length=60)]


class Position(StrEnum):
    STANDING = "standing"
    SITTING = "sitting"
    LYING = "lying"
    KNEELING = "kneeling"
    WALKING = "walking"


class Equipment(StrEnum):
    NONE = "none"
    CHAIR = "chair"
    MAT = "mat"
    STRAP_OR_TOWEL = "strap-or-towel"
    FOAM_ROLLER = "foam-roller"
    MASSAGE_BALL = "massage-ball"
    WALL = "wall"
    STAIRS = "stairs"


class Kind(StrEnum):
    BREATHING = "breathing"
    MOBILITY = "mobility"
    STRETCH = "stretch"
    STRENGTH = "strength"
    RELAXATION = "relaxation"
    SELF_MASSAGE = "self-massage"
    AEROBIC = "aerobic"


class BodyArea(StrEnum):
    LOWER_BACK = "lower-back"
    UPPER_BACK = "upper-back"
    NECK = "neck"
    SHOULDERS = "shoulders"
    CHEST = "chest"
    CORE = "core"
    HIPS = "hips"
    GLUTES = "glutes"
    HAMSTRINGS = "hamstrings"
    QUADRICEPS = "quadriceps"
    CALVES = "calves"
    WHOLE_BODY = "whole-body"


class Phase(StrEnum):
    FLARE_UP = "flare-up"
    RECOVERING = "recovering"
    BUILDING = "building"
    MAINTAINING = "maintaining"


class Bias(StrEnum):
    FLEXION = "flexion"
    EXTENSION = "extension"
    NEUTRAL = "neutral"


class Condition(StrEnum):
    """Conditions under which an exercise must not be offered."""

    ACUTE_FLARE = "acute-flare"
    LEG_SYMPTOMS_BELOW_KNEE = "leg-symptoms-below-knee"
    OSTEOPOROSIS = "osteoporosis"
    PREGNANCY = "pregnancy"
    RECENT_SURGERY = "recent-surgery"
    BALANCE_PROBLEMS = "balance-problems"
    KNEE_PROBLEMS = "knee-problems"
    WRIST_PROBLEMS = "wrist-problems"
    SHOULDER_PROBLEMS = "shoulder-problems"
    FLEXION_INTOLERANT = "flexion-intolerant"
    EXTENSION_INTOLERANT = "extension-intolerant"
    DIZZINESS = "dizziness"
    HIGH_BLOOD_PRESSURE = "high-blood-pressure"


class Side(StrEnum):
    LEFT = "left"
    RIGHT = "right"
    BOTH = "both"


def step_seconds(duration_s: int | None, reps: int | None, rep_s: float) -> float:
    """How long a step takes: its duration, or its repetitions at their pace."""
    if duration_s is not None:
        return float(duration_s)
    assert reps is not None
    return reps * rep_s


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Localized(Strict):
    """The same text in every language the app ships."""

    en: Annotated[str, Field(min_length=1)]
    da: Annotated[str, Field(min_length=1)]

    def get(self, lang: str) -> str:
        return self.da if lang == "da" else self.en


class Breathing(Strict):
    """One breath, paced by the player: in, an optional pause, out."""

    in_s: Annotated[float, Field(ge=1, le=10)]
    hold_s: Annotated[float, Field(ge=0, le=10)] = 0
    out_s: Annotated[float, Field(ge=1, le=12)]

    @property
    def cycle_s(self) -> float:
        return self.in_s + self.hold_s + self.out_s


class Step(Strict):
    text: Localized
    duration_s: Annotated[int | None, Field(ge=5, le=600)] = None
    reps: Annotated[int | None, Field(ge=1, le=50)] = None
    rep_s: Annotated[float, Field(ge=1, le=30)] = 4
    side: Side = Side.BOTH
    breathing: Breathing | None = None
    pose: Slug

    @model_validator(mode="after")
    def _timed_or_counted(self) -> Step:
        if (self.duration_s is None) == (self.reps is None):
            raise ValueError("give either duration_s or reps, not both and not neither")
        return self

    @property
    def total_s(self) -> float:
        return step_seconds(self.duration_s, self.reps, self.rep_s)


class Dose(Strict):
    rounds: Annotated[int, Field(ge=1, le=10)] = 1
    rest_s: Annotated[int, Field(ge=0, le=120, multiple_of=5)] = 0


class Exercise(Strict):
    id: Slug
    title: Localized
    purpose: Localized
    body_areas: list[BodyArea] = Field(min_length=1)
    position: Position
    equipment: list[Equipment] = Field(min_length=1)
    kind: Kind
    steps: list[Step] = Field(min_length=1, max_length=20)
    dose: Dose = Dose()
    intensity: Annotated[int, Field(ge=1, le=5)]
    phases: list[Phase] = Field(min_length=1)
    bias: Bias
    cautions: list[Localized] = []
    contraindications: list[Condition] = []
    regression: Slug | None = None
    progression: Slug | None = None
    sources: list[Slug] = Field(min_length=1)

    @model_validator(mode="after")
    def _none_stands_alone(self) -> Exercise:
        if Equipment.NONE in self.equipment and len(self.equipment) > 1:
            raise ValueError("equipment: 'none' cannot be listed with other equipment")
        return self

    @property
    def round_s(self) -> float:
        return sum(step.total_s for step in self.steps)

    def total_s(self, rounds: int | None = None) -> float:
        n = rounds or self.dose.rounds
        return n * self.round_s + (n - 1) * self.dose.rest_s


class RoutineItem(Strict):
    exercise: Slug
    rounds: Annotated[int | None, Field(ge=1, le=10)] = None


class RoutineFile(Strict):
    id: Slug
    title: Localized
    summary: Localized
    stop_rule: Localized
    items: list[RoutineItem] = Field(min_length=1, max_length=30)
    sources: list[Slug] = []
    # Beats per minute of the music the player makes for it (dance breaks); none: no music.
    tempo_bpm: Annotated[int, Field(ge=60, le=180)] | None = None


class Lesson(Strict):
    id: Slug
    order: Annotated[int, Field(ge=1, le=999)]
    title: Localized
    body: Localized
    try_today: Localized
    sources: list[Slug] = Field(min_length=1)

    def words(self, lang: str = "en") -> int:
        return len(re.findall(r"\w+", self.body.get(lang) + " " + self.try_today.get(lang)))

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(self.words("en") / WORDS_PER_MINUTE))


class ContentError(Exception):
    """Content is wrong; ``problems`` holds one ``file: field: what`` line per fault."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Library:
    exercises: dict[str, Exercise] = field(default_factory=dict)
    routines: dict[str, RoutineFile] = field(default_factory=dict)
    lessons: dict[str, Lesson] = field(default_factory=dict)
    references: dict[str, str] = field(default_factory=dict)

    def routine_total_s(self, routine: RoutineFile) -> float:
        """A routine's length, always computed from its exercises' steps."""
        return sum(self.exercises[item.exercise].total_s(item.rounds) for item in routine.items)


M = TypeVar("M", bound=BaseModel)


def _field_path(loc: Iterable[int | str]) -> str:
    return ".".join(str(part) for part in loc) or "(top level)"


def _message(err: Any) -> str:
    msg = str(err["msg"])
    return msg.removeprefix("Value error, ")


def parse(model: type[M], data: Any, source: str) -> M:
    """Validate parsed YAML DATA from SOURCE against MODEL, or raise ContentError."""
    if not isinstance(data, dict):
        raise ContentError([f"{source}: (top level): expected a mapping of fields"])
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ContentError(
            [f"{source}: {_field_path(err['loc'])}: {_message(err)}" for err in exc.errors()]
        ) from None


def read_yaml(path: Path, source: str) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        raise ContentError([f"{source}: (file): not valid YAML{line}"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError([f"{source}: (file): cannot be read: {exc}"]) from None


def _load_folder(
    root: Path, folder: str, model: type[M], problems: list[str], broken_ids: set[str]
) -> dict[str, tuple[M, str]]:
    """Valid items by id; the ids of invalid files go to BROKEN_IDS.

    Links to a file that failed are not reported again: its own problems say
    what is wrong, and a second message in every file linking to it would bury
    them.
    """
    found: dict[str, tuple[M, str]] = {}
    for path in sorted((root / folder).glob("*.yaml")):
        source = f"{folder}/{path.name}"
        try:
            data = read_yaml(path, source)
        except ContentError as exc:
            problems.extend(exc.problems)
            continue
        try:
            item = parse(model, data, source)
        except ContentError as exc:
            problems.extend(exc.problems)
            if isinstance(data, dict) and isinstance(data.get("id"), str):
                broken_ids.add(data["id"])
            continue
        item_id = str(getattr(item, "id"))  # noqa: B009 - every content model has an id
        if item_id in found:
            problems.append(f"{source}: id: duplicate id {item_id!r}, also in {found[item_id][1]}")
            continue
        found[item_id] = (item, source)
    return found


def load_references(root: Path, problems: list[str]) -> dict[str, str]:
    source = "references.yaml"
    path = root / source
    if not path.exists():
        problems.append(f"{source}: (file): missing")
        return {}
    try:
        data = read_yaml(path, source)
    except ContentError as exc:
        problems.extend(exc.problems)
        return {}
    if not isinstance(data, dict):
        problems.append(f"{source}: (top level): expected a mapping of key: citation")
        return {}
    references: dict[str, str] = {}
    for key, citation in data.items():
        if not isinstance(key, str) or not re.match(SLUG_PATTERN, key):
            problems.append(f"{source}: {key}: a key must be lower-case words joined by -")
        elif not isinstance(citation, str) or not citation.strip():
            problems.append(f"{source}: {key}: the citation must be text")
        else:
            references[key] = citation.strip()
    return references


def check_library(
    exercises: dict[str, tuple[Exercise, str]],
    routines: dict[str, tuple[RoutineFile, str]],
    lessons: dict[str, tuple[Lesson, str]],
    references: dict[str, str],
    pose_keys: set[str] | None,
    broken_ids: frozenset[str] = frozenset(),
) -> list[str]:
    """Problems that span files: links, sources, poses and computed lengths."""
    problems: list[str] = []
    known_exercises = set(exercises) | broken_ids

    def check_sources(keys: list[str], source: str) -> None:
        for i, key in enumerate(keys):
            if key not in references:
                problems.append(f"{source}: sources.{i}: {key!r} is not in references.yaml")

    for exercise, source in exercises.values():
        check_sources(exercise.sources, source)
        for link in ("regression", "progression"):
            target = getattr(exercise, link)
            if target is not None and target not in known_exercises:
                problems.append(f"{source}: {link}: no exercise with id {target!r}")
            if target == exercise.id:
                problems.append(f"{source}: {link}: an exercise cannot link to itself")
        if pose_keys is not None:
            for i, step in enumerate(exercise.steps):
                if step.pose not in pose_keys:
                    problems.append(f"{source}: steps.{i}.pose: no figure called {step.pose!r}")

    for routine, source in routines.values():
        check_sources(routine.sources, source)
        known = all(item.exercise in exercises for item in routine.items)
        for i, item in enumerate(routine.items):
            if item.exercise not in known_exercises:
                problems.append(
                    f"{source}: items.{i}.exercise: no exercise with id {item.exercise!r}"
                )
        if known:
            total = sum(exercises[it.exercise][0].total_s(it.rounds) for it in routine.items)
            low, high = ROUTINE_SECONDS
            if not low <= total <= high:
                problems.append(
                    f"{source}: items: the routine lasts {total:.0f} s; it must last {low}-{high} s"
                )

    for lesson, source in lessons.values():
        check_sources(lesson.sources, source)
        low, high = LESSON_MINUTES
        words = lesson.words("en")
        if not low * WORDS_PER_MINUTE * 0.6 <= words <= high * WORDS_PER_MINUTE:
            problems.append(
                f"{source}: body: {words} words; a lesson takes {low}-{high} minutes to read "
                f"(about {int(low * WORDS_PER_MINUTE * 0.6)}-{high * WORDS_PER_MINUTE} words)"
            )
    return problems


def load_library(root: Path, pose_keys: set[str] | None = None) -> Library:
    """Load and check everything under ROOT; raise ContentError listing every problem.

    POSE_KEYS, when given, are the figure animations that exist; every step's
    pose must be one of them.
    """
    problems: list[str] = []
    references = load_references(root, problems)
    broken: set[str] = set()
    exercises = _load_folder(root, "exercises", Exercise, problems, broken)
    routines = _load_folder(root, "routines", RoutineFile, problems, broken)
    lessons = _load_folder(root, "lessons", Lesson, problems, broken)
    problems.extend(
        check_library(exercises, routines, lessons, references, pose_keys, frozenset(broken))
    )
    if problems:
        raise ContentError(problems)
    return Library(
        exercises={k: v for k, (v, _) in exercises.items()},
        routines={k: v for k, (v, _) in routines.items()},
        lessons={k: v for k, (v, _) in lessons.items()},
        references=references,
    )
