from __future__ import annotations

import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rich.console import Console

from backcare.accounts.services import local_owner
from backcare.library.models import Routine
from backcare.library.services import compiled
from backcare.practice.models import PracticeSession
from backcare.safety.models import SafetyScreen
from backcare.terminal.player import Run, play
from tests.helpers import CLEAR_SCREEN_STDIN, SADDLE_NUMBNESS_STDIN, screened, wait_healthy

BACKCARE = [sys.executable, "-m", "backcare"]


def run(
    args: list[str], env: dict[str, str], stdin: str = "", timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*BACKCARE, *args], env=env, input=stdin, capture_output=True, text=True, timeout=timeout
    )


def test_version_is_printed_without_setting_anything_up() -> None:
    out = subprocess.run([*BACKCARE, "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip().startswith("backcare 0.")


def test_an_unknown_routine_lists_the_valid_ones(cli_env: dict[str, str]) -> None:
    r = run(["break", "handstand"], cli_env)
    assert r.returncode == 2
    assert "no routine called 'handstand'" in r.stdout
    assert "desk-reset (5-minute desk reset)" in r.stdout


def test_break_fast_records_a_terminal_session(cli_env: dict[str, str]) -> None:
    r = run(["break", "desk-reset", "--fast"], cli_env, stdin=CLEAR_SCREEN_STDIN + "better\n3\n")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Step 8 of 8" in r.stdout
    assert "Saved: 5-minute desk reset, 8 of 8 steps." in r.stdout
    session = PracticeSession.objects.get()
    assert session.user == local_owner()
    assert (session.source, session.completed, session.feeling, session.pain) == (
        "terminal",
        True,
        "better",
        3,
    )
    assert session.steps_completed == session.steps_total == 8
    assert SafetyScreen.objects.get().tier == "none"


def test_pain_outside_zero_to_ten_is_asked_again(cli_env: dict[str, str]) -> None:
    r = run(["break", "--fast"], cli_env, stdin=CLEAR_SCREEN_STDIN + "same\n11\n4\n")
    assert r.returncode == 0, r.stderr
    assert "Please give a whole number from 0 to 10." in r.stdout
    assert PracticeSession.objects.get().pain == 4


def test_an_emergency_answer_stops_before_any_exercise(cli_env: dict[str, str]) -> None:
    r = run(["break", "--fast"], cli_env, stdin=SADDLE_NUMBNESS_STDIN)
    assert r.returncode == 3
    assert "Please get medical help now" in r.stdout
    assert "Call 112" in r.stdout
    assert "Step 1" not in r.stdout
    assert not PracticeSession.objects.exists()
    assert SafetyScreen.objects.get().tier == "emergency"


def test_no_answer_to_the_safety_question_means_no_routine(cli_env: dict[str, str]) -> None:
    r = run(["break", "--fast"], cli_env, stdin="")
    assert r.returncode == 2
    assert "The safety question needs an answer" in r.stdout
    assert not PracticeSession.objects.exists()


def interrupted_break(env: dict[str, str], answer: str) -> tuple[int, str]:
    """Start a real-time routine, press Ctrl-C during it, then type ANSWER."""
    screened(local_owner())
    proc = subprocess.Popen(
        [*BACKCARE, "break", "desk-reset"],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(4)
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(answer, timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()  # not left running into the next test
        out, err = proc.communicate()
        pytest.fail(f"Ctrl-C did not stop the routine: {out}{err}")
    return proc.returncode, out + err


def test_ctrl_c_stops_the_player_between_ticks(routines: list[Routine]) -> None:
    """Ctrl-C is taken at a safe point between ticks, never inside rich's live display."""
    spec = compiled(Routine.objects.get(slug="desk-reset"), "en")
    ticks: list[float] = []

    def sleep(seconds: float) -> None:
        ticks.append(seconds)
        if len(ticks) == 3:
            os.kill(os.getpid(), signal.SIGINT)

    def clock() -> float:  # a second a tick: the routine would end, not hang, if unheard
        return float(len(ticks))

    before = signal.getsignal(signal.SIGINT)
    with pytest.raises(KeyboardInterrupt) as stopped:
        play(spec, Run(), Console(file=io.StringIO()), clock=clock, sleep=sleep)
    # Raised by the player after the display closed, not where the signal landed.
    assert stopped.traceback[-1].name == "play"
    assert len(ticks) == 3  # stopped at the next check, not after the routine
    assert signal.getsignal(signal.SIGINT) is before


def test_ctrl_c_offers_to_save_a_partial_session(cli_env: dict[str, str]) -> None:
    code, out = interrupted_break(cli_env, "y\n\n\n")
    assert code == 0, out
    assert "Save this as a partial session?" in out
    session = PracticeSession.objects.get()
    assert not session.completed
    assert session.steps_completed < session.steps_total


def test_ctrl_c_and_no_saves_nothing(cli_env: dict[str, str]) -> None:
    code, out = interrupted_break(cli_env, "n\n")
    assert code == 130
    assert "Not saved." in out
    assert not PracticeSession.objects.exists()


def test_login_url_prints_a_one_time_link(cli_env: dict[str, str]) -> None:
    r = run(["login-url", "--base-url", "http://127.0.0.1:9999"], cli_env)
    assert r.returncode == 0
    assert r.stdout.startswith("http://127.0.0.1:9999/login/token/")


def test_login_url_for_an_unknown_email_says_so(cli_env: dict[str, str]) -> None:
    r = run(["login-url", "--user", "nobody@example.org"], cli_env)
    assert r.returncode == 1
    assert "No account with the email 'nobody@example.org'" in r.stderr


def test_serve_on_a_taken_port_says_how_to_fix_it(cli_env: dict[str, str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = run(["serve", "--no-browser", "--port", str(port)], cli_env, timeout=30)
    assert r.returncode == 1
    assert f"port {port} on 127.0.0.1 is already in use" in r.stderr
    assert f"backcare serve --port {port + 1}" in r.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("BACKCARE_DATA_DIR", "/proc/backcare-cannot-be-here"),
        ("BACKCARE_DATABASE_URL", "sqlite:////proc/backcare-cannot-be-here/db.sqlite3"),
    ],
)
def test_an_unwritable_location_is_a_clear_startup_error(
    cli_env: dict[str, str], variable: str, value: str
) -> None:
    env = {**cli_env, variable: value}
    r = run(["login-url"], env)
    assert r.returncode == 1
    assert "/proc/backcare-cannot-be-here" in r.stderr
    assert variable in r.stderr
    assert "Traceback" not in r.stderr


def test_ctrl_c_stops_the_server_cleanly(cli_env: dict[str, str]) -> None:

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [*BACKCARE, "serve", "--no-browser", "--port", str(port)],
        env=cli_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    if not wait_healthy(f"http://127.0.0.1:{port}"):
        proc.kill()
        pytest.fail(f"the server did not start: {proc.communicate()[0]}")
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out
    assert "/login/token/" in out
    assert "backcare stopped." in out
    assert "Traceback" not in out


def test_any_routine_runs_in_the_terminal(cli_env: dict[str, str]) -> None:
    screened(local_owner())
    r = run(["break", "core-level-1", "--fast"], cli_env, stdin="same\n2\n", timeout=120)
    assert r.returncode == 0, r.stdout + r.stderr
    session = PracticeSession.objects.get()
    assert session.routine.slug == "core-level-1"
    assert session.completed and session.steps_completed == session.steps_total


def test_content_check_reports_each_problem_with_file_and_field(tmp_path: Path) -> None:
    from backcare.content import CONTENT_DIR

    broken = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, broken)
    (broken / "routines/desk-reset.yaml").write_text("id: desk-reset\n")
    r = subprocess.run([*BACKCARE, "content", "check", str(broken)], capture_output=True, text=True)
    assert r.returncode == 1
    assert "routines/desk-reset.yaml: title: Field required" in r.stderr
    assert "routines/desk-reset.yaml: items: Field required" in r.stderr


def test_serve_caps_malloc_arenas_unless_the_environment_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import platform

    from backcare.server import limit_malloc_arenas

    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert limit_malloc_arenas() is False  # the person's own setting stands
    monkeypatch.delenv("MALLOC_ARENA_MAX")
    glibc = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
    assert limit_malloc_arenas() is glibc


def test_serve_loads_the_views_before_it_forks(
    cli_env: dict[str, str],
) -> None:
    """What the serving process loads, the HTTP processes and the worker it forks share."""
    script = (
        "import sys, django; django.setup()\n"
        "from django.db import connection\n"
        "connection.ensure_connection()\n"
        "from backcare.server import preload_app\n"
        "assert 'backcare.api.views' not in sys.modules\n"
        "preload_app()\n"
        "import gc\n"
        "print('backcare.api.views' in sys.modules, 'backcare.wsgi' in sys.modules,"
        " connection.connection is None, gc.get_freeze_count() > 10_000)\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", script], env=cli_env, capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 0, r.stderr
    # Loaded, no connection open, and the loaded objects out of the collector's way.
    assert r.stdout.split() == ["True", "True", "True", "True"]
