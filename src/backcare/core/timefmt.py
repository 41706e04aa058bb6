"""Durations in words: the one place they are formatted."""

from __future__ import annotations


def human_duration(seconds: float) -> str:
    """'45 seconds', '1 minute', 'about 5 minutes', '1 h 20 min'."""
    s = max(0, round(seconds))
    if s < 60:
        return f"{s} second{'s' if s != 1 else ''}"
    minutes, rest = divmod(s, 60)
    if minutes < 60:
        if rest == 0:
            return f"{minutes} minute{'s' if minutes != 1 else ''}"
        rounded = round(s / 60)
        return f"about {rounded} minute{'s' if rounded != 1 else ''}"
    hours, minutes = divmod(round(s / 60), 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"
