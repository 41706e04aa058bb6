"""The whole journey in Debian's Chromium against a real `backcare serve`.

With CI=true a missing browser fails the run instead of skipping it.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from backcare.practice.models import PracticeSession
from backcare.safety.models import SafetyScreen

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Playwright's sync API runs an event loop; the ORM checks in the test itself are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class App:
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[str] | None = None
    login_url: str = ""

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "backcare", "serve", "--no-browser", "--no-worker"),
                *("--port", str(self.port)),
            ],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        from tests.helpers import SERVER_START_S, wait_healthy

        assert self.proc.stdout is not None
        deadline = time.monotonic() + SERVER_START_S
        try:
            while time.monotonic() < deadline:
                line = self.proc.stdout.readline()
                if match := re.search(r"(http://\S+/login/token/\S+)", line):
                    self.login_url = match.group(1)
                    break
                if not line and self.proc.poll() is not None:
                    raise RuntimeError("backcare serve exited before printing a login link")
            if wait_healthy(self.base, deadline - time.monotonic()):
                return
            raise RuntimeError("backcare serve did not become healthy")
        except BaseException:
            # No server left running (and loading the machine) after a failed start.
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
            raise

    def kill(self) -> None:
        """Crash the server: SIGKILL to the server and its worker process."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) != 0:
                    return
            time.sleep(0.1)
        raise RuntimeError(f"port {self.port} still answers after the kill")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture
