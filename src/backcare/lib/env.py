"""Reading settings from the environment, healthchecks-style.

Every helper raises ImproperlyConfigured with a message that names the
variable, so a typo in a deployment fails at start-up and says where.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a yes/no value; use true or false.")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def envstr(name: str, default: str) -> str:
    """A plain string, or the contents of the file named by NAME_FILE (for secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {file_name}: {exc}") from None
    return os.environ.get(name, default)


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def ensure_writable_dir(path: Path, variable: str) -> Path:
    """Create PATH (owner-only) if needed and check we can write there."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise ImproperlyConfigured(
            f"Cannot create the data directory {path} ({exc.strerror}). "
            f"Set {variable} to a directory you can write to."
        ) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise ImproperlyConfigured(
            f"The directory {path} is read-only for this user. "
            f"Set {variable} to a directory you can write to."
        )
    return path


def load_or_create_secret(path: Path) -> str:
    """Read the secret key kept in PATH, creating it (mode 0600) on first run."""
    try:
        existing = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        existing = ""
    except OSError as exc:
        raise ImproperlyConfigured(
            f"Cannot read the secret key file {path} ({exc.strerror}). "
            "Set BACKCARE_SECRET_KEY or BACKCARE_DATA_DIR."
        ) from None
    if existing:
        return existing
    key = secrets.token_urlsafe(50)
    # O_EXCL: if two processes start at once, one writes and the other reads.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key + "\n")
    return key
