from __future__ import annotations

from django import forms


class QuickScreenForm(forms.Form):
    any_sign = forms.TypedChoiceField(
        label="Does any of this apply to you right now?",
        choices=[("no", "No, none of these"), ("yes", "Yes, one or more of these")],
        widget=forms.RadioSelect,
        coerce=lambda value: value == "yes",
        error_messages={"required": "Please answer yes or no before going on."},
    )
