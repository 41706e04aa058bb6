"""Built-in content: routines as YAML files, validated by backcare.core.routine."""

from __future__ import annotations

from pathlib import Path

CONTENT_DIR = Path(__file__).resolve().parent
ROUTINES_DIR = CONTENT_DIR / "routines"
