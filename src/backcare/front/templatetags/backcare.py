from __future__ import annotations

from django import template

from backcare.core.timefmt import human_duration

register = template.Library()


@register.filter(name="duration")
def duration(seconds: float | None) -> str:
    return "" if seconds is None else human_duration(seconds)
