"""The red-flag screen in plain words, through gettext.

Questions and reasons are keyed by the codes of backcare.core.triage. Every
question comes with a short "why" so that people know what is being asked and
are not alarmed: most people who tick one of these do not have anything
serious (CLINICAL.md section 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from backcare.core.triage import ANSWER_CODES, Tier

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise


@dataclass(frozen=True)
class Question:
    code: str
    text: StrPromise
    why: StrPromise


NEEDS_HELP_NOW = _(
    "These can be signs of pressure on the nerves at the base of the spine, or of a serious "
    "injury. They need a doctor within hours."
)

QUESTIONS: dict[str, Question] = {
    q.code: q
    for q in [
        Question(
            "urinary_change",
            _("New trouble passing urine, a weak stream, or leaking urine you cannot hold"),
            NEEDS_HELP_NOW,
        ),
        Question(
            "bowel_change",
            _("Losing control of your bowels, or not feeling when they are full"),
            NEEDS_HELP_NOW,
        ),
        Question(
            "saddle_numbness",
            _("Numbness or pins and needles around your genitals, back passage or inner thighs"),
            NEEDS_HELP_NOW,
        ),
        Question(
            "new_sexual_dysfunction",
            _("A new change in sexual function, such as loss of feeling"),
            NEEDS_HELP_NOW,
        ),
        Question(
            "bilateral_leg_symptoms",
            _(
                "Pain, numbness or tingling down both legs, or leg pain that has spread from "
                "one leg to both"
            ),
            NEEDS_HELP_NOW,
        ),
        Question(
            "bilateral_leg_weakness",
            _("Weakness in both legs that is severe or getting worse, or new trouble walking"),
            NEEDS_HELP_NOW,
        ),
        Question(
            "major_trauma",
            _(
                "The pain started after a serious accident, such as a fall from a height or a "
                "road accident"
            ),
            NEEDS_HELP_NOW,
        ),
        Question(
            "progressive_leg_weakness",
            _("One leg or foot is getting weaker, for example your foot slaps or catches"),
            _("Weakness that is getting worse means a nerve may be under pressure."),
        ),
        Question(
            "fever",
            _("A fever, or feeling generally unwell, along with the back pain"),
            _("Rarely, back pain comes from an infection, which needs treatment quickly."),
        ),
        Question(
            "infection_risk",
            _(
                "A weakened immune system, injecting drugs, or a recent serious infection or "
                "operation"
            ),
            _("These make an infection in the spine a little more likely."),
        ),
        Question(
            "cancer_history",
            _("You have or have had cancer"),
            _("Past cancer is the one history that makes a doctor want to check back pain."),
        ),
        Question(
            "unexplained_weight_loss",
            _("You have lost weight recently without trying"),
            _("Unexplained weight loss is worth a doctor's look in its own right."),
        ),
        Question(
            "night_pain",
            _("Constant pain that is worse at night and does not ease with rest or a new position"),
            _("Most back pain changes with position; pain that never does should be checked."),
        ),
        Question(
            "minor_trauma",
            _("The pain started suddenly after a small fall, a lift or a strain"),
            _("In people with weaker bones, a small accident can crack a vertebra."),
        ),
        Question(
            "osteoporosis",
            _("You have osteoporosis (thin bones)"),
            _("Thin bones break more easily, and some exercises are not suitable."),
        ),
        Question(
            "long_term_steroids",
            _("You have taken steroid tablets for months"),
            _("Long steroid use can thin the bones."),
        ),
        Question(
            "worsening_leg_symptoms",
            _("Pain, numbness or tingling is spreading further down one leg"),
            _("Symptoms moving down the leg are a sign to see a doctor and to change exercises."),
        ),
        Question(
            "not_improving",
            _("Your back is getting worse, or not improving at all after four to six weeks"),
            _("Most episodes improve within weeks; if yours does not, a doctor should look."),
        ),
    ]
}
assert tuple(QUESTIONS) == ANSWER_CODES

REASONS: dict[str, StrPromise] = {
    "urinary_change": _("New bladder problems"),
    "bowel_change": _("New bowel problems"),
    "saddle_numbness": _("Numbness between the legs"),
    "new_sexual_dysfunction": _("A new change in sexual function"),
    "bilateral_leg_symptoms": _("Symptoms in both legs"),
    "bilateral_leg_weakness": _("Weakness in both legs or trouble walking"),
    "major_trauma": _("Pain after a serious accident"),
    "progressive_leg_weakness": _("A leg getting weaker"),
    "fever": _("Fever or feeling unwell with back pain"),
    "fever_with_infection_risk": _("Fever with a higher risk of infection"),
    "cancer_with_nerve_signs": _("A history of cancer together with nerve symptoms"),
    "cancer_history": _("A history of cancer"),
    "infection_risk": _("A higher risk of infection"),
    "possible_fracture": _("Pain after a small accident, with a higher risk of a fracture"),
    "minor_trauma": _("Sudden pain after a small accident"),
    "fracture_risk": _("A higher risk of a fracture (age over 70, osteoporosis or steroids)"),
    "unexplained_weight_loss": _("Weight loss without trying"),
    "night_pain": _("Constant pain that is worse at night"),
    "first_episode_over_50": _("A first episode of back pain after the age of 50"),
    "worsening_leg_symptoms": _("Leg symptoms spreading down the leg"),
    "not_improving": _("Back pain that is getting worse"),
    "not_improving_after_weeks": _("No improvement after four weeks or more"),
}

TIER_HEADINGS: dict[Tier, StrPromise] = {
    Tier.EMERGENCY: _("Please get medical help now"),
    Tier.URGENT: _("Please contact a doctor today"),
    Tier.SOON: _("Please book an appointment with a doctor"),
    Tier.NONE: _("Nothing in your answers needs a doctor"),
}


def reason_message(code: str) -> str:
    return str(REASONS.get(code, code))
