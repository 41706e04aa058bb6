"""What a person reports after a routine, and the rules for a valid result."""

from __future__ import annotations

from enum import StrEnum

PAIN_MIN = 0
PAIN_MAX = 10


class Feeling(StrEnum):
    BETTER = "better"
    SAME = "same"
    WORSE = "worse"


FEELING_LABELS = {
    Feeling.BETTER: "Better",
    Feeling.SAME: "About the same",
    Feeling.WORSE: "Worse",
}


class Source(StrEnum):
    WEB = "web"
    TERMINAL = "terminal"


def pain_problem(pain: int | None) -> str | None:
    """A message for a pain rating outside 0-10, or None when it is fine."""
    if pain is None or PAIN_MIN <= pain <= PAIN_MAX:
        return None
    return f"Pain must be a whole number from {PAIN_MIN} (none) to {PAIN_MAX} (worst imaginable)."
