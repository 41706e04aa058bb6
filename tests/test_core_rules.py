from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backcare.core.safety import exercise_allowed
from backcare.core.session import pain_problem
from backcare.core.timefmt import human_duration
from backcare.core.triage import Tier

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def test_emergency_and_urgent_tiers_block_exercise() -> None:
    assert not exercise_allowed(Tier.EMERGENCY, NOW, NOW)
    assert not exercise_allowed(Tier.URGENT, NOW, NOW)


def test_see_a_doctor_soon_still_allows_gentle_exercise() -> None:
    assert exercise_allowed(Tier.SOON, NOW, NOW)


def test_a_clear_screen_allows_exercise_for_four_weeks() -> None:
    assert exercise_allowed(Tier.NONE, NOW, NOW + timedelta(days=27))
    assert not exercise_allowed(Tier.NONE, NOW, NOW + timedelta(weeks=4))


def test_new_symptoms_since_the_screen_block_exercise() -> None:
    assert not exercise_allowed(Tier.NONE, NOW, NOW, symptoms_reported_since=True)


def test_no_screen_means_no_exercise() -> None:
    assert not exercise_allowed(None, None, NOW)


def test_pain_must_be_zero_to_ten() -> None:
    assert pain_problem(0) is None
    assert pain_problem(10) is None
    assert pain_problem(None) is None
    assert pain_problem(11) == "Pain must be a whole number from 0 (none) to 10 (worst imaginable)."
    assert pain_problem(-1) is not None


def test_durations_read_naturally() -> None:
    assert human_duration(1) == "1 second"
    assert human_duration(45) == "45 seconds"
    assert human_duration(60) == "1 minute"
    assert human_duration(280) == "about 5 minutes"
    assert human_duration(4800) == "1 h 20 min"
