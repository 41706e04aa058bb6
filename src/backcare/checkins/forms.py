from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from backcare.checkins.models import LegReach, SleepQuality
from backcare.checkins.services import NOTE_MAX, CheckInInput, problems

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def score(label: StrOrPromise, autofocus: bool = False) -> forms.IntegerField:
    attrs = {"inputmode": "numeric", "class": "score"}
    if autofocus:
        attrs["autofocus"] = "autofocus"
    return forms.IntegerField(
        label=label, min_value=0, max_value=10, widget=forms.NumberInput(attrs=attrs)
    )


class CheckInForm(forms.Form):
    pain_now = score(_("Pain now (0 = none, 10 = worst imaginable)"), autofocus=True)
    pain_worst = score(_("Worst pain today"))
    leg = forms.ChoiceField(
        label=_("How far down your leg do symptoms reach?"),
        choices=LegReach.choices,
        initial=LegReach.NONE,
        widget=forms.RadioSelect,
    )
    sleep_hours = forms.DecimalField(
        label=_("Hours of sleep last night"),
        min_value=Decimal(0),
        max_value=Decimal(24),
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal", "class": "score"}),
    )
    sleep_quality = forms.TypedChoiceField(
        label=_("How well did you sleep?"),
        choices=SleepQuality.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    stress = score(_("Stress today (0-10)"))
    active_minutes = forms.IntegerField(
        label=_("Active minutes today (walks and exercise)"),
        min_value=0,
        max_value=1440,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "score"}),
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    new_symptoms = forms.BooleanField(
        label=_(
            "New since yesterday: leg weakness or numbness, numbness between the legs, "
            "or trouble controlling the bladder or bowels"
        ),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        for field, message in problems(self.as_input()):
            self.add_error(field, message)
        return data

    def as_input(self) -> CheckInInput:
        d = self.cleaned_data
        return CheckInInput(
            pain_now=d["pain_now"],
            pain_worst=d["pain_worst"],
            leg=d["leg"],
            sleep_hours=d["sleep_hours"],
            sleep_quality=d["sleep_quality"],
            stress=d["stress"],
            active_minutes=d["active_minutes"],
            note=d.get("note", ""),
            new_symptoms=d.get("new_symptoms", False),
        )
