"""Reminders: stored from the schedule, sent once, answered, counted.

The day's schedule (``services.day_schedule``) is copied into ``Reminder``
rows once a day and again whenever something that shapes it changes
(``mark_sync_due``). The worker's tick then, for every reminder:

* sends it when it falls due: ``planned`` becomes ``sending`` under a
  conditional UPDATE, so of two workers exactly one wins, then ``sent``;
* resends it when a worker died between claiming and sending (the claim's
  lease ran out) and the break's window is still open; a delivery renews the
  lease as it starts, so a live one is never taken over;
* marks it ``missed`` when its window closed unsent (the worker was down)
  or it was sent and nobody answered.

A person snoozes (5, 10 or 15 minutes), skips (up to their daily limit) or
takes a break; a practice session finished near a reminder's time counts as
taking it.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from backcare.accounts.models import User
from backcare.core.history import History, Outcome, Record, summarise
from backcare.reminders.models import PushSubscription, Reminder, ScheduleSettings
from backcare.reminders.services import day_schedule, forget_feeds, settings_for

log = logging.getLogger(__name__)

State = Reminder.State
OPEN = (State.PLANNED, State.SENDING, State.SENT)
SNOOZE_MINUTES = (5, 10, 15)
# A claim not turned into "sent" within this time belongs to a worker that died.
LEASE = timedelta(minutes=2)
# How long after a break's end a sent reminder may still be answered.
ANSWER_WINDOW = timedelta(minutes=30)
# A session started this long before a reminder's time still counts as taking it.
EARLY = timedelta(minutes=20)


class ReminderError(ValueError):
    """An action that cannot be done; the message says why, for the person."""

    def __init__(self, field: str, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.status = status  # as an HTTP answer: 404 unknown, 409 not now, 422 bad value


# ---- keeping the stored reminders in line with the schedule ---------------------


def mark_sync_due(user: User) -> None:
    """Something that shapes the schedule changed: redo today's reminders soon."""
    found = ScheduleSettings.objects.filter(user=user)
    found.update(sync_due_at=None)
    forget_feeds(list(found.values_list("feed_token", flat=True)))


def next_midnight(now: datetime, tz: str) -> datetime:
    local = now.astimezone(ZoneInfo(tz))
    return datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=ZoneInfo(tz))


def sync_reminders(user: User, now: datetime | None = None, force: bool = False) -> bool:
    """Copy today's schedule into reminders when due; returns whether it ran.

    Reminders already sent or answered are kept as they are; planned ones
    that the schedule moved are moved; planned ones it no longer has are
    removed. Only one process does this at a time for a person: the one
    whose conditional update of ``sync_due_at`` succeeds.
    """
    now = now or timezone.now()
    s = settings_for(user)
    due = Q(sync_due_at__isnull=True) | Q(sync_due_at__lte=now)
    claim = ScheduleSettings.objects.filter(pk=s.pk)
    if not force:
        claim = claim.filter(due)
    if not claim.update(sync_due_at=next_midnight(now, s.tz)):
        return False

    today = now.astimezone(ZoneInfo(s.tz)).date()
    schedule = day_schedule(user, today)
    from backcare.reminders.services import team_breaks_for
    from backcare.safety.services import safety_status

    team = [] if safety_status(user).kind == "stop" else team_breaks_for(user, today)
    with transaction.atomic():
        existing = {
            (r.ideal_at, r.kind): r
            for r in Reminder.objects.select_for_update().filter(user=user, day=today)
        }
        wanted = set()
        new = []
        for b in schedule.breaks:
            key = (b.ideal, b.kind.value)
            wanted.add(key)
            found = existing.get(key)
            if found is None:
                if b.end > now:
                    new.append(
                        Reminder(
                            user=user,
                            day=today,
                            ideal_at=b.ideal,
                            kind=b.kind.value,
                            routine=b.routine or "",
                            due_at=b.start,
                            ends_at=b.end,
                        )
                    )
            elif found.state == State.PLANNED and found.snoozes == 0 and found.due_at > now:
                changed = (found.due_at, found.ends_at, found.routine) != (
                    b.start,
                    b.end,
                    b.routine or "",
                )
                if changed:
                    found.due_at, found.ends_at, found.routine = b.start, b.end, b.routine or ""
                    found.save(update_fields=["due_at", "ends_at", "routine"])
        for tb, at, length in team:
            key = (at, "team")
            wanted.add(key)
            if key not in existing and at + length > now:
                new.append(
                    Reminder(
                        user=user,
                        day=today,
                        ideal_at=at,
                        kind="team",
                        routine=tb.routine,
                        due_at=at,
                        ends_at=at + length,
                        team_break=tb,
                    )
                )
        gone = [
            r.pk
            for key, r in existing.items()
            if key not in wanted and r.state == State.PLANNED and r.snoozes == 0 and r.due_at > now
        ]
        Reminder.objects.filter(pk__in=gone).delete()
        Reminder.objects.bulk_create(new, ignore_conflicts=True)
    return True


# ---- the worker's tick ---------------------------------------------------------------


