"""/api/v1/time and /api/v1/team-breaks: the server's clock and a team break's live count."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from backcare.api.auth import request_user
from backcare.api.schemas import ErrorOut
from backcare.teams import services
from backcare.teams.models import Occurrence

time_router = Router(tags=["team breaks"])
team_router = Router(tags=["team breaks"])


class TimeOut(Schema):
    now: datetime = Field(description="The server's clock, to the millisecond.")


class LiveOut(Schema):
    starts_at: datetime
    now: datetime
    joined: int
    names: list[str] = Field(description="Only those who chose to show their name.")


@time_router.get("/time", response=TimeOut, auth=None, summary="The server's clock")
def server_time(request: HttpRequest) -> dict[str, Any]:
    return {"now": timezone.now()}


def visible(request: HttpRequest, occurrence_id: int) -> Occurrence | None:
    occ = Occurrence.objects.select_related("team_break__team").filter(pk=occurrence_id).first()
    if occ is None or not services.may_see_occurrence(request_user(request), occ):
        return None
    return occ


@team_router.get(
    "/{occurrence_id}", response={200: LiveOut, 404: ErrorOut}, summary="Who has joined"
)
def live(request: HttpRequest, occurrence_id: int) -> Any:
    occ = visible(request, occurrence_id)
    if occ is None:
        return Status(404, {"detail": "No such team break in your team."})
    return {"starts_at": occ.starts_at, "now": timezone.now(), **services.live(occ)}


@team_router.post(
    "/{occurrence_id}/join",
    response={200: LiveOut, 404: ErrorOut, 409: ErrorOut},
    summary="Join a team break",
)
def join(request: HttpRequest, occurrence_id: int) -> Any:
    occ = visible(request, occurrence_id)
    if occ is None:
        return Status(404, {"detail": "No such team break in your team."})
    try:
        services.join(request_user(request), occ)
    except services.TeamError as exc:
        return Status(409, {"detail": exc.message})
    except PermissionDenied:
        return Status(404, {"detail": "No such team break in your team."})
    return {"starts_at": occ.starts_at, "now": timezone.now(), **services.live(occ)}
