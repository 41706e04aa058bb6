"""Staff add organisation-specific exercises, routines and lessons here.

The definition is written in the same YAML as the built-in files and checked
by the same schema and cross-file rules (backcare.core.content), so an admin
entry can never hold what a content file could not.
"""

from __future__ import annotations

from typing import Any

import yaml
from django import forms
from django.contrib import admin
from django.db import transaction
from pydantic import BaseModel

from backcare.core import content as core
from backcare.core.routine import compile_routine
from backcare.library.loader import builtin_figures, digest, read_references
from backcare.library.models import ContentItem, Exercise, Lesson, Origin, Routine

FORM_SOURCE = "this entry"


class DefinitionForm(forms.ModelForm):  # type: ignore[type-arg]
    model_class: type[BaseModel]
    source = forms.CharField(
        label="Definition (YAML)",
        widget=forms.Textarea(attrs={"rows": 30, "cols": 100, "spellcheck": "false"}),
        help_text="The same format as the built-in files: see docs/CONTENT.md.",
    )

    class Meta:
        fields: list[str] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["source"].initial = yaml.safe_dump(
                self.instance.definition, allow_unicode=True, sort_keys=False
            )

    def clean_source(self) -> Any:
        raw = self.cleaned_data["source"]
        try:
            data = yaml.safe_load(raw)
            spec: Any = core.parse(self.model_class, data, FORM_SOURCE)
        except yaml.YAMLError as exc:
            raise forms.ValidationError(f"Not valid YAML: {exc}") from None
        except core.ContentError as exc:
            raise forms.ValidationError(exc.problems) from None
        model = self._meta.model
        if model.objects.filter(slug=spec.id).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f"id: {spec.id!r} is already used; choose another id.")
        problems = [p for p in self.cross_check(spec) if p.startswith(FORM_SOURCE)]
        if problems:
            raise forms.ValidationError(problems)
        return spec

    def cross_check(self, spec: Any) -> list[str]:
        exercises = {
            e.slug: (e.spec, e.slug) for e in Exercise.objects.exclude(pk=self.instance.pk)
        }
        routines: dict[str, tuple[core.RoutineFile, str]] = {}
        lessons: dict[str, tuple[core.Lesson, str]] = {}
        if isinstance(spec, core.Exercise):
            exercises[spec.id] = (spec, FORM_SOURCE)
        elif isinstance(spec, core.RoutineFile):
            routines[spec.id] = (spec, FORM_SOURCE)
        elif isinstance(spec, core.Lesson):
            lessons[spec.id] = (spec, FORM_SOURCE)
        return core.check_library(
            exercises, routines, lessons, read_references(), set(builtin_figures())
        )

    def save(self, commit: bool = True) -> Any:
        spec = self.cleaned_data["source"]
        item: ContentItem = self.instance
        item.slug = spec.id
        item.title_en, item.title_da = spec.title.en, spec.title.da
        item.definition = spec.model_dump(mode="json")
        item.content_hash = digest(spec)
        item.origin = Origin.CUSTOM
        self.fill(item, spec)
        with transaction.atomic():
            return super().save(commit=commit)

    def fill(self, item: Any, spec: Any) -> None:
        """Set the listing columns computed from the definition."""


class ExerciseForm(DefinitionForm):
    model_class = core.Exercise

    class Meta:
        model = Exercise
        fields: list[str] = []

    def fill(self, item: Any, spec: Any) -> None:
        item.total_s = round(spec.total_s())


class RoutineForm(DefinitionForm):
    model_class = core.RoutineFile

    class Meta:
        model = Routine
        fields: list[str] = []

    def fill(self, item: Any, spec: Any) -> None:
        slugs = {i.exercise for i in spec.items}
        exercises = {e.slug: e.spec for e in Exercise.objects.filter(slug__in=slugs)}
        runnable = compile_routine(spec, exercises, "en")
        item.total_s = round(runnable.total_s)
        item.step_count = len(runnable.steps)


class LessonForm(DefinitionForm):
    model_class = core.Lesson

    class Meta:
        model = Lesson
        fields: list[str] = []

    def fill(self, item: Any, spec: Any) -> None:
        item.order = spec.order
        item.reading_minutes = spec.reading_minutes


class ContentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title_en", "slug", "origin", "updated_at")
    list_filter = ("origin",)
    search_fields = ("slug", "title_en", "title_da")
    readonly_fields = ("origin", "updated_at")

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        # Built-in items come from the files and are reloaded on every start.
        if obj is not None and obj.origin == Origin.BUILTIN:
            return False
        return super().has_change_permission(request, obj)


@admin.register(Exercise)
class ExerciseAdmin(ContentAdmin):
    form = ExerciseForm


@admin.register(Routine)
class RoutineAdmin(ContentAdmin):
    form = RoutineForm


@admin.register(Lesson)
class LessonAdmin(ContentAdmin):
    form = LessonForm