@dataclass
class TickResult:
    synced: int = 0
    claimed: int = 0
    missed: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"synced": self.synced, "claimed": self.claimed, "missed": self.missed}


Sender = Callable[[int, str], object]


def tick(
    send: Sender,
    now: datetime | None = None,
    worker_id: str = "",
    users: list[int] | None = None,
    batch: int = 500,
) -> TickResult:
    """One round of the worker: sync due schedules, close missed reminders, claim due ones.

    SEND(reminder_id, claim) is called for each reminder this call claimed;
    the worker enqueues a delivery task, tests may deliver at once.
    """
    now = now or timezone.now()
    result = TickResult()
    due_sync = ScheduleSettings.objects.filter(
        Q(sync_due_at__isnull=True) | Q(sync_due_at__lte=now)
    )
    if users is not None:
        due_sync = due_sync.filter(user_id__in=users)
    for user in User.objects.filter(pk__in=due_sync.values("user_id")[:batch]):
        result.synced += sync_reminders(user, now)

    result.missed = close_missed(now, users)

    candidates = Reminder.objects.filter(
        Q(state=State.PLANNED) | Q(state=State.SENDING, claimed_at__lt=now - LEASE),
        due_at__lte=now,
        ends_at__gt=now,
    )
    if users is not None:
        candidates = candidates.filter(user_id__in=users)
    for pk, state, claimed_by in candidates.values_list("pk", "state", "claimed_by")[:batch]:
        claim = f"{worker_id or 'tick'}:{uuid.uuid4().hex[:12]}"
        # The state (and, for a stale claim, the old claim) in the WHERE clause is
        # what makes this exactly-once: of two workers only one UPDATE matches.
        mine = Reminder.objects.filter(pk=pk, state=state, claimed_by=claimed_by)
        if state == State.SENDING:
            # And the lease, again: a delivery that started meanwhile renewed it.
            mine = mine.filter(claimed_at__lt=now - LEASE)
        won = mine.update(state=State.SENDING, claimed_by=claim, claimed_at=now)
        if won:
            result.claimed += 1
            send(pk, claim)
    return result


def close_missed(now: datetime, users: list[int] | None = None) -> int:
    """Reminders whose window closed unsent, or sent and never answered, become missed."""
    never_sent = Q(state__in=(State.PLANNED, State.SENDING), ends_at__lte=now)
    unanswered = Q(state=State.SENT, ends_at__lte=now - ANSWER_WINDOW)
    found = Reminder.objects.filter(never_sent | unanswered)
    if users is not None:
        found = found.filter(user_id__in=users)
    return found.update(state=State.MISSED, acted_at=now)


def deliver(reminder_id: int, claim: str) -> bool:
    """Send a claimed reminder to the person's browsers; False when the claim was lost.

    It starts by renewing the claim's lease with a conditional UPDATE. A worker
    takes over a claim only while its lease has run out, also by a conditional
    UPDATE, so exactly one of the two wins: this delivery goes on, with a fresh
    lease for the pushes, or the reminder was taken over and this sends nothing.
    (Otherwise a task that waited in the queue past the lease could push while
    another worker took the reminder over and pushed it again.)
    """
    mine = Reminder.objects.filter(pk=reminder_id, state=State.SENDING, claimed_by=claim)
    if not mine.update(claimed_at=timezone.now()):
        return False
    reminder = mine.select_related("user").first()
    if reminder is None:
        return False
    from backcare.reminders.push import send_push

    for subscription in PushSubscription.objects.filter(user=reminder.user):
        send_push(subscription, notification_payload(reminder), topic=f"r{reminder.pk}")
    return bool(
        Reminder.objects.filter(pk=reminder_id, state=State.SENDING, claimed_by=claim).update(
            state=State.SENT, sent_at=timezone.now()
        )
    )


def notification_payload(reminder: Reminder) -> dict[str, Any]:
    """What a browser shows: the same words and tag however it is delivered."""
    from backcare.library.models import Routine

    with translation.override(reminder.user.language or settings.LANGUAGE_CODE):
        routine = Routine.objects.filter(slug=reminder.routine).first()
        if reminder.kind == "team":
            title = _("Team break: starting together")
        elif reminder.kind == "walk":
            title = _("Time for a walk")
        else:
            title = _("Time for a movement break")
        body = (
            _("%(routine)s, about %(minutes)s minutes.")
            % {
                "routine": routine.spec.title.get(reminder.user.language or "en"),
                "minutes": max(1, round((reminder.ends_at - reminder.due_at).seconds / 60)),
            }
            if routine is not None
            else _("Stand up and move for a few minutes.")
        )
    return {
        "title": title,
        "body": body,
        "tag": f"reminder-{reminder.pk}",
        "url": player_url(reminder),
        "reminder": reminder.pk,
    }


def player_url(reminder: Reminder) -> str:
    if reminder.kind == "team" and reminder.team_break_id is not None:
        return f"/team-break/{reminder.team_break_id}/{int(reminder.ideal_at.timestamp())}/"
    slug = reminder.routine or "desk-reset"
    return f"/break/{slug}/?reminder={reminder.pk}"


