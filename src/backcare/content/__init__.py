"""Built-in content: exercises, routines, lessons and figures as YAML files.

The format is checked by backcare.core.content; authors' guide: docs/CONTENT.md.
"""

from __future__ import annotations

from pathlib import Path

CONTENT_DIR = Path(__file__).resolve().parent
ROUTINES_DIR = CONTENT_DIR / "routines"
FIGURES_DIR = CONTENT_DIR / "figures"
