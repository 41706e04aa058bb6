"""Exercises, routines and lessons, stored from the content files or the admin.

``definition`` holds the validated file as JSON (backcare.core.content); the
other columns are copies kept for listing and sorting.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property

from backcare.core import content as core


class Origin(models.TextChoices):
    BUILTIN = "builtin", "Built in"
    CUSTOM = "custom", "Added by staff"


class ContentItem(models.Model):
    slug = models.SlugField(max_length=60, unique=True)
    title_en = models.CharField(max_length=120)
    title_da = models.CharField(max_length=120)
    definition = models.JSONField()
    origin = models.CharField(max_length=8, choices=Origin.choices, default=Origin.CUSTOM)
    content_hash = models.CharField(max_length=64, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title_en

    def title(self, lang: str) -> str:
        return self.title_da if lang == "da" else self.title_en


class Exercise(ContentItem):
    total_s = models.PositiveIntegerField()

    class Meta:
        ordering = ["title_en"]

    @cached_property
    def spec(self) -> core.Exercise:
        return core.Exercise.model_validate(self.definition)


class Routine(ContentItem):
    total_s = models.PositiveIntegerField()
    step_count = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["total_s", "title_en"]

    @cached_property
    def spec(self) -> core.RoutineFile:
        return core.RoutineFile.model_validate(self.definition)


class Lesson(ContentItem):
    order = models.PositiveSmallIntegerField()
    reading_minutes = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["order"]

    @cached_property
    def spec(self) -> core.Lesson:
        return core.Lesson.model_validate(self.definition)
