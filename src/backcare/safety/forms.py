from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class QuickScreenForm(forms.Form):
    any_sign = forms.TypedChoiceField(
        label=_("Does any of this apply to you right now?"),
        choices=[("no", _("No, none of these")), ("yes", _("Yes, one or more of these"))],
        widget=forms.RadioSelect,
        coerce=lambda value: value == "yes",
        error_messages={"required": _("Please answer yes or no before going on.")},
    )
