from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from backcare.core.content import BodyArea, Equipment, Kind, Position
from backcare.core.search import ExerciseFilter
from backcare.library import labels


def _choices(options: dict[Any, Any], everything: Any) -> list[tuple[str, Any]]:
    return [("", everything), *((key.value, label) for key, label in options.items())]


class ExerciseFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    position = forms.ChoiceField(
        label=_("Position"), required=False, choices=_choices(labels.POSITIONS, _("Any position"))
    )
    equipment = forms.ChoiceField(
        label=_("Equipment"),
        required=False,
        choices=_choices(labels.EQUIPMENT, _("Any equipment")),
    )
    body_area = forms.ChoiceField(
        label=_("Body area"), required=False, choices=_choices(labels.BODY_AREAS, _("Anywhere"))
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=_choices(labels.KINDS, _("Any kind"))
    )
    max_minutes = forms.TypedChoiceField(
        label=_("Length"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", _("Any length")),
            ("1", _("Up to 1 minute")),
            ("3", _("Up to 3 minutes")),
            ("5", _("Up to 5 minutes")),
            ("10", _("Up to 10 minutes")),
        ],
    )

    def to_filter(self) -> ExerciseFilter:
        data = self.cleaned_data
        return ExerciseFilter(
            query=data.get("q") or "",
            position=Position(data["position"]) if data.get("position") else None,
            equipment=Equipment(data["equipment"]) if data.get("equipment") else None,
            body_area=BodyArea(data["body_area"]) if data.get("body_area") else None,
            kind=Kind(data["kind"]) if data.get("kind") else None,
            max_minutes=data.get("max_minutes"),
        )
