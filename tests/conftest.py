from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client

from backcare.accounts.models import ApiToken, User
from backcare.library.loader import load_builtin_content
from backcare.library.models import Routine
from tests.helpers import database_url, make_user, signed_in

# A shell that starts the suite in the background (`bash .ci/run &`, a CI
# runner's job) hands it Ctrl-C ignored, and every process the tests start
# would inherit that: the tests that press Ctrl-C on `backcare break` or
# `backcare serve` would wait on a program that cannot hear it. A terminal
# gives programs the default; so do the tests.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture
def routines(db: None) -> list[Routine]:
    load_builtin_content()
    return list(Routine.objects.all())


@pytest.fixture
def desk_reset(routines: list[Routine]) -> Routine:
    return Routine.objects.get(slug="desk-reset")


@pytest.fixture
def alice(db: None) -> User:
    return make_user("alice")


@pytest.fixture
def bob(db: None) -> User:
    return make_user("bob")


@pytest.fixture
def alice_client(alice: User) -> Client:
    return signed_in(alice)


@pytest.fixture
def bob_client(bob: User) -> Client:
    return signed_in(bob)


@pytest.fixture
def alice_token(alice: User) -> str:
    _, raw = ApiToken.issue(alice, "test")
    return raw


@pytest.fixture
def cli_env(transactional_db: None, tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment for a `backcare` subprocess that shares the test database."""
    load_builtin_content()
    env = {
        **os.environ,
        "BACKCARE_DATABASE_URL": database_url(),
        "BACKCARE_DATA_DIR": str(tmp_path / "data"),
        "BACKCARE_MODE": "local",
        "DJANGO_SETTINGS_MODULE": "backcare.settings",
        "PYTHONUNBUFFERED": "1",
        "COLUMNS": "100",
    }
    yield env
