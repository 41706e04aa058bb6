from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template

from backcare.core.content import Localized
from backcare.core.timefmt import human_duration

register = template.Library()


@register.filter(name="duration")
def duration(seconds: float | None) -> str:
    return "" if seconds is None else human_duration(seconds)


@register.filter
def localized(text: Localized | None, lang: str) -> str:
    """A content text in the page's language."""
    return "" if text is None else text.get(lang)


@register.filter
def lookup(mapping: Mapping[Any, Any], key: Any) -> Any:
    return mapping.get(key, key)


@register.filter
def title_in(item: Any, lang: str) -> str:
    """A library item's title in the page's language."""
    return str(item.title(lang))
