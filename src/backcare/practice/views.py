from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from backcare.accounts.models import current_user
from backcare.library.loader import builtin_figures
from backcare.library.models import Routine
from backcare.library.services import compiled
from backcare.practice.models import PracticeSession
from backcare.safety.services import safety_status


def player_strings() -> dict[str, str]:
    """The words the player's script shows, in the page's language."""
    return {
        "step": _("Step %(number)s of %(total)s"),
        "left": _("left side"),
        "right": _("right side"),
        "reps": _("%(rep)s of %(reps)s"),
        "in": _("Breathe in"),
        "hold": _("Hold"),
        "out": _("Breathe out"),
        "pause": _("Pause"),
        "resume": _("Resume"),
        "done": _("Done. How does your back feel now?"),
        "painError": _("Pain must be a whole number from 0 to 10."),
        "saved": _("Saved. You can find it under Your sessions."),
        "retrying": _(
            "The server is not answering right now. Your result is kept in this browser "
            "and will be saved as soon as it answers: you can leave this page."
        ),
        "rejected": _("Could not save: %(reason)s"),
    }


def player(request: HttpRequest, slug: str) -> HttpResponse:
    routine = get_object_or_404(Routine, slug=slug)
    status = safety_status(current_user(request))
    if status.kind == "stop":
        # Urgent or emergency answers: say what to do, never start.
        return redirect("safety-result")
    if status.blocks_exercise:
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('safety-screen')}?{query}")
    return render(request, "practice/player.html", player_context(request, routine))


def player_context(request: HttpRequest, routine: Routine) -> dict[str, Any]:
    runnable = compiled(routine, "da" if get_language() == "da" else "en")
    figures = builtin_figures()
    return {
        "routine": routine,
        "runnable": runnable,
        "routine_data": runnable.model_dump(mode="json"),
        "player_strings": player_strings(),
        "figure_alts": {
            step.pose: figures[step.pose].alt.get(runnable.lang) for step in runnable.steps
        },
    }


def session_list(request: HttpRequest) -> HttpResponse:
    sessions = PracticeSession.objects.filter(user=current_user(request)).select_related("routine")
    page = Paginator(sessions, 20).get_page(request.GET.get("page"))
    return render(request, "practice/session_list.html", {"page": page})


def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(
        PracticeSession.objects.select_related("routine"), pk=pk, user=current_user(request)
    )
    return render(request, "practice/session_detail.html", {"session": session})
