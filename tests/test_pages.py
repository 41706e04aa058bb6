from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from backcare.accounts.models import LoginToken, User
from backcare.accounts.services import local_owner, login_url, redeem_login_token
from backcare.library.models import Routine
from backcare.safety.models import SafetyScreen
from tests.helpers import CLEAR_SCREEN, make_session, screened

pytestmark = pytest.mark.django_db

PRIVATE_PAGES = ["/", "/sessions/", "/break/desk-reset/", "/safety/", "/settings/api-tokens/"]


@pytest.mark.parametrize("path", PRIVATE_PAGES)
def test_anonymous_visitors_are_sent_to_the_locked_page(
    client: Client, desk_reset: Routine, path: str
) -> None:
    r = client.get(path)
    assert r.status_code == 302
    assert r["Location"].startswith("/locked/")


def test_the_locked_page_says_how_to_get_in(client: Client) -> None:
    r = client.get("/locked/")
    assert r.status_code == 200
    assert b"backcare login-url" in r.content


def test_the_home_page_offers_the_desk_reset(alice_client: Client, desk_reset: Routine) -> None:
    r = alice_client.get("/")
    assert r.status_code == 200
    assert b"5-minute desk reset" in r.content
    assert b'href="/break/desk-reset/"' in r.content
    assert b"None yet" in r.content


def test_the_player_asks_the_safety_question_first(
    alice_client: Client, desk_reset: Routine
) -> None:
    r = alice_client.get("/break/desk-reset/")
    assert r.status_code == 302
    assert r["Location"] == "/safety/?next=%2Fbreak%2Fdesk-reset%2F"


def test_answering_no_leads_on_to_the_routine(
    alice_client: Client, alice: User, desk_reset: Routine
) -> None:
    r = alice_client.post("/safety/", {**CLEAR_SCREEN, "next": "/break/desk-reset/"})
    assert r.status_code == 302 and r["Location"] == "/break/desk-reset/"
    assert SafetyScreen.objects.get(user=alice).tier == "none"
    page = alice_client.get("/break/desk-reset/")
    assert page.status_code == 200
    assert b'id="routine-data"' in page.content
    assert b"Stop rule" in page.content


def test_saddle_numbness_stops_here_and_says_to_get_emergency_care(
    alice_client: Client, alice: User, desk_reset: Routine
) -> None:
    answers = {**CLEAR_SCREEN, "none_apply": "", "saddle_numbness": "on"}
    r = alice_client.post("/safety/", {**answers, "next": "/break/desk-reset/"}, follow=True)
    assert b"Please get medical help now" in r.content
    assert b"<strong>Call 112</strong>" in r.content
    assert b"Numbness between the legs" in r.content
    # No routine starts until the questions are answered clear again.
    for routine in Routine.objects.all():
        again = alice_client.get(f"/break/{routine.slug}/")
        assert again.status_code == 302 and again["Location"] == "/safety/result/"


def test_the_emergency_number_is_set_per_install(
    alice_client: Client, desk_reset: Routine, settings: object
) -> None:
    settings.EMERGENCY_NUMBER = "999"  # type: ignore[attr-defined]
    answers = {**CLEAR_SCREEN, "none_apply": "", "bowel_change": "on"}
    r = alice_client.post("/safety/", answers, follow=True)
    assert b"Call 999" in r.content


def test_the_safety_questions_must_be_answered(alice_client: Client, alice: User) -> None:
    r = alice_client.post("/safety/", {"age": "40", "duration_weeks": "2", "first_episode": "no"})
    assert r.status_code == 400
    assert "or tick “None of the signs above apply to me”" in r.content.decode()
    contradicting = {**CLEAR_SCREEN, "fever": "on"}
    r = alice_client.post("/safety/", contradicting)
    assert "You ticked a sign and also “none of these”" in r.content.decode()
    assert not SafetyScreen.objects.exists()


def test_a_screen_older_than_four_weeks_is_asked_again(
    alice_client: Client, alice: User, desk_reset: Routine
) -> None:
    old = screened(alice)
    SafetyScreen.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(weeks=5))
    assert alice_client.get("/break/desk-reset/").status_code == 302


