"""Organisations, teams, team breaks, the employer dashboard and who may see what."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from backcare.accounts.models import User
from backcare.checkins.models import CheckIn
from backcare.core.suppress import MIN_GROUP, REST, suppress
from backcare.library.models import Routine
from backcare.reminders import delivery
from backcare.reminders.models import Reminder
from backcare.teams import activity, services
from backcare.teams.dashboard import dashboard_for
from backcare.teams.models import Invite, Join, Membership, Organisation, Role, Team
from tests.helpers import make_session, make_user, screened, session_body, signed_in
from tests.test_checkins import fill


@pytest.fixture
def org(routines: list[Routine]) -> dict[str, Any]:
    """An organisation: admin, a team with a lead and members, another team, an outsider."""
    admin = make_user("admin")
    organisation = services.create_organisation(admin, "Acme")
    alpha = services.create_team(admin, "Alpha")
    beta = services.create_team(admin, "Beta")
    people: dict[str, Any] = {"org": organisation, "admin": admin, "alpha": alpha, "beta": beta}
    for name, team, lead in [
        ("owner", alpha, False),
        ("mate", alpha, False),
        ("lead", alpha, True),
        ("other", beta, False),
    ]:
        user = make_user(name)
        screened(user)
        services.accept_invite(user, services.make_invite(admin, team).token)
        if lead:
            member = Membership.objects.get(user=user)
            services.set_member(admin, member, alpha, True, Role.MEMBER)
        people[name] = user
    stranger = make_user("stranger")
    services.create_organisation(stranger, "Elsewhere")
    people["stranger"] = stranger
    screened(admin)
    return people


# ---- organisations and invitations -----------------------------------------------------


def test_an_invite_link_brings_people_into_the_organisation_and_team(org: dict[str, Any]) -> None:
    link = services.make_invite(org["admin"], org["beta"])
    newcomer = make_user("newcomer")
    client = signed_in(newcomer)
    page = client.get(f"/invite/{link.token}/")
    assert "Join Acme on backcare?" in page.content.decode()
    assert client.post(f"/invite/{link.token}/").status_code == 302
    assert Membership.objects.get(user=newcomer).team == org["beta"]
    # Someone in another organisation cannot use it.
    refused = signed_in(org["stranger"]).post(f"/invite/{link.token}/")
    assert refused.status_code == 400 and "already belong to Elsewhere" in refused.content.decode()
    Invite.objects.filter(pk=link.pk).update(revoked=True)
    assert signed_in(make_user("late")).get(f"/invite/{link.token}/").status_code == 404


def test_an_email_invitation_is_sent_and_only_for_that_address(org: dict[str, Any]) -> None:
    answer = signed_in(org["admin"]).post(
        "/team/", {"action": "invite", "team": org["alpha"].pk, "email": "Zoe@Example.org"}
    )
    assert answer.status_code == 302
    invite = Invite.objects.get(email="zoe@example.org")
    assert len(mail.outbox) == 1 and invite.token in mail.outbox[0].body
    wrong = signed_in(make_user("yan")).post(f"/invite/{invite.token}/")
    assert "for another email address" in wrong.content.decode()
    zoe = make_user("zoe")
    signed_in(zoe).post(f"/invite/{invite.token}/")
    assert Membership.objects.get(user=zoe).team == org["alpha"]
    assert not Invite.objects.get(pk=invite.pk).usable()  # used once


def test_only_admins_make_teams_and_invitations(org: dict[str, Any]) -> None:
    for name in ("owner", "lead"):
        client = signed_in(org[name])
        assert client.post("/team/", {"action": "create-team", "name": "X"}).status_code == 403
        assert client.post("/team/", {"action": "invite"}).status_code == 403
    assert not Team.objects.filter(name="X").exists()


# ---- team breaks --------------------------------------------------------------------------


def test_times_can_be_listed_or_repeated() -> None:
    assert services.parse_times("15:30, 10:00,13:30") == ["10:00", "13:30", "15:30"]
    assert services.parse_times("every 3 hours from 09:00 to 17:00") == [
        "09:00",
        "12:00",
        "15:00",
    ]
    for bad, message in [
        ("25:00", "not a time"),
        ("10:00, 10:00", "twice"),
        ("", "at least one"),
        ("every 3 hours from 17:00 to 09:00", "after the start"),
    ]:
        with pytest.raises(services.TeamError, match=message):
            services.parse_times(bad)


def schedule(client: Client, team: Team, times: str = "10:00, 15:00", **extra: Any) -> Any:
    body = {
        "action": "team-break",
        "team": team.pk,
        "routine": "team-dance-break",
        "times": times,
        "weekdays": [0, 1, 2, 3, 4, 5, 6],
        "tz": "UTC",
        **extra,
    }
    return client.post("/team/", body)


def test_leads_schedule_their_own_team_and_admins_any(org: dict[str, Any]) -> None:
    assert schedule(signed_in(org["lead"]), org["alpha"]).status_code == 302
    assert schedule(signed_in(org["lead"]), org["beta"]).status_code == 403
    assert schedule(signed_in(org["owner"]), org["alpha"]).status_code == 403
    assert schedule(signed_in(org["admin"]), org["beta"]).status_code == 302
    bad = schedule(signed_in(org["admin"]), org["beta"], playlist_url="http://x.example")
    assert bad.status_code == 400 and "https://" in bad.content.decode()


def soon(minutes: int = 1) -> datetime:
    at = timezone.now().astimezone(UTC) + timedelta(minutes=minutes)
    return at.replace(second=0, microsecond=0)


def test_members_are_reminded_and_personal_breaks_keep_clear(org: dict[str, Any]) -> None:
    at = soon(30)
    schedule(signed_in(org["lead"]), org["alpha"], times=at.strftime("%H:%M"))
    delivery.sync_reminders(org["owner"], force=True)
    team = Reminder.objects.get(user=org["owner"], kind="team")
    assert team.due_at == at and team.routine == "team-dance-break"
    assert team.team_break is not None
    assert delivery.player_url(team) == f"/team-break/{team.team_break.pk}/{int(at.timestamp())}/"
    for r in Reminder.objects.filter(user=org["owner"]).exclude(kind="team"):
        assert r.ends_at <= team.due_at or r.due_at >= team.ends_at
    # Opting out, or answers that need a doctor, mean no team break reminder.
    member = Membership.objects.get(user=org["mate"])
    member.team_breaks = False
    member.save()
    delivery.sync_reminders(org["mate"], force=True)
    assert not Reminder.objects.filter(user=org["mate"], kind="team").exists()
    screened(org["lead"], "emergency")
    delivery.sync_reminders(org["lead"], force=True)
    assert not Reminder.objects.filter(user=org["lead"], kind="team").exists()


def team_break_url(org: dict[str, Any], at: datetime) -> str:
    schedule(signed_in(org["lead"]), org["alpha"], times=at.strftime("%H:%M"))
    tb = org["alpha"].breaks.get()
    return f"/team-break/{tb.pk}/{int(at.timestamp())}/"


def test_the_team_break_page_is_for_the_team_and_respects_safety(org: dict[str, Any]) -> None:
    at = soon(5)
    url = team_break_url(org, at)
    page = signed_in(org["owner"]).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert f'data-start-at="{at.isoformat()}"' in html and "data-tempo=" in html
    assert signed_in(org["admin"]).get(url).status_code == 200
    assert signed_in(org["other"]).get(url).status_code == 404
    assert signed_in(org["stranger"]).get(url).status_code == 404
    assert Client().get(url).status_code == 302
    off_time = url.replace(str(int(at.timestamp())), str(int(at.timestamp()) + 60))
    assert signed_in(org["owner"]).get(off_time).status_code == 404
    screened(org["mate"], "urgent")
    assert signed_in(org["mate"]).get(url)["Location"] == "/safety/result/"


def test_joining_counts_and_names_only_those_who_allow_it(org: dict[str, Any]) -> None:
    at = soon(5)
    url = team_break_url(org, at)
    signed_in(org["owner"]).get(url)
    occ = org["alpha"].breaks.get().occurrences.get()
    Membership.objects.filter(user=org["mate"]).update(show_name=True)
    org["mate"].first_name, org["mate"].last_name = "Mai", "Te"
    org["mate"].save()
    for name in ("owner", "mate"):
        answer = signed_in(org[name]).post(f"/api/v1/team-breaks/{occ.pk}/join")
        assert answer.status_code == 200
    live = signed_in(org["lead"]).get(f"/api/v1/team-breaks/{occ.pk}").json()
    assert live["joined"] == 2 and live["names"] == ["Mai Te"]
    for name in ("other", "stranger"):
        assert signed_in(org[name]).get(f"/api/v1/team-breaks/{occ.pk}").status_code == 404
        assert signed_in(org[name]).post(f"/api/v1/team-breaks/{occ.pk}/join").status_code == 404
    assert Client().get(f"/api/v1/team-breaks/{occ.pk}").status_code == 401
    assert Join.objects.filter(occurrence=occ).count() == 2
    assert Client().get("/api/v1/time").status_code == 200


# ---- the dashboard ----------------------------------------------------------------------------


@given(st.dictionaries(st.sampled_from(["a", "b", "c", "d", "e", REST]), st.integers(0, 12)))
def test_no_group_under_five_can_be_seen_or_worked_out(sizes: dict[str, int]) -> None:
    shown = suppress(sizes)
    total = sum(sizes.values())
    assert shown.total == (total >= MIN_GROUP)
    assert REST not in shown.groups
    for group in shown.groups:
        assert sizes[group] >= MIN_GROUP
    if shown.total:
        hidden = [n for g, n in sizes.items() if g not in shown.groups and n > 0]
        # What subtraction from the total reveals covers at least five people.
        assert not hidden or sum(hidden) >= MIN_GROUP


def populate(org: dict[str, Any], extra_alpha: int, extra_beta: int) -> None:
    routine = Routine.objects.get(slug="desk-reset")
    for n in range(extra_alpha + extra_beta):
        user = make_user(f"p{n}")
        team = org["alpha"] if n < extra_alpha else org["beta"]
        services.accept_invite(user, services.make_invite(org["admin"], team).token)
    for m in Membership.objects.filter(organisation=org["org"]):
        make_session(m.user, routine, started_at=timezone.now() - timedelta(days=1))
    # make_session writes rows directly, past the services that keep the roll-up.
    activity.rebuild()


def test_dashboard_hides_small_teams_and_what_subtraction_would_show(
    org: dict[str, Any],
) -> None:
    # Alpha: owner, mate, lead + 3 = 6 people; Beta: other + 3 = 4; admin in no team.
    populate(org, 3, 3)
    board = dashboard_for(org["org"], weeks=2)
    rows = {r.name: r for r in board.teams}
    assert board.total.shown and board.total.size == 11
    assert not rows["Beta"].shown  # 4 people
    # Beta (4) and the admin outside any team (1) together are 5: Alpha may show.
    assert rows["Alpha"].shown
    assert board.total.weeks[-1]["active"] == 11 or board.total.weeks[-2]["active"] == 11
    # One fewer in Beta: the hidden people would be 4, so Alpha must hide as well.
    Membership.objects.filter(user__username="p5").delete()
    board = dashboard_for(org["org"], weeks=2)
    assert not any(r.shown for r in board.teams) and board.total.shown


def this_week(org: Organisation) -> dict[str, object]:
    board = dashboard_for(org, weeks=2)
    return next(w for w in board.total.weeks if w["week"] == activity.week_of(timezone.now()))


def test_the_dashboard_counts_what_people_do_in_the_app(org: dict[str, Any]) -> None:
    populate(org, 3, 3)
    before = this_week(org["org"])
    now = timezone.now()
    reminder = Reminder.objects.create(
        user=org["owner"],
        day=now.date(),
        ideal_at=now - timedelta(minutes=2),
        kind="micro",
        routine="desk-reset",
        due_at=now - timedelta(minutes=2),
        ends_at=now + timedelta(minutes=3),
    )
    body = session_body(started_at=now.isoformat(), ended_at=now.isoformat(), reminder=reminder.pk)
    owner = signed_in(org["owner"])
    for _ in range(2):  # the same session twice is stored, and counted, once
        answer = owner.post("/api/v1/sessions", json.dumps(body), content_type="application/json")
        assert answer.status_code in (200, 201), answer.content
    url = team_break_url(org, soon(5))
    owner.get(url)
    occ = org["alpha"].breaks.get().occurrences.get()
    for name in ("owner", "mate"):
        assert signed_in(org[name]).post(f"/api/v1/team-breaks/{occ.pk}/join").status_code == 200
    after = this_week(org["org"])
    assert after["breaks"] == before["breaks"] + 1  # type: ignore[operator]
    assert after["joined"] == before["joined"] + 2  # type: ignore[operator]
    assert after["held"] == before["held"] + 1  # type: ignore[operator]
    assert signed_in(org["admin"]).get("/org/dashboard/").status_code == 200


def test_the_dashboard_page_lists_teams_for_a_week_and_one_team_by_weeks(
    org: dict[str, Any],
) -> None:
    populate(org, 3, 4)  # Alpha 6, Beta 5, the admin in no team
    admin = signed_in(org["admin"])
    html = admin.get("/org/dashboard/?weeks=2").content.decode()
    teams = html[html.index('id="teams"') :]
    alpha = teams[teams.index('data-group="Alpha"') :].split("</tr>")[0]
    assert "<td>6</td>" in alpha and f"team={org['alpha'].pk}" in alpha
    monday = activity.week_of(timezone.now())
    assert f'week={monday:%Y-%m-%d}#teams" aria-current="true"' in teams
    # An earlier week can be chosen; a week not on the page falls back to the latest.
    earlier = monday - timedelta(weeks=1)
    html = admin.get(f"/org/dashboard/?weeks=2&week={earlier:%Y-%m-%d}").content.decode()
    assert f'week={earlier:%Y-%m-%d}#teams" aria-current="true"' in html
    html = admin.get("/org/dashboard/?weeks=2&week=1999-01-04").content.decode()
    assert f'week={monday:%Y-%m-%d}#teams" aria-current="true"' in html
    # One team: its own weekly table.
    html = admin.get(f"/org/dashboard/?weeks=2&team={org['alpha'].pk}").content.decode()
    assert 'data-group="Alpha"' in html and 'id="teams"' not in html and "All teams" in html
    # A team too small to show says so instead of giving figures.
    Membership.objects.filter(user__username="p6").delete()  # Beta down to 4
    html = admin.get(f"/org/dashboard/?weeks=2&team={org['beta'].pk}").content.decode()
    assert "figures are hidden" in html and 'data-group="Beta"' not in html


def test_many_teams_are_listed_a_page_at_a_time(org: dict[str, Any]) -> None:
    from backcare.teams.views import TEAMS_PER_PAGE

    for n in range(TEAMS_PER_PAGE):  # with Alpha and Beta, two more than a page holds
        services.create_team(org["admin"], f"Team {n:03}")
    admin = signed_in(org["admin"])
    monday = activity.week_of(timezone.now())
    first = admin.get(f"/org/dashboard/?weeks=2&week={monday:%Y-%m-%d}").content.decode()
    assert first.count('<tr data-group="') == TEAMS_PER_PAGE
    assert 'data-group="Alpha"' in first and 'data-group="Team 047"' in first
    assert f"Teams 1\N{EN DASH}{TEAMS_PER_PAGE} of {TEAMS_PER_PAGE + 2}" in first
    assert "Previous teams" not in first
    next_link = f'week={monday:%Y-%m-%d}&amp;page=2#teams" rel="next"'
    assert next_link in first
    second = admin.get(f"/org/dashboard/?weeks=2&week={monday:%Y-%m-%d}&page=2").content.decode()
    assert second.count('<tr data-group="') == 2
    assert 'data-group="Team 048"' in second and 'data-group="Team 049"' in second
    assert "Next teams" not in second and 'page=1#teams" rel="prev"' in second
    # Choosing another week keeps the page; a page past the end shows the last.
    assert f'week={monday:%Y-%m-%d}&amp;page=2#teams" aria-current="true"' in second
    beyond = admin.get("/org/dashboard/?weeks=2&page=99").content.decode()
    assert 'data-group="Team 049"' in beyond


def test_the_dashboard_is_for_organisation_admins_only(org: dict[str, Any]) -> None:
    populate(org, 3, 3)
    page = signed_in(org["admin"]).get("/org/dashboard/")
    assert page.status_code == 200 and "Participation at Acme" in page.content.decode()
    for name in ("owner", "lead", "other"):
        assert signed_in(org[name]).get("/org/dashboard/").status_code == 403
    # Another organisation's admin sees their own organisation, never this one.
    theirs = signed_in(org["stranger"]).get("/org/dashboard/").content.decode()
    assert "Participation at Elsewhere" in theirs and "Acme" not in theirs
    assert Client().get("/org/dashboard/").status_code == 302
    # Nothing about health is on it.
    fill(org["owner"], 3)
    html = signed_in(org["admin"]).get("/org/dashboard/").content.decode()
    main = html[html.index("<main") : html.index("</main>")].lower()
    assert "pain" not in main and "owner@example.org" not in main


# ---- the access matrix -----------------------------------------------------------------------


def owner_records(user: User) -> dict[str, str]:
    routine = Routine.objects.get(slug="desk-reset")
    session = make_session(user, routine, started_at=timezone.now() - timedelta(hours=1))
    fill(user, 2)
    CheckIn.objects.filter(user=user).update(note="owner-secret-note")
    return {"session": str(session.pk), "day": timezone.localdate().isoformat()}


HEALTH_DETAIL = [
    "/api/v1/sessions/{session}",
    "/api/v1/checkins/{day}",
    "/sessions/{session}/",
]
HEALTH_LISTS = [
    "/api/v1/sessions",
    "/api/v1/checkins",
    "/api/v1/screen",
    "/api/v1/plan",
    "/api/v1/assessment",
    "/api/v1/reminders/history",
    "/progress/",
    "/sessions/",
    "/breaks/",
    "/checkin/",
    "/settings/data/export.zip",
]


@pytest.mark.parametrize("role", ["mate", "lead", "admin", "stranger", "anonymous"])
def test_nobody_but_the_owner_reads_their_health_data(org: dict[str, Any], role: str) -> None:
    keys = owner_records(org["owner"])
    owner = signed_in(org["owner"])
    for template in HEALTH_DETAIL:
        assert owner.get(template.format(**keys)).status_code == 200
    client = Client() if role == "anonymous" else signed_in(org[role])
    for template in HEALTH_DETAIL:
        answer = client.get(template.format(**keys))
        expected = (401, 302) if role == "anonymous" else (404,)
        assert answer.status_code in expected, (role, template, answer.status_code)
    for url in HEALTH_LISTS:
        answer = client.get(url)
        body = answer.content
        assert b"owner-secret-note" not in body, (role, url)
        assert b"owner@example.org" not in body, (role, url)
        if role == "anonymous":
            assert answer.status_code in (401, 302), url
    # The same lists do hold it for the owner: the checks above can fail.
    assert b"owner-secret-note" in owner.get("/api/v1/checkins").content


def test_backcare_demo_makes_an_organisation_to_sign_in_to(cli_env: dict[str, str]) -> None:
    made = subprocess.run(
        [sys.executable, "-m", "backcare", "demo", "--users", "30", "--days", "10"],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert made.returncode == 0, made.stderr
    org = Organisation.objects.get(name="Demo Company")
    assert org.memberships.count() == 30 and org.teams.count() == 2
    assert Reminder.objects.filter(user__membership__organisation=org).exists()
    assert Join.objects.filter(user__membership__organisation=org).exists()
    link = subprocess.run(
        [sys.executable, "-m", "backcare", "login-url", "--user", "demo-00001@example.org"],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "/login/token/" in link.stdout
    board = dashboard_for(org, weeks=2)
    assert board.total.shown and all(r.shown for r in board.teams if r.size >= 5)
    bad = subprocess.run(
        [sys.executable, "-m", "backcare", "demo", "--users", "0"],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "--users" in bad.stderr
