"""The content format: the built-in library is valid and complete, and every kind
of broken file is refused with a message naming the file and the field."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare.content import CONTENT_DIR
from backcare.core.content import ContentError, Exercise, load_library, parse
from backcare.core.figure import figure_problems, load_figures

SEED_MOVEMENTS = [
    "grounding-breath",
    "hip-circles-large",
    "hip-circles-small",
    "heel-raise-glute-squeeze",
    "decompression-rest",
    "seated-hamstring-stretch",
    "lying-hamstring-stretch",
    "seated-glute-stretch",
    "quadruped-hip-circles",
    "knees-to-chest",
    "seated-forward-bend",
    "standing-back-extension",
    "walking-break",
    "foam-roller-hamstrings",
    "foam-roller-quadriceps",
    "foam-roller-chest-opener",
    "foam-roller-upper-back",
    "massage-ball-glutes",
    "massage-ball-chest",
    "desk-posture-reset",
    "sit-to-stand",
    "dance-break",
]
ROUTINES = [
    "desk-reset",
    "seated-micro-break",
    "flare-up-relief",
    "morning-mobility",
    "evening-wind-down",
    "hamstring-hip-release",
    "core-level-1",
    "core-level-2",
    "core-level-3",
    "roller-and-ball-release",
    "walking-break",
    "team-dance-break",
]


def check(directory: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "backcare", "content", "check", str(directory)],
        capture_output=True,
        text=True,
    )


def test_the_built_in_content_passes_the_check() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "backcare", "content", "check"], capture_output=True, text=True
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("OK: ")


def test_the_library_holds_what_was_promised() -> None:
    figures = load_figures(CONTENT_DIR / "figures")
    library = load_library(CONTENT_DIR, pose_keys=set(figures))
    assert len(library.exercises) >= 40
    assert len(library.routines) >= 12
    assert len(library.lessons) >= 16
    assert set(SEED_MOVEMENTS) <= set(library.exercises)
    assert set(ROUTINES) <= set(library.routines)
    positions = {e.position for e in library.exercises.values()}
    assert positions == {"standing", "sitting", "lying", "kneeling", "walking"}


def test_routine_lengths_are_computed_from_their_steps() -> None:
    figures = load_figures(CONTENT_DIR / "figures")
    library = load_library(CONTENT_DIR, pose_keys=set(figures))
    desk = library.routines["desk-reset"]
    expected = sum(library.exercises[i.exercise].total_s(i.rounds) for i in desk.items)
    assert library.routine_total_s(desk) == expected
    assert 4 * 60 <= expected <= 5 * 60 + 30
    for key in ("routines/desk-reset.yaml",):
        assert "total_s" not in (CONTENT_DIR / key).read_text()


def test_every_figure_moves_and_every_pose_has_a_figure() -> None:
    figures = load_figures(CONTENT_DIR / "figures")
    assert figure_problems(figures) == []
    library = load_library(CONTENT_DIR, pose_keys=set(figures))
    used = {step.pose for e in library.exercises.values() for step in e.steps}
    assert used <= set(figures)


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def edit(path: Path, change: Any) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True))


def problems_for(directory: Path) -> list[str]:
    r = check(directory)
    assert r.returncode == 1
    return [line for line in r.stderr.splitlines() if not line.startswith("backcare:")]


def test_a_missing_field_is_named(content_copy: Path) -> None:
    edit(content_copy / "exercises/bird-dog.yaml", lambda d: d.pop("kind"))
    assert problems_for(content_copy) == ["exercises/bird-dog.yaml: kind: Field required"]


def test_a_duplicate_id_is_refused(content_copy: Path) -> None:
    shutil.copy(content_copy / "exercises/bird-dog.yaml", content_copy / "exercises/copy.yaml")
    assert problems_for(content_copy) == [
        "exercises/copy.yaml: id: duplicate id 'bird-dog', also in exercises/bird-dog.yaml"
    ]


def test_a_routine_naming_an_unknown_exercise_is_refused(content_copy: Path) -> None:
    edit(
        content_copy / "routines/desk-reset.yaml",
        lambda d: d["items"].append({"exercise": "cartwheel"}),
    )
    assert problems_for(content_copy) == [
        "routines/desk-reset.yaml: items.4.exercise: no exercise with id 'cartwheel'"
    ]


def test_a_duration_out_of_range_is_refused(content_copy: Path) -> None:
    edit(
        content_copy / "exercises/bird-dog.yaml",
        lambda d: d["steps"][0].update(reps=None, duration_s=9000),
    )
    assert problems_for(content_copy) == [
        "exercises/bird-dog.yaml: steps.0.duration_s: Input should be less than or equal to 600"
    ]


def test_a_routine_that_is_too_long_is_refused(content_copy: Path) -> None:
    edit(
        content_copy / "routines/walking-break.yaml",
        lambda d: d["items"].extend([{"exercise": "walking-break"}] * 2),
    )
    [problem] = problems_for(content_copy)
    assert problem.startswith("routines/walking-break.yaml: items: the routine lasts 2700 s")


def test_a_missing_translation_is_refused(content_copy: Path) -> None:
    edit(content_copy / "lessons/sleep.yaml", lambda d: d["try_today"].pop("da"))
    assert problems_for(content_copy) == ["lessons/sleep.yaml: try_today.da: Field required"]


def test_an_unknown_source_key_is_refused(content_copy: Path) -> None:
    edit(content_copy / "exercises/bird-dog.yaml", lambda d: d["sources"].append("my-blog"))
    [problem] = problems_for(content_copy)
    assert problem.startswith("exercises/bird-dog.yaml: sources.")
    assert problem.endswith("'my-blog' is not in references.yaml")


def test_a_missing_figure_is_refused(content_copy: Path) -> None:
    (content_copy / "figures/bird-dog.yaml").unlink()
    problems = problems_for(content_copy)
    assert "exercises/bird-dog.yaml: steps.0.pose: no figure called 'bird-dog'" in problems


def test_a_figure_that_does_not_move_is_refused(content_copy: Path) -> None:
    def freeze(d: dict[str, Any]) -> None:
        for frame in d["keyframes"]:
            frame["pose"] = d["keyframes"][0]["pose"]

    edit(content_copy / "figures/bird-dog.yaml", freeze)
    [problem] = problems_for(content_copy)
    assert problem.startswith("figures/bird-dog.yaml: keyframes: the figure barely moves")


def test_broken_yaml_is_named_with_its_line(content_copy: Path) -> None:
    (content_copy / "lessons/sleep.yaml").write_text("id: sleep\ntitle: [unclosed\n")
    [problem] = problems_for(content_copy)
    assert problem.startswith("lessons/sleep.yaml: (file): not valid YAML at line")


YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=6)
    ),
    max_leaves=20,
)


@settings(max_examples=200)
@given(YAML_VALUES)
def test_any_parsed_yaml_either_loads_or_is_refused_clearly(data: Any) -> None:
    try:
        parse(Exercise, data, "fuzz.yaml")
    except ContentError as exc:
        assert exc.problems
        assert all(line.startswith("fuzz.yaml: ") for line in exc.problems)
