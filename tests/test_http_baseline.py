from __future__ import annotations

from typing import Any
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


def check_headers(r: Any, path: str) -> None:
    csp = r["Content-Security-Policy"]
    assert "script-src 'self'" in csp, path
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, path
    assert "frame-ancestors 'none'" in csp, path
    assert r["X-Frame-Options"] == "DENY", path
    assert r["X-Content-Type-Options"] == "nosniff", path
    assert r["Referrer-Policy"] == "same-origin", path


def test_every_page_carries_the_security_headers_and_no_inline_script(
    alice_client: Client, alice: User, desk_reset: Routine
) -> None:
    from tests.site import every_page

    for path in [*every_page(alice), "/healthz", "/api/v1/routines", "/api/v1/docs"]:
        r = alice_client.get(path)
        assert r.status_code == 200, path
        check_headers(r, path)
        if not r["Content-Type"].startswith("text/html"):
            continue
        html = r.content.decode()
        for tag in html.split("<script")[1:]:
            opening = tag.split(">", 1)[0]
            # Only external modules or inert JSON data.
            assert 'src="' in opening or 'type="application/json"' in opening, (path, opening)
    check_headers(Client().get("/locked/"), "/locked/")


def test_failed_sign_ins_are_rate_limited(alice: User) -> None:
    client = Client()
    answers = [
        client.post("/accounts/login/", {"login": "alice@example.org", "password": "wrong"})
        for _ in range(6)
    ]
    assert b"are not correct" in answers[0].content
    assert b"Too many failed login attempts" in answers[-1].content
    # The right password does not get in while the limit holds.
    late = client.post(
        "/accounts/login/", {"login": "alice@example.org", "password": "alice-long-password"}
    )
    assert b"Too many failed login attempts" in late.content
    assert "_auth_user_id" not in client.session
