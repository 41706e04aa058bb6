from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode

from backcare.accounts.models import current_user
from backcare.practice.models import PracticeSession
from backcare.routines.models import Routine
from backcare.safety.models import may_exercise


def player(request: HttpRequest, slug: str) -> HttpResponse:
    routine = get_object_or_404(Routine, slug=slug)
    if not may_exercise(current_user(request)):
        # No current clear answer to the safety question: ask it first.
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('safety-screen')}?{query}")
    return render(
        request,
        "practice/player.html",
        {"routine": routine, "routine_data": routine.definition},
    )


def session_list(request: HttpRequest) -> HttpResponse:
    sessions = PracticeSession.objects.filter(user=current_user(request)).select_related("routine")
    page = Paginator(sessions, 20).get_page(request.GET.get("page"))
    return render(request, "practice/session_list.html", {"page": page})


def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(
        PracticeSession.objects.select_related("routine"), pk=pk, user=current_user(request)
    )
    return render(request, "practice/session_detail.html", {"session": session})
