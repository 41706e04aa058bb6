"""Recording a screen, and what the pages should say about safety right now."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from backcare.accounts.models import User
from backcare.core.safety import RESCREEN_AFTER
from backcare.core.triage import ScreenInput, ScreenResult, Tier, triage
from backcare.safety.models import SafetyScreen, latest_screen, symptoms_reported_since


def record_screen(user: User, screen: ScreenInput) -> tuple[SafetyScreen, ScreenResult]:
    result = triage(screen)
    with transaction.atomic():
        saved = SafetyScreen.objects.create(
            user=user,
            tier=result.tier.label,
            answers=dict(screen.answers),
            reasons=[reason.code for reason in result.reasons],
            age=screen.age,
            duration_weeks=screen.duration_weeks,
            first_episode=screen.first_episode,
        )
    from backcare.reminders.delivery import mark_sync_due

    # An urgent answer pauses every break; a clear one brings them back.
    mark_sync_due(user)
    return saved, result


@dataclass(frozen=True)
class SafetyStatus:
    """What the person must know before moving; ``kind`` picks the banner."""

    kind: str  # "stop", "soon", "symptoms", "due" or "ok"
    screen: SafetyScreen | None

    @property
    def blocks_exercise(self) -> bool:
        return self.kind in ("stop", "symptoms", "due")


def safety_status(user: User) -> SafetyStatus:
    screen = latest_screen(user)
    if screen is None:
        return SafetyStatus("due", None)
    if screen.tier_value >= Tier.URGENT:
        return SafetyStatus("stop", screen)
    if symptoms_reported_since(user, screen.created_at):
        return SafetyStatus("symptoms", screen)
    if timezone.now() - screen.created_at >= RESCREEN_AFTER:
        return SafetyStatus("due", screen)
    if screen.tier_value == Tier.SOON and screen.clinician_seen_at is None:
        return SafetyStatus("soon", screen)
    return SafetyStatus("ok", screen)
