"""Two app processes on one database: what one does, the other serves. No state in a process."""

from __future__ import annotations

import http.cookiejar
import json
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher

from backcare.teams import services
from tests.helpers import SERVER_START_S, make_user, screened, wait_healthy


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def servers(cli_env: dict[str, str], tmp_path: Path) -> Iterator[list[str]]:
    """Two multi-user servers, each with its own data folder, sharing the database and key."""
    procs = []
    bases = []
    for n in range(2):
        port = free_port()
        env = {
            **cli_env,
            "BACKCARE_MODE": "multi",
            "BACKCARE_DATA_DIR": str(tmp_path / f"server{n}"),
            "BACKCARE_SECRET_KEY": "one-key-for-every-server-of-this-install-" + "x" * 20,
            "BACKCARE_SECURE_COOKIES": "false",
            "BACKCARE_WORKERS": "1",
        }
        procs.append(
            subprocess.Popen(
                [
                    *(sys.executable, "-m", "backcare", "serve", "--no-browser", "--no-worker"),
                    *("--port", str(port)),
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        )
        bases.append(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + SERVER_START_S
        for base in bases:
            if not wait_healthy(base, deadline - time.monotonic()):
                raise RuntimeError(f"{base} did not start")
        yield bases
    finally:  # also when a server never got ready: none is left running
        for proc in procs:
            proc.send_signal(signal.SIGINT)
        for proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


class Browser:
    """Just enough of a browser: one cookie jar for both servers (cookies ignore ports)."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def request(self, method: str, url: str, body: Any = None, form: bool = False) -> Any:
        headers = {"X-CSRFToken": self.csrf()} if method != "GET" else {}
        data = None
        if body is not None:
            if form:
                data = urllib.parse.urlencode(body).encode()
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            else:
                data = json.dumps(body).encode()
                headers["Content-Type"] = "application/json"
        req = urllib.request.Request(url, data=data, headers=headers, method=method)
        try:
            with self.opener.open(req, timeout=20) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()


def test_a_login_a_team_break_and_a_session_made_on_one_are_served_by_the_other(
    servers: list[str],
) -> None:
    a, b = servers
    admin = make_user("boss")
    services.create_organisation(admin, "Acme")
    team = services.create_team(admin, "Alpha")
    user = make_user("ida")
    # The servers run the real settings, which do not read the suite's fast test hashes.
    user.password = Argon2PasswordHasher().encode("ida-long-password", "saltsaltsalt")
    user.save()
    screened(user)
    services.accept_invite(user, services.make_invite(admin, team).token)
    at = (datetime.now(UTC) + timedelta(minutes=5)).replace(second=0, microsecond=0)
    tb = services.schedule_team_break(
        admin, team, "team-dance-break", [at.strftime("%H:%M")], list(range(7)), "UTC"
    )

    browser = Browser()
    # Sign in on A.
    status, page = browser.request("GET", f"{a}/accounts/login/")
    assert status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    status, page = browser.request(
        "POST",
        f"{a}/accounts/login/",
        {
            "csrfmiddlewaretoken": token.group(1),
            "login": "ida@example.org",
            "password": "ida-long-password",
        },
        form=True,
    )
    assert status == 200, page
    assert "Sign out" in page, page[-3000:]
    # B knows the sign-in.
    status, page = browser.request("GET", f"{b}/progress/")
    assert status == 200 and "Progress" in page

    # A session recorded through A is served by B.
    key = str(uuid.uuid4())
    now = datetime.now(UTC)
    status, _ = browser.request(
        "POST",
        f"{a}/api/v1/sessions",
        {
            "idempotency_key": key,
            "routine": "desk-reset",
            "started_at": (now - timedelta(minutes=5)).isoformat(),
            "ended_at": now.isoformat(),
            "active_s": 280,
            "steps_completed": 8,
            "completed": True,
        },
    )
    assert status == 201
    status, body = browser.request("GET", f"{b}/api/v1/sessions")
    assert status == 200 and key in body

    # A team break opened and joined through A counts on B.
    status, _ = browser.request("GET", f"{a}/team-break/{tb.pk}/{int(at.timestamp())}/")
    assert status == 200
    occurrence = tb.occurrences.get()
    status, _ = browser.request("POST", f"{a}/api/v1/team-breaks/{occurrence.pk}/join")
    assert status == 200
    status, body = browser.request("GET", f"{b}/api/v1/team-breaks/{occurrence.pk}")
    assert status == 200 and json.loads(body)["joined"] == 1
