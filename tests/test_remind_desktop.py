"""`backcare remind` for real: a private D-Bus session bus, a fake notification server.

The test starts Debian's dbus-daemon, serves org.freedesktop.Notifications on it
from a thread (recording every Notify, emitting ActionInvoked as a click would),
and runs the real command as a subprocess on the test database.
With CI set a missing dbus-daemon fails the run instead of skipping it.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Annotated

import pytest
from dbus_fast.aio import MessageBus
from dbus_fast.annotations import DBusDict, DBusInt32, DBusSignature, DBusStr, DBusUInt32
from dbus_fast.service import ServiceInterface, dbus_method, dbus_signal
from django.utils import timezone

from backcare.accounts.models import User
from backcare.reminders.models import Reminder, ScheduleSettings
from backcare.reminders.services import settings_for
from tests.helpers import make_user

DBUS_DAEMON = shutil.which("dbus-daemon") or "/usr/bin/dbus-daemon"
Strings = Annotated[list[str], DBusSignature("as")]


@dataclass
class Shown:
    id: int
    summary: str
    body: str
    actions: list[str]

    @property
    def keys(self) -> dict[str, str]:
        """Button label to the action key desktop-notifier chose for it ("" is a click)."""
        return dict(zip(self.actions[1::2], self.actions[0::2], strict=True))


class Notifications(ServiceInterface):
    """Just enough of the freedesktop notification spec, recording what it is asked."""

    def __init__(self, address: str) -> None:
        super().__init__("org.freedesktop.Notifications")
        self.address = address
        self.loop = asyncio.new_event_loop()  # served from a thread of the test
        self.shown: list[Shown] = []

    def wait_for(self, count: int) -> Shown:
        """The COUNT-th notification, once the command has shown it."""
        until(lambda: len(self.shown) >= count, f"notification {count}")
        return self.shown[count - 1]

    def press(self, shown: Shown, label: str) -> None:
        """What clicking the button LABEL (or "default": the notification) sends."""
        key = "default" if label == "default" else shown.keys[label]
        self.loop.call_soon_threadsafe(self.ActionInvoked, shown.id, key)

    @dbus_method()
    def Notify(
        self,
        app_name: DBusStr,
        replaces_id: DBusUInt32,
        app_icon: DBusStr,
        summary: DBusStr,
        body: DBusStr,
        actions: Strings,
        hints: DBusDict,
        expire_timeout: DBusInt32,
    ) -> DBusUInt32:
        self.shown.append(Shown(len(self.shown) + 1, summary, body, list(actions)))
        return len(self.shown)

    @dbus_method()
    def GetCapabilities(self) -> Strings:
        return ["actions", "body"]

    @dbus_method()
    def CloseNotification(self, id: DBusUInt32) -> Annotated[None, DBusSignature("")]:
        """Nothing is drawn, so nothing to take away."""

    @dbus_method()
    def GetServerInformation(self) -> Annotated[tuple[str, str, str, str], DBusSignature("ssss")]:
        return ("fake", "backcare tests", "1.0", "1.2")

    @dbus_signal()
    def ActionInvoked(self, id: int, key: str) -> Annotated[tuple[int, str], DBusSignature("us")]:
        return (id, key)

    @dbus_signal()
    def NotificationClosed(
        self, id: int, reason: int
    ) -> Annotated[tuple[int, int], DBusSignature("uu")]:
        return (id, reason)


@dataclass
class Run:
    proc: subprocess.Popen[bytes]
    out: Path

    def stop(self, interrupt: bool = True) -> str:
        if interrupt and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=30)
        return self.out.read_text()


def until(condition: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def server() -> Iterator[Notifications]:
    """A private session bus (Debian's dbus-daemon) with the fake service on it."""
    if not Path(DBUS_DAEMON).exists():
        message = f"dbus-daemon not found at {DBUS_DAEMON}: apt-get install dbus-daemon"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    daemon = subprocess.Popen(
        [DBUS_DAEMON, "--session", "--nofork", "--print-address=1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,  # as root: "Failed to set fd limit", harmless
        text=True,
    )
    assert daemon.stdout is not None
    address = daemon.stdout.readline().strip()
    assert address.startswith("unix:"), "dbus-daemon printed no address"
    fake = Notifications(address)
    thread = threading.Thread(target=fake.loop.run_forever, daemon=True)
    thread.start()

    async def export() -> MessageBus:
        bus = await MessageBus(bus_address=address).connect()
        bus.export("/org/freedesktop/Notifications", fake)
        await bus.request_name("org.freedesktop.Notifications")
        return bus

    bus = asyncio.run_coroutine_threadsafe(export(), fake.loop).result(timeout=10)
    yield fake
    fake.loop.call_soon_threadsafe(bus.disconnect)
    fake.loop.call_soon_threadsafe(fake.loop.stop)
    thread.join(timeout=5)
    daemon.terminate()
    daemon.wait(timeout=5)


@pytest.fixture
def rita(cli_env: dict[str, str]) -> User:
    user = make_user("rita")
    # Keep the schedule sync away from the reminders the tests make by hand.
    ScheduleSettings.objects.filter(pk=settings_for(user).pk).update(
        sync_due_at=timezone.now() + timedelta(days=2)
    )
    return user


@pytest.fixture
def remind(cli_env: dict[str, str], tmp_path: Path) -> Iterator[Callable[..., Run]]:
    """Starts `backcare remind` for rita; $BROWSER is a script that writes down the URL."""
    browser = tmp_path / "browser"
    browser.write_text(f'#!/bin/sh\nprintf %s "$1" > {tmp_path / "opened"}\n')
    browser.chmod(0o755)
    runs: list[Run] = []

    def start(address: str, *args: str) -> Run:
        out = tmp_path / f"remind-{len(runs)}.out"
        command = [sys.executable, "-m", "backcare", "remind", "--user", "rita@example.org"]
        env = {**cli_env, "DBUS_SESSION_BUS_ADDRESS": address, "BROWSER": str(browser)}
        with out.open("w") as sink:
            proc = subprocess.Popen(
                [*command, "--poll", "0.5", *args], env=env, stdout=sink, stderr=subprocess.STDOUT
            )
        runs.append(Run(proc, out))
        return runs[-1]

    yield start
    for run in runs:
        run.stop()


def due_reminder(user: User) -> Reminder:
    now = timezone.now()
    due = now - timedelta(seconds=5)
    return Reminder.objects.create(
        user=user,
        day=timezone.localdate(),
        ideal_at=due,
        kind="micro",
        routine="desk-reset",
        due_at=due,
        ends_at=now + timedelta(minutes=5),
    )


def test_shows_the_due_break_and_snoozes_it(
    rita: User, server: Notifications, remind: Callable[..., Run]
) -> None:
    reminder = due_reminder(rita)
    run = remind(server.address)
    shown = server.wait_for(1)
    assert shown.summary == "Time for a movement break"
    assert shown.body == "5-minute desk reset, about 5 minutes."
    assert list(shown.keys)[1:] == ["Start", "Snooze 10 min", "Skip"]
    reminder.refresh_from_db()
    assert reminder.state == Reminder.State.SENT
    assert reminder.desktop_at is not None

    server.press(shown, "Snooze 10 min")
    until(lambda: Reminder.objects.get(pk=reminder.pk).state == "planned", "the snooze")
    reminder.refresh_from_db()
    assert reminder.snoozes == 1
    assert reminder.desktop_at is None
    ahead = reminder.due_at - timezone.now()
    assert timedelta(minutes=9) < ahead <= timedelta(minutes=10)

    out = run.stop()
    assert run.proc.returncode == 0, out
    assert "break reminder shown: 5-minute desk reset" in out
    assert "snoozed 10 min" in out
    assert out.rstrip().endswith("backcare remind stopped.")


def test_skip_and_the_daily_skip_limit(
    rita: User, server: Notifications, remind: Callable[..., Run], tmp_path: Path
) -> None:
    first = due_reminder(rita)
    run = remind(server.address)
    server.press(server.wait_for(1), "Skip")
    until(lambda: Reminder.objects.get(pk=first.pk).state == "skipped", "the skip")

    ScheduleSettings.objects.filter(user=rita).update(skip_limit=1)
    second = due_reminder(rita)
    server.press(server.wait_for(2), "Skip")
    refused = server.wait_for(3)
    assert refused.summary == "Could not skip this break"
    assert "already skipped 1 break today, the most your settings allow" in refused.body
    assert list(refused.keys)[1:] == ["Start", "Snooze 10 min"]
    second.refresh_from_db()
    assert second.state == Reminder.State.SENT

    # Clicking the notification starts the break: a sign-in link to its player.
    server.press(refused, "default")
    opened = tmp_path / "opened"
    until(opened.exists, "the browser")
    assert "/login/token/" in opened.read_text()
    assert f"%3Freminder%3D{second.pk}" in opened.read_text()

    out = run.stop()
    assert "skipped\n" in out
    assert "could not skip: You have already skipped 1 break today" in out


def test_without_a_session_bus_says_what_is_needed(
    rita: User, cli_env: dict[str, str], tmp_path: Path
) -> None:
    env = {**cli_env, "DBUS_SESSION_BUS_ADDRESS": f"unix:path={tmp_path}/no-such-bus"}
    command = [sys.executable, "-m", "backcare", "remind", "--user", rita.email, "--poll", "0.5"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "no desktop notification service" in result.stderr
    assert "DBUS_SESSION_BUS_ADDRESS" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_two_processes_show_a_reminder_once(
    rita: User, server: Notifications, remind: Callable[..., Run]
) -> None:
    reminder = due_reminder(rita)
    runs = [remind(server.address, "--once"), remind(server.address, "--once")]
    outs = [run.stop(interrupt=False) for run in runs]
    assert [run.proc.returncode for run in runs] == [0, 0], outs
    assert len(server.shown) == 1
    assert sum(out.count("break reminder shown") for out in outs) == 1
    assert Reminder.objects.get(pk=reminder.pk).state == Reminder.State.SENT
