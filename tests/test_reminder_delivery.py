"""Reminders: stored from the schedule, sent once, answered, missed, counted; Web Push."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from backcare.accounts.models import User
from backcare.library.models import Routine
from backcare.reminders import delivery
from backcare.reminders.models import PushSubscription, Reminder, ScheduleSettings
from backcare.reminders.push import vapid_key
from backcare.reminders.services import day_schedule, settings_for
from tests.helpers import make_user, screened, session_body, signed_in
from tests.pushservice import BrowserKeys, PushService, b64url

# A Friday; the default working day is 09:00-17:00 UTC.
MORNING = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
State = Reminder.State


def sent_now(claimed: list[tuple[int, str]]) -> delivery.Sender:
    def send(reminder_id: int, claim: str) -> None:
        claimed.append((reminder_id, claim))
        delivery.deliver(reminder_id, claim)

    return send


def first(user: User) -> Reminder:
    found = Reminder.objects.filter(user=user).order_by("due_at").first()
    assert found is not None
    return found


def coming(user: User, count: int = 3) -> list[int]:
    """COUNT reminders later today in real time, whatever the day; no sync will touch them."""
    now = datetime.now(UTC).replace(microsecond=0)
    ScheduleSettings.objects.filter(user=user).update(sync_due_at=now + timedelta(days=2))
    ids = []
    for n in range(count):
        at = now + timedelta(minutes=1 + n)
        ids.append(
            Reminder.objects.create(
                user=user,
                day=now.date(),
                ideal_at=at,
                kind="micro",
                routine="desk-reset",
                due_at=at,
                ends_at=at + timedelta(minutes=5),
            ).pk
        )
    return ids


@pytest.fixture
def person(routines: list[Routine]) -> User:
    user = make_user("carol")
    screened(user)
    settings_for(user)
    return user


# ---- stored from the schedule ---------------------------------------------------------


def test_a_day_of_reminders_matches_the_schedule(person: User) -> None:
    assert delivery.sync_reminders(person, MORNING)
    planned = day_schedule(person, MORNING.date()).breaks
    stored = list(Reminder.objects.filter(user=person).order_by("due_at"))
    assert [(r.due_at, r.kind) for r in stored] == [(b.start, b.kind.value) for b in planned]
    assert all(r.state == State.PLANNED for r in stored)
    # Not due again until the next local midnight: a second call does nothing.
    assert not delivery.sync_reminders(person, MORNING + timedelta(hours=1))


def test_a_meeting_moves_planned_reminders_but_not_answered_ones(person: User) -> None:
    delivery.sync_reminders(person, MORNING)
    early = first(person)
    Reminder.objects.filter(pk=early.pk).update(state=State.SKIPPED)
    s = settings_for(person)
    s.in_meeting_until = MORNING.replace(hour=13)
    s.save()
    delivery.mark_sync_due(person)
    assert delivery.sync_reminders(person, MORNING + timedelta(minutes=1))
    kept = Reminder.objects.get(pk=early.pk)
    assert kept.state == State.SKIPPED  # an answer is never rewritten
    for r in Reminder.objects.filter(user=person, state=State.PLANNED):
        assert r.due_at >= MORNING.replace(hour=13)


def test_an_urgent_screen_removes_every_planned_reminder(person: User) -> None:
    delivery.sync_reminders(person, MORNING)
    assert Reminder.objects.filter(user=person).exists()
    screened(person, "urgent")
    delivery.mark_sync_due(person)
    delivery.sync_reminders(person, MORNING + timedelta(minutes=1))
    assert not Reminder.objects.filter(user=person, state=State.PLANNED).exists()


# ---- sent exactly once, missed when the window closed -----------------------------------


def test_a_due_reminder_is_claimed_and_sent_once(person: User) -> None:
    delivery.sync_reminders(person, MORNING)
    r = first(person)
    claimed: list[tuple[int, str]] = []
    at = r.due_at + timedelta(seconds=1)
    assert delivery.tick(sent_now(claimed), now=at).claimed == 1
    assert delivery.tick(sent_now(claimed), now=at + timedelta(seconds=20)).claimed == 0
    assert [pk for pk, _ in claimed] == [r.pk]
    r.refresh_from_db()
    assert r.state == State.SENT and r.sent_at is not None


def test_a_lost_claim_is_sent_again_while_the_break_is_still_on(person: User) -> None:
    delivery.sync_reminders(person, MORNING)
    r = first(person)
    # A worker claimed it and died before sending.
    Reminder.objects.filter(pk=r.pk).update(
        state=State.SENDING, claimed_by="dead:1", claimed_at=r.due_at
    )
    claimed: list[tuple[int, str]] = []
    assert delivery.tick(sent_now(claimed), now=r.due_at + timedelta(seconds=30)).claimed == 0
    assert delivery.tick(sent_now(claimed), now=r.due_at + delivery.LEASE + timedelta(seconds=1))
    r.refresh_from_db()
    assert r.state == State.SENT and len(claimed) == 1
    # The dead worker's task, if it ever ran, finds its claim gone and sends nothing.
    assert delivery.deliver(r.pk, "dead:1") is False


def test_after_an_outage_due_reminders_are_sent_late_or_marked_missed(person: User) -> None:
    delivery.sync_reminders(person, MORNING)
    reminders = list(Reminder.objects.filter(user=person).order_by("due_at"))
    gone, open_ = reminders[0], reminders[1]
    # The worker comes back while the second break is on and after the first ended.
    back = open_.due_at + timedelta(minutes=1)
    assert gone.ends_at < back < open_.ends_at
    claimed: list[tuple[int, str]] = []
    result = delivery.tick(sent_now(claimed), now=back)
    gone.refresh_from_db()
    open_.refresh_from_db()
    assert gone.state == State.MISSED
    assert open_.state == State.SENT
    assert result.missed >= 1 and [pk for pk, _ in claimed] == [open_.pk]


def test_a_sent_reminder_nobody_answers_becomes_missed(person: User) -> None:
    delivery.sync_reminders(person, MORNING)
    r = first(person)
    delivery.tick(sent_now([]), now=r.due_at)
    delivery.tick(sent_now([]), now=r.ends_at + delivery.ANSWER_WINDOW - timedelta(seconds=1))
    r.refresh_from_db()
    assert r.state == State.SENT
    delivery.tick(sent_now([]), now=r.ends_at + delivery.ANSWER_WINDOW)
    r.refresh_from_db()
    assert r.state == State.MISSED


# ---- snooze, skip, take --------------------------------------------------------------------


def test_snooze_moves_the_reminder_and_it_rings_again(person: User) -> None:
    delivery.sync_reminders(person, MORNING)
    r = first(person)
    delivery.tick(sent_now([]), now=r.due_at)
    snoozed = delivery.snooze(person, r.pk, 10, now=r.due_at + timedelta(seconds=30))
    assert snoozed.state == State.PLANNED and snoozed.snoozes == 1
    assert snoozed.due_at == r.due_at + timedelta(minutes=10, seconds=30)
    assert snoozed.ends_at - snoozed.due_at == r.ends_at - r.due_at
    claimed: list[tuple[int, str]] = []
    delivery.tick(sent_now(claimed), now=snoozed.due_at)
    assert [pk for pk, _ in claimed] == [r.pk]
    with pytest.raises(delivery.ReminderError, match="5, 10 or 15"):
        delivery.snooze(person, r.pk, 7)


def test_skips_stop_at_the_daily_limit(person: User) -> None:
    delivery.sync_reminders(person, MORNING)
    ScheduleSettings.objects.filter(user=person).update(skip_limit=2)
    ids = list(Reminder.objects.filter(user=person).order_by("due_at").values_list("pk", flat=True))
    delivery.skip(person, ids[0])
    delivery.skip(person, ids[1])
    with pytest.raises(delivery.ReminderError, match="already skipped 2 breaks"):
        delivery.skip(person, ids[2])
    assert Reminder.objects.get(pk=ids[2]).state == State.PLANNED
    ScheduleSettings.objects.filter(user=person).update(skip_limit=0)
    with pytest.raises(delivery.ReminderError, match="allow no skipped breaks"):
        delivery.skip(person, ids[2])


def test_finishing_the_routine_from_a_reminder_marks_it_taken(person: User) -> None:
    delivery.sync_reminders(person, MORNING)
    r = first(person)
    client = signed_in(person)
    body = session_body(
        started_at=r.due_at.isoformat(),
        ended_at=(r.due_at + timedelta(minutes=4)).isoformat(),
        reminder=r.pk,
    )
    assert client.post("/api/v1/sessions", body, content_type="application/json").status_code == 201
    r.refresh_from_db()
    assert r.state == State.TAKEN and r.session is not None


def test_a_routine_done_near_a_break_time_counts_as_taking_it(person: User) -> None:
    delivery.sync_reminders(person, MORNING)
    r = first(person)
    started = r.due_at - timedelta(minutes=5)  # a little early, from the library
    body = session_body(
        started_at=started.isoformat(), ended_at=(started + timedelta(minutes=4)).isoformat()
    )
    signed_in(person).post("/api/v1/sessions", body, content_type="application/json")
    r.refresh_from_db()
    assert r.state == State.TAKEN


# ---- the API ---------------------------------------------------------------------------------


def test_api_lists_snoozes_skips_and_counts_history(person: User) -> None:
    client = signed_in(person)
    made = coming(person)
    listed = client.get("/api/v1/reminders").json()
    assert listed["warning_s"] == 60 and listed["skip_limit"] == 3
    ids = [r["id"] for r in listed["reminders"]]
    assert ids == made
    assert listed["reminders"][0]["title"] == "Time for a movement break"
    assert listed["reminders"][0]["url"].endswith(f"/?reminder={ids[0]}")
    snoozed = client.post(
        f"/api/v1/reminders/{ids[0]}/snooze", {"minutes": 5}, content_type="application/json"
    )
    assert snoozed.status_code == 200 and snoozed.json()["snoozes"] == 1
    bad = client.post(
        f"/api/v1/reminders/{ids[0]}/snooze", {"minutes": 60}, content_type="application/json"
    )
    assert bad.status_code == 422 and "5, 10 or 15" in json.dumps(bad.json())
    assert client.post(f"/api/v1/reminders/{ids[1]}/skip").status_code == 200
    again = client.post(f"/api/v1/reminders/{ids[1]}/skip")
    assert again.status_code == 409 and "already over" in again.json()["detail"]
    history = client.get("/api/v1/reminders/history").json()
    today = history["days"][-1]
    assert today["skipped"] == 1 and today["snoozed"] == 1
    assert history["weeks"][-1]["skipped"] == 1
    assert history["streak"] == 0


def test_streak_counts_days_with_a_break_taken(person: User) -> None:
    today = datetime.now(UTC)
    for days_ago, state in [
        (1, State.TAKEN),
        (2, State.TAKEN),
        (3, State.MISSED),
        (4, State.TAKEN),
    ]:
        at = today - timedelta(days=days_ago)
        Reminder.objects.create(
            user=person,
            day=at.date(),
            ideal_at=at,
            kind="micro",
            due_at=at,
            ends_at=at + timedelta(minutes=5),
            state=state,
        )
    history = signed_in(person).get("/api/v1/reminders/history").json()
    assert history["streak"] == 2
    assert sum(d["taken"] for d in history["days"]) == 3


def test_nobody_else_can_see_or_answer_a_persons_reminders(person: User) -> None:
    coming(person, 1)
    r = first(person)
    other = signed_in(make_user("mallory"))
    assert other.post(f"/api/v1/reminders/{r.pk}/skip").status_code == 404
    assert (
        other.post(
            f"/api/v1/reminders/{r.pk}/snooze", {"minutes": 5}, content_type="application/json"
        ).status_code
        == 404
    )
    assert all(x["id"] != r.pk for x in other.get("/api/v1/reminders").json()["reminders"])
    assert Client().get("/api/v1/reminders").status_code == 401
    assert Client().post(f"/api/v1/reminders/{r.pk}/skip").status_code == 401
    r.refresh_from_db()
    assert r.state == State.PLANNED


# ---- Web Push ----------------------------------------------------------------------------------


def test_a_push_arrives_encrypted_for_the_browser_with_vapid(
    person: User, settings: object
) -> None:
    setattr(settings, "PUSH_ALLOW_HTTP", True)  # noqa: B010 (pytest-django settings fixture)
    browser = BrowserKeys()
    with PushService() as service:
        client = signed_in(person)
        keys = {"p256dh": browser.p256dh, "auth": b64url(browser.auth)}
        sub = {"endpoint": f"{service.base}/push/abc", "keys": keys}
        created = client.post("/api/v1/push/subscriptions", sub, content_type="application/json")
        assert created.status_code == 201
        delivery.sync_reminders(person, MORNING)
        r = first(person)
        delivery.tick(sent_now([]), now=r.due_at)
        assert len(service.received) == 1
        push = service.received[0]
        payload = json.loads(browser.decrypt(push.body))
    assert payload["tag"] == f"reminder-{r.pk}"
    assert payload["url"].endswith(f"?reminder={r.pk}")
    assert payload["title"] in ("Time for a movement break", "Time for a walk")
    assert push.headers["topic"] == f"r{r.pk}"
    key = vapid_key().public_key
    assert f"k={key}" in push.headers["authorization"]
    assert client.get("/api/v1/push/key").json() == {"public_key": key}


def test_a_subscription_the_push_service_calls_gone_is_dropped(
    person: User, settings: object
) -> None:
    setattr(settings, "PUSH_ALLOW_HTTP", True)  # noqa: B010
    with PushService() as service:
        service.gone.add("/push/old")
        PushSubscription.objects.create(
            user=person,
            endpoint=f"{service.base}/push/old",
            p256dh=BrowserKeys().p256dh,
            auth="AAAA",
        )
        delivery.sync_reminders(person, MORNING)
        r = first(person)
        delivery.tick(sent_now([]), now=r.due_at)
    assert not PushSubscription.objects.filter(user=person).exists()
    r.refresh_from_db()
    assert r.state == State.SENT  # the open tab and the desktop still show it


def test_only_https_push_endpoints_are_accepted(person: User) -> None:
    body = {"endpoint": "http://10.0.0.1/steal", "keys": {"p256dh": "x", "auth": "y"}}
    answer = signed_in(person).post(
        "/api/v1/push/subscriptions", body, content_type="application/json"
    )
    assert answer.status_code == 422 and "https" in json.dumps(answer.json())
    assert not PushSubscription.objects.exists()


def test_the_vapid_key_is_made_once(db: None) -> None:
    assert vapid_key().public_key == vapid_key().public_key
    assert len(vapid_key().public_key) == 87  # 65 bytes, base64url without padding


def test_the_breaks_page_shows_the_streak_and_each_day(person: User) -> None:
    ids = coming(person, 3)
    delivery.skip(person, ids[0])
    delivery.snooze(person, ids[1], 15)
    page = signed_in(person).get("/breaks/").content.decode()
    assert "0 days in a row with a break taken." in page
    assert "1 of 3 allowed skips used" in page
    assert f"?reminder={ids[1]}" in page  # the snoozed one is still to come
    # Another person sees only their own (empty) history; a visitor is sent to sign in.
    theirs = signed_in(make_user("erin")).get("/breaks/").content.decode()
    assert "Nothing yet." in theirs and f"?reminder={ids[1]}" not in theirs
    assert Client().get("/breaks/").status_code == 302


def test_the_service_worker_is_served_for_the_whole_site(db: None) -> None:
    answer = Client().get("/sw.js")
    assert answer.status_code == 200
    assert answer["Service-Worker-Allowed"] == "/"
    assert answer["Content-Type"].startswith("text/javascript")
    assert b"notificationclick" in answer.content
