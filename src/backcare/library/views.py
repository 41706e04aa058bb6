from __future__ import annotations

from functools import lru_cache

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.views.decorators.cache import cache_control

from backcare.core.figure import render_svg
from backcare.core.search import ExerciseFilter, filter_exercises
from backcare.library import labels
from backcare.library.forms import ExerciseFilterForm
from backcare.library.loader import builtin_figures, read_references
from backcare.library.models import Exercise, Lesson, Routine
from backcare.library.services import compiled


def lang() -> str:
    return "da" if get_language() == "da" else "en"


def exercise_list(request: HttpRequest) -> HttpResponse:
    form = ExerciseFilterForm(request.GET)
    wanted = form.to_filter() if form.is_valid() else ExerciseFilter()
    specs = [exercise.spec for exercise in Exercise.objects.all()]
    results = filter_exercises(specs, wanted, lang())
    return render(
        request,
        "library/exercise_list.html",
        {"form": form, "results": results, "total": len(specs), "labels": labels, "lang": lang()},
    )


def exercise_detail(request: HttpRequest, slug: str) -> HttpResponse:
    exercise = get_object_or_404(Exercise, slug=slug)
    spec = exercise.spec
    linked = {
        e.slug: e
        for e in Exercise.objects.filter(
            slug__in=[s for s in (spec.regression, spec.progression) if s]
        )
    }
    figures = builtin_figures()
    references = read_references()
    return render(
        request,
        "library/exercise_detail.html",
        {
            "exercise": exercise,
            "spec": spec,
            "lang": lang(),
            "labels": labels,
            "regression": linked.get(spec.regression or ""),
            "progression": linked.get(spec.progression or ""),
            "alts": {step.pose: figures[step.pose].alt.get(lang()) for step in spec.steps},
            "citations": [references.get(key, key) for key in spec.sources],
            "used_in": [
                r for r in Routine.objects.all() if any(i.exercise == slug for i in r.spec.items)
            ],
        },
    )


def routine_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "library/routine_list.html", {"routines": Routine.objects.all(), "lang": lang()}
    )


def routine_detail(request: HttpRequest, slug: str) -> HttpResponse:
    routine = get_object_or_404(Routine, slug=slug)
    runnable = compiled(routine, lang())
    references = read_references()
    return render(
        request,
        "library/routine_detail.html",
        {
            "routine": routine,
            "runnable": runnable,
            "lang": lang(),
            "citations": [references.get(key, key) for key in runnable.sources],
        },
    )


def lesson_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "library/lesson_list.html", {"lessons": Lesson.objects.all(), "lang": lang()}
    )


def lesson_detail(request: HttpRequest, slug: str) -> HttpResponse:
    lesson = get_object_or_404(Lesson, slug=slug)
    spec = lesson.spec
    references = read_references()
    return render(
        request,
        "library/lesson_detail.html",
        {
            "lesson": lesson,
            "spec": spec,
            "lang": lang(),
            "paragraphs": [p.strip() for p in spec.body.get(lang()).split("\n\n") if p.strip()],
            "citations": [references.get(key, key) for key in spec.sources],
        },
    )


def figure_gallery(request: HttpRequest) -> HttpResponse:
    figures = builtin_figures()
    users: dict[str, list[str]] = {}
    for exercise in Exercise.objects.all():
        for step in exercise.spec.steps:
            users.setdefault(step.pose, [])
            if exercise.title(lang()) not in users[step.pose]:
                users[step.pose].append(exercise.title(lang()))
    return render(
        request,
        "library/figure_gallery.html",
        {
            "figures": [
                (key, svg_markup(key, lang(), False, False), users.get(key, []))
                for key in sorted(figures)
            ],
        },
    )


@lru_cache(maxsize=512)
def svg_markup(key: str, language: str, mirrored: bool, still: bool) -> str:
    return render_svg(builtin_figures()[key], language, mirrored=mirrored, animated=not still)


@cache_control(max_age=3600, private=True)
def figure_svg(request: HttpRequest, key: str) -> HttpResponse:
    if key not in builtin_figures():
        raise Http404("no such figure")
    markup = svg_markup(
        key, lang(), request.GET.get("side") == "right", request.GET.get("still") == "1"
    )
    return HttpResponse(markup, content_type="image/svg+xml")
