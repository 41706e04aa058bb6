from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from backcare.accounts.models import User
from backcare.library.models import Routine
from backcare.practice.models import PracticeSession
from tests.helpers import make_session, session_body

pytestmark = pytest.mark.django_db


def post(client: Client, body: dict[str, Any], **extra: Any) -> Any:
    return client.post(
        "/api/v1/sessions", json.dumps(body), content_type="application/json", **extra
    )


def test_it_records_a_session(alice_client: Client, alice: User, desk_reset: Routine) -> None:
    r = post(alice_client, session_body(feeling="better", pain=2))
    assert r.status_code == 201
    data = r.json()
    assert data["routine"] == "desk-reset"
    assert data["steps_total"] == 8
    assert data["feeling"] == "better" and data["pain"] == 2
    stored = PracticeSession.objects.get()
    assert stored.user == alice and stored.pain == 2


def test_the_same_idempotency_key_twice_stores_one_session(
    alice_client: Client, desk_reset: Routine
) -> None:
    body = session_body()
    first = post(alice_client, body)
    second = post(alice_client, body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert PracticeSession.objects.count() == 1


def test_two_users_may_use_the_same_key(
    alice_client: Client, bob_client: Client, desk_reset: Routine
) -> None:
    body = session_body()
    assert post(alice_client, body).status_code == 201
    assert post(bob_client, body).status_code == 201
    assert PracticeSession.objects.count() == 2


@pytest.mark.parametrize("pain", [-1, 11, 100])
def test_pain_outside_zero_to_ten_is_rejected(
    alice_client: Client, desk_reset: Routine, pain: int
) -> None:
    r = post(alice_client, session_body(pain=pain))
    assert r.status_code == 422
    fields = [err["loc"][-1] for err in r.json()["detail"]]
    assert fields == ["pain"]
    assert not PracticeSession.objects.exists()


def test_malformed_bodies_get_field_errors(alice_client: Client, desk_reset: Routine) -> None:
    r = post(alice_client, {"routine": "desk-reset", "started_at": "yesterday", "feeling": "meh"})
    assert r.status_code == 422
    fields = {err["loc"][-1] for err in r.json()["detail"]}
    assert {"idempotency_key", "started_at", "feeling", "ended_at", "completed"} <= fields


def test_invalid_json_is_a_clear_error(alice_client: Client, desk_reset: Routine) -> None:
    r = alice_client.post("/api/v1/sessions", "{not json", content_type="application/json")
    assert r.status_code in (400, 422)
    assert not PracticeSession.objects.exists()


def test_an_unknown_routine_is_named(alice_client: Client, desk_reset: Routine) -> None:
    r = post(alice_client, session_body(routine="handstand"))
    assert r.status_code == 422
    [err] = r.json()["detail"]
    assert err["loc"][-1] == "routine"
    assert "handstand" in err["msg"]


def test_more_steps_than_the_routine_has_is_rejected(
    alice_client: Client, desk_reset: Routine
) -> None:
    r = post(alice_client, session_body(steps_completed=9))
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"][-1] == "steps_completed"


def test_an_end_before_the_start_is_rejected(alice_client: Client, desk_reset: Routine) -> None:
    r = post(alice_client, session_body(ended_at="2026-11-20T09:00:00+00:00"))
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"][-1] == "ended_at"


def test_the_list_holds_only_your_own_sessions(
    alice_client: Client, alice: User, bob: User, desk_reset: Routine
) -> None:
    mine = make_session(alice, desk_reset)
    make_session(bob, desk_reset)
    r = alice_client.get("/api/v1/sessions")
    assert r.status_code == 200
    assert [s["id"] for s in r.json()["items"]] == [mine.pk]
    assert r.json()["count"] == 1


def test_it_rejects_reading_another_users_session(
    bob_client: Client, alice: User, desk_reset: Routine
) -> None:
    theirs = make_session(alice, desk_reset)
    assert bob_client.get(f"/api/v1/sessions/{theirs.pk}").status_code == 404


def test_a_replayed_key_never_reveals_another_users_session(
    bob_client: Client, alice: User, desk_reset: Routine
) -> None:
    theirs = make_session(alice, desk_reset, pain=9)
    r = post(bob_client, session_body(idempotency_key=str(theirs.idempotency_key), pain=1))
    assert r.status_code == 201
    assert r.json()["pain"] == 1
    assert r.json()["id"] != theirs.pk


def test_anonymous_visitors_get_401(client: Client, alice: User, desk_reset: Routine) -> None:
    make_session(alice, desk_reset)
    assert client.get("/api/v1/sessions").status_code == 401
    assert post(client, session_body()).status_code == 401
    assert client.get("/api/v1/routines").status_code == 401
    assert not PracticeSession.objects.filter(user__isnull=True).exists()
    assert PracticeSession.objects.count() == 1


def test_a_bearer_token_acts_as_its_owner(
    client: Client, alice: User, alice_token: str, desk_reset: Routine
) -> None:
    auth = {"HTTP_AUTHORIZATION": f"Bearer {alice_token}"}
    r = post(client, session_body(), **auth)
    assert r.status_code == 201
    assert PracticeSession.objects.get().user == alice
    assert client.get("/api/v1/sessions", **auth).json()["count"] == 1


def test_a_bearer_token_needs_no_csrf_token_even_where_browsers_do(
    alice: User, alice_token: str, desk_reset: Routine
) -> None:
    strict = Client(enforce_csrf_checks=True)
    r = post(strict, session_body(), HTTP_AUTHORIZATION=f"Bearer {alice_token}")
    assert r.status_code == 201
    wrong = post(strict, session_body(), HTTP_AUTHORIZATION="Bearer bc_wrong")
    assert wrong.status_code == 401


def test_a_wrong_or_revoked_token_is_refused(
    client: Client, alice: User, alice_token: str, desk_reset: Routine
) -> None:
    assert client.get("/api/v1/sessions", HTTP_AUTHORIZATION="Bearer bc_wrong").status_code == 401
    alice.api_tokens.all().delete()
    r = client.get("/api/v1/sessions", HTTP_AUTHORIZATION=f"Bearer {alice_token}")
    assert r.status_code == 401


def test_session_auth_needs_the_csrf_token(alice: User, desk_reset: Routine) -> None:
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(alice)
    r = post(strict, session_body())
    assert r.status_code == 403
    assert not PracticeSession.objects.exists()


def test_routines_are_listed_with_their_steps(alice_client: Client, desk_reset: Routine) -> None:
    listing = alice_client.get("/api/v1/routines").json()
    assert "desk-reset" in [r["id"] for r in listing]
    assert len(listing) >= 12
    detail = alice_client.get("/api/v1/routines/desk-reset").json()
    assert len(detail["steps"]) == detail["step_count"] == 8
    assert detail["steps"][2]["reps"] == 5
    assert alice_client.get("/api/v1/routines/nope").status_code == 404


def test_the_openapi_document_describes_the_api(client: Client) -> None:
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    assert {"/api/v1/routines", "/api/v1/routines/{slug}", "/api/v1/sessions"} <= set(paths)
    assert "post" in paths["/api/v1/sessions"]
