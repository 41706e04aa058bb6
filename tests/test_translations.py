"""Every user interface string has a Danish translation.

Runs Django's makemessages on a copy of the source, so a string added to a
template or to Python code without a translation fails here, not in front of
a Danish user. Needs GNU gettext (apt-get install gettext); CI installs it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import backcare

PACKAGE = Path(backcare.__file__).resolve().parent


@pytest.fixture(scope="module")
def fresh_catalogue(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not shutil.which("msgattrib"):
        message = "GNU gettext is needed: apt-get install gettext"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    copy = tmp_path_factory.mktemp("src") / "backcare"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "content"))
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "backcare.settings"}
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "da", "--add-location=file"],
        cwd=copy,
        env=env,
        check=True,
        capture_output=True,
    )
    return copy / "locale/da/LC_MESSAGES/django.po"


def entries(flag: str, catalogue: Path) -> str:
    return subprocess.run(
        ["msgattrib", flag, "--no-wrap", str(catalogue)], check=True, capture_output=True, text=True
    ).stdout


def test_every_string_has_a_danish_translation(fresh_catalogue: Path) -> None:
    missing = entries("--untranslated", fresh_catalogue)
    assert missing == "", f"untranslated strings (run makemessages -l da):\n{missing}"


def test_no_translation_is_marked_fuzzy(fresh_catalogue: Path) -> None:
    fuzzy = entries("--only-fuzzy", fresh_catalogue)
    assert fuzzy == "", f"fuzzy translations to review:\n{fuzzy}"


def test_the_compiled_catalogue_is_shipped() -> None:
    assert (PACKAGE / "locale/da/LC_MESSAGES/django.mo").stat().st_size > 1000
