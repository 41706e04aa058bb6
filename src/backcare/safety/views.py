from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from backcare.accounts.models import current_user
from backcare.core.safety import Tier, quick_screen_tier
from backcare.safety.forms import QuickScreenForm
from backcare.safety.labels import sign_questions
from backcare.safety.models import SafetyScreen


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


def screen(request: HttpRequest) -> HttpResponse:
    form = QuickScreenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        tier = quick_screen_tier(form.cleaned_data["any_sign"])
        SafetyScreen.objects.create(user=current_user(request), tier=tier)
        if tier == Tier.EMERGENCY:
            return redirect("safety-emergency")
        return redirect(_safe_next(request))
    return render(
        request,
        "safety/screen.html",
        {"form": form, "signs": sign_questions(), "next": _safe_next(request)},
        status=400 if form.errors else 200,
    )


def emergency(request: HttpRequest) -> HttpResponse:
    return render(request, "safety/emergency.html")
