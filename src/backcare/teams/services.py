"""Organisations, teams, invitations and team breaks: the rules of who may do what."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from backcare.accounts.models import User
from backcare.library.models import Routine
from backcare.teams import activity
from backcare.teams.models import (
    Invite,
    Join,
    Membership,
    Occurrence,
    Organisation,
    Role,
    Team,
    TeamBreak,
)

# How long before its start a team break's page may be opened, and how long after.
OPEN_BEFORE = timedelta(minutes=15)
OPEN_AFTER = timedelta(minutes=10)


class TeamError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def membership(user: User) -> Membership | None:
    return Membership.objects.select_related("organisation", "team").filter(user=user).first()


def require_admin(user: User) -> Membership:
    found = membership(user)
    if found is None or not found.is_admin:
        raise PermissionDenied("organisation admins only")
    return found


def can_manage_team(user: User, team: Team) -> bool:
    found = membership(user)
    if found is None or found.organisation_id != team.organisation_id:
        return False
    return found.is_admin or (found.is_lead and found.team_id == team.pk)


# ---- organisations, teams, invitations ---------------------------------------------------


def create_organisation(user: User, name: str) -> Organisation:
    name = name.strip()
    if not name:
        raise TeamError("name", _("Give the organisation a name."))
    if membership(user) is not None:
        raise TeamError("name", _("You already belong to an organisation."))
    with transaction.atomic():
        org = Organisation.objects.create(name=name[:120])
        Membership.objects.create(organisation=org, user=user, role=Role.ADMIN)
    return org


def create_team(user: User, name: str) -> Team:
    admin = require_admin(user)
    name = name.strip()
    if not name:
        raise TeamError("name", _("Give the team a name."))
    try:
        with transaction.atomic():
            return Team.objects.create(organisation=admin.organisation, name=name[:120])
    except IntegrityError:
        raise TeamError("name", _("There is already a team with that name.")) from None


def make_invite(user: User, team: Team | None = None, email: str = "") -> Invite:
    admin = require_admin(user)
    if team is not None and team.organisation_id != admin.organisation_id:
        raise PermissionDenied("another organisation's team")
    return Invite.objects.create(
        organisation=admin.organisation, team=team, email=email.strip().lower(), created_by=user
    )


def accept_invite(user: User, token: str) -> Membership:
    """Join the invite's organisation (and team). One organisation per person."""
    with transaction.atomic():
        invite = Invite.objects.select_for_update().filter(token=token).first()
        if invite is None or not invite.usable():
            raise TeamError("invite", _("This invitation is not valid any more."))
        if invite.email and invite.email != user.email.lower():
            raise TeamError("invite", _("This invitation is for another email address."))
        existing = membership(user)
        if existing is not None and existing.organisation_id != invite.organisation_id:
            raise TeamError(
                "invite",
                _("You already belong to %(org)s; leave it before joining another.")
                % {"org": existing.organisation.name},
            )
        if existing is None:
            existing = Membership.objects.create(
                organisation=invite.organisation, user=user, team=invite.team
            )
        elif invite.team is not None:
            existing.team = invite.team
            existing.is_lead = False
            existing.save(update_fields=["team", "is_lead"])
        Invite.objects.filter(pk=invite.pk).update(uses=invite.uses + 1)
    return existing


def set_member(
    actor: User, member: Membership, team: Team | None, is_lead: bool, role: str
) -> Membership:
    admin = require_admin(actor)
    if member.organisation_id != admin.organisation_id:
        raise PermissionDenied("another organisation's member")
    if team is not None and team.organisation_id != admin.organisation_id:
        raise PermissionDenied("another organisation's team")
    if role not in Role.values:
        raise TeamError("role", _("Unknown role."))
    if member.user_id == actor.pk and role != Role.ADMIN:
        admins = Membership.objects.filter(organisation=admin.organisation, role=Role.ADMIN)
        if admins.count() == 1:
            raise TeamError("role", _("An organisation needs at least one admin."))
    member.team = team
    member.is_lead = is_lead and team is not None
    member.role = role
    member.save(update_fields=["team", "is_lead", "role"])
    return member


# ---- team breaks ----------------------------------------------------------------------------

TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_times(text: str) -> list[str]:
    """'10:00, 13:30' or 'every 3 hours from 09:00 to 17:00' as sorted HH:MM times."""
    text = text.strip().lower()
    every = re.match(r"^every\s+(\d+(?:\.\d+)?)\s*h(?:ours?)?\s+from\s+(\S+)\s+to\s+(\S+)$", text)
    if every:
        hours = float(every.group(1))
        start, end = (TIME.match(every.group(n)) for n in (2, 3))
        if not (start and end) or not 0.5 <= hours <= 12:
            raise TeamError(
                "times", _("Write it like: every 3 hours from 09:00 to 17:00 (0.5 to 12 hours).")
            )
        at = int(start.group(1)) * 60 + int(start.group(2))
        stop = int(end.group(1)) * 60 + int(end.group(2))
        if stop <= at:
            raise TeamError("times", _("The end must be after the start."))
        times = []
        while at <= stop:
            times.append(f"{at // 60:02d}:{at % 60:02d}")
            at += round(hours * 60)
        return times
    times = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        match = TIME.match(part)
        if match is None:
            raise TeamError("times", _("%(part)s is not a time like 10:00.") % {"part": part})
        times.append(f"{int(match.group(1)):02d}:{match.group(2)}")
    if not times:
        raise TeamError("times", _("Give at least one time, like 10:00, 13:30, 15:30."))
    if len(set(times)) != len(times):
        raise TeamError("times", _("A time is listed twice."))
    return sorted(times)


def schedule_team_break(
    actor: User,
    team: Team,
    routine: str,
    times: list[str],
    weekdays: list[int],
    tz: str,
    playlist_url: str = "",
) -> TeamBreak:
    if not can_manage_team(actor, team):
        raise PermissionDenied("team leads and organisation admins only")
    if not Routine.objects.filter(slug=routine).exists():
        raise TeamError("routine", _("There is no routine called %(r)s.") % {"r": routine})
    if not weekdays or any(d not in range(7) for d in weekdays):
        raise TeamError("weekdays", _("Choose at least one day."))
    try:
        ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise TeamError("tz", _("Unknown time zone %(tz)s.") % {"tz": tz}) from None
    if playlist_url and not playlist_url.startswith("https://"):
        raise TeamError("playlist_url", _("A playlist link must start with https://."))
    return TeamBreak.objects.create(
        team=team,
        routine=routine,
        times=times,
        weekdays=sorted(set(weekdays)),
        tz=tz,
        playlist_url=playlist_url,
        created_by=actor,
    )


def starts_on(team_break: TeamBreak, day: date) -> list[datetime]:
    """The team break's start times on DAY (a local date in its time zone)."""
    if not team_break.active or day.weekday() not in team_break.weekdays:
        return []
    zone = ZoneInfo(team_break.tz)
    return [datetime.combine(day, time.fromisoformat(t), tzinfo=zone) for t in team_break.times]


def occurrence(team_break: TeamBreak, starts_at: datetime) -> Occurrence:
    found, _created = Occurrence.objects.get_or_create(team_break=team_break, starts_at=starts_at)
    return found


def member_team_breaks(user: User, day: date) -> list[tuple[TeamBreak, datetime]]:
    """Team breaks the person takes part in on DAY, with their start times."""
    found = membership(user)
    if found is None or found.team_id is None or not found.team_breaks:
        return []
    return [
        (tb, at)
        for tb in TeamBreak.objects.filter(team_id=found.team_id, active=True)
        for at in starts_on(tb, day)
    ]


def may_see_occurrence(user: User, occ: Occurrence) -> bool:
    found = membership(user)
    if found is None:
        return False
    team = occ.team_break.team
    if found.organisation_id != team.organisation_id:
        return False
    return found.team_id == team.pk or found.is_admin


def join(user: User, occ: Occurrence, now: datetime | None = None) -> Join:
    now = now or timezone.now()
    if not may_see_occurrence(user, occ):
        raise PermissionDenied("not in this team")
    if not occ.starts_at - OPEN_BEFORE <= now <= occ.starts_at + OPEN_AFTER:
        raise TeamError("occurrence", _("This team break is not open now."))
    with transaction.atomic():
        found, created = Join.objects.get_or_create(occurrence=occ, user=user)
        if created:
            activity.refresh(user.pk, [occ.starts_at])
            activity.refresh_team(occ.team_break.team_id, occ.starts_at)
    return found


def live(occ: Occurrence) -> dict[str, object]:
    """How many joined, and the names of those who said their name may be shown."""
    joins = Join.objects.filter(occurrence=occ).select_related("user__membership", "user")
    names = sorted(
        j.user.get_full_name() or j.user.email.split("@")[0]
        for j in joins
        if getattr(j.user, "membership", None) is not None and j.user.membership.show_name
    )
    return {"joined": len(joins), "names": names}
