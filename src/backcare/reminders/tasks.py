"""Background tasks, run by `backcare worker` from the database-backed queue."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from backcare.reminders import delivery
from backcare.reminders.models import Beat, ScheduleSettings

log = logging.getLogger(__name__)


@task()
def deliver_reminder(reminder_id: int, claim: str) -> bool:
    return delivery.deliver(reminder_id, claim)


def enqueue_delivery(reminder_id: int, claim: str) -> None:
    deliver_reminder.enqueue(reminder_id, claim)


@task()
def reminder_tick(worker_id: str = "") -> dict[str, int]:
    return delivery.tick(enqueue_delivery, worker_id=worker_id).as_dict()


@task()
def refresh_calendars() -> dict[str, int]:
    """Read every subscribed calendar again; a failure keeps the last good one."""
    from backcare.reminders.services import refresh_subscription

    done = failed = 0
    for s in ScheduleSettings.objects.exclude(calendar_url="").select_related("user"):
        if refresh_subscription(s):
            delivery.mark_sync_due(s.user)
            done += 1
        else:
            failed += 1
    return {"refreshed": done, "failed": failed}


def periodic_jobs(worker_id: str) -> list[tuple[str, int, Callable[[], object]]]:
    return [
        ("reminder-tick", settings.WORKER_TICK_S, lambda: reminder_tick.enqueue(worker_id)),
        ("calendar-refresh", settings.CALENDAR_REFRESH_S, refresh_calendars.enqueue),
    ]


def beat(worker_id: str, now: datetime | None = None) -> list[str]:
    """Enqueue each periodic job that is due; with several workers only one enqueues it."""
    now = now or timezone.now()
    started = []
    for name, period_s, enqueue in periodic_jobs(worker_id):
        try:
            with transaction.atomic():
                Beat.objects.get_or_create(name=name, defaults={"next_at": now})
        except IntegrityError:
            pass  # another worker created it at the same moment
        won = Beat.objects.filter(name=name, next_at__lte=now).update(
            next_at=now + timedelta(seconds=period_s)
        )
        if won:
            enqueue()
            started.append(name)
    return started
