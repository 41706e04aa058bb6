"""`backcare worker` processes against the test database (SQLite or PostgreSQL)."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from backcare.accounts.models import User
from backcare.reminders.models import PushSubscription, Reminder, ScheduleSettings
from backcare.reminders.push import vapid_key
from backcare.reminders.services import settings_for
from tests.helpers import make_user, screened
from tests.pushservice import BrowserKeys, PushService, b64url

State = Reminder.State


def due_now(user: User, minutes_ago: float = 0, length_min: int = 5) -> Reminder:
    at = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    settings_for(user)
    # Keep the daily sync away from the rows this test made by hand.
    ScheduleSettings.objects.filter(user=user).update(
        sync_due_at=datetime.now(UTC) + timedelta(days=2)
    )
    return Reminder.objects.create(
        user=user,
        day=at.date(),
        ideal_at=at,
        kind="micro",
        routine="desk-reset",
        due_at=at,
        ends_at=at + timedelta(minutes=length_min),
    )


def subscribe(person: User, push: PushService) -> BrowserKeys:
    """A browser of PERSON subscribed at the stand-in push service, at /push/<id>."""
    keys = BrowserKeys()
    PushSubscription.objects.create(
        user=person,
        endpoint=f"{push.base}/push/{person.pk}",
        p256dh=keys.p256dh,
        auth=b64url(keys.auth),
    )
    return keys


@pytest.fixture
def push(cli_env: dict[str, str]) -> Iterator[PushService]:
    with PushService() as service:
        yield service


def start_worker(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "backcare", "worker", "--interval", "0.2"],
        env={**env, "BACKCARE_WORKER_TICK": "1", "BACKCARE_PUSH_ALLOW_HTTP": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop(proc: subprocess.Popen[str]) -> str:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        out, _ = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out


def wait_until(check: object, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(check) and check():
            return
        time.sleep(0.2)
    raise AssertionError("timed out")


def test_two_workers_send_each_reminder_exactly_once(
    cli_env: dict[str, str], push: PushService
) -> None:
    people = [make_user(f"p{n}") for n in range(40)]
    reminders = []
    for person in people:
        screened(person)
        subscribe(person, push)
        reminders.append(due_now(person))
    # Fell due while no worker ran, and the break is over: missed, never sent.
    late = due_now(people[0], minutes_ago=30)
    vapid_key()  # made once, before two processes could race for it

    workers = [start_worker(cli_env), start_worker(cli_env)]
    try:
        wait_until(
            lambda: (
                Reminder.objects.filter(state=State.SENT).count() == len(reminders)
                and Reminder.objects.filter(pk=late.pk, state=State.MISSED).exists()
            )
        )
        time.sleep(2)  # a few more ticks: nothing may be sent again
    finally:
        outputs = [stop(w) for w in workers]
    topics = Counter(r.headers["topic"] for r in push.received)
    assert sorted(topics) == sorted(f"r{r.pk}" for r in reminders)
    assert set(topics.values()) == {1}, f"sent twice: {[t for t, n in topics.items() if n > 1]}"
    assert f"r{late.pk}" not in topics
    for out in outputs:
        assert "backcare worker stopped." in out, out


def test_a_worker_refreshes_subscribed_calendars(
    cli_env: dict[str, str], push: PushService
) -> None:
    person = make_user("dana")
    s = settings_for(person)
    s.calendar_url = "http://127.0.0.1:9/nothing-listens-here.ics"
    s.save()
    result = subprocess.run(
        [sys.executable, "-m", "backcare", "worker", "--once"],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    s.refresh_from_db()
    # The refresh ran, failed, and said why; the schedule keeps working.
    assert "refused" in s.calendar_error.lower() or "connect" in s.calendar_error.lower()


def test_the_worker_of_a_local_server_stops_when_the_server_is_killed(
    cli_env: dict[str, str],
) -> None:
    import os
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "backcare", "serve", "--no-browser", "--port", str(port)],
        env=cli_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert server.stdout is not None
        for line in server.stdout:
            if "sign in" in line:
                break

        def children(name: str = "") -> list[int]:
            found = []
            for pid in os.listdir("/proc"):
                if pid.isdigit():
                    try:
                        with open(f"/proc/{pid}/stat") as f:
                            ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                        with open(f"/proc/{pid}/comm") as f:
                            comm = f.read().strip()
                    except (OSError, IndexError, ValueError):
                        continue
                    if ppid == server.pid and (comm == name or not name):
                        found.append(int(pid))
            return found

        # The worker is forked from the server and named so in ps.
        wait_until(lambda: len(children("backcare-worker")) == 1, timeout=30)
        worker = children("backcare-worker")[0]
        # It works: its beat enqueued the reminder tick and it ran the task.
        from django_tasks_db.models import DBTaskResult

        wait_until(
            lambda: DBTaskResult.objects.filter(
                task_path__endswith="reminder_tick", status="SUCCESSFUL"
            ).exists(),
            timeout=30,
        )
        others = [pid for pid in children() if pid != worker]
    finally:
        server.kill()
        server.wait()
    for pid in others:  # the HTTP server's own processes: not what this test is about
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)

    def gone() -> bool:
        try:
            with open(f"/proc/{worker}/stat") as f:
                return f.read().rsplit(")", 1)[1].split()[0] == "Z"
        except OSError:
            return True

    wait_until(gone, timeout=20)
