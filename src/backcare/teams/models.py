"""Organisations, teams, invitations and team breaks.

Nothing here holds health data. A team break records who joined it, which is
participation, never pain or symptoms; names are shown only for members who
said so.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Organisation(models.Model):
    name = models.CharField(max_length=120)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    ADMIN = "admin", _("Organisation admin")


class Membership(models.Model):
    """A person's place in an organisation (one organisation per person) and team."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    # One team per person, so team figures add up to the organisation's.
    team = models.ForeignKey(
        "Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    is_lead = models.BooleanField(default=False)
    # Shown by name in a team break's live count only when the person says so.
    show_name = models.BooleanField(default=False)
    team_breaks = models.BooleanField(default=True, help_text="Takes part in team breaks.")
    joined_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.user_id} in {self.organisation_id}"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


class Team(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=120)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="team_name_per_org")
        ]

    def __str__(self) -> str:
        return self.name


def new_invite_token() -> str:
    return secrets.token_urlsafe(24)


def invite_expiry() -> object:
    return timezone.now() + timedelta(days=14)


class Invite(models.Model):
    """A link into an organisation (and maybe a team); with an email, for that person only."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invites")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE)
    token = models.CharField(max_length=64, unique=True, default=new_invite_token)
    email = models.EmailField(blank=True, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(default=invite_expiry)
    revoked = models.BooleanField(default=False)
    uses = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"invite to {self.organisation_id}"

    def usable(self) -> bool:
        single_use_done = bool(self.email) and self.uses > 0
        return not self.revoked and not single_use_done and self.expires_at > timezone.now()


class TeamBreak(models.Model):
    """A recurring team break: the same routine for the whole team at set times."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="breaks")
    routine = models.CharField(max_length=100, default="team-dance-break")
    # Local times "HH:MM" on the chosen weekdays (0 = Monday), in the team's time zone.
    times = models.JSONField(default=list)
    weekdays = models.JSONField(default=list)
    tz = models.CharField(max_length=64, default="UTC")
    playlist_url = models.URLField(blank=True, default="")
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.routine} for {self.team_id}"


class Occurrence(models.Model):
    """One team break at one moment; every member's screen starts it at ``starts_at``."""

    team_break = models.ForeignKey(TeamBreak, on_delete=models.CASCADE, related_name="occurrences")
    starts_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["team_break", "starts_at"], name="one_occurrence")
        ]

    def __str__(self) -> str:
        return f"{self.team_break_id} at {self.starts_at:%Y-%m-%d %H:%M}"


class Join(models.Model):
    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="joins")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_break_joins"
    )
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["occurrence", "user"], name="one_join")]

    def __str__(self) -> str:
        return f"{self.user_id} joined {self.occurrence_id}"


class WeekActivity(models.Model):
    """One person's participation in one week, kept in step with the records it counts.

    The employer dashboard reads these instead of every reminder, routine and
    join (see ``teams.activity``). Counts only; nothing about health.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The Monday the week starts on, in the site's time zone.
    week = models.DateField()
    breaks = models.PositiveIntegerField(default=0, help_text="Personal breaks taken.")
    routines = models.PositiveIntegerField(default=0, help_text="Routines finished.")
    joined = models.PositiveIntegerField(default=0, help_text="Team breaks joined.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "week"], name="one_week_row")]
        # Covers the dashboard's read, so it never visits the table itself.
        indexes = [
            models.Index(
                fields=["user", "week", "breaks", "routines", "joined"], name="week_activity_read"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in week {self.week}"


class TeamWeek(models.Model):
    """How many of a team's breaks in one week at least one person joined (see WeekActivity)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    week = models.DateField()
    held = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "week"], name="one_team_week_row")]

    def __str__(self) -> str:
        return f"{self.team_id} in week {self.week}"