# ---- the person's answers -------------------------------------------------------------


def owned(user: User, reminder_id: int) -> Reminder:
    found = Reminder.objects.filter(user=user, pk=reminder_id).first()
    if found is None:
        raise ReminderError("reminder", _("There is no such reminder."), status=404)
    return found


def snooze(user: User, reminder_id: int, minutes: int, now: datetime | None = None) -> Reminder:
    now = now or timezone.now()
    if minutes not in SNOOZE_MINUTES:
        raise ReminderError("minutes", _("Snooze for 5, 10 or 15 minutes."), status=422)
    reminder = owned(user, reminder_id)
    if not reminder.open:
        raise ReminderError("reminder", _("This break is already over."))
    length = reminder.ends_at - reminder.due_at
    due = now + timedelta(minutes=minutes)
    updated = Reminder.objects.filter(pk=reminder.pk, state__in=OPEN).update(
        state=State.PLANNED,
        due_at=due,
        ends_at=due + length,
        snoozes=reminder.snoozes + 1,
        claimed_by="",
        claimed_at=None,
        desktop_at=None,
    )
    if not updated:
        raise ReminderError("reminder", _("This break is already over."))
    reminder.refresh_from_db()
    return reminder


def skip(user: User, reminder_id: int, now: datetime | None = None) -> Reminder:
    now = now or timezone.now()
    reminder = owned(user, reminder_id)
    if not reminder.open:
        raise ReminderError("reminder", _("This break is already over."))
    limit = settings_for(user).skip_limit
    with transaction.atomic():
        # Lock the person's settings row so two skips at once cannot both pass the limit.
        ScheduleSettings.objects.select_for_update().filter(user=user).first()
        skipped = Reminder.objects.filter(user=user, day=reminder.day, state=State.SKIPPED).count()
        if skipped >= limit:
            if limit == 0:
                why = _("Your settings allow no skipped breaks.")
            else:
                why = ngettext(
                    "You have already skipped %(n)s break today, the most your settings allow.",
                    "You have already skipped %(n)s breaks today, the most your settings allow.",
                    skipped,
                ) % {"n": skipped}
            raise ReminderError(
                "reminder",
                why + " " + _("Snooze it, or change the limit in your schedule settings."),
            )
        Reminder.objects.filter(pk=reminder.pk, state__in=OPEN).update(
            state=State.SKIPPED, acted_at=now
        )
    reminder.refresh_from_db()
    return reminder


def mark_taken(user: User, session: Any, reminder_id: int | None = None) -> Reminder | None:
    """A finished routine answers the reminder it was started from, or the one nearest it."""
    started = session.started_at
    if reminder_id is not None:
        found = Reminder.objects.filter(user=user, pk=reminder_id).exclude(
            state__in=(State.TAKEN, State.SKIPPED)
        )
    else:
        found = Reminder.objects.filter(
            user=user,
            state__in=OPEN,
            due_at__lte=started + EARLY,
            ends_at__gte=started - ANSWER_WINDOW,
        )
    reminder = found.order_by("due_at").first()
    if reminder is None:
        return None
    Reminder.objects.filter(pk=reminder.pk).update(
        state=State.TAKEN, acted_at=session.ended_at, session=session
    )
    reminder.refresh_from_db()
    return reminder


# ---- what the person sees -------------------------------------------------------------


def upcoming(user: User, now: datetime | None = None) -> list[Reminder]:
    """Today's reminders still waiting or waiting for an answer, soonest first."""
    now = now or timezone.now()
    sync_reminders(user, now)
    close_missed(now, [user.pk])
    found = Reminder.objects.filter(user=user, state__in=OPEN, ends_at__gt=now - ANSWER_WINDOW)
    return list(found.order_by("due_at"))


def history(user: User, days: int = 28, now: datetime | None = None) -> tuple[History, date]:
    now = now or timezone.now()
    s = settings_for(user)
    close_missed(now, [user.pk])
    today = now.astimezone(ZoneInfo(s.tz)).date()
    rows = Reminder.objects.filter(user=user, day__gt=today - timedelta(days=days)).values_list(
        "day", "state", "snoozes"
    )
    outcome = {
        State.TAKEN: Outcome.TAKEN,
        State.SKIPPED: Outcome.SKIPPED,
        State.MISSED: Outcome.MISSED,
    }
    records = [Record(day, outcome.get(State(state), Outcome.PLANNED), n) for day, state, n in rows]
    return summarise(records, today), today


def reminder_json(reminder: Reminder) -> dict[str, Any]:
    words = notification_payload(reminder)
    return {
        "title": words["title"],
        "body": words["body"],
        "id": reminder.pk,
        "kind": reminder.kind,
        "routine": reminder.routine or None,
        "due_at": reminder.due_at.isoformat(),
        "ends_at": reminder.ends_at.isoformat(),
        "state": reminder.state,
        "snoozes": reminder.snoozes,
        "url": player_url(reminder),
    }
