"""The red-flag screen: which answers call for which kind of medical help.

The tiers and features follow CLINICAL.md section 1 (NICE NG59 rec 1.1.1; ACP
2007 recs 1-3; Finucane 2020; NICE CKS sciatica; BASS 2018; Henschke 2009;
Downie 2013; Yusuf 2019). The highest tier found wins. Red flags are common
and mostly benign, so only the emergency signs stop everything at once; the
"soon" tier allows gentle activity while the person books an appointment.

This module decides; the words shown to people live with the pages
(backcare.safety.labels), keyed by the reason codes used here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum

ANSWER_CODES: tuple[str, ...] = (
    "urinary_change",
    "bowel_change",
    "saddle_numbness",
    "new_sexual_dysfunction",
    "bilateral_leg_symptoms",
    "bilateral_leg_weakness",
    "major_trauma",
    "progressive_leg_weakness",
    "fever",
    "infection_risk",
    "cancer_history",
    "unexplained_weight_loss",
    "night_pain",
    "minor_trauma",
    "osteoporosis",
    "long_term_steroids",
    "worsening_leg_symptoms",
    "not_improving",
)

EMERGENCY_CODES = frozenset(ANSWER_CODES[:7])
NERVE_SIGNS = frozenset(
    {"progressive_leg_weakness", "worsening_leg_symptoms", "bilateral_leg_symptoms",
     "bilateral_leg_weakness", "saddle_numbness"}
)  # fmt: skip


class Tier(IntEnum):
    """Ordered, so the highest tier found is simply the largest."""

    NONE = 0
    SOON = 1
    URGENT = 2
    EMERGENCY = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def from_label(cls, label: str) -> Tier:
        return cls[label.upper()]

    @property
    def exercise_allowed(self) -> bool:
        """Gentle activity is fine up to "see a doctor soon"; not beyond."""
        return self <= Tier.SOON


@dataclass(frozen=True)
class Reason:
    code: str
    tier: Tier


@dataclass(frozen=True)
class ScreenInput:
    answers: Mapping[str, bool]
    age: int | None = None
    duration_weeks: float | None = None
    first_episode: bool | None = None


@dataclass(frozen=True)
class ScreenResult:
    tier: Tier
    reasons: tuple[Reason, ...]
    unanswered: tuple[str, ...] = field(default=())

    @property
    def exercise_allowed(self) -> bool:
        return self.tier.exercise_allowed


def triage(screen: ScreenInput) -> ScreenResult:
    """The tier for SCREEN and every reason behind it, most serious first."""
    yes = {code for code in ANSWER_CODES if screen.answers.get(code) is True}
    age = screen.age
    reasons: list[Reason] = []

    def flag(code: str, tier: Tier) -> None:
        reasons.append(Reason(code, tier))

    # Emergency, now: cauda equina signs and major trauma.
    for code in ANSWER_CODES:
        if code in EMERGENCY_CODES and code in yes:
            flag(code, Tier.EMERGENCY)

    # Urgent, same day.
    if "progressive_leg_weakness" in yes:
        flag("progressive_leg_weakness", Tier.URGENT)
    if "fever" in yes:
        flag("fever_with_infection_risk" if "infection_risk" in yes else "fever", Tier.URGENT)
    if "cancer_history" in yes and yes & NERVE_SIGNS:
        flag("cancer_with_nerve_signs", Tier.URGENT)

    # See a doctor soon: days to about two weeks.
    if "cancer_history" in yes and not yes & NERVE_SIGNS:
        flag("cancer_history", Tier.SOON)
    if "infection_risk" in yes and "fever" not in yes:
        flag("infection_risk", Tier.SOON)
    fracture_risk = (
        "osteoporosis" in yes or "long_term_steroids" in yes or (age is not None and age > 70)
    )
    if "minor_trauma" in yes and fracture_risk:
        flag("possible_fracture", Tier.SOON)
    elif "minor_trauma" in yes:
        flag("minor_trauma", Tier.SOON)
    elif fracture_risk:
        flag("fracture_risk", Tier.SOON)
    if "unexplained_weight_loss" in yes:
        flag("unexplained_weight_loss", Tier.SOON)
    if "night_pain" in yes:
        flag("night_pain", Tier.SOON)
    if screen.first_episode and age is not None and age > 50:
        flag("first_episode_over_50", Tier.SOON)
    if "worsening_leg_symptoms" in yes:
        flag("worsening_leg_symptoms", Tier.SOON)
    if "not_improving" in yes:
        long_enough = screen.duration_weeks is not None and screen.duration_weeks >= 4
        flag("not_improving_after_weeks" if long_enough else "not_improving", Tier.SOON)

    reasons.sort(key=lambda r: -r.tier)
    tier = max((r.tier for r in reasons), default=Tier.NONE)
    unanswered = tuple(code for code in ANSWER_CODES if code not in screen.answers)
    return ScreenResult(tier=tier, reasons=tuple(reasons), unanswered=unanswered)