def test_next_never_leads_off_site(alice_client: Client, alice: User) -> None:
    r = alice_client.post("/safety/", {**CLEAR_SCREEN, "next": "https://evil.example/"})
    assert r["Location"] == "/"


def test_an_unknown_routine_is_404(alice_client: Client, alice: User, desk_reset: Routine) -> None:
    screened(alice)
    assert alice_client.get("/break/handstand/").status_code == 404


def test_your_sessions_lists_only_yours(
    alice_client: Client, alice: User, bob: User, desk_reset: Routine
) -> None:
    make_session(alice, desk_reset, feeling="better", pain=2)
    make_session(bob, desk_reset, feeling="worse", pain=8)
    r = alice_client.get("/sessions/")
    assert r.status_code == 200
    assert r.content.count(b"<tr>") == 2  # header row and alice's one session
    assert b"Better" in r.content or b"better" in r.content
    assert b"worse" not in r.content.lower().split(b"<tbody>")[1]


def test_the_sessions_page_has_an_empty_state(alice_client: Client, desk_reset: Routine) -> None:
    r = alice_client.get("/sessions/")
    assert b"No sessions yet" in r.content


def test_it_rejects_another_users_session_page(
    bob_client: Client, alice: User, desk_reset: Routine
) -> None:
    theirs = make_session(alice, desk_reset)
    assert bob_client.get(f"/sessions/{theirs.pk}/").status_code == 404


def test_the_owner_sees_their_session_page(
    alice_client: Client, alice: User, desk_reset: Routine
) -> None:
    mine = make_session(alice, desk_reset, pain=4)
    r = alice_client.get(f"/sessions/{mine.pk}/")
    assert r.status_code == 200
    assert b"4 out of 10" in r.content


def test_a_login_link_works_once(client: Client, desk_reset: Routine) -> None:
    owner = local_owner()
    url = login_url("http://testserver", owner)
    path = url.removeprefix("http://testserver")
    first = client.get(path)
    assert first.status_code == 302 and first["Location"] == "/"
    assert client.get("/").status_code == 200
    other = Client()
    second = other.get(path)
    assert second.status_code == 403
    assert b"backcare login-url" in second.content


def test_an_expired_login_link_is_refused(alice: User) -> None:
    raw = LoginToken.issue(alice, timedelta(minutes=15), now=timezone.now() - timedelta(hours=1))
    assert redeem_login_token(raw) is None


def test_the_first_local_run_creates_one_owner(db: None) -> None:
    owner = local_owner()
    assert local_owner() == owner
    assert not owner.has_usable_password()
    assert User.objects.count() == 1


def test_api_tokens_are_shown_once_and_can_be_revoked(
    alice_client: Client, alice: User, bob_client: Client
) -> None:
    r = alice_client.post("/settings/api-tokens/", {"name": "script"})
    assert b"it is not shown again" in r.content
    token = alice.api_tokens.get()
    # Bob cannot revoke Alice's token.
    assert bob_client.post(f"/settings/api-tokens/{token.pk}/revoke/").status_code == 404
    alice_client.post(f"/settings/api-tokens/{token.pk}/revoke/")
    assert not alice.api_tokens.exists()


def test_signing_out_needs_a_post(alice_client: Client) -> None:
    assert alice_client.get("/logout/").status_code == 405
    alice_client.post("/logout/")
    assert alice_client.get("/").status_code == 302


def test_multi_user_sign_up_creates_an_account(client: Client, settings: object) -> None:
    settings.ACCOUNT_ALLOW_SIGNUPS = True  # type: ignore[attr-defined]
    r = client.post(
        "/accounts/signup/",
        {
            "email": "carol@example.org",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    assert r.status_code == 302
    carol = User.objects.get(email="carol@example.org")
    assert carol.check_password("a-long-pass-phrase")
    assert client.get("/").status_code == 200


def test_sign_up_is_closed_in_local_mode(client: Client) -> None:
    r = client.post(
        "/accounts/signup/",
        {
            "email": "mallory@example.org",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    assert not User.objects.filter(email="mallory@example.org").exists()
    assert r.status_code in (200, 403)


def test_passwords_are_hashed_with_argon2_in_production() -> None:
    from backcare import settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
