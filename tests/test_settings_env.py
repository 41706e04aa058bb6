from __future__ import annotations

import stat
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from backcare.lib.env import ensure_writable_dir, envbool, envint, envstr, load_or_create_secret


def test_the_secret_key_is_made_once_and_readable_by_the_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "secret_key"
    first = load_or_create_secret(path)
    assert len(first) >= 50
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_secret(path) == first


def test_a_read_only_directory_names_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root may write anywhere, so pretend the permission check says no.
    monkeypatch.setattr("backcare.lib.env.os.access", lambda *_: False)
    with pytest.raises(ImproperlyConfigured) as err:
        ensure_writable_dir(tmp_path, "BACKCARE_DATA_DIR")
    assert str(tmp_path) in str(err.value)
    assert "Set BACKCARE_DATA_DIR" in str(err.value)


def test_yes_no_values_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKCARE_DEBUG", "yes")
    assert envbool("BACKCARE_DEBUG", False) is True
    monkeypatch.setenv("BACKCARE_DEBUG", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="BACKCARE_DEBUG='perhaps'"):
        envbool("BACKCARE_DEBUG", False)


def test_numbers_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BACKCARE_HSTS_SECONDS", "ten")
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        envint("BACKCARE_HSTS_SECONDS", 0)


def test_secrets_can_come_from_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "key"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("BACKCARE_SECRET_KEY_FILE", str(secret))
    assert envstr("BACKCARE_SECRET_KEY", "") == "from-a-file"


def test_the_database_url_chooses_the_engine_and_its_tuning(db: None) -> None:
    from django.conf import settings
    from django.db import connection

    config = settings.DATABASES["default"]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
        assert config["OPTIONS"]["timeout"] == 20
        assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    else:
        assert connection.vendor == "postgresql"
        assert config["ENGINE"] == "django.db.backends.postgresql"
        assert config["CONN_MAX_AGE"] == 600
        assert config["CONN_HEALTH_CHECKS"] is True