def app(cli_env: dict[str, str]) -> Iterator[App]:
    served = App(cli_env)
    served.start()
    yield served
    served.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM}: apt-get install chromium"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1000, "height": 900})  # type: ignore[attr-defined]
    opened = context.new_page()
    errors: list[str] = []
    opened.on("pageerror", lambda exc: errors.append(str(exc)))
    yield opened
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def wait_until(p: Any, expression: str, timeout_s: float = 10) -> None:
    """Poll EXPRESSION from the test side: the page's CSP forbids Playwright's in-page eval."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if p.evaluate(expression):
            return
        time.sleep(0.1)
    raise AssertionError(f"still false after {timeout_s} s: {expression}")


def step_title(page: object) -> str:
    return page.locator("[data-step-title]").inner_text()  # type: ignore[attr-defined,no-any-return]


def answer_screen_clear(p: Any) -> None:
    """Answer the safety questions with no red flag (works in either language)."""
    p.locator("input[name=none_apply]").check()
    p.locator("input[name=age]").fill("40")
    p.locator("input[name=duration_weeks][value='2']").check()
    p.locator("input[name=first_episode][value=no]").check()
    p.locator("form.screen button[type=submit]").click()


def start_routine(p: Any, app: App) -> None:
    """Sign in, answer the safety questions clear and start the desk reset."""
    p.goto(app.login_url)
    p.goto(f"{app.base}/break/desk-reset/")
    answer_screen_clear(p)
    p.get_by_role("button", name="Start").click()


def test_the_whole_journey_by_keyboard(app: App, page: object) -> None:
    from playwright.sync_api import expect

    p = page  # type: ignore[assignment]
    p.goto(app.login_url)
    expect(p.get_by_role("heading", name="Take a break for your back")).to_be_visible()

    # Home: Tab to the routine's start link and follow it.
    for _ in range(40):
        p.keyboard.press("Tab")
        if p.evaluate("document.activeElement.textContent").startswith("Start 5-minute"):
            break
    p.keyboard.press("Enter")

    # The safety questions come first, answered by keyboard.
    expect(p.get_by_role("heading", name=re.compile("a few safety questions"))).to_be_visible()
    p.get_by_label("None of the signs above apply to me").focus()
    p.keyboard.press("Space")
    p.keyboard.press("Tab")
    expect(p.get_by_label("Your age")).to_be_focused()
    p.keyboard.type("40")
    # Enter before the last two answers: the page comes back with the focus on the
    # first question still open, and that group says what is missing.
    p.keyboard.press("Enter")
    duration = p.get_by_role("radiogroup", name="How long has this episode of back pain lasted?")
    expect(duration.get_by_role("radio").first).to_be_focused()
    expect(duration).to_have_accessible_description("This field is required.")
    expect(p.get_by_label("Your age")).to_have_value("40")
    p.get_by_label("One to four weeks").focus()
    p.keyboard.press("Space")
    p.get_by_label("No, I have had it before").focus()
    p.keyboard.press("Space")
    p.keyboard.press("Enter")

    # The player: Start is focused; Space starts (once its keys are wired up).
    expect(p.get_by_role("button", name="Start")).to_be_focused()
    expect(p.locator("#player[data-ready]")).to_be_attached()
    p.keyboard.press("Space")
    expect(p.locator("[data-step-title]")).to_have_text("Grounding with slow breathing")
    expect(p.locator("[data-step-number]")).to_have_text("Step 1 of 8")
    expect(p.locator("[data-figure-img]")).to_have_attribute("src", re.compile("stand-tall.svg"))
    expect(p.locator("[data-pacer]")).to_be_hidden()  # no breathing pattern on step 1
    first = p.locator("[data-timer]").inner_text()
    p.wait_for_timeout(1500)
    assert p.locator("[data-timer]").inner_text() != first, "the countdown should run"

    # Space pauses: the clock stands still and the button says Resume.
    p.keyboard.press("Space")
    expect(p.get_by_role("button", name="Resume")).to_be_visible()
    paused_at = p.locator("[data-timer]").inner_text()
    p.wait_for_timeout(1300)
    assert p.locator("[data-timer]").inner_text() == paused_at
    p.keyboard.press("Space")
    expect(p.get_by_role("button", name="Pause")).to_be_visible()

    # Arrows move between steps; the breathing pacer and rep counter show.
    p.keyboard.press("ArrowRight")
    expect(p.locator("[data-step-number]")).to_have_text("Step 2 of 8")
    expect(p.locator("[data-pacer]")).to_be_visible()
    expect(p.locator("[data-pacer-label]")).to_contain_text(
        re.compile("Breathe in|Hold|Breathe out")
    )
    p.keyboard.press("ArrowLeft")
    expect(p.locator("[data-step-number]")).to_have_text("Step 1 of 8")
    p.keyboard.press("ArrowRight")
    p.keyboard.press("ArrowRight")
    expect(p.locator("[data-step-title]")).to_have_text("Big hip circles")
    expect(p.locator("[data-step-text]")).to_contain_text("clockwise")
    expect(p.locator("[data-timer]")).to_have_text("1 of 5")
    expect(p.locator("[data-step-number]")).to_have_text("Step 3 of 8")

    for _ in range(6):
        p.keyboard.press("ArrowRight")

    # Feedback, by keyboard: arrow keys choose within the radio group.
    expect(p.get_by_role("heading", name="How does your back feel now?")).to_be_focused()
    p.keyboard.press("Tab")
    p.keyboard.press("Space")  # first radio: Better
    p.keyboard.press("Tab")
    p.keyboard.type("12")
    p.keyboard.press("Enter")
    expect(p.locator("[data-pain-error]")).to_have_text("Pain must be a whole number from 0 to 10.")
    p.keyboard.press("Control+A")
    p.keyboard.type("2")
    p.keyboard.press("Enter")
    expect(p.locator("[data-save-status]")).to_have_text(re.compile("^Saved"))

    session = PracticeSession.objects.get()
    assert (session.feeling, session.pain, session.completed, session.source) == (
        "better",
        2,
        True,
        "web",
    )
    assert SafetyScreen.objects.get().tier == "none"

    p.get_by_role("link", name="Your sessions").first.click()
    row = p.locator("tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("5-minute desk reset")
    expect(row).to_contain_text("Better")


# Where the keyboard is: the focused element must show it (the :focus-visible
# outline), and be on screen.
FOCUS_SHOWN = """(() => {
  const e = document.activeElement, s = getComputedStyle(e);
  return e.matches(':focus-visible')
    && ((s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none');
})()"""


def focus_on(p: Any, target: Any) -> None:
    """TARGET has the keyboard focus, visibly and on screen."""
    from playwright.sync_api import expect

    expect(target).to_be_focused()
    expect(target).to_be_in_viewport()
    assert p.evaluate(FOCUS_SHOWN), f"no visible focus on {target}"


def tab_to(p: Any, target: Any, most: int) -> None:
    """Press Tab until TARGET has the focus, at most MOST times: it comes that soon."""
    for _ in range(most):
        p.keyboard.press("Tab")
        if target.evaluate("e => e === document.activeElement"):
            focus_on(p, target)
            return
    raise AssertionError(f"{target} not reached in {most} presses of Tab")


def skip_to_content(p: Any) -> None:
    """The first Tab reaches the skip link; Enter puts the focus on the page's content."""
    from playwright.sync_api import expect

    p.keyboard.press("Tab")
    focus_on(p, p.get_by_role("link", name="Skip to content"))
    p.keyboard.press("Enter")
    expect(p.locator("main")).to_be_focused()


def test_the_assessment_and_a_check_in_by_keyboard_only(app: App, page: Any) -> None:
    """After the sign-in link, only keys: Tab, Shift+Tab, arrows, Space, Enter and typing."""
    from playwright.sync_api import expect

    from backcare.accounts.models import User
    from backcare.accounts.services import OWNER_EMAIL
    from backcare.checkins.models import CheckIn
    from backcare.plans.models import Assessment, PlanState
    from tests.helpers import screened

    owner = User.objects.get(email=OWNER_EMAIL)
    screened(owner)  # the safety questions have their own keyboard journey above
    p = page
    expect.set_options(timeout=20_000)  # a busy machine; these wait only as long as needed
    try:
        p.goto(app.login_url)
        expect(p.get_by_role("heading", name="Take a break for your back")).to_be_visible()

        # Home: skip the header; the first stop in the content starts the assessment.
        skip_to_content(p)
        tab_to(p, p.get_by_role("link", name="Start the assessment"), 1)
        p.keyboard.press("Enter")

        # Step 1: radio groups. Enter before answering: every question says what is missing,
        # and the focus is on the first one.
        expect(p.get_by_text("Step 1 of 4")).to_be_visible()
        skip_to_content(p)
        duration = p.locator("input[name=duration_weeks]")
        tab_to(p, duration.first, 1)
        p.keyboard.press("Enter")
        expect(p.locator("form").get_by_role("alert").first).to_have_text("This field is required.")
        focus_on(p, duration.first)
        fieldset = p.locator("fieldset", has=duration.first)
        expect(fieldset).to_have_attribute("aria-describedby", "id_duration_weeks_error")
        expect(p.locator("#id_duration_weeks_error")).to_have_text("This field is required.")
        # Arrow keys choose within a group; Tab goes on to the next group.
        p.keyboard.press("ArrowDown")
        focus_on(p, p.get_by_label("One to four weeks"))
        expect(p.get_by_label("One to four weeks")).to_be_checked()
        p.keyboard.press("Tab")
        focus_on(p, p.get_by_label("No", exact=True))
        p.keyboard.press("ArrowDown")
        expect(p.get_by_label("Once or twice")).to_be_checked()
        for name, value in [("pain_now", 3), ("pain_average", 4), ("pain_worst", 6)]:
            p.keyboard.press("Tab")
            focus_on(p, p.locator(f"input[name={name}][value='0']"))
            for _ in range(value):
                p.keyboard.press("ArrowRight")
            expect(p.locator(f"input[name={name}][value='{value}']")).to_be_checked()
        p.keyboard.press("Tab")
        focus_on(p, p.get_by_label("Only in my back"))
        p.keyboard.press("Space")
        expect(p.get_by_label("Only in my back")).to_be_checked()
        # Shift+Tab goes back to the chosen answer of the group before.
        p.keyboard.press("Shift+Tab")
        focus_on(p, p.locator("input[name=pain_worst][value='6']"))
        p.keyboard.press("Tab")
        tab_to(p, p.get_by_role("button", name="Save and continue"), 1)
        p.keyboard.press("Enter")

        # Step 2: checkboxes. Easing and worsening both: the form says so, and the focus
        # goes to the message. Enter on a checkbox submits, as on any field.
        expect(p.get_by_text("Step 2 of 4")).to_be_visible()
        skip_to_content(p)
        tab_to(p, p.locator("input[name=eases][value=sitting]"), 1)
        p.keyboard.press("Space")
        tab_to(p, p.locator("input[name=provokes][value=sitting]"), 4)
        p.keyboard.press("Space")
        p.keyboard.press("Enter")
        conflict = p.locator("form").get_by_role("alert")
        expect(conflict).to_contain_text("A position cannot both ease and worsen your back")
        focus_on(p, conflict)
        tab_to(p, p.locator("input[name=eases][value=sitting]"), 1)
        p.keyboard.press("Space")
        tab_to(p, p.locator("input[name=eases][value=walking]"), 2)
        p.keyboard.press("Space")
        expect(p.locator("input[name=eases][value=sitting]")).not_to_be_checked()
        expect(p.locator("input[name=provokes][value=sitting]")).to_be_checked()
        p.keyboard.press("Enter")

        # Step 3: a number, checkboxes, a radio group and two times, typed. A number out
        # of range: Enter from the last field, and the focus goes to the wrong answer.
        expect(p.get_by_text("Step 3 of 4")).to_be_visible()
        skip_to_content(p)
        active = p.get_by_label(re.compile("minutes a week are you active"))
        tab_to(p, active, 1)
        p.keyboard.type("5000")
        for kit in ("chair", "mat"):
            tab_to(p, p.locator(f"input[name=equipment][value={kit}]"), 1)
            p.keyboard.press("Space")
        tab_to(p, p.locator("input[name=minutes_free_per_day][value='5']"), 6)
        p.keyboard.press("ArrowRight")
        expect(p.locator("input[name=minutes_free_per_day][value='10']")).to_be_checked()
        # A time field takes hours, minutes and (on a 12-hour clock) AM or PM, which
        # a 24-hour clock ignores; 17 is after noon on either. Then its picker button.
        tab_to(p, p.get_by_label("Work starts at"), 1)
        p.keyboard.type("0900A")
        expect(p.get_by_label("Work starts at")).to_have_value("09:00")
        tab_to(p, p.get_by_label("Work ends at"), 4)
        p.keyboard.type("1700")
        expect(p.get_by_label("Work ends at")).to_have_value("17:00")
        p.keyboard.press("Enter")
        expect(p.locator("#id_active_minutes_week_error")).to_have_text(
            "Ensure this value is less than or equal to 3000."
        )
        focus_on(p, active)
        expect(active).to_have_attribute("aria-invalid", "true")
        expect(active).to_have_attribute("aria-describedby", "id_active_minutes_week_error")
        # What was typed is still there; only the wrong answer needs typing again.
        expect(p.get_by_label("Work ends at")).to_have_value("17:00")
        expect(p.locator("input[name=equipment][value=mat]")).to_be_checked()
        p.keyboard.press("Control+A")
        p.keyboard.type("20")
        p.keyboard.press("Enter")

        # Step 4, and the plan.
        expect(p.get_by_text("Step 4 of 4")).to_be_visible()
        skip_to_content(p)
        tab_to(p, p.get_by_label("Less pain"), 1)
        p.keyboard.press("Space")
        tab_to(p, p.get_by_label("Move more"), 1)
        p.keyboard.press("Space")
        for name, value in [("confidence", 4), ("worry", 6)]:
            tab_to(p, p.locator(f"input[name={name}][value='0']"), 5)
            for _ in range(value):
                p.keyboard.press("ArrowRight")
        p.keyboard.press("Enter")
        expect(p.get_by_role("heading", name="Your plan this week")).to_be_visible()

        done = Assessment.objects.get(user=owner)
        assert done.completed_at is not None
        assert done.answers == {
            "duration_weeks": 2.0,
            "past_episodes": "few",
            "pain_now": 3,
            "pain_average": 4,
            "pain_worst": 6,
            "leg_symptoms": "none",
            "eases": ["walking"],
            "provokes": ["sitting"],
            "active_minutes_week": 20,
            "equipment": ["chair", "mat"],
            "minutes_free_per_day": 10,
            "work_start": "09:00",
            "work_end": "17:00",
            "conditions": [],
            "goals": ["less-pain", "move-more"],
            "confidence": 4,
            "worry": 6,
        }
        assert PlanState.objects.filter(user=owner).exists()

        # The check-in, from the main menu: the pain field takes the focus by itself.
        checkin_link = p.get_by_role("navigation", name="Main").get_by_role("link", name="Check-in")
        tab_to(p, checkin_link, 9)
        p.keyboard.press("Enter")
        expect(p.get_by_role("heading", name="Today's check-in")).to_be_visible()
        focus_on(p, p.get_by_label(re.compile("^Pain now")))
        p.keyboard.type("5")
        tab_to(p, p.get_by_label("Worst pain today"), 1)
        p.keyboard.type("7")
        tab_to(p, p.get_by_label("No leg symptoms"), 1)  # chosen already
        p.keyboard.press("ArrowDown")
        expect(p.get_by_label("Buttock or hip")).to_be_checked()
        tab_to(p, p.get_by_label("Hours of sleep last night"), 1)
        p.keyboard.type("7.5")
        tab_to(p, p.get_by_label("Very poor"), 1)
        for _ in range(3):
            p.keyboard.press("ArrowDown")
        expect(p.get_by_label("Good", exact=True)).to_be_checked()
        stress = p.get_by_label("Stress today (0-10)")
        tab_to(p, stress, 1)
        p.keyboard.type("11")
        tab_to(p, p.get_by_label(re.compile("^Active minutes today")), 1)
        p.keyboard.type("30")
        tab_to(p, p.get_by_label("Note (optional)"), 1)
        p.keyboard.type("Walked to work")
        tab_to(p, p.get_by_label(re.compile("^New since yesterday")), 1)  # left unticked
        tab_to(p, p.get_by_role("button", name="Save check-in"), 1)
        p.keyboard.press("Space")
        # Stress 11 is refused: the focus is on it, and it names its message.
        error = "Ensure this value is less than or equal to 10."
        expect(p.locator("#id_stress_error")).to_have_text(error)
        focus_on(p, stress)
        expect(stress).to_have_attribute("aria-invalid", "true")
        expect(stress).to_have_attribute("aria-describedby", "id_stress_error")
        assert not CheckIn.objects.exists()
        p.keyboard.press("Control+A")
        p.keyboard.type("3")
        p.keyboard.press("Enter")
        expect(p.get_by_role("status").filter(has_text="Check-in saved for")).to_be_visible()

        saved = CheckIn.objects.get(user=owner)
        assert (saved.pain_now, saved.pain_worst, saved.leg) == (5, 7, "buttock")
        assert (saved.sleep_hours, saved.sleep_quality, saved.stress) == (Decimal("7.5"), 4, 3)
        assert (saved.active_minutes, saved.note, saved.new_symptoms) == (
            30,
            "Walked to work",
            False,
        )
        # Back on the check-in, by keyboard: today is marked filled in, the answers are there.
        tab_to(p, checkin_link, 9)
        p.keyboard.press("Enter")
        expect(p.get_by_text("Already filled in: saving again changes it.")).to_be_visible()
        expect(p.get_by_role("link", name=re.compile("filled in")).first).to_have_attribute(
            "aria-current", "page"
        )
        expect(p.get_by_label(re.compile("^Pain now"))).to_have_value("5")
        expect(p.get_by_label("Stress today (0-10)")).to_have_value("3")
    finally:
        expect.set_options(timeout=5_000)


def test_saddle_numbness_means_no_routine_can_start(app: App, page: object) -> None:
    from playwright.sync_api import expect

    p = page  # type: ignore[assignment]
    p.goto(app.login_url)
    p.goto(f"{app.base}/break/desk-reset/")
    p.get_by_label(re.compile("Numbness or pins and needles around your genitals")).check()
    p.get_by_label("Your age").fill("45")
    p.get_by_label("One to four weeks").check()
    p.get_by_label("No, I have had it before").check()
    p.get_by_role("button", name="Continue").click()
    expect(p.get_by_role("heading", name="Please get medical help now")).to_be_visible()
    expect(p.get_by_role("alert")).to_contain_text("Call 112")
    expect(p.get_by_role("alert")).to_contain_text("Numbness between the legs")
    # Every routine, from the library or by address, leads back to what to do.
    p.goto(f"{app.base}/library/routines/")
    starts = p.get_by_role("link", name=re.compile("^Start"))
    assert starts.count() >= 12
    for slug in ["desk-reset", "flare-up-relief", "walking-break", "team-dance-break"]:
        p.goto(f"{app.base}/break/{slug}/")
        expect(p.get_by_role("heading", name="Please get medical help now")).to_be_visible()
    assert not PracticeSession.objects.exists()


def test_a_flare_up_gets_the_flare_up_plan(app: App, page: object) -> None:
    from playwright.sync_api import expect

    p = page  # type: ignore[assignment]
    p.goto(app.login_url)
    p.goto(f"{app.base}/safety/?next=/assessment/")
    answer_screen_clear(p)
    expect(p.get_by_text("Step 1 of 4")).to_be_visible()
    p.get_by_label("Less than a week").check()
    p.get_by_label("Once or twice").check()
    p.locator("input[name=pain_now][value='8']").check()
    p.locator("input[name=pain_average][value='7']").check()
    p.locator("input[name=pain_worst][value='9']").check()
    p.get_by_label("Only in my back").check()
    p.get_by_role("button", name="Save and continue").click()
    expect(p.get_by_text("Step 2 of 4")).to_be_visible()
    p.get_by_role("button", name="Save and continue").click()
    expect(p.get_by_text("Step 3 of 4")).to_be_visible()
    p.get_by_label(re.compile("minutes a week are you active")).fill("20")
    p.get_by_label("Chair").check()
    p.get_by_label("Mat").check()
    p.locator("input[name=minutes_free_per_day][value='10']").check()
    p.get_by_label("Work starts at").fill("09:00")
    p.get_by_label("Work ends at").fill("17:00")
    p.get_by_role("button", name="Save and continue").click()
    expect(p.get_by_text("Step 4 of 4")).to_be_visible()
    p.locator("input[name=confidence][value='4']").check()
    p.locator("input[name=worry][value='6']").check()
    p.get_by_role("button", name="Finish and see my plan").click()

    expect(p.get_by_role("heading", name="Your plan this week")).to_be_visible()
    expect(p.locator("main")).to_contain_text("Phase: Flare-up")
    expect(p.locator("main")).to_contain_text("the plan starts with the gentlest relief")
    routines = p.locator(".plan-items a[href^='/break/']")
    assert routines.count() >= 5
    assert set(routines.all_inner_texts()) == {"Flare-up relief"}
    expect(p.locator("main")).to_contain_text("Goal this week: 20 minutes")
    # The dashboard shows today's plan.
    p.goto(f"{app.base}/")
    expect(p.get_by_role("heading", name="Today", exact=True)).to_be_visible()
    expect(p.get_by_role("heading", name="Walking goal")).to_be_visible()


def test_the_player_survives_a_server_restart_and_saves_once(app: App, page: object) -> None:
    from playwright.sync_api import expect

    p = page  # type: ignore[assignment]
    start_routine(p, app)
    expect(p.locator("[data-step-title]")).to_have_text("Grounding with slow breathing")

    app.kill()  # mid-routine: the server is gone

    # The routine carries on in the page.
    for _ in range(8):
        p.get_by_role("button", name="Next →").click()
    p.get_by_label("About the same").check()
    p.locator("[data-pain]").fill("5")
    p.get_by_role("button", name="Save").click()
    status = p.locator("[data-save-status]")
    expect(status).to_have_attribute("data-state", "retrying", timeout=10_000)
    expect(status).to_contain_text("kept in this browser")
    assert not PracticeSession.objects.exists()

    app.start()  # same port, same database, same secret key
    expect(status).to_have_attribute("data-state", "saved", timeout=45_000)

    session = PracticeSession.objects.get()
    assert (session.feeling, session.pain, session.completed) == ("same", 5, True)
    # Every retry carried the same key: reloading (which sends anything left) adds nothing.
    p.goto(f"{app.base}/sessions/")
    p.wait_for_timeout(1000)
    assert PracticeSession.objects.count() == 1
    assert p.evaluate("localStorage.getItem('backcare.outbox.v1')") == "{}"


def test_reduced_motion_stops_the_pacer_animation(app: App, browser: object) -> None:
    context = browser.new_context(reduced_motion="reduce")  # type: ignore[attr-defined]
    p = context.new_page()
    start_routine(p, app)
    p.keyboard.press("ArrowRight")
    circle = p.locator("[data-pacer-circle]")
    assert circle.evaluate("el => getComputedStyle(el).transitionDuration") in ("0s", "0s, 0s")
    assert circle.evaluate("el => getComputedStyle(el).transform") == "none"
    context.close()


# Records calls to the speech and wake-lock APIs, which headless Chromium lacks.
RECORD_BROWSER_APIS = """
window.__spoken = [];
window.__wakeLocks = {requested: 0, released: 0};
window.SpeechSynthesisUtterance = function (text) { this.text = text; };
Object.defineProperty(window, "speechSynthesis", {value: {
  speaking: false,
  speak(u) { window.__spoken.push(u.text); },
  cancel() {},
}});
Object.defineProperty(navigator, "wakeLock", {value: {
  async request() {
    window.__wakeLocks.requested += 1;
    return {
      addEventListener() {},
      async release() { window.__wakeLocks.released += 1; },
    };
  },
}});
"""


def test_spoken_cues_and_the_screen_wake_lock(app: App, browser: object) -> None:
    from playwright.sync_api import expect

    context = browser.new_context()  # type: ignore[attr-defined]
    context.add_init_script(RECORD_BROWSER_APIS)
    p = context.new_page()
    p.goto(app.login_url)
    p.goto(f"{app.base}/break/desk-reset/")
    answer_screen_clear(p)
    p.get_by_label("Read the steps aloud").first.check()
    p.get_by_role("button", name="Start").click()
    expect(p.locator("[data-step-title]")).to_have_text("Grounding with slow breathing")
    wait_until(p, "window.__spoken.length > 0")
    assert p.evaluate("window.__spoken[0]").startswith("Grounding with slow breathing.")
    assert p.evaluate("window.__wakeLocks.requested") == 1
    p.keyboard.press("Space")  # pause: the screen may sleep again
    wait_until(p, "window.__wakeLocks.released === 1")
    # The choice is remembered for the next routine.
    assert p.evaluate("localStorage.getItem('backcare.voice')") == "on"
    context.close()


def test_a_queued_result_is_only_ever_sent_for_its_owner(app: App, page: object) -> None:
    import json
    import uuid

    from backcare.accounts.services import local_owner

    p = page  # type: ignore[assignment]
    p.goto(app.login_url)
    me = str(local_owner().pk)

    def queued(owner: str) -> dict[str, object]:
        return {
            "owner": owner,
            "ready": True,
            "queuedAt": 0,
            "attempts": 0,
            "result": {
                "idempotency_key": str(uuid.uuid4()),
                "routine": "desk-reset",
                "source": "web",
                "started_at": "2026-11-20T10:00:00Z",
                "ended_at": "2026-11-20T10:05:00Z",
                "active_s": 280,
                "steps_completed": 8,
                "completed": True,
                "pain": 6,
            },
        }

    someone_else, mine = queued("someone-else"), queued(me)
    store = {e["result"]["idempotency_key"]: e for e in (someone_else, mine)}  # type: ignore[index]
    p.evaluate("s => localStorage.setItem('backcare.outbox.v1', s)", json.dumps(store))
    p.goto(f"{app.base}/sessions/")  # any page sends what is waiting
    wait_until(
        p, "Object.keys(JSON.parse(localStorage.getItem('backcare.outbox.v1'))).length === 1"
    )
    left = json.loads(p.evaluate("localStorage.getItem('backcare.outbox.v1')"))
    [(_, remaining)] = left.items()
    assert remaining["owner"] == "someone-else"
    session = PracticeSession.objects.get()
    assert str(session.idempotency_key) == mine["result"]["idempotency_key"]  # type: ignore[index]
    assert session.user == local_owner()


def test_the_library_in_danish_starts_a_routine(app: App, page: object) -> None:
    from playwright.sync_api import expect

    p = page  # type: ignore[assignment]
    p.goto(app.login_url)
    p.goto(f"{app.base}/library/")
    p.get_by_role("button", name="Dansk").click()
    expect(p.locator("html")).to_have_attribute("lang", "da")
    expect(p.get_by_role("heading", level=1)).to_have_text("Øvelsesbibliotek")
    # Filtering updates the results in place (HTMX) and keeps the address.
    p.get_by_label("Stilling").select_option("kneeling")
    expect(p).to_have_url(re.compile("position=kneeling"))
    expect(p.locator("#results a[href='/library/exercises/bird-dog/']")).to_be_visible()
    expect(p.locator("#results a[href='/library/exercises/glute-bridge/']")).to_have_count(0)

    p.goto(f"{app.base}/library/routines/core-level-1/")
    p.get_by_role("link", name="Start", exact=True).click()
    expect(p.locator("form.screen button[type=submit]")).to_have_text("Fortsæt")
    answer_screen_clear(p)
    p.get_by_role("button", name="Start").click()
    expect(p.locator("[data-step-number]")).to_contain_text("Trin 1")
    expect(p.locator("[data-step-title]")).to_have_text("Bækkenvip")


def test_every_figure_animates_in_the_gallery(app: App, page: object) -> None:
    p = page  # type: ignore[assignment]
    p.goto(app.login_url)
    p.goto(f"{app.base}/library/figures/")
    cards = p.locator("[data-figure]")
    count = cards.count()
    assert count >= 50
    # The limbs' drawn positions change as the SMIL animation runs.
    snapshot = """() => [...document.querySelectorAll('[data-figure]')].map(card =>
        [...card.querySelectorAll('polyline')].map(line => {
            const box = line.getBBox();
            return [box.x, box.y, box.width, box.height].map(n => n.toFixed(1)).join();
        }).join('|'))"""
    # Several looks at uneven intervals: two looks alone can land on the same
    # point of a short cycle, or inside one held pose, and wrongly see no movement.
    looks = [p.evaluate(snapshot)]
    for wait_ms in (370, 530, 610, 830):
        p.wait_for_timeout(wait_ms)
        looks.append(p.evaluate(snapshot))
    keys = p.evaluate(
        "() => [...document.querySelectorAll('[data-figure]')].map(c => c.dataset.figure)"
    )
    still = [key for n, key in enumerate(keys) if len({look[n] for look in looks}) == 1]
    assert not still, f"figures that did not move: {still}"


def test_a_due_break_rings_and_its_notification_opens_the_player(app: App, browser: object) -> None:
    from datetime import UTC, datetime, timedelta

    from backcare.accounts.models import User
    from backcare.accounts.services import OWNER_EMAIL
    from backcare.reminders.models import Reminder, ScheduleSettings
    from backcare.reminders.services import settings_for
    from tests.helpers import screened

    context: Any = browser.new_context()  # type: ignore[attr-defined]
    context.grant_permissions(["notifications"], origin=app.base)
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda exc: errors.append(str(exc)))
    p.goto(app.login_url)
    # The page's first look at the reminders copies today's schedule into reminders,
    # removing planned ones the schedule does not have. Let it finish before the test
    # adds its own (one made while it ran was removed now and then), and stop the next.
    wait_until(p, "document.querySelector('[data-reminders]').dataset.phase !== undefined")
    owner = User.objects.get(email=OWNER_EMAIL)
    screened(owner)
    settings_for(owner)
    now = datetime.now(UTC)
    ScheduleSettings.objects.filter(user=owner).update(sync_due_at=now + timedelta(days=2))

    def reminder(seconds: float) -> Reminder:
        at = now + timedelta(seconds=seconds)
        return Reminder.objects.create(
            user=owner,
            day=at.date(),
            ideal_at=at,
            kind="micro",
            routine="desk-reset",
            due_at=at,
            ends_at=at + timedelta(minutes=5),
        )

    # Due in 20 s: time for the page to load and show the warning first, even on a
    # loaded machine (with 8 s, a slow load once went straight to "due").
    due = reminder(20)
    p.goto(f"{app.base}/")
    line = p.locator("[data-reminders]")
    # A quiet warning first (the default is a minute ahead), with no notification yet.
    wait_until(p, "document.querySelector('[data-reminders]').dataset.phase === 'warning'")
    assert "starts in" in line.inner_text()
    shown = (
        "navigator.serviceWorker.ready.then(r => r.getNotifications())"
        ".then(ns => ns.map(n => ({title: n.title, tag: n.tag, url: n.data.url})))"
    )
    assert p.evaluate(shown) == []
    # Then the break rings: a notification through the service worker.
    wait_until(p, "document.querySelector('[data-reminders]').dataset.phase === 'due'", 35)
    wait_until(p, f"({shown}).then(ns => ns.length === 1)")
    assert p.evaluate(shown) == [
        {
            "title": "Time for a movement break",
            "tag": f"reminder-{due.pk}",
            "url": f"/break/desk-reset/?reminder={due.pk}",
        }
    ]
    # Clicking it (dispatched inside the service worker, as the browser does) opens the player.
    worker = context.service_workers[0]
    worker.evaluate(
        "self.registration.getNotifications().then(ns => self.dispatchEvent("
        "new NotificationEvent('notificationclick', {notification: ns[0]})))"
    )
    p.wait_for_url(f"**/break/desk-reset/?reminder={due.pk}", timeout=10_000)
    assert p.locator("h1").inner_text()

    # The next one is skipped from the line under the header.
    Reminder.objects.filter(pk=due.pk).update(state=Reminder.State.TAKEN)
    later = reminder(-1)
    p.goto(f"{app.base}/plan/")
    wait_until(p, "document.querySelector('[data-reminders]').dataset.phase === 'due'")
    p.locator("[data-reminders] [data-skip]").click()
    deadline = time.monotonic() + 10
    while Reminder.objects.get(pk=later.pk).state != Reminder.State.SKIPPED:
        assert time.monotonic() < deadline, "the skip did not reach the server"
        time.sleep(0.1)
    context.close()
    assert not errors, errors


def test_three_weeks_of_check_ins_show_the_charts_and_an_insight(app: App, page: Any) -> None:
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from backcare.accounts.models import User
    from backcare.accounts.services import OWNER_EMAIL
    from backcare.checkins.models import CheckIn
    from tests.helpers import screened

    page.goto(app.login_url)
    owner = User.objects.get(email=OWNER_EMAIL)
    screened(owner)
    today = timezone.localdate()

    def night(n: int) -> tuple[str, str]:  # (sleep hours, pain now) for N days ago
        return ("8", "2") if n % 2 else ("5", "5")

    # The two earlier weeks were filled in at the time ...
    for n in range(7, 21):
        hours, pain = night(n)
        CheckIn.objects.create(
            user=owner,
            day=today - timedelta(days=n),
            pain_now=int(pain),
            pain_worst=6,
            sleep_hours=Decimal(hours),
            sleep_quality=3,
            stress=3,
            active_minutes=20,
        )
    # ... and this week's seven by keyboard, through the form.
    for n in range(6, -1, -1):
        hours, pain = night(n)
        page.goto(f"{app.base}/checkin/{(today - timedelta(days=n)).isoformat()}/")
        # The first field takes the focus by itself (autofocus) once the page is ready.
        wait_until(page, "document.activeElement?.name === 'pain_now'", 10)
        page.keyboard.type(pain)
        page.keyboard.press("Tab")
        page.keyboard.type("6")
        page.keyboard.press("Tab")  # leg symptoms: "none" is already chosen
        page.keyboard.press("Tab")
        page.keyboard.type(hours)
        page.keyboard.press("Tab")  # sleep quality: the first answer, chosen with Space
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
        page.keyboard.type("3")
        page.keyboard.press("Tab")
        page.keyboard.type("30")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{app.base}/progress/")
    assert CheckIn.objects.filter(user=owner).count() == 21

    page.goto(f"{app.base}/progress/?weeks=4")
    assert page.locator("section.chart svg").count() == 3
    assert page.locator("section.chart svg").first.is_visible()
    insight = page.locator("[data-insight=sleep]")
    assert "after 7 or more hours of sleep, your pain averaged 2.0" in insight.inner_text()
    assert "not proof" in insight.inner_text()
    # The data table behind the pain chart opens with the keyboard.
    page.locator("section.chart summary").first.focus()
    page.keyboard.press("Enter")
    assert page.locator("section.chart table").first.is_visible()


def test_no_page_asks_any_other_origin_for_anything(app: App, page: Any) -> None:
    from backcare.accounts.models import User
    from backcare.accounts.services import OWNER_EMAIL
    from tests.helpers import screened

    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(app.login_url)
    screened(User.objects.get(email=OWNER_EMAIL))
    pages = [
        "/",
        "/plan/",
        "/assessment/",
        "/safety/",
        "/library/",
        "/library/routines/",
        "/library/routines/desk-reset/",
        "/library/lessons/",
        "/library/figures/",
        "/library/exercises/cat-cow/",
        "/break/desk-reset/",
        "/sessions/",
        "/breaks/",
        "/checkin/",
        "/progress/",
        "/settings/schedule/",
        "/settings/data/",
        "/settings/api-tokens/",
        "/api/v1/docs",
    ]
    for path in pages:
        answer = page.goto(f"{app.base}{path}")
        assert answer is not None and answer.status < 400, path
        page.wait_for_load_state("networkidle")
    outside = [
        url
        for url in requested
        if not url.startswith(app.base) and not url.startswith(("data:", "blob:"))
    ]
    assert outside == [], outside
    assert len(requested) > len(pages)


def test_a_team_break_starts_on_three_screens_together(app: App, browser: Any) -> None:
    from datetime import UTC, datetime, timedelta

    from backcare.accounts.services import login_url
    from backcare.teams import services
    from tests.helpers import make_user, screened

    admin = make_user("boss")
    services.create_organisation(admin, "Acme")
    team = services.create_team(admin, "Alpha")
    members = []
    for name in ("ann", "ben", "cat"):
        user = make_user(name)
        screened(user)
        services.accept_invite(user, services.make_invite(admin, team).token)
        members.append(user)
    # The next whole minute at least 20 s away: team breaks are set in minutes.
    now = datetime.now(UTC)
    at = (now + timedelta(seconds=80)).replace(second=0, microsecond=0)
    if at - now > timedelta(seconds=80) or at - now < timedelta(seconds=20):
        at = (now + timedelta(seconds=20)).replace(second=0, microsecond=0) + timedelta(minutes=1)
    tb = services.schedule_team_break(
        admin, team, "team-dance-break", [at.strftime("%H:%M")], list(range(7)), "UTC"
    )
    url = f"{app.base}/team-break/{tb.pk}/{int(at.timestamp())}/"

    pages = []
    for n, user in enumerate(members):
        context = browser.new_context()
        if n == 1:
            # This laptop's clock is 7 seconds slow; the page must correct for it.
            context.add_init_script(
                "(() => { const real = Date.now.bind(Date); Date.now = () => real() - 7000; })()"
            )
        p = context.new_page()
        p.goto(login_url(app.base, user))
        p.goto(url)
        pages.append(p)
    for p in pages:
        wait_until(p, "document.querySelector('[data-team-count]').dataset.joined === '3'", 30)
    assert "3 joined." in pages[0].locator("[data-team-count]").inner_text()
    wait_until(pages[1], "'clockOffset' in document.getElementById('player').dataset", 10)
    skew = int(pages[1].evaluate("document.getElementById('player').dataset.clockOffset"))
    assert 6500 <= skew <= 7500, skew
    assert pages[0].locator("[data-action=start]").is_hidden()

    wait_s = (at - datetime.now(UTC)).total_seconds() + 20
    for p in pages:
        wait_until(p, "'startedAt' in document.getElementById('player').dataset", wait_s)
    started = [
        float(p.evaluate("document.getElementById('player').dataset.startedAt")) for p in pages
    ]
    spread_ms = max(started) - min(started)
    assert spread_ms < 500, f"started {spread_ms:.0f} ms apart"
    # And on time, by the real clock.
    assert abs(min(started) / 1000 - at.timestamp()) < 1.5
    for p in pages:
        assert p.locator("[data-view=running]").is_visible()
        assert p.locator("[data-team-countdown]").inner_text() == "started together"
        p.context.close()


AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"


def test_every_page_in_both_languages_has_no_serious_accessibility_problem(
    app: App, browser: Any
) -> None:
    from backcare.accounts.models import User
    from backcare.accounts.services import OWNER_EMAIL, login_url
    from tests.site import every_page

    owner = User.objects.get(email=OWNER_EMAIL)
    pages = every_page(owner)
    # axe is added to each page by the test; the app's own CSP would refuse it.
    context = browser.new_context(bypass_csp=True)
    p = context.new_page()
    p.goto(login_url(app.base, owner))
    # First, the harness itself: a button without a name must be reported.
    p.add_script_tag(path=str(AXE))
    planted = p.evaluate(
        "(() => { document.body.append(document.createElement('button'));"
        " return axe.run().then(r => r.violations.map(v => v.id)); })()"
    )
    assert "button-name" in planted
    found: list[str] = []
    for lang in ("en", "da"):
        User.objects.filter(pk=owner.pk).update(language=lang)
        for path in pages:
            p.goto(f"{app.base}{path}")
            p.add_script_tag(path=str(AXE))
            result = p.evaluate(
                "axe.run(document, {resultTypes: ['violations']})"
                ".then(r => r.violations.filter(v => ['serious', 'critical'].includes(v.impact))"
                ".map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3)"
                ".map(n => n.target.join(' ')).join(' | ')))"
            )
            found += [f"{lang} {path}: {v}" for v in result]
    context.close()
    assert not found, "\n".join(found)
