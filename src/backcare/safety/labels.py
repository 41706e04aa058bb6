"""The safety question's wording, in plain language and through gettext."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from backcare.core.safety import EMERGENCY_SIGNS

SIGN_QUESTIONS: dict[str, Promise] = {
    "urinary_change": _(
        "New trouble passing urine, a weak stream, or leaking urine you cannot hold"
    ),
    "bowel_change": _("Losing control of your bowels, or not feeling when they are full"),
    "saddle_numbness": _(
        "Numbness or pins and needles around your genitals, back passage or inner thighs"
    ),
    "new_sexual_dysfunction": _("A new change in sexual function, such as loss of feeling"),
    "bilateral_leg_symptoms": _(
        "Pain, numbness or tingling down both legs, or leg pain that has spread from one leg "
        "to both"
    ),
    "bilateral_leg_weakness": _(
        "Weakness in both legs that is severe or getting worse, or new trouble walking"
    ),
    "major_trauma": _(
        "The pain started after a serious accident, such as a fall from a height or a road accident"
    ),
}
assert set(SIGN_QUESTIONS) == set(EMERGENCY_SIGNS)


def sign_questions() -> list[Promise]:
    return [SIGN_QUESTIONS[code] for code in EMERGENCY_SIGNS]
