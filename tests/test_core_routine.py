from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from backcare.content import ROUTINES_DIR
from backcare.core.routine import ContentError, load_routine_file, load_routines, parse_routine

VALID: dict[str, Any] = {
    "id": "tiny",
    "title": "Tiny",
    "summary": "A short one.",
    "position": "standing",
    "stop_rule": "Stop if it hurts.",
    "sources": ["nice-ng59"],
    "steps": [{"title": "Stand", "text": "Stand tall.", "duration_s": 10}],
}


def test_built_in_desk_reset_is_a_five_minute_routine_of_the_seed_movements() -> None:
    routine = next(r for r in load_routines(ROUTINES_DIR) if r.id == "desk-reset")
    titles = " ".join(step.title.lower() for step in routine.steps)
    assert "breathing" in titles
    assert "big hip circles" in titles
    assert "small hip circles" in titles
    assert "heel raise" in titles
    assert 4 * 60 <= routine.total_s <= 5 * 60
    assert any(step.breathing and step.breathing.hold_s > 0 for step in routine.steps)


def test_a_step_must_be_timed_or_counted_not_both() -> None:
    bad = {**VALID, "steps": [{"title": "x", "text": "y", "duration_s": 10, "reps": 5}]}
    with pytest.raises(ContentError) as err:
        parse_routine(bad, "tiny.yaml")
    assert err.value.problems[0].startswith("tiny.yaml: steps.0:")
    assert "either duration_s or reps" in err.value.problems[0]


def test_problems_name_the_file_and_field() -> None:
    bad = {**VALID, "steps": [{"title": "x", "text": "y", "duration_s": 9000}]}
    with pytest.raises(ContentError) as err:
        parse_routine(bad, "tiny.yaml")
    assert err.value.problems == [
        "tiny.yaml: steps.0.duration_s: Input should be less than or equal to 600"
    ]


def test_missing_fields_are_each_reported() -> None:
    with pytest.raises(ContentError) as err:
        parse_routine({"id": "tiny"}, "tiny.yaml")
    fields = {line.split(": ")[1] for line in err.value.problems}
    assert {"title", "summary", "position", "stop_rule", "sources", "steps"} <= fields


def test_all_faulty_files_are_reported_together(tmp_path: Path) -> None:
    (tmp_path / "one.yaml").write_text("id: one\n")
    (tmp_path / "two.yaml").write_text(": not yaml : [\n")
    with pytest.raises(ContentError) as err:
        load_routines(tmp_path)
    assert any(p.startswith("one.yaml:") for p in err.value.problems)
    assert any(p.startswith("two.yaml: (file): not valid YAML") for p in err.value.problems)


def test_the_id_must_match_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "other.yaml"
    path.write_text(yaml.safe_dump(VALID))
    with pytest.raises(ContentError, match=r"other\.yaml: id: 'tiny' must match the file name"):
        load_routine_file(path)


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda c: st.lists(c) | st.dictionaries(st.text(), c),
    )
)
def test_any_parsed_yaml_either_loads_or_raises_content_error(data: Any) -> None:
    try:
        parse_routine(data, "fuzz.yaml")
    except ContentError as exc:
        assert all(line.startswith("fuzz.yaml: ") for line in exc.problems)
