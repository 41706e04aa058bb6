"""Schemathesis against the OpenAPI document: every endpoint, signed in, bounded examples.

No answer may be a server error, and every answer must match the schema the API publishes.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from backcare.accounts.models import ApiToken, User
from backcare.library.loader import load_builtin_content
from tests.helpers import make_user, screened

EXAMPLES = 25


@pytest.fixture
def api_schema(db: None) -> Iterator[Any]:
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from backcare.wsgi import application

    load_builtin_content()
    # As Django's test client does: the test's transaction must outlive each request.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def token(db: None) -> str:
    user: User = make_user("fuzz")
    screened(user)
    _, raw = ApiToken.issue(user, "fuzz")
    return str(raw)


def test_the_api_never_fails_and_keeps_its_schema(api_schema: Any, token: str) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    checks = [not_a_server_error, response_schema_conformance, content_type_conformance]
    failures: list[str] = []
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 30

    for operation in operations:

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            # The same examples on every run, so CI never flakes; change
            # EXAMPLES or run with --hypothesis-seed to explore further.
            derandomize=True,
        )
        @given(case=operation.as_strategy())
        def run(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=checks)

        try:
            run()
        except Exception as exc:  # one line per failing endpoint, then go on
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}"[:2000])
    assert not failures, "\n\n".join(failures)
