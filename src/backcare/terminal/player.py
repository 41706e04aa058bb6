"""`backcare break`: a guided routine in the terminal, saved like a browser session."""

from __future__ import annotations

import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rich.console import Console, Group
from rich.panel import Panel
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.prompt import Confirm, IntPrompt, Prompt
from rich.text import Text

from backcare.core.routine import Routine as RoutineSpec
from backcare.core.routine import Step
from backcare.core.session import PAIN_MAX, PAIN_MIN, Feeling, Source
from backcare.core.triage import ScreenInput, Tier

FAST_FACTOR = 100.0
SIDES = {"left": gettext_lazy("left side"), "right": gettext_lazy("right side")}
TICK_S = 0.1


@dataclass
class Run:
    """How far the person got; filled in as the routine plays."""

    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    steps_completed: int = 0
    active_s: float = 0.0


def breath_label(step: Step, elapsed_s: float) -> str:
    assert step.breathing is not None
    b = step.breathing
    t = elapsed_s % b.cycle_s
    if t < b.in_s:
        return f"{_('Breathe in')} · {b.in_s - t:.0f}"
    if t < b.in_s + b.hold_s:
        return f"{_('Hold')} · {b.in_s + b.hold_s - t:.0f}"
    return f"{_('Breathe out')} · {b.cycle_s - t:.0f}"


