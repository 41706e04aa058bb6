"""The assessment wizard, one form per step. Our own questions, never a
validated questionnaire's (CLINICAL.md section 2): pain uses 0-10 scales."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from backcare.library import labels

PAIN = [(str(n), str(n)) for n in range(11)]
POSTURES = [
    ("sitting", _("Sitting")),
    ("standing", _("Standing")),
    ("walking", _("Walking")),
    ("lying", _("Lying down")),
]


class WizardStep(forms.Form):
    title: Any = ""


def pain_field(label: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label, choices=PAIN, coerce=int, widget=forms.RadioSelect(attrs={"class": "scale"})
    )


class PainStep(WizardStep):
    title = _("Your back pain")
    duration_weeks = forms.TypedChoiceField(
        label=_("How long has this episode lasted?"),
        coerce=float,
        widget=forms.RadioSelect,
        choices=[
            ("0.5", _("Less than a week")),
            ("2", _("One to four weeks")),
            ("8", _("One to three months")),
            ("16", _("More than three months")),
        ],
    )
    past_episodes = forms.ChoiceField(
        label=_("Have you had episodes like this before?"),
        widget=forms.RadioSelect,
        choices=[("none", _("No")), ("few", _("Once or twice")), ("many", _("Many times"))],
    )
    pain_now = pain_field(_("Pain right now (0 none, 10 worst you can imagine)"))
    pain_average = pain_field(_("Pain on average over the last week"))
    pain_worst = pain_field(_("Pain at its worst over the last week"))
    leg_symptoms = forms.ChoiceField(
        label=_("How far down do pain, numbness or tingling reach?"),
        widget=forms.RadioSelect,
        choices=[
            ("none", _("Only in my back")),
            ("buttock", _("Into the buttock")),
            ("thigh", _("Into the thigh")),
            ("below-knee", _("Below the knee")),
            ("both-legs", _("Into both legs")),
        ],
    )


class PositionStep(WizardStep):
    title = _("What helps and what hurts")
    eases = forms.MultipleChoiceField(
        label=_("Which positions ease your back?"),
        choices=POSTURES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    provokes = forms.MultipleChoiceField(
        label=_("Which positions make it worse?"),
        choices=POSTURES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        both = set(data.get("eases", [])) & set(data.get("provokes", []))
        if both:
            raise forms.ValidationError(
                _("A position cannot both ease and worsen your back; check: %(p)s")
                % {"p": ", ".join(sorted(both))}
            )
        return data


class DayStep(WizardStep):
    title = _("Your days")
    active_minutes_week = forms.IntegerField(
        label=_("About how many minutes a week are you active now (walks, sport)?"),
        min_value=0,
        max_value=3000,
    )
    equipment = forms.MultipleChoiceField(
        label=_("What do you have to hand?"),
        choices=[(e.value, lbl) for e, lbl in labels.EQUIPMENT.items() if e.value != "none"],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    minutes_free_per_day = forms.TypedChoiceField(
        label=_("How many minutes a workday can you give to breaks?"),
        coerce=int,
        widget=forms.RadioSelect,
        choices=[("5", "5"), ("10", "10"), ("15", "15"), ("20", "20")],
    )
    work_start = forms.TimeField(
        label=_("Work starts at"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    work_end = forms.TimeField(
        label=_("Work ends at"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    conditions = forms.MultipleChoiceField(
        label=_("Does any of this apply to you?"),
        help_text=_("So we never suggest an exercise that is not suitable."),
        choices=[
            (c.value, labels.CONDITIONS[c])
            for c in labels.CONDITIONS
            if c.value
            in {
                "pregnancy",
                "recent-surgery",
                "balance-problems",
                "knee-problems",
                "wrist-problems",
                "shoulder-problems",
                "dizziness",
                "high-blood-pressure",
            }
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("work_start"), data.get("work_end")
        if start and end and end <= start:
            raise forms.ValidationError(_("Work must end after it starts."))
        return data


class GoalStep(WizardStep):
    title = _("Your goals")
    goals = forms.MultipleChoiceField(
        label=_("What would you like from backcare?"),
        widget=forms.CheckboxSelectMultiple,
        choices=[
            ("less-pain", _("Less pain")),
            ("move-more", _("Move more")),
            ("work-comfortably", _("Get through the workday comfortably")),
            ("stronger", _("A stronger back")),
            ("sleep", _("Sleep better")),
            ("prevent", _("Stop it coming back")),
        ],
        required=False,
    )
    confidence = forms.TypedChoiceField(
        label=_(
            "How sure are you that you can stay active with your back as it is? "
            "(0 not at all, 10 completely)"
        ),
        choices=PAIN,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "scale"}),
    )
    worry = forms.TypedChoiceField(
        label=_(
            "How much do you worry that moving could harm your back? (0 not at all, 10 very much)"
        ),
        choices=PAIN,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "scale"}),
    )


STEPS: list[type[WizardStep]] = [PainStep, PositionStep, DayStep, GoalStep]


def to_json(data: dict[str, Any]) -> dict[str, Any]:
    """Form data as stored in the assessment's answers."""
    return {k: (v.strftime("%H:%M") if hasattr(v, "strftime") else v) for k, v in data.items()}
