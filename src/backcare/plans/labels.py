"""What the plan's rules say to the person, through gettext."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

PHASES: dict[str, StrPromise] = {
    "flare-up": _("Flare-up"),
    "recovering": _("Recovering"),
    "building": _("Building up"),
    "maintaining": _("Keeping it up"),
}

WHYS: dict[str, StrPromise] = {
    "phase_flare_up": _(
        "Your pain is high right now, so the plan starts with the gentlest relief."
    ),
    "phase_recovering": _("Your pain is moderate, so the plan moves gently and builds slowly."),
    "phase_building": _("Your pain is low, so the plan builds strength and movement."),
    "phase_maintaining": _(
        "Your back is calm, so the plan keeps you moving to prevent the next episode."
    ),
    "phase_capped_soon": _("Until a doctor has seen you, the plan stays gentle."),
    "bias_flexion": _(
        "Sitting eases your back, so the plan leans towards bending movements and leaves out arching ones. Your response decides; this is only a starting point."
    ),
    "bias_extension": _(
        "Standing or walking eases your back, so the plan leans towards arching movements and leaves out bending ones. Your response decides; this is only a starting point."
    ),
    "bias_neutral": _("No position clearly eases your back, so the plan uses neutral movements."),
    "routine_fits": _(
        "Fits your phase, your equipment and the %(minutes)s minutes you have for each break."
    ),
    "routine_shortest": _(
        "The shortest routine that fits your phase; it may take longer than the time you set aside."
    ),
    "exercise_paused": _(
        "Exercise is paused until a doctor has seen you and you answer the safety questions again."
    ),
    "no_routine_fits": _(
        "No routine fits all your answers right now, so the plan is walking only."
    ),
    "routines_paused": _("Paused because you reported new symptoms during them: %(routines)s."),
    "walking_start": _("Starts from what you do now and will grow toward %(goal)s minutes a week."),
    "walking_growth": _(
        "About 15%% more than last week, never more than 20%%, toward %(goal)s minutes a week."
    ),
    "lesson_for_phase": _("Chosen for your phase."),
    "stop_and_rescreen": _(
        "You reported new leg, bladder or numbness symptoms: that routine is paused and the safety questions come again."
    ),
    "step_back_high_pain": _("Pain went above 5 after a session, so the plan steps back a level."),
    "step_back_not_settling": _(
        "Pain of 4-5 had not settled by the next day, so the plan steps back a level."
    ),
    "step_up_green": _(
        "Two weeks of low pain with most breaks done, so the plan steps up a level."
    ),
    "see_clinician": _(
        "Your pain has not improved as much as expected. Please see a doctor or physiotherapist about your back."
    ),
}


def why_text(why: dict[str, Any]) -> str:
    template = WHYS.get(why["code"])
    if template is None:
        return str(why["code"])
    return str(template) % dict(why.get("params") or {})
