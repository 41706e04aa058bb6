from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from backcare.core.triage import ANSWER_CODES, EMERGENCY_CODES, ScreenInput
from backcare.safety.labels import QUESTIONS

DURATIONS = [
    ("0.5", _("Less than a week")),
    ("2", _("One to four weeks")),
    ("5", _("Four to six weeks")),
    ("8", _("Six to twelve weeks")),
    ("16", _("More than twelve weeks")),
]


class ScreenForm(forms.Form):
    """Tick what applies; an explicit "none of these" so nobody clicks through by accident."""

    age = forms.IntegerField(label=_("Your age"), min_value=16, max_value=110)
    duration_weeks = forms.TypedChoiceField(
        label=_("How long has this episode of back pain lasted?"),
        choices=DURATIONS,
        coerce=float,
        widget=forms.RadioSelect,
    )
    first_episode = forms.TypedChoiceField(
        label=_("Is this the first time you have had back pain like this?"),
        choices=[("yes", _("Yes, the first time")), ("no", _("No, I have had it before"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    none_apply = forms.BooleanField(label=_("None of the signs above apply to me"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code in ANSWER_CODES:
            self.fields[code] = forms.BooleanField(
                label=QUESTIONS[code].text, help_text=QUESTIONS[code].why, required=False
            )
        # Show the signs first, then the three facts about the episode.
        order = [*ANSWER_CODES, "none_apply", "age", "duration_weeks", "first_episode"]
        self.order_fields(order)

    def emergency_fields(self) -> list[forms.BoundField]:
        return [self[code] for code in ANSWER_CODES if code in EMERGENCY_CODES]

    def other_fields(self) -> list[forms.BoundField]:
        return [self[code] for code in ANSWER_CODES if code not in EMERGENCY_CODES]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        ticked = any(data.get(code) for code in ANSWER_CODES)
        if ticked and data.get("none_apply"):
            raise forms.ValidationError(
                _("You ticked a sign and also “none of these”. Please check your answers.")
            )
        if not ticked and not data.get("none_apply"):
            raise forms.ValidationError(
                _(
                    "Tick each sign that applies to you, or tick “None of the signs above "
                    "apply to me”."
                )
            )
        return data

    def screen_input(self) -> ScreenInput:
        data = self.cleaned_data
        return ScreenInput(
            answers={code: bool(data.get(code)) for code in ANSWER_CODES},
            age=data["age"],
            duration_weeks=data["duration_weeks"],
            first_episode=data["first_episode"],
        )
