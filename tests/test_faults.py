"""Faults: the server killed mid-write, the database gone and back, a worker killed.

Every write the server acknowledged must be found after a SIGKILL and a
restart; with the database away, /healthz says 503 and pages say so, and the
app recovers by itself when the database returns; a worker killed in the middle
of a batch of reminders loses none of them, and none is sent twice.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.models import F
from django.utils import timezone

from backcare.accounts.models import ApiToken
from backcare.checkins.models import CheckIn
from backcare.practice.models import PracticeSession
from backcare.reminders import delivery
from backcare.reminders.models import Reminder
from backcare.reminders.push import vapid_key
from tests.helpers import database_url, make_user, screened, wait_healthy
from tests.pushservice import BrowserKeys, Hold, PushService, Received
from tests.test_worker import due_now, start_worker, stop, subscribe, wait_until

State = Reminder.State


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "backcare", "serve", "--no-browser", "--no-worker"),
                *("--port", str(self.port)),
            ],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        if wait_healthy(self.base):
            return
        self.stop()  # never leave a half-started server behind
        raise RuntimeError("the server did not start")

    def kill(self) -> None:
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)


def call(method: str, url: str, token: str, body: Any) -> int:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        method=method,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as r:
            return int(r.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


@pytest.fixture
def server(cli_env: dict[str, str]) -> Iterator[Server]:
    running = Server({**cli_env, "BACKCARE_WORKERS": "2"})
    yield running
    running.stop()


def test_every_acknowledged_write_survives_a_sigkill(server: Server) -> None:
    user = make_user("kim")
    screened(user)
    _, token = ApiToken.issue(user, "load")
    server.start()
    acknowledged_sessions: list[str] = []
    acknowledged_checkins: dict[str, int] = {}
    lock = threading.Lock()
    stop = threading.Event()
    today = timezone.localdate()

    def post_sessions() -> None:
        while not stop.is_set():
            key = str(uuid.uuid4())
            now = datetime.now(UTC)
            body = {
                "idempotency_key": key,
                "routine": "desk-reset",
                "started_at": (now - timedelta(minutes=5)).isoformat(),
                "ended_at": now.isoformat(),
                "active_s": 280,
                "steps_completed": 8,
                "completed": True,
                "pain": 3,
            }
            try:
                status = call("POST", f"{server.base}/api/v1/sessions", token, body)
            except OSError:
                continue  # the server is gone: not acknowledged
            if status == 201:
                with lock:
                    acknowledged_sessions.append(key)

    def put_checkins(offset: int) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            day = (today - timedelta(days=offset)).isoformat()
            value = n % 11
            body = {
                "pain_now": value,
                "pain_worst": 10,
                "leg": "none",
                "sleep_hours": "7.0",
                "sleep_quality": 3,
                "stress": 2,
                "active_minutes": 20,
            }
            try:
                status = call("PUT", f"{server.base}/api/v1/checkins/{day}", token, body)
            except OSError:
                continue
            if status in (200, 201):
                with lock:
                    acknowledged_checkins[day] = value

    threads = [threading.Thread(target=post_sessions) for _ in range(4)]
    threads += [threading.Thread(target=put_checkins, args=(d,)) for d in range(3)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 30
    while len(acknowledged_sessions) < 40 and time.monotonic() < deadline:
        time.sleep(0.05)
    server.kill()  # mid-stream: requests are in flight
    stop.set()
    for t in threads:
        t.join(timeout=15)
    assert len(acknowledged_sessions) >= 40

    server.start()  # and the app comes back on the same database
    stored = set(
        PracticeSession.objects.filter(user=user).values_list("idempotency_key", flat=True)
    )
    missing = [k for k in acknowledged_sessions if uuid.UUID(k) not in stored]
    assert missing == [], f"{len(missing)} acknowledged sessions lost"
    for day, value in acknowledged_checkins.items():
        saved = CheckIn.objects.get(user=user, day=day)
        assert saved.pain_now in range(11), day
        # The last acknowledged answer, or the next one, whose answer the kill swallowed.
        assert saved.pain_now in (value, (value + 1) % 11), (day, saved.pain_now, value)


class Proxy:
    """A TCP relay in front of PostgreSQL that a test can cut and restore."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.port = free_port()
        self.listener: socket.socket | None = None
        self.conns: list[socket.socket] = []
        self.running = False

    def start(self) -> None:
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", self.port))
        self.listener.listen(50)
        self.running = True
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self) -> None:
        assert self.listener is not None
        listener = self.listener
        while self.running:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            self.conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self.pipe, args=(a, b), daemon=True).start()

    def pipe(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        finally:
            for s in (a, b):
                with contextlib.suppress(OSError):
                    s.close()

    def cut(self) -> None:
        self.running = False
        if self.listener is not None:
            # shutdown wakes the thread blocked in accept(); close alone would not.
            with contextlib.suppress(OSError):
                self.listener.shutdown(socket.SHUT_RDWR)
            self.listener.close()
        for s in self.conns:
            try:
                s.shutdown(socket.SHUT_RDWR)
                s.close()
            except OSError:
                pass
        self.conns = []


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return int(r.status), r.read().decode()
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read().decode()


def test_the_app_says_unavailable_while_the_database_is_gone_and_recovers(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite is a file, not a server that can stop; this runs on PostgreSQL")
    s = connection.settings_dict
    proxy = Proxy((s.get("HOST") or "127.0.0.1", int(s.get("PORT") or 5432)))
    proxy.start()
    url = database_url().replace(f":{s.get('PORT') or 5432}/", f":{proxy.port}/")
    server = Server({**cli_env, "BACKCARE_DATABASE_URL": url, "BACKCARE_WORKERS": "1"})
    server.start()
    try:
        assert get(f"{server.base}/healthz")[0] == 200
        assert proxy.conns, f"the server does not go through the relay ({url})"
        proxy.cut()
        status, body = get(f"{server.base}/healthz")
        assert status == 503 and json.loads(body)["database"] == "unreachable"
        # A page that needs the database (checking a sign-in link) says what is going on.
        status, page = get(f"{server.base}/login/token/not-a-real-link/")
        assert status == 503 and "temporarily unavailable" in page
        proxy.start()  # the database is back; the server is not restarted
        deadline = time.monotonic() + 20
        while get(f"{server.base}/healthz")[0] != 200:
            assert time.monotonic() < deadline, "the app did not recover"
            time.sleep(0.2)
        assert get(f"{server.base}/login/token/not-a-real-link/")[0] == 403
    finally:
        server.stop()
        proxy.cut()


def shown_tag(browsers: dict[str, BrowserKeys], push: Received) -> str:
    """The notification tag of a push, read as the subscribed browser reads it."""
    payload = json.loads(browsers[push.path].decrypt(push.body))
    assert push.headers["topic"] == f"r{payload['reminder']}"
    return str(payload["tag"])


def held_reminder(hold: Hold) -> Reminder:
    assert hold.push is not None
    return Reminder.objects.get(pk=hold.push.headers["topic"].removeprefix("r"))


def test_a_worker_killed_mid_batch_loses_no_reminder_and_sends_none_twice(
    cli_env: dict[str, str],
) -> None:
    """SIGKILL a worker between two pushes of a batch: after the lease each is sent once."""
    browsers: dict[str, BrowserKeys] = {}
    with PushService() as push:
        reminders = []
        for n in range(30):
            person = make_user(f"w{n}")
            screened(person)
            browsers[f"/push/{person.pk}"] = subscribe(person, push)
            reminders.append(due_now(person, length_min=15))
        vapid_key()
        # The 11th push is held on its way, and never arrives: the kill lands while
        # the worker waits for it. (Had it arrived, the worker could not have recorded
        # that before the kill: it would be sent again after the lease, under the same
        # topic and tag, so that a browser replaces the first copy.)
        eleventh = push.hold(after=10, lose=True)
        victim = start_worker(cli_env)
        try:
            waiting = eleventh.here.wait(timeout=90)
        finally:
            victim.send_signal(signal.SIGKILL)
            out, _ = victim.communicate(timeout=20)
        assert waiting, f"the worker never sent its 11th push:\n{out}"
        eleventh.let_go.set()

        # Killed mid-batch: it had claimed all 30 and sent 10; the rest wait.
        with push.lock:
            before = sorted(shown_tag(browsers, p) for p in push.received)
        sent = Reminder.objects.filter(state=State.SENT).values_list("pk", flat=True)
        assert len(before) == 10 and before == sorted(f"reminder-{pk}" for pk in sent)
        claimed = Reminder.objects.filter(claimed_by__contains=f"-{victim.pid}:")
        assert claimed.count() == 30 and claimed.filter(state=State.SENDING).count() == 20
        assert held_reminder(eleventh).state == State.SENDING
        dead_claims = dict(claimed.values_list("pk", "claimed_by"))

        # The worker stays down past the lease of its claims, then two workers start.
        Reminder.objects.filter(state=State.SENDING).update(
            claimed_at=F("claimed_at") - delivery.LEASE
        )
        # One of them is held in its first push, of a claim the dead worker made, while
        # the other takes over the reminder the dead worker was sending when killed.
        first = push.hold(after=10)
        workers = [start_worker(cli_env), start_worker(cli_env)]
        try:
            assert first.here.wait(timeout=90), "no worker sent the waiting reminders"
            assert held_reminder(first).claimed_by == dead_claims[held_reminder(first).pk]
            wait_until(lambda: held_reminder(eleventh).state == State.SENT, timeout=90)
            first.let_go.set()
            wait_until(
                lambda: Reminder.objects.filter(state=State.SENT).count() == len(reminders),
                timeout=90,
            )
            time.sleep(3)  # a few more ticks: nothing may be sent again
        finally:
            first.let_go.set()
            outputs = [stop(w) for w in workers]
        with push.lock:
            pushes = Counter(shown_tag(browsers, p) for p in push.received)
    assert sorted(pushes) == sorted(f"reminder-{r.pk}" for r in reminders)
    assert set(pushes.values()) == {1}, f"sent twice: {[t for t, n in pushes.items() if n > 1]}"
    assert Counter(Reminder.objects.values_list("state", flat=True)) == {State.SENT: 30}
    # The one being sent at the kill went out under a new claim once the lease ran
    # out; the one held in its push, under the dead worker's claim, was not taken over.
    assert held_reminder(eleventh).claimed_by != dead_claims[held_reminder(eleventh).pk]
    assert held_reminder(first).claimed_by == dead_claims[held_reminder(first).pk]
    for out in outputs:
        assert "backcare worker stopped." in out, out
