from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property

from backcare.core.routine import Routine as RoutineSpec


class Routine(models.Model):
    """A guided routine, loaded from the built-in content files.

    ``definition`` is the validated file as JSON; the player runs from it.
    """

    slug = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=80)
    summary = models.TextField()
    total_s = models.PositiveIntegerField()
    definition = models.JSONField()
    content_hash = models.CharField(max_length=64)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    @cached_property
    def spec(self) -> RoutineSpec:
        return RoutineSpec.model_validate(self.definition)

    @property
    def step_count(self) -> int:
        steps: list[Any] = self.definition["steps"]
        return len(steps)
