"""`backcare remind`: a person's break reminders as native desktop notifications.

It needs no browser and no `backcare worker`: every POLL seconds it runs the
reminder tick for this one person with ``delivery.deliver`` as the sender (so
due reminders become ``sent`` and go out as web push too, exactly as the worker
would do it), then shows each of the person's sent reminders that no desktop
has shown yet. Showing is claimed like sending: a conditional UPDATE sets
``desktop_at`` only where it is still empty, so of two `remind` processes for
one person exactly one shows a reminder. A snooze clears ``desktop_at``, so a
snoozed break is shown again when it falls due once more.

A notification has three buttons: Start (a one-time sign-in link that lands
on the break's player, opened in the browser; clicking the notification does
the same), Snooze N min and Skip. A refused answer (the daily skip limit, a
break already over) comes back as a second notification that says why, with
Start and Snooze still at hand. Each event is one line on stdout.

desktop-notifier is asyncio based: its D-Bus backend (Linux) calls the button
callbacks inside the event loop. The ORM is synchronous, so every database
call runs on one worker thread (a single-thread executor): the loop never
blocks on the database, Django's async-safety check holds, and this process
uses one database connection. Callbacks only schedule tasks.

If there is no notification service (no D-Bus session bus, no notification
daemon, an unsupported platform) the command says so in one line and exits 1.
A notification withdrawn by `remind` stopping is handed back (``desktop_at``
cleared) so the next `remind` shows it again with live buttons.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import uuid
import webbrowser
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, ParamSpec, TypeVar
from zoneinfo import ZoneInfo

from desktop_notifier import Button, Capability, DesktopNotifier, Icon, Notification
from django.db import DatabaseError, close_old_connections, connections
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backcare.accounts.models import User
from backcare.accounts.services import login_url
from backcare.reminders import delivery
from backcare.reminders.models import Reminder
from backcare.reminders.services import settings_for

P = ParamSpec("P")
T = TypeVar("T")

State = Reminder.State
APP_NAME = "backcare"
ICON = Path(__file__).resolve().parent.parent / "front" / "static" / "backcare" / "favicon.svg"
CONNECT_TIMEOUT_S = 10.0
# How long stopping waits for answers already clicked to reach the database.
FINISH_TIMEOUT_S = 5.0
# Why a shown reminder is no longer waiting, when it was answered somewhere else.
CLOSED_BECAUSE: dict[str, str] = {
    State.PLANNED: "snoozed elsewhere",
    State.SENDING: "snoozed elsewhere",
    State.TAKEN: "break taken",
    State.SKIPPED: "skipped elsewhere",
    State.MISSED: "no answer in time",
}


class Unavailable(RuntimeError):
    """No desktop notification service to talk to; the message says what is needed."""


@dataclass(frozen=True)
class Labels:
    """The words on buttons and follow-up notifications, in the person's language."""

    start: str
    snooze: str
    skip: str
    cannot_skip: str
    cannot_snooze: str


@dataclass(frozen=True)
class Due:
    """A reminder this process claimed for showing, with what to show."""

    reminder: int
    claimed_at: datetime
    title: str
    body: str
    path: str


def make_labels(snooze_min: int) -> Labels:
    return Labels(
        start=_("Start"),
        snooze=_("Snooze %(minutes)s min") % {"minutes": snooze_min},
        skip=_("Skip"),
        cannot_skip=_("Could not skip this break"),
        cannot_snooze=_("Could not snooze this break"),
    )


def no_service_message(exc: BaseException) -> str:
    detail = str(exc).strip() or type(exc).__name__
    if sys.platform.startswith("linux"):
        return (
            f"no desktop notification service ({detail}). Run it inside your desktop session, "
            "where DBUS_SESSION_BUS_ADDRESS points at the session bus and a notification "
            "daemon (GNOME, KDE, dunst, mako, ...) is running."
        )
    return f"cannot reach the desktop notification service ({detail})."


