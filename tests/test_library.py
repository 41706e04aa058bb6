from __future__ import annotations

import pytest
import yaml
from django.test import Client
from django.utils.html import escape

from backcare.accounts.models import User
from backcare.library.models import Exercise, Lesson, Routine

pytestmark = pytest.mark.django_db

LIBRARY_PAGES = [
    "/library/",
    "/library/exercises/bird-dog/",
    "/library/routines/",
    "/library/routines/desk-reset/",
    "/library/lessons/",
    "/library/lessons/red-flags/",
    "/library/figures/",
    "/library/figures/bird-dog.svg",
]


@pytest.mark.parametrize("path", LIBRARY_PAGES)
def test_library_pages_need_a_sign_in(client: Client, routines: list[Routine], path: str) -> None:
    r = client.get(path)
    assert r.status_code == 302 and r["Location"].startswith("/locked/")


@pytest.mark.parametrize("path", LIBRARY_PAGES)
def test_library_pages_open_for_a_signed_in_person(
    alice_client: Client, routines: list[Routine], path: str
) -> None:
    assert alice_client.get(path).status_code == 200


def test_the_library_filters_by_position_and_equipment(
    alice_client: Client, routines: list[Routine]
) -> None:
    everything = alice_client.get("/library/").content.decode()
    assert "Bird dog" in everything or "Bird-dog" in everything or "bird" in everything.lower()
    r = alice_client.get("/library/", {"position": "sitting", "equipment": "chair"})
    html = r.content.decode()
    results = html.split('id="results"')[1]
    sitting_with_chair = [
        e
        for e in Exercise.objects.all()
        if e.spec.position == "sitting" and "chair" in e.spec.equipment
    ]
    assert sitting_with_chair
    for exercise in sitting_with_chair:
        assert f'href="/library/exercises/{exercise.slug}/"' in results
    assert 'href="/library/exercises/bird-dog/"' not in results


def test_the_library_searches_the_words_of_the_exercises(
    alice_client: Client, routines: list[Routine]
) -> None:
    r = alice_client.get("/library/", {"q": "foam roller"})
    results = r.content.decode().split('id="results"')[1]
    assert 'href="/library/exercises/foam-roller-hamstrings/"' in results
    assert 'href="/library/exercises/bird-dog/"' not in results


def test_a_search_with_no_match_says_so(alice_client: Client, routines: list[Routine]) -> None:
    r = alice_client.get("/library/", {"q": "trampoline"})
    assert b"Nothing matches" in r.content


def test_bad_filter_values_fall_back_to_everything(
    alice_client: Client, routines: list[Routine]
) -> None:
    r = alice_client.get("/library/", {"position": "upside-down", "max_minutes": "x"})
    assert r.status_code == 200
    assert r.content.count(b'class="card exercise-card"') == Exercise.objects.count()


def test_an_exercise_page_shows_steps_cautions_and_sources(
    alice_client: Client, routines: list[Routine]
) -> None:
    html = alice_client.get("/library/exercises/foam-roller-upper-back/").content.decode()
    spec = Exercise.objects.get(slug="foam-roller-upper-back").spec
    assert spec.title.en in html
    assert escape(spec.cautions[0].en) in html
    assert "Sources" in html
    assert (
        'src="/library/figures/foam-roller-upper-back.svg"' in html
        or "foam-roller-upper-back" in html
    )


def test_a_routine_page_offers_the_player_and_the_terminal(
    alice_client: Client, routines: list[Routine]
) -> None:
    html = alice_client.get("/library/routines/core-level-2/").content.decode()
    assert 'href="/break/core-level-2/"' in html
    assert "backcare break core-level-2" in html


def test_a_lesson_ends_with_one_thing_to_try(alice_client: Client, routines: list[Routine]) -> None:
    lesson = Lesson.objects.get(slug="walking")
    html = alice_client.get("/library/lessons/walking/").content.decode()
    assert "Try today" in html
    assert lesson.spec.try_today.en in html


