"""When the exercise part of backcare may be used at all.

A person may start a routine only with a screen that allowed exercise
(backcare.core.triage), taken in the last four weeks, and with no new leg,
bladder or numbness symptoms reported since (CLINICAL.md section 1: screen
again whenever such symptoms are reported).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from backcare.core.triage import Tier

RESCREEN_AFTER = timedelta(weeks=4)


def exercise_allowed(
    tier: Tier | None,
    screened_at: datetime | None,
    now: datetime,
    symptoms_reported_since: bool = False,
) -> bool:
    if tier is None or screened_at is None or symptoms_reported_since:
        return False
    return tier.exercise_allowed and now - screened_at < RESCREEN_AFTER
