from __future__ import annotations

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from backcare import __version__
from backcare.accounts.models import current_user
from backcare.library.models import Routine
from backcare.practice.models import PracticeSession
from backcare.safety.services import safety_status


def home(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    from backcare.library.views import lang
    from backcare.plans.views import today_context

    today = today_context(user, lang())
    if today is not None:
        return render(request, "plans/today.html", today)
    recent = PracticeSession.objects.filter(user=user).select_related("routine")[:3]
    return render(
        request,
        "front/home.html",
        {
            "routines": Routine.objects.all(),
            "recent": recent,
            "screened": not safety_status(user).blocks_exercise,
        },
    )


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse(
            {"status": "unavailable", "database": "unreachable", "version": __version__},
            status=503,
        )
    return JsonResponse({"status": "ok", "database": "ok", "version": __version__})


def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served from the root so that it may cover every page."""
    from django.contrib.staticfiles import finders

    path = finders.find("backcare/js/sw.js")
    assert isinstance(path, str)
    with open(path, encoding="utf-8") as f:
        response = HttpResponse(f.read(), content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
