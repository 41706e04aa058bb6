"""A workday for one simulated person, for `bench/load.py` (Locust).

Each simulated person signs in with their own one-time link, then goes round:
the dashboard, a routine's player page, the finished routine posted, the
day's check-in, the progress page and their calendar feed.
"""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, datetime, timedelta
from itertools import count

from locust import HttpUser, SequentialTaskSet, between, constant, task

with open(os.environ["BACKCARE_BENCH_PEOPLE"]) as _people:
    PEOPLE = json.load(_people)
HOSTS = os.environ.get("BACKCARE_BENCH_HOSTS", "").split(",")
NEXT = count()


class Workday(SequentialTaskSet):
    def on_start(self) -> None:
        n = next(NEXT)
        person = PEOPLE[n % len(PEOPLE)]
        if HOSTS and HOSTS[0]:
            self.client.base_url = HOSTS[n % len(HOSTS)]
        self.feed = person["feed"]
        self.client.get(person["login"], name="/login/token/[one-time]")

    def csrf(self) -> dict[str, str]:
        return {"X-CSRFToken": self.client.cookies.get("csrftoken", "")}

    @task
    def dashboard(self) -> None:
        self.client.get("/", name="dashboard")

    @task
    def player(self) -> None:
        self.client.get("/break/desk-reset/", name="player page")

    @task
    def finish_routine(self) -> None:
        now = datetime.now(UTC)
        self.client.post(
            "/api/v1/sessions",
            json={
                "idempotency_key": str(uuid.uuid4()),
                "routine": "desk-reset",
                "started_at": (now - timedelta(minutes=5)).isoformat(),
                "ended_at": now.isoformat(),
                "active_s": 280,
                "steps_completed": 8,
                "completed": True,
                "feeling": "better",
                "pain": 3,
            },
            headers=self.csrf(),
            name="post routine",
        )

    @task
    def check_in(self) -> None:
        self.client.put(
            f"/api/v1/checkins/{datetime.now(UTC).date().isoformat()}",
            json={
                "pain_now": 3,
                "pain_worst": 5,
                "leg": "none",
                "sleep_hours": "7.0",
                "sleep_quality": 4,
                "stress": 3,
                "active_minutes": 30,
            },
            headers=self.csrf(),
            name="check-in",
        )

    @task
    def progress(self) -> None:
        self.client.get("/progress/", name="progress page")

    @task
    def feed_ics(self) -> None:
        self.client.get(f"/calendar/{self.feed}.ics", name="calendar feed")


class Person(HttpUser):
    tasks = [Workday]
    wait_time = between(0.5, 1.5)


class Ceiling(HttpUser):
    """The same server stack answering a view that does next to nothing."""

    wait_time = constant(0)

    def on_start(self) -> None:
        n = next(NEXT)
        if HOSTS and HOSTS[0]:
            self.client.base_url = HOSTS[n % len(HOSTS)]

    @task
    def bare(self) -> None:
        self.client.get("/api/v1/version", name="bare view")
