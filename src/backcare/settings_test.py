"""Settings for the test suite: a throw-away data directory, fast hashing.

The database still comes from BACKCARE_DATABASE_URL, so the same suite runs on
SQLite and on PostgreSQL.
"""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("BACKCARE_DATA_DIR", tempfile.mkdtemp(prefix="backcare-test-"))

from backcare.settings import *  # noqa: F403
from backcare.settings import DATA_DIR, DATABASES, STATIC_ROOT

STATIC_ROOT.mkdir(exist_ok=True)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not memory, so that a `backcare serve` started by a browser test
    # can share the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}
