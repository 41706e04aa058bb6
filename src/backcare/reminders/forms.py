from __future__ import annotations

from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.utils.translation import gettext_lazy as _

from backcare.core.schedule import HoursError, format_ranges, parse_ranges
from backcare.reminders.models import ScheduleSettings

WEEKDAYS = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]


class SettingsForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ScheduleSettings
        fields = [
            "tz",
            "micro_interval_min",
            "walk_every_min",
            "walk_minutes",
            "lunch_start",
            "lunch_end",
            "warning_s",
            "skip_limit",
        ]
        labels = {
            "tz": _("Time zone"),
            "micro_interval_min": _("Minutes between movement breaks (20-120)"),
            "walk_every_min": _("Minutes between walking breaks (60-480)"),
            "walk_minutes": _("Length of a walking break in minutes (10-20)"),
            "lunch_start": _("Lunch from"),
            "lunch_end": _("Lunch until"),
            "warning_s": _("Quiet warning, seconds before a break"),
            "skip_limit": _("Skips allowed a day"),
        }
        widgets = {
            "lunch_start": forms.TimeInput(attrs={"type": "time"}),
            "lunch_end": forms.TimeInput(attrs={"type": "time"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for day, name in enumerate(WEEKDAYS):
            ranges = self.instance.working_hours.get(str(day), [])
            self.fields[f"hours_{day}"] = forms.CharField(
                label=name,
                required=False,
                initial=", ".join(f"{a}-{b}" for a, b in ranges),
                help_text=_("For example 09:00-12:00, 13:00-17:00; empty for a day off."),
            )

    def clean_tz(self) -> str:
        tz = self.cleaned_data["tz"]
        if tz not in available_timezones():
            raise forms.ValidationError(_("Unknown time zone; use a name like Europe/Copenhagen."))
        return str(tz)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        bounds = {
            "micro_interval_min": (20, 120),
            "walk_every_min": (60, 480),
            "walk_minutes": (10, 20),
            "warning_s": (0, 600),
            "skip_limit": (0, 20),
        }
        for name, (low, high) in bounds.items():
            value = data.get(name)
            if value is not None and not low <= value <= high:
                self.add_error(
                    name,
                    _("Choose a number from %(low)s to %(high)s.") % {"low": low, "high": high},
                )
        if bool(data.get("lunch_start")) != bool(data.get("lunch_end")):
            self.add_error("lunch_end", _("Give both a start and an end for lunch, or neither."))
        elif data.get("lunch_start") and data["lunch_end"] <= data["lunch_start"]:
            self.add_error("lunch_end", _("Lunch must end after it starts."))
        hours: dict[str, list[list[str]]] = {}
        for day in range(7):
            try:
                ranges = parse_ranges(data.get(f"hours_{day}", "") or "")
            except HoursError as exc:
                self.add_error(f"hours_{day}", str(exc))
                continue
            if ranges:
                hours[str(day)] = [[f"{a:%H:%M}", f"{b:%H:%M}"] for a, b in ranges]
                data[f"hours_{day}"] = format_ranges(ranges)
        self.instance.working_hours = hours
        return data


class CalendarUploadForm(forms.Form):
    file = forms.FileField(label=_("Calendar file (.ics)"))


class CalendarUrlForm(forms.Form):
    url = forms.URLField(
        label=_("Calendar subscription address (https://… .ics)"),
        max_length=1000,
        assume_scheme="https",
    )