class DesktopReminders:
    """Shows one person's due reminders on this desktop and carries out their answers."""

    def __init__(self, user: User, base_url: str, snooze_min: int) -> None:
        self.user = user
        self.base_url = base_url
        self.snooze_min = snooze_min
        self.language = user.language or "en"
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="backcare-remind-db")
        self.worker_id = f"remind-{socket.gethostname()[:30]}-{os.getpid()}"
        self.notifier: DesktopNotifier | None = None
        self.labels = Labels("Start", f"Snooze {snooze_min} min", "Skip", "", "")
        self.tz = ZoneInfo("UTC")
        # Reminder id to the identifier of the notification now showing it.
        self.shown: dict[int, str] = {}
        self.tasks: set[asyncio.Task[None]] = set()

    # ---- plumbing --------------------------------------------------------------------

    async def db(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run FN on the database thread, in the person's language (for error messages)."""

        def call() -> T:
            with translation.override(self.language):
                return fn(*args, **kwargs)

        return await asyncio.get_running_loop().run_in_executor(self.executor, call)

    def say(self, event: str) -> None:
        print(f"{timezone.now().astimezone(self.tz):%H:%M} {event}", flush=True)

    def spawn(self, what: str, action: Coroutine[Any, Any, None]) -> None:
        """Run an answer from a button callback (called inside the loop) as a task."""

        async def guarded() -> None:
            try:
                await action
            except Exception as exc:  # one line, and the reminders keep coming
                print(f"backcare remind: {what} failed: {exc}", file=sys.stderr, flush=True)

        task = asyncio.get_running_loop().create_task(guarded())
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def connect(self) -> DesktopNotifier:
        icon = Icon(path=ICON) if sys.platform.startswith("linux") and ICON.exists() else None
        notifier = DesktopNotifier(app_name=APP_NAME, app_icon=icon)
        try:
            # Sending never raises (the library only logs), so ask the service first.
            capabilities = await asyncio.wait_for(notifier.get_capabilities(), CONNECT_TIMEOUT_S)
        except Exception as exc:
            raise Unavailable(no_service_message(exc)) from None
        if Capability.TITLE not in capabilities:
            raise Unavailable(
                "desktop notifications are not supported here: they need a Linux desktop "
                "session with D-Bus, Windows 10 or later, or macOS from an app bundle."
            )
        if Capability.BUTTONS not in capabilities:
            print(
                "backcare remind: this notification service shows no buttons; "
                "answer the reminders in the web app.",
                file=sys.stderr,
                flush=True,
            )
        return notifier

    # ---- the database side (runs on the database thread) -----------------------------

    def claim_due(self) -> list[Due]:
        """Tick for this person, then claim their sent reminders no desktop has shown yet."""
        close_old_connections()
        now = timezone.now()
        self.tz = ZoneInfo(settings_for(self.user).tz)
        delivery.tick(delivery.deliver, now=now, worker_id=self.worker_id, users=[self.user.pk])
        waiting = Reminder.objects.select_related("user").filter(
            user=self.user,
            state=State.SENT,
            desktop_at__isnull=True,
            ends_at__gt=now - delivery.ANSWER_WINDOW,
        )
        claimed = []
        for reminder in waiting:
            # Of two `remind` processes only one UPDATE matches: it shows the reminder.
            if Reminder.objects.filter(
                pk=reminder.pk, state=State.SENT, desktop_at__isnull=True
            ).update(desktop_at=now):
                payload = delivery.notification_payload(reminder)
                claimed.append(
                    Due(reminder.pk, now, payload["title"], payload["body"], payload["url"])
                )
        return claimed

    def release(self, reminder_id: int, claimed_at: datetime | None = None) -> None:
        """Hand a reminder back so that a desktop shows it again."""
        found = Reminder.objects.filter(pk=reminder_id, state=State.SENT)
        if claimed_at is not None:
            found = found.filter(desktop_at=claimed_at)
        found.update(desktop_at=None)

    def states(self, ids: list[int]) -> dict[int, str]:
        return dict(Reminder.objects.filter(pk__in=ids).values_list("pk", "state"))

    # ---- notifications ---------------------------------------------------------------

    async def show(self, due: Due, skip: bool = True, buttons: bool = True) -> bool:
        """Show DUE with its buttons; False when the notification service refused it."""
        assert self.notifier is not None
        rid, identifier = due.reminder, str(uuid.uuid4())
        sent = False

        def dispatched() -> None:  # called by the library only when the service took it
            nonlocal sent
            sent = True

        def answer(
            what: str, action: Callable[[], Coroutine[Any, Any, None]]
        ) -> Callable[[], None]:
            def pressed() -> None:
                self.forget(rid, identifier)
                self.spawn(what, action())

            return pressed

        start = answer("start", lambda: self.start(due))
        choices = [
            Button(title=self.labels.start, on_pressed=start),
            Button(title=self.labels.snooze, on_pressed=answer("snooze", lambda: self.snooze(due))),
        ]
        if skip:
            choices.append(
                Button(title=self.labels.skip, on_pressed=answer("skip", lambda: self.skip(due)))
            )

        def dismissed() -> None:
            if self.forget(rid, identifier):
                self.say("dismissed; the break stays open in backcare")

        await self.notifier.send_notification(
            Notification(
                title=due.title,
                message=due.body,
                buttons=tuple(choices) if buttons else (),
                on_dispatched=dispatched,
                on_clicked=start if buttons else None,
                on_dismissed=dismissed,
                identifier=identifier,
            )
        )
        if sent and buttons:
            self.shown[rid] = identifier
        return sent

    def forget(self, reminder_id: int, identifier: str) -> bool:
        """The notification IDENTIFIER was answered or closed: stop tracking it."""
        if self.shown.get(reminder_id) != identifier:
            return False
        del self.shown[reminder_id]
        return True

    async def close(self, reminder_id: int) -> None:
        identifier = self.shown.pop(reminder_id, None)
        if identifier is not None and self.notifier is not None:
            # Best effort: the service may have closed it already (it expired) or be gone.
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.notifier.clear(identifier), CONNECT_TIMEOUT_S)

    # ---- the person's answers --------------------------------------------------------

    async def start(self, due: Due) -> None:
        link = await self.db(login_url, self.base_url, self.user, next_path=due.path)
        loop = asyncio.get_running_loop()
        # The default executor: a browser may take a while to start.
        if await loop.run_in_executor(None, webbrowser.open, link):
            self.say("started: the break is open in your browser")
        else:
            self.say(f"started, but no browser could be opened; open {link}")

    async def snooze(self, due: Due) -> None:
        try:
            reminder = await self.db(delivery.snooze, self.user, due.reminder, self.snooze_min)
        except delivery.ReminderError as exc:
            self.say(f"could not snooze: {exc.message}")
            problem = Due(due.reminder, due.claimed_at, self.labels.cannot_snooze, exc.message, "")
            await self.show(problem, buttons=False)
            return
        back = reminder.due_at.astimezone(self.tz)
        self.say(f"snoozed {self.snooze_min} min, back at {back:%H:%M}")

    async def skip(self, due: Due) -> None:
        try:
            await self.db(delivery.skip, self.user, due.reminder)
        except delivery.ReminderError as exc:
            self.say(f"could not skip: {exc.message}")
            # The break is still open: say why, and keep Start and Snooze at hand.
            await self.show(
                Due(due.reminder, due.claimed_at, self.labels.cannot_skip, exc.message, due.path),
                skip=False,
            )
            return
        self.say("skipped")

    # ---- the loop --------------------------------------------------------------------

    async def round(self) -> int:
        """Show what is due and close what was answered elsewhere; returns how many shown."""
        shown = 0
        claimed = await self.db(self.claim_due)
        for n, due in enumerate(claimed):
            if await self.show(due):
                shown += 1
                self.say(f"break reminder shown: {due.body}")
                continue
            # Hand back this one and the rest, for the next round (or another desktop).
            for unshown in claimed[n:]:
                await self.db(self.release, unshown.reminder, unshown.claimed_at)
            self.notifier = None  # reconnect before the next try
            print(
                "backcare remind: the notification service did not take the reminder; "
                "trying again shortly.",
                file=sys.stderr,
                flush=True,
            )
            break
        if self.shown:
            states = await self.db(self.states, list(self.shown))
            for rid in list(self.shown):
                state = states.get(rid)
                if state != State.SENT:
                    await self.close(rid)
                    reason = CLOSED_BECAUSE.get(state or "", "removed from the schedule")
                    self.say(f"reminder closed: {reason}")
        return shown

    async def run(self, poll_s: float, once: bool) -> int:
        self.notifier = await self.connect()
        self.labels = await self.db(make_labels, self.snooze_min)
        if once:
            if not await self.round():
                self.say("no break due now")
            await self.finish(withdraw=False)
            return 0

        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            try:
                loop.add_signal_handler(sig, stop.set)
            except NotImplementedError:  # Windows
                signal.signal(sig, lambda *_: loop.call_soon_threadsafe(stop.set))
        print(f"backcare remind: notifications for {self.user.email}; Ctrl-C stops.", flush=True)
        while not stop.is_set():
            try:
                if self.notifier is None:
                    self.notifier = await self.connect()
                await self.round()
            except (DatabaseError, Unavailable) as exc:
                # The database or the notification service is away for a moment.
                print(f"backcare remind: {exc} (retrying)", file=sys.stderr, flush=True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), poll_s)
        await self.finish(withdraw=True)
        print("backcare remind stopped.", flush=True)
        return 0

    async def finish(self, withdraw: bool) -> None:
        """Let clicked answers reach the database, withdraw what is showing, close up."""
        if self.tasks:
            await asyncio.wait(set(self.tasks), timeout=FINISH_TIMEOUT_S)
        if withdraw:
            # Buttons die with this process: take the notifications back, and hand the
            # reminders back so the next `remind` shows them with working buttons.
            for rid in list(self.shown):
                await self.close(rid)
                await self.db(self.release, rid)
        await self.db(connections.close_all)
        self.executor.shutdown(wait=True)


def run_reminders(
    user: User, base_url: str, poll_s: float = 5.0, snooze_min: int = 10, once: bool = False
) -> int:
    """`backcare remind`: run until SIGINT or SIGTERM (with ONCE, one round); the exit code."""
    if snooze_min not in delivery.SNOOZE_MINUTES:
        print("backcare remind: --snooze must be 5, 10 or 15 minutes", file=sys.stderr)
        return 2
    # The main thread's connection (from looking the person up) is not used again.
    connections.close_all()
    reminders = DesktopReminders(user, base_url, snooze_min)
    try:
        return asyncio.run(reminders.run(max(poll_s, 0.1), once))
    except (Unavailable, DatabaseError) as exc:  # DatabaseError: only with ONCE
        print(f"backcare remind: {exc}", file=sys.stderr, flush=True)
        reminders.executor.shutdown(wait=False)
        return 1
    except KeyboardInterrupt:
        print("backcare remind stopped.", flush=True)
        return 0
