from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

from backcare.accounts.models import User
from backcare.library.models import Routine

pytestmark = pytest.mark.django_db


def test_healthz_is_ok_when_serving(client: Client) -> None:
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json()["status"] == "ok"


def test_healthz_is_503_when_the_database_is_unreachable(client: Client) -> None:
    with mock.patch("backcare.front.views.connection.cursor", side_effect=OperationalError("gone")):
        r = client.get("/healthz")
    assert r.status_code == 503
    assert r.json()["status"] == "unavailable"


def test_pages_say_temporarily_unavailable_when_the_database_fails(
    alice_client: Client, desk_reset: Routine
) -> None:
    with mock.patch("backcare.front.views.Routine.objects.all", side_effect=OperationalError("x")):
        r = alice_client.get("/")
    assert r.status_code == 503
    assert b"temporarily unavailable" in r.content


@pytest.mark.parametrize("path", ["/", "/locked/", "/healthz", "/break/desk-reset/"])
def test_every_response_carries_the_security_headers(
    alice_client: Client, alice: User, desk_reset: Routine, path: str
) -> None:
    r = alice_client.get(path)
    csp = r["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert r["X-Frame-Options"] == "DENY"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script(
    alice_client: Client, alice: User, desk_reset: Routine
) -> None:
    from tests.helpers import screened

    screened(alice)
    for path in ["/", "/break/desk-reset/", "/sessions/", "/safety/"]:
        html = alice_client.get(path).content.decode()
        for tag in html.split("<script")[1:]:
            opening = tag.split(">", 1)[0]
            # Only external modules or inert JSON data.
            assert 'src="' in opening or 'type="application/json"' in opening, opening


def test_hsts_is_sent_over_https(client: Client) -> None:
    r = client.get("/healthz", secure=True)
    assert r["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "Strict-Transport-Security" not in client.get("/healthz")


def test_session_cookies_are_http_only_and_same_site(alice: User, settings: object) -> None:
    client = Client()
    client.post(
        "/accounts/login/", {"login": "alice@example.org", "password": "alice-long-password"}
    )
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_multi_user_mode_sets_secure_cookies() -> None:
    import os
    import subprocess
    import sys

    code = (
        "from django.conf import settings; "
        "print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)"
    )
    env = {**os.environ, "BACKCARE_MODE": "multi", "DJANGO_SETTINGS_MODULE": "backcare.settings"}
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["True", "True"]


def test_login_is_rate_limited(alice: User) -> None:
    client = Client(REMOTE_ADDR="203.0.113.9")
    wrong = {"login": "alice@example.org", "password": "wrong"}
    pages = [client.post("/accounts/login/", wrong).content for _ in range(6)]
    assert b"Too many failed login attempts" not in pages[0]
    assert b"Too many failed login attempts" in pages[-1]
    # While the limit holds, even the right password does not sign in.
    right = {"login": "alice@example.org", "password": "alice-long-password"}
    r = client.post("/accounts/login/", right)
    assert b"Too many failed login attempts" in r.content
    assert "_auth_user_id" not in client.session
