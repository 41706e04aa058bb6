"""The emergency signs that must stop any exercise.

These are the "emergency, now" features of CLINICAL.md section 1 (NICE NG59;
NICE CKS sciatica; BASS 2018 cauda equina definition). The full red-flag
screen with urgent and soon tiers builds on this list.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

# A clear screen is asked again after four weeks.
RESCREEN_AFTER = timedelta(weeks=4)


class Tier(StrEnum):
    EMERGENCY = "emergency"
    NONE = "none"


# The codes of the emergency signs, in the order they are asked. Their wording
# lives with the pages (backcare.safety.labels), so it can be translated.
EMERGENCY_SIGNS: tuple[str, ...] = (
    "urinary_change",
    "bowel_change",
    "saddle_numbness",
    "new_sexual_dysfunction",
    "bilateral_leg_symptoms",
    "bilateral_leg_weakness",
    "major_trauma",
)


def quick_screen_tier(any_sign_present: bool) -> Tier:
    """The tier for the one-question screen: any emergency sign means emergency."""
    return Tier.EMERGENCY if any_sign_present else Tier.NONE


def exercise_allowed(tier: Tier | None, screened_at: datetime | None, now: datetime) -> bool:
    """Whether the player may start: a clear screen, taken in the last four weeks."""
    if tier is None or screened_at is None:
        return False
    return tier == Tier.NONE and now - screened_at < RESCREEN_AFTER
