from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language

from backcare import __version__


def backcare(request: HttpRequest) -> dict[str, Any]:
    safety = None
    reminder_strings = None
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        from backcare.accounts.models import User
        from backcare.reminders.views import reminder_strings as strings
        from backcare.safety.services import safety_status

        if isinstance(request.user, User):
            safety = safety_status(request.user)
            reminder_strings = strings()
    return {
        "safety": safety,
        "reminder_strings": reminder_strings,
        "backcare_version": __version__,
        "local_mode": settings.LOCAL_MODE,
        "emergency_number": settings.EMERGENCY_NUMBER,
        "lang": "da" if get_language() == "da" else "en",
    }
