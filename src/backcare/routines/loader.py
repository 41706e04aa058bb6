"""Loading the built-in content files into the database."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from django.db import transaction

from backcare.content import ROUTINES_DIR
from backcare.core.routine import load_routines
from backcare.routines.models import Routine


def load_builtin_content(directory: Path = ROUTINES_DIR) -> int:
    """Validate every routine file, then write them all in one transaction.

    A faulty file raises ContentError before anything is written. Returns the
    number of routines loaded.
    """
    specs = load_routines(directory)
    loaded = 0
    with transaction.atomic():
        for spec in specs:
            definition = spec.model_dump(mode="json")
            digest = hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()
            Routine.objects.update_or_create(
                slug=spec.id,
                defaults={
                    "title": spec.title,
                    "summary": spec.summary,
                    "total_s": round(spec.total_s),
                    "definition": definition,
                    "content_hash": digest,
                },
            )
            loaded += 1
    return loaded