def step_status(step: Step, elapsed_s: float) -> str:
    if step.reps is not None:
        rep = min(step.reps, int(elapsed_s // step.rep_s) + 1)
        status = _("Repetition %(rep)s of %(reps)s") % {"rep": rep, "reps": step.reps}
    else:
        left = max(0, round(step.total_s - elapsed_s))
        status = _("%(clock)s left") % {"clock": f"{left // 60}:{left % 60:02d}"}
    if step.breathing is not None:
        status += f"   {breath_label(step, elapsed_s)}"
    return status


@contextmanager
def ctrl_c_deferred() -> Iterator[threading.Event]:
    """While inside, Ctrl-C sets the event instead of raising wherever the code is.

    A KeyboardInterrupt can otherwise land anywhere, inside rich's Live and the
    lock it shares with its refresh thread included; the player checks the event
    between ticks and stops at a safe point instead, with the display closed.
    Outside the main thread, or with Ctrl-C ignored by whoever started us,
    nothing changes.
    """
    pressed = threading.Event()
    main = threading.current_thread() is threading.main_thread()
    if not main or signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        yield pressed
        return
    previous = signal.signal(signal.SIGINT, lambda *_: pressed.set())
    try:
        yield pressed
    finally:
        signal.signal(signal.SIGINT, previous)


def play(
    spec: RoutineSpec,
    run: Run,
    console: Console,
    speed: float = 1.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Show each step with its countdown; raises KeyboardInterrupt on Ctrl-C."""
    overall = Progress(
        TextColumn(_("Routine")), BarColumn(), TimeRemainingColumn(), console=console
    )
    overall_task = overall.add_task("routine", total=spec.total_s)
    step_bar = Progress(TextColumn("{task.description}"), BarColumn(), console=console)
    done_before = 0.0
    from rich.live import Live

    with ctrl_c_deferred() as pressed, Live(console=console, refresh_per_second=10) as live:
        for number, step in enumerate(spec.steps, start=1):
            step_bar_task = step_bar.add_task("", total=step.total_s)
            start = clock()
            elapsed = 0.0
            while elapsed < step.total_s and not pressed.is_set():
                elapsed = (clock() - start) * speed
                step_bar.update(
                    step_bar_task, completed=elapsed, description=step_status(step, elapsed)
                )
                overall.update(overall_task, completed=done_before + min(elapsed, step.total_s))
                side = "" if step.side == "both" else f" ({SIDES[step.side]})"
                live.update(
                    Group(
                        Panel(
                            Text(step.text),
                            title=_("Step %(number)s of %(total)s")
                            % {"number": number, "total": len(spec.steps)}
                            + f": {step.title}{side}",
                            title_align="left",
                            border_style="green",
                        ),
                        step_bar,
                        overall,
                    )
                )
                run.active_s = done_before + min(elapsed, step.total_s)
                sleep(TICK_S)
            if pressed.is_set():
                break
            step_bar.remove_task(step_bar_task)
            done_before += step.total_s
            run.steps_completed = number
    if pressed.is_set():
        raise KeyboardInterrupt


def ask_screen(console: Console) -> ScreenInput | None:
    """The red-flag screen at the prompt; None when no answer could be read."""
    from backcare.safety.labels import QUESTIONS

    console.print(f"\n[bold]{_('Before you move: a few safety questions')}[/bold]")
    console.print(_("Answer y for yes or n for no (Enter means no)."))
    try:
        answers = {
            code: Confirm.ask(f"  {question.text}", console=console, default=False)
            for code, question in QUESTIONS.items()
        }
        age = IntPrompt.ask(_("Your age"), console=console)
        weeks = IntPrompt.ask(
            _("How many weeks has this episode of back pain lasted?"), console=console
        )
        first = Confirm.ask(
            _("Is this the first time you have had back pain like this?"), console=console
        )
    except EOFError:
        return None
    return ScreenInput(answers=answers, age=age, duration_weeks=weeks, first_episode=first)


def ask_feedback(console: Console) -> tuple[Feeling | None, int | None]:
    """How the back feels and pain 0-10; Enter or end of input skips."""
    try:
        raw = Prompt.ask(
            _("How does your back feel now?") + " \\[better/same/worse, Enter]",
            console=console,
            choices=["better", "same", "worse", ""],
            show_choices=False,
            default="",
            show_default=False,
        )
        feeling = Feeling(raw) if raw else None
        while True:
            pain = IntPrompt.ask(
                _("Pain right now, %(low)s (none) to %(high)s (worst)?")
                % {"low": PAIN_MIN, "high": PAIN_MAX}
                + " \\[Enter]",
                console=console,
                default=None,
                show_default=False,
            )
            if pain is None or PAIN_MIN <= pain <= PAIN_MAX:
                return feeling, pain
            console.print(
                "[red]"
                + _("Please give a whole number from %(low)s to %(high)s.")
                % {"low": PAIN_MIN, "high": PAIN_MAX}
                + "[/red]"
            )
    except EOFError:
        return None, None


def run_break(
    slug: str, fast: bool, email: str | None, lang: str = "en", console: Console | None = None
) -> int:
    from django.conf import settings

    from backcare.accounts.services import find_user
    from backcare.library.models import Routine
    from backcare.library.services import compiled
    from backcare.practice.services import SessionResult, record_session
    from backcare.safety.labels import TIER_HEADINGS, reason_message
    from backcare.safety.services import record_screen, safety_status

    console = console or Console()
    routine = Routine.objects.filter(slug=slug).first()
    if routine is None:
        names = ", ".join(f"{r.slug} ({r.title(lang)})" for r in Routine.objects.all())
        console.print(
            "[red]"
            + _("There is no routine called %(slug)r.") % {"slug": slug}
            + "[/red] "
            + _("Choose one of: %(names)s") % {"names": names}
        )
        return 2
    try:
        user = find_user(email)
    except LookupError as exc:
        console.print(f"[red]{exc}[/red]")
        return 2

    lang = user.language or lang
    translation.activate(lang)
    status = safety_status(user)
    if status.kind == "stop":
        console.print(
            "[red]"
            + _("Exercises are paused: your safety answers need a doctor first.")
            + "[/red] "
            + _("Answer the safety questions again when a doctor has seen you.")
        )
        return 3
    if status.blocks_exercise:
        screen = ask_screen(console)
        if screen is None:
            console.print(
                "[red]"
                + _("The safety question needs an answer.")
                + "[/red] "
                + _(
                    "Run backcare break in a terminal where you can type, or answer it in "
                    "the browser first."
                )
            )
            return 2
        _saved, result = record_screen(user, screen)
        for reason in result.reasons:
            console.print(f"  • {reason_message(reason.code)}")
        if result.tier == Tier.EMERGENCY:
            advice = _(
                "What you described needs a doctor urgently, today. Call %(number)s or go to "
                "the nearest emergency department now. Do not do any exercises until a "
                "doctor has seen you."
            )
        elif result.tier == Tier.URGENT:
            advice = _(
                "Contact your doctor or an out-of-hours service today. Please do no "
                "exercises until a doctor has checked you."
            )
        elif result.tier == Tier.SOON:
            advice = _(
                "Please book an appointment with your doctor within the next days. Gentle "
                "movement is fine until then."
            )
        else:
            advice = ""
        if advice:
            console.print(
                Panel(
                    advice % {"number": settings.EMERGENCY_NUMBER},
                    title=str(TIER_HEADINGS[result.tier]),
                    border_style="red" if not result.exercise_allowed else "yellow",
                )
            )
        if not result.exercise_allowed:
            return 3

    spec = compiled(routine, lang)
    console.print(
        Panel(
            f"{spec.summary}\n\n[bold]{_('Stop rule')}:[/bold] {spec.stop_rule}",
            title=spec.title,
        )
    )
    run = Run()
    completed = True
    try:
        play(spec, run, console, speed=FAST_FACTOR if fast else 1.0)
    except KeyboardInterrupt:
        completed = False
        console.print(
            "\n"
            + _("Stopped after %(done)s of %(total)s steps.")
            % {"done": run.steps_completed, "total": len(spec.steps)}
        )
        try:
            keep = Confirm.ask(_("Save this as a partial session?"), console=console, default=True)
        except (EOFError, KeyboardInterrupt):
            keep = False
        if not keep:
            console.print(_("Not saved."))
            return 130

    if completed:
        console.print("\n[bold green]" + _("Done.") + "[/bold green]")
    feeling, pain = ask_feedback(console)
    session = record_session(
        user,
        SessionResult(
            idempotency_key=uuid.uuid4(),
            routine_slug=routine.slug,
            source=Source.TERMINAL,
            started_at=run.started_at,
            ended_at=datetime.now(UTC),
            active_s=round(run.active_s),
            steps_completed=run.steps_completed,
            completed=completed,
            feeling=feeling,
            pain=pain,
        ),
    )[0]
    console.print(
        _("Saved: %(routine)s, %(done)s of %(total)s steps.")
        % {
            "routine": session.routine.title(lang),
            "done": session.steps_completed,
            "total": session.steps_total,
        }
    )
    return 0
