"""Every page of the app, with the records a person needs for each to have something to show."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from django.test import Client
from django.utils import timezone

from backcare.accounts.models import User
from backcare.library.models import Routine
from backcare.teams import services
from tests.helpers import make_session, screened
from tests.test_checkins import fill
from tests.test_plans import API_ASSESSMENT


def every_page(user: User) -> list[str]:
    """USER gets a screen, a session, check-ins, an organisation they run and a team break."""
    screened(user)
    client = Client()
    client.force_login(user)
    planned = client.put(
        "/api/v1/assessment", json.dumps(API_ASSESSMENT), content_type="application/json"
    )
    assert planned.status_code == 200, planned.content
    session = make_session(
        user, Routine.objects.get(slug="desk-reset"), started_at=timezone.now() - timedelta(hours=2)
    )
    fill(user, 3)
    if not hasattr(user, "membership"):
        services.create_organisation(user, "Acme")
    team = services.create_team(user, f"Team {user.pk}")
    member = user.membership
    services.set_member(user, member, team, True, "admin")
    at = (datetime.now(UTC) + timedelta(minutes=10)).replace(second=0, microsecond=0)
    tb = services.schedule_team_break(
        user, team, "team-dance-break", [at.strftime("%H:%M")], list(range(7)), "UTC"
    )
    return [
        "/",
        "/plan/",
        "/assessment/1/",
        "/safety/",
        "/safety/result/",
        "/library/",
        "/library/exercises/cat-cow/",
        "/library/routines/",
        "/library/routines/desk-reset/",
        "/library/lessons/",
        "/library/lessons/usual-course/",
        "/library/figures/",
        "/break/desk-reset/",
        "/break/team-dance-break/",
        "/sessions/",
        f"/sessions/{session.pk}/",
        "/breaks/",
        "/checkin/",
        "/progress/",
        "/settings/schedule/",
        "/settings/data/",
        "/settings/api-tokens/",
        "/team/",
        "/org/dashboard/",
        f"/team-break/{tb.pk}/{int(at.timestamp())}/",
    ]
