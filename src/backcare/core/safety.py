"""The emergency signs that must stop any exercise.

These are the "emergency, now" features of CLINICAL.md section 1 (NICE NG59;
NICE CKS sciatica; BASS 2018 cauda equina definition). The full red-flag
screen with urgent and soon tiers builds on this list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

# A clear screen is asked again after four weeks.
RESCREEN_AFTER = timedelta(weeks=4)


class Tier(StrEnum):
    EMERGENCY = "emergency"
    NONE = "none"


@dataclass(frozen=True)
class Sign:
    code: str
    question: str


EMERGENCY_SIGNS: tuple[Sign, ...] = (
    Sign(
        "urinary_change",
        "New trouble passing urine, a weak stream, or leaking urine you cannot hold",
    ),
    Sign("bowel_change", "Losing control of your bowels, or not feeling when they are full"),
    Sign(
        "saddle_numbness",
        "Numbness or pins and needles around your genitals, back passage or inner thighs",
    ),
    Sign("new_sexual_dysfunction", "A new change in sexual function, such as loss of feeling"),
    Sign(
        "bilateral_leg_symptoms",
        "Pain, numbness or tingling down both legs, or leg pain that has spread from one leg "
        "to both",
    ),
    Sign(
        "bilateral_leg_weakness",
        "Weakness in both legs that is severe or getting worse, or new trouble walking",
    ),
    Sign(
        "major_trauma",
        "The pain started after a serious accident, such as a fall from a height or a road "
        "accident",
    ),
)


def quick_screen_tier(any_sign_present: bool) -> Tier:
    """The tier for the one-question screen: any emergency sign means emergency."""
    return Tier.EMERGENCY if any_sign_present else Tier.NONE


def exercise_allowed(tier: Tier | None, screened_at: datetime | None, now: datetime) -> bool:
    """Whether the player may start: a clear screen, taken in the last four weeks."""
    if tier is None or screened_at is None:
        return False
    return tier == Tier.NONE and now - screened_at < RESCREEN_AFTER
