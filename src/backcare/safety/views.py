from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from backcare.accounts.models import current_user
from backcare.core.triage import Tier
from backcare.front.forms import focus_first_error
from backcare.safety.forms import ScreenForm
from backcare.safety.labels import TIER_HEADINGS, reason_message
from backcare.safety.models import latest_screen
from backcare.safety.services import record_screen


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


def screen(request: HttpRequest) -> HttpResponse:
    form = ScreenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        _, result = record_screen(current_user(request), form.screen_input())
        if result.tier == Tier.NONE:
            return redirect(_safe_next(request))
        return redirect(f"/safety/result/?next={_safe_next(request)}")
    focus_first_error(form)
    return render(
        request,
        "safety/screen.html",
        {"form": form, "next": _safe_next(request)},
        status=400 if form.errors else 200,
    )


def result(request: HttpRequest) -> HttpResponse:
    latest = latest_screen(current_user(request))
    if latest is None:
        return redirect("safety-screen")
    tier = latest.tier_value
    return render(
        request,
        "safety/result.html",
        {
            "screen": latest,
            "tier": tier.label,
            "heading": TIER_HEADINGS[tier],
            "reasons": [reason_message(code) for code in latest.reasons],
            "next": _safe_next(request),
        },
    )


@require_POST
def clinician_seen(request: HttpRequest) -> HttpResponse:
    latest = latest_screen(current_user(request))
    if latest is not None and latest.tier_value == Tier.SOON:
        latest.clinician_seen_at = timezone.now()
        latest.save(update_fields=["clinician_seen_at"])
    return redirect(_safe_next(request))
