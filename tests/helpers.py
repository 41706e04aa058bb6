from __future__ import annotations

import time
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection
from django.test import Client

from backcare.accounts.models import User
from backcare.library.models import Routine
from backcare.practice.models import PracticeSession
from backcare.safety.models import SafetyScreen

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def make_user(name: str) -> User:
    return User.objects.create_user(
        username=name, email=f"{name}@example.org", password=f"{name}-long-password"
    )


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def screened(user: User, tier: str = "none") -> SafetyScreen:
    return SafetyScreen.objects.create(user=user, tier=tier)


def session_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "idempotency_key": str(uuid.uuid4()),
        "routine": "desk-reset",
        "source": "web",
        "started_at": NOW.isoformat(),
        "ended_at": (NOW + timedelta(minutes=5)).isoformat(),
        "active_s": 280,
        "steps_completed": 8,
        "completed": True,
        "feeling": "better",
        "pain": 3,
    }
    body.update(overrides)
    return body


def make_session(user: User, routine: Routine, **overrides: Any) -> PracticeSession:
    fields: dict[str, Any] = {
        "source": "web",
        "started_at": NOW,
        "ended_at": NOW + timedelta(minutes=5),
        "active_s": 280,
        "steps_completed": 8,
        "steps_total": 8,
        "completed": True,
        "feeling": "same",
        "pain": 4,
    }
    fields.update(overrides)
    return PracticeSession.objects.create(user=user, routine=routine, **fields)


# Each `backcare serve` start migrates and collects the static files: on a crowded
# two-core machine that takes minutes.
SERVER_START_S = 180.0


def wait_healthy(base: str, timeout_s: float = SERVER_START_S) -> bool:
    """Poll BASE/healthz until it answers 200; False if it has not within TIMEOUT_S."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1) as r:
                if r.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


def database_url() -> str:
    """A URL for the test database, for `backcare` processes started by a test."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{host}:{port}/{s['NAME']}"


# The screen form answered with no red flags, and the same at the terminal prompt.
CLEAR_SCREEN = {"none_apply": "on", "age": "40", "duration_weeks": "2", "first_episode": "no"}
CLEAR_SCREEN_STDIN = "n\n" * 18 + "40\n2\nn\n"
SADDLE_NUMBNESS_STDIN = "n\n" * 2 + "y\n" + "n\n" * 15 + "40\n2\nn\n"