def test_pages_follow_the_chosen_language(
    alice_client: Client, alice: User, routines: list[Routine]
) -> None:
    alice_client.post("/language/", {"language": "da", "next": "/library/lessons/walking/"})
    alice.refresh_from_db()
    assert alice.language == "da"
    html = alice_client.get("/library/lessons/walking/").content.decode()
    lesson = Lesson.objects.get(slug="walking")
    assert lesson.spec.try_today.da in html
    assert '<html lang="da">' in html
    assert "Prøv i dag" in html or "i dag" in html


def test_an_unknown_language_is_ignored(alice_client: Client, alice: User) -> None:
    alice_client.post("/language/", {"language": "xx"})
    alice.refresh_from_db()
    assert alice.language == ""


def test_figures_are_animated_svg_with_a_still_and_a_mirror(
    alice_client: Client, routines: list[Routine]
) -> None:
    animated = alice_client.get("/library/figures/bird-dog.svg")
    assert animated["Content-Type"] == "image/svg+xml"
    assert b"<animate" in animated.content
    still = alice_client.get("/library/figures/bird-dog.svg?still=1")
    assert b"<animate" not in still.content
    mirrored = alice_client.get("/library/figures/bird-dog.svg?side=right")
    assert b"scale(-1 1)" in mirrored.content
    assert alice_client.get("/library/figures/nothing.svg").status_code == 404


def test_any_routine_starts_in_the_player(
    alice_client: Client, alice: User, routines: list[Routine]
) -> None:
    from tests.helpers import screened

    screened(alice)
    for routine in Routine.objects.all():
        r = alice_client.get(f"/break/{routine.slug}/")
        assert r.status_code == 200, routine.slug
        assert b'id="routine-data"' in r.content


# ---- API ---------------------------------------------------------------------------


def test_the_api_lists_exercises_with_filters_in_either_language(
    alice_client: Client, routines: list[Routine]
) -> None:
    r = alice_client.get("/api/v1/exercises", {"position": "kneeling", "lang": "da"})
    assert r.status_code == 200
    items = r.json()
    assert items and all(item["position"] == "kneeling" for item in items)
    bird = next(item for item in items if item["id"] == "bird-dog")
    assert bird["title"] == Exercise.objects.get(slug="bird-dog").spec.title.da


def test_the_api_rejects_an_unknown_filter_value(alice_client: Client) -> None:
    r = alice_client.get("/api/v1/exercises", {"position": "upside-down"})
    assert r.status_code == 422


def test_the_api_gives_an_exercise_with_its_steps(
    alice_client: Client, routines: list[Routine]
) -> None:
    r = alice_client.get("/api/v1/exercises/glute-bridge?lang=en").json()
    spec = Exercise.objects.get(slug="glute-bridge").spec
    assert [s["text"] for s in r["steps"]] == [s.text.en for s in spec.steps]
    assert r["sources"] == spec.sources


def test_the_api_gives_a_routine_compiled_for_the_player(
    alice_client: Client, routines: list[Routine]
) -> None:
    r = alice_client.get("/api/v1/routines/core-level-3?lang=da").json()
    routine = Routine.objects.get(slug="core-level-3")
    assert r["title"] == routine.title_da
    assert (
        r["total_s"]
        == routine.total_s
        == round(sum(s["duration_s"] or s["reps"] * s["rep_s"] for s in r["steps"]))
    )


def test_the_api_lists_lessons_in_order(alice_client: Client, routines: list[Routine]) -> None:
    lessons = alice_client.get("/api/v1/lessons").json()
    assert len(lessons) >= 16
    assert [x["order"] for x in lessons] == sorted(x["order"] for x in lessons)
    detail = alice_client.get(f"/api/v1/lessons/{lessons[0]['id']}?lang=da").json()
    assert detail["try_today"] == Lesson.objects.get(slug=lessons[0]["id"]).spec.try_today.da


# ---- authoring in the admin ------------------------------------------------------------

