from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backcare.core.safety import EMERGENCY_SIGNS, Tier, exercise_allowed, quick_screen_tier
from backcare.core.session import pain_problem
from backcare.core.timefmt import human_duration

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def test_the_quick_screen_asks_about_every_emergency_sign() -> None:
    assert set(EMERGENCY_SIGNS) == {
        "urinary_change",
        "bowel_change",
        "saddle_numbness",
        "new_sexual_dysfunction",
        "bilateral_leg_symptoms",
        "bilateral_leg_weakness",
        "major_trauma",
    }


def test_any_emergency_sign_blocks_exercise() -> None:
    assert quick_screen_tier(True) == Tier.EMERGENCY
    assert not exercise_allowed(Tier.EMERGENCY, NOW, NOW)


def test_a_clear_screen_allows_exercise_for_four_weeks() -> None:
    assert quick_screen_tier(False) == Tier.NONE
    assert exercise_allowed(Tier.NONE, NOW, NOW + timedelta(days=27))
    assert not exercise_allowed(Tier.NONE, NOW, NOW + timedelta(weeks=4))


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
