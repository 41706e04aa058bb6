"""Team pages: your team, managing it, invitations, the team break player, the dashboard."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from backcare.accounts.models import current_user
from backcare.library.models import Routine
from backcare.teams import services
from backcare.teams.models import Invite, Membership, Role, Team, TeamBreak

TEAMS_PER_PAGE = 50
WEEKDAYS = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]


def team_home(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    found = services.membership(user)
    status = 200
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "create-org":
                services.create_organisation(user, request.POST.get("name", ""))
                messages.success(request, _("Organisation made. You are its admin."))
            elif found is None:
                raise PermissionDenied("no organisation")
            elif action == "preferences":
                found.show_name = request.POST.get("show_name") == "on"
                found.team_breaks = request.POST.get("team_breaks") == "on"
                found.save(update_fields=["show_name", "team_breaks"])
                from backcare.reminders.delivery import mark_sync_due

                mark_sync_due(user)
                messages.success(request, _("Saved."))
            elif action == "create-team":
                services.create_team(user, request.POST.get("name", ""))
                messages.success(request, _("Team made."))
            elif action == "invite":
                team = _team_or_none(found, request.POST.get("team", ""))
                invite = services.make_invite(user, team, request.POST.get("email", ""))
                if invite.email:
                    _send_invite(request, invite)
                messages.success(request, _("Invitation made."))
            elif action == "revoke-invite":
                Invite.objects.filter(
                    pk=request.POST.get("invite", "0"), organisation=found.organisation
                ).update(revoked=True)
            elif action == "member":
                member = get_object_or_404(
                    Membership, pk=request.POST.get("member"), organisation=found.organisation
                )
                services.set_member(
                    user,
                    member,
                    _team_or_none(found, request.POST.get("team", "")),
                    request.POST.get("is_lead") == "on",
                    request.POST.get("role", Role.MEMBER),
                )
                messages.success(request, _("Saved."))
            elif action == "team-break":
                team = get_object_or_404(
                    Team, pk=request.POST.get("team"), organisation=found.organisation
                )
                weekdays = [int(d) for d in request.POST.getlist("weekdays") if d.isdigit()]
                services.schedule_team_break(
                    user,
                    team,
                    request.POST.get("routine", "team-dance-break"),
                    services.parse_times(request.POST.get("times", "")),
                    weekdays,
                    request.POST.get("tz", "UTC").strip() or "UTC",
                    request.POST.get("playlist_url", "").strip(),
                )
                _resync(team)
                messages.success(request, _("Team break scheduled."))
            elif action == "stop-team-break":
                tb = get_object_or_404(
                    TeamBreak,
                    pk=request.POST.get("team_break"),
                    team__organisation=found.organisation,
                )
                if not services.can_manage_team(user, tb.team):
                    raise PermissionDenied("not your team")
                tb.active = False
                tb.save(update_fields=["active"])
                _resync(tb.team)
            else:
                raise Http404("unknown action")
        except services.TeamError as exc:
            error = exc.message
            status = 400
        else:
            return redirect("team")
    found = services.membership(user)
    return render(request, "teams/team.html", _context(request, found, error), status=status)


def _team_or_none(found: Membership, pk: str) -> Team | None:
    if not pk:
        return None
    return get_object_or_404(Team, pk=pk, organisation=found.organisation)


def _resync(team: Team) -> None:
    from backcare.reminders.models import ScheduleSettings
    from backcare.reminders.services import forget_feeds

    found = ScheduleSettings.objects.filter(user__membership__team=team)
    found.update(sync_due_at=None)
    forget_feeds(list(found.values_list("feed_token", flat=True)))


def _send_invite(request: HttpRequest, invite: Invite) -> None:
    from django.core.mail import send_mail

    link = request.build_absolute_uri(reverse("invite", args=[invite.token]))
    send_mail(
        _("You are invited to %(org)s on backcare") % {"org": invite.organisation.name},
        _("Join %(org)s on backcare with this link (valid for 14 days):\n\n%(link)s\n")
        % {"org": invite.organisation.name, "link": link},
        None,
        [invite.email],
    )


def _context(request: HttpRequest, found: Membership | None, error: str) -> dict[str, object]:
    user = current_user(request)
    context: dict[str, object] = {"membership": found, "error": error, "weekdays": WEEKDAYS}
    if found is None:
        return context
    today = timezone.localdate()
    upcoming = []
    if found.team_id is not None:
        for tb, at in services.member_team_breaks(user, today) if found.team_breaks else []:
            if at >= timezone.now() - services.OPEN_AFTER:
                upcoming.append((tb, at, reverse("team-break", args=[tb.pk, int(at.timestamp())])))
    context["upcoming"] = upcoming
    context["team_size"] = (
        Membership.objects.filter(team_id=found.team_id).count() if found.team_id else 0
    )
    manageable = [
        t
        for t in Team.objects.filter(organisation=found.organisation)
        if services.can_manage_team(user, t)
    ]
    context["manageable"] = manageable
    context["team_breaks"] = TeamBreak.objects.filter(team__in=manageable, active=True)
    context["routines"] = Routine.objects.order_by("slug").values_list("slug", flat=True)
    if found.is_admin:
        context["teams"] = Team.objects.filter(organisation=found.organisation)
        context["members"] = Membership.objects.filter(
            organisation=found.organisation
        ).select_related("user", "team")
        context["invites"] = [
            (i, request.build_absolute_uri(reverse("invite", args=[i.token])))
            for i in Invite.objects.filter(organisation=found.organisation, revoked=False)
            if i.usable()
        ]
    return context


def invite(request: HttpRequest, token: str) -> HttpResponse:
    user = current_user(request)
    found = Invite.objects.select_related("organisation", "team").filter(token=token).first()
    if found is None or not found.usable():
        return render(request, "teams/invite.html", {"invalid": True}, status=404)
    if request.method == "POST":
        try:
            services.accept_invite(user, token)
        except services.TeamError as exc:
            return render(
                request, "teams/invite.html", {"invite": found, "error": exc.message}, status=400
            )
        from backcare.reminders.delivery import mark_sync_due

        mark_sync_due(user)
        messages.success(request, _("Welcome to %(org)s.") % {"org": found.organisation.name})
        return redirect("team")
    return render(request, "teams/invite.html", {"invite": found})


def team_break(request: HttpRequest, team_break_id: int, epoch: int) -> HttpResponse:
    """The routine, started on every member's screen at the same moment."""
    from backcare.practice.views import player_context
    from backcare.safety.services import safety_status

    user = current_user(request)
    tb = get_object_or_404(TeamBreak.objects.select_related("team"), pk=team_break_id)
    try:
        starts_at = datetime.fromtimestamp(epoch, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise Http404("no such time") from None
    local_day = starts_at.astimezone(ZoneInfo(tb.tz)).date()
    if starts_at not in services.starts_on(tb, local_day):
        raise Http404("the team break is not at that time")
    occ = services.occurrence(tb, starts_at)
    if not services.may_see_occurrence(user, occ):
        raise Http404("not your team")
    status = safety_status(user)
    if status.kind == "stop":
        return redirect("safety-result")
    if status.blocks_exercise:
        return redirect(
            f"{reverse('safety-screen')}?{urlencode({'next': request.get_full_path()})}"
        )
    routine = get_object_or_404(Routine, slug=tb.routine)
    context = player_context(request, routine)
    context.update(
        {
            "occurrence": occ,
            "team_break": tb,
            "start_at": occ.starts_at.isoformat(),
            "team_strings": {
                "startsIn": _("starts together in %(s)s s"),
                "started": _("started together"),
                "late": _("started %(s)s s ago; you are joining late"),
                "joined": _("%(n)s joined."),
                "names": _("With %(names)s."),
            },
        }
    )
    return render(request, "practice/player.html", context)


def dashboard(request: HttpRequest) -> HttpResponse:
    from backcare.teams.dashboard import dashboard_for

    user = current_user(request)
    found = services.membership(user)
    if found is None or not found.is_admin:
        raise PermissionDenied("organisation admins only")
    try:
        weeks = max(1, min(int(request.GET.get("weeks", "8")), 52))
    except ValueError:
        weeks = 8
    board = dashboard_for(found.organisation, weeks)
    # Teams side by side for one week (the latest unless another is chosen),
    # or one team's weeks: a long list of teams stays one short table.
    chosen = board.week_starts[-1]
    with contextlib.suppress(ValueError):
        picked = date.fromisoformat(request.GET.get("week", ""))
        if picked in board.week_starts:
            chosen = picked
    at = board.week_starts.index(chosen)
    team = next((r for r in board.teams if str(r.team_id) == request.GET.get("team")), None)
    # A page of teams at a time: an organisation of 800 teams is 17 short pages.
    page = Paginator(board.teams, TEAMS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "teams/dashboard.html",
        {
            "board": board,
            "weeks": weeks,
            "chosen": chosen,
            "team": team,
            "page": page,
            "team_weeks": [(row, row.weeks[at]) for row in page],
        },
    )