CUSTOM_EXERCISE = {
    "id": "desk-shrug",
    "title": {"en": "Desk shrug", "da": "Skuldertræk ved bordet"},
    "purpose": {"en": "Eases tight shoulders.", "da": "Letter stramme skuldre."},
    "body_areas": ["shoulders"],
    "position": "sitting",
    "equipment": ["chair"],
    "kind": "mobility",
    "steps": [
        {
            "text": {
                "en": "Lift your shoulders, then let them drop.",
                "da": "Løft skuldrene, og lad dem falde.",
            },
            "reps": 5,
            "pose": "shoulder-rolls",
        }
    ],
    "intensity": 1,
    "phases": ["recovering"],
    "bias": "neutral",
    "sources": ["waongenngarm-2018"],
}


@pytest.fixture
def staff_client(db: None) -> Client:
    staff = User.objects.create_superuser("staff", "staff@example.org", "staff-long-password")
    client = Client()
    client.force_login(staff)
    return client


def test_staff_can_add_a_valid_exercise(staff_client: Client, routines: list[Routine]) -> None:
    r = staff_client.post(
        "/admin/library/exercise/add/", {"source": yaml.safe_dump(CUSTOM_EXERCISE)}
    )
    assert r.status_code == 302, r.content.decode()[-2000:]
    added = Exercise.objects.get(slug="desk-shrug")
    assert added.origin == "custom"
    assert added.total_s == 20


def test_the_admin_refuses_what_a_content_file_could_not_hold(
    staff_client: Client, routines: list[Routine]
) -> None:
    broken = {
        **CUSTOM_EXERCISE,
        "sources": ["my-blog"],
        "steps": [{**CUSTOM_EXERCISE["steps"][0], "pose": "nope"}],
    }
    broken["title"] = {"en": "Only English"}
    r = staff_client.post("/admin/library/exercise/add/", {"source": yaml.safe_dump(broken)})
    assert r.status_code == 200
    html = r.content.decode()
    assert "this entry: title.da: Field required" in html
    assert not Exercise.objects.filter(slug="desk-shrug").exists()


def test_the_admin_checks_links_between_items(
    staff_client: Client, routines: list[Routine]
) -> None:
    broken = {
        **CUSTOM_EXERCISE,
        "sources": ["my-blog"],
        "steps": [{**CUSTOM_EXERCISE["steps"][0], "pose": "nope"}],
    }
    r = staff_client.post("/admin/library/exercise/add/", {"source": yaml.safe_dump(broken)})
    html = r.content.decode()
    assert "this entry: sources.0: &#x27;my-blog&#x27; is not in references.yaml" in html
    assert "this entry: steps.0.pose: no figure called &#x27;nope&#x27;" in html
    assert not Exercise.objects.filter(slug="desk-shrug").exists()


def test_staff_routines_are_checked_and_timed(
    staff_client: Client, routines: list[Routine]
) -> None:
    routine = {
        "id": "office-quickie",
        "title": {"en": "Office quickie", "da": "Hurtig kontorpause"},
        "summary": {"en": "Two moves.", "da": "To øvelser."},
        "stop_rule": {"en": "Stop if it hurts.", "da": "Stop, hvis det gør ondt."},
        "items": [{"exercise": "desk-posture-reset"}, {"exercise": "cartwheel"}],
    }
    r = staff_client.post("/admin/library/routine/add/", {"source": yaml.safe_dump(routine)})
    assert "no exercise with id &#x27;cartwheel&#x27;" in r.content.decode()
    routine["items"] = [{"exercise": "desk-posture-reset"}, {"exercise": "chin-tuck"}]
    r = staff_client.post("/admin/library/routine/add/", {"source": yaml.safe_dump(routine)})
    assert r.status_code == 302
    saved = Routine.objects.get(slug="office-quickie")
    assert saved.total_s == sum(
        Exercise.objects.get(slug=s).total_s for s in ("desk-posture-reset", "chin-tuck")
    )


def test_built_in_items_cannot_be_edited_in_the_admin(
    staff_client: Client, routines: list[Routine]
) -> None:
    bird = Exercise.objects.get(slug="bird-dog")
    r = staff_client.post(f"/admin/library/exercise/{bird.pk}/change/", {"source": "id: x"})
    assert r.status_code == 403
