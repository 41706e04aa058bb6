from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from backcare.accounts.models import User, current_user
from backcare.front.forms import focus_first_error
from backcare.library.models import Lesson, Routine
from backcare.plans.forms import STEPS, to_json
from backcare.plans.labels import PHASES, why_text
from backcare.plans.models import Assessment, PlanChange, PlanState
from backcare.plans.services import start_plan, week_for
from backcare.practice.models import PracticeSession


def draft_for(user: User) -> Assessment:
    draft = Assessment.objects.filter(user=user, completed_at__isnull=True).first()
    return draft or Assessment.objects.create(user=user)


def assessment(request: HttpRequest, step: int = 0) -> HttpResponse:
    user = current_user(request)
    draft = draft_for(user)
    if not 1 <= step <= len(STEPS):
        return redirect("assessment-step", step=min(draft.step, len(STEPS)))
    form_class = STEPS[step - 1]
    if request.method == "POST":
        if "back" in request.POST:
            return redirect("assessment-step", step=max(1, step - 1))
        form = form_class(request.POST)
        if form.is_valid():
            draft.answers = {**draft.answers, **to_json(form.cleaned_data)}
            draft.step = max(draft.step, step + 1)
            if "later" in request.POST:
                draft.save()
                return redirect("home")
            if step == len(STEPS):
                draft.completed_at = timezone.now()
                draft.save()
                start_plan(user, draft)
                return redirect("plan")
            draft.save()
            return redirect("assessment-step", step=step + 1)
        focus_first_error(form)
    else:
        form = form_class(initial=draft.answers)
    return render(
        request,
        "plans/assessment.html",
        {"form": form, "step": step, "steps": len(STEPS), "title": form_class.title},
        status=400 if form.errors else 200,
    )


def day_view(record_data: dict[str, Any], day: date, titles: dict[str, str]) -> dict[str, Any]:
    iso = day.isoformat()
    return {
        "day": day,
        "slots": [
            {**s, "title": titles.get(s["routine"], s["routine"]), "why_text": why_text(s["why"])}
            for s in record_data["slots"]
            if s["day"] == iso
        ],
        "walk": next((w for w in record_data["walks"] if w["day"] == iso), None),
        "lesson": next((x["lesson"] for x in record_data["lessons"] if x["day"] == iso), None),
    }


def plan_context(user: User, lang: str) -> dict[str, Any] | None:
    record = week_for(user)
    if record is None:
        return None
    data = record.data
    titles = {r.slug: r.title(lang) for r in Routine.objects.all()}
    lessons = {x.slug: x for x in Lesson.objects.all()}
    from datetime import timedelta

    days = [day_view(data, record.week_start + timedelta(days=i), titles) for i in range(7)]
    for d in days:
        d["lesson_obj"] = lessons.get(d["lesson"] or "")
    week_end = record.week_start + timedelta(days=7)
    walked_s = sum(
        s.active_s
        for s in PracticeSession.objects.filter(
            user=user,
            routine__slug="walking-break",
            started_at__date__gte=record.week_start,
            started_at__date__lt=week_end,
        )
    )
    state = PlanState.objects.get(user=user)
    return {
        "record": record,
        "phase": PHASES[data["phase"]],
        "whys": [why_text(w) for w in data["whys"]],
        "walking_why": why_text(data["walking_why"]),
        "lesson_why": why_text(data["lesson_why"]),
        "days": days,
        "walked_min": walked_s // 60,
        "state": state,
        "changes": [
            {
                "at": c.created_at,
                "from": c.from_level,
                "to": c.to_level,
                "texts": [why_text(w) for w in c.whys],
            }
            for c in PlanChange.objects.filter(user=user)[:5]
        ],
    }


def plan(request: HttpRequest) -> HttpResponse:
    from backcare.library.views import lang

    context = plan_context(current_user(request), lang())
    if context is None:
        return redirect("assessment")
    return render(request, "plans/plan.html", context)


def today_context(user: User, lang: str) -> dict[str, Any] | None:
    context = plan_context(user, lang)
    if context is None:
        return None
    now = timezone.localtime()
    today = next(d for d in context["days"] if d["day"] == now.date())
    done_today = set(
        PracticeSession.objects.filter(user=user, started_at__date=now.date()).values_list(
            "routine__slug", flat=True
        )
    )
    upcoming = [s for s in today["slots"] if s["at"] >= now.strftime("%H:%M")]
    return {
        **context,
        "today": today,
        "next_slot": upcoming[0] if upcoming else None,
        "done_today": done_today,
    }
