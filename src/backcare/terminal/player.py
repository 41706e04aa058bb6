"""`backcare break`: a guided routine in the terminal, saved like a browser session."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from rich.console import Console, Group
from rich.panel import Panel
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.prompt import Confirm, IntPrompt, Prompt
from rich.text import Text

from backcare.core.routine import Routine as RoutineSpec
from backcare.core.routine import Step
from backcare.core.safety import EMERGENCY_SIGNS, Tier, quick_screen_tier
from backcare.core.session import PAIN_MAX, PAIN_MIN, Feeling, Source

FAST_FACTOR = 100.0
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
        return f"Breathe in · {b.in_s - t:.0f}"
    if t < b.in_s + b.hold_s:
        return f"Hold · {b.in_s + b.hold_s - t:.0f}"
    return f"Breathe out · {b.cycle_s - t:.0f}"


def step_status(step: Step, elapsed_s: float) -> str:
    if step.reps is not None:
        rep = min(step.reps, int(elapsed_s // step.rep_s) + 1)
        status = f"Repetition {rep} of {step.reps}"
    else:
        left = max(0, round(step.total_s - elapsed_s))
        status = f"{left // 60}:{left % 60:02d} left"
    if step.breathing is not None:
        status += f"   {breath_label(step, elapsed_s)}"
    return status


def play(
    spec: RoutineSpec,
    run: Run,
    console: Console,
    speed: float = 1.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Show each step with its countdown; raises KeyboardInterrupt on Ctrl-C."""
    overall = Progress(TextColumn("Routine"), BarColumn(), TimeRemainingColumn(), console=console)
    overall_task = overall.add_task("routine", total=spec.total_s)
    step_bar = Progress(TextColumn("{task.description}"), BarColumn(), console=console)
    done_before = 0.0
    from rich.live import Live

    with Live(console=console, refresh_per_second=10, transient=False) as live:
        for number, step in enumerate(spec.steps, start=1):
            step_bar_task = step_bar.add_task("", total=step.total_s)
            start = clock()
            elapsed = 0.0
            while elapsed < step.total_s:
                elapsed = (clock() - start) * speed
                step_bar.update(
                    step_bar_task, completed=elapsed, description=step_status(step, elapsed)
                )
                overall.update(overall_task, completed=done_before + min(elapsed, step.total_s))
                side = "" if step.side == "both" else f" ({step.side} side)"
                live.update(
                    Group(
                        Panel(
                            Text(step.text),
                            title=f"Step {number} of {len(spec.steps)}: {step.title}{side}",
                            title_align="left",
                            border_style="green",
                        ),
                        step_bar,
                        overall,
                    )
                )
                run.active_s = done_before + min(elapsed, step.total_s)
                sleep(TICK_S)
            step_bar.remove_task(step_bar_task)
            done_before += step.total_s
            run.steps_completed = number


def ask_safety(console: Console) -> Tier | None:
    """The emergency question; None when no answer could be read."""
    console.print("\n[bold]Before you move: one safety question.[/bold]")
    console.print("Do any of these apply to you right now?")
    for sign in EMERGENCY_SIGNS:
        console.print(f"  • {sign.question}")
    try:
        return quick_screen_tier(Confirm.ask("Any of these?", console=console))
    except EOFError:
        return None


def ask_feedback(console: Console) -> tuple[Feeling | None, int | None]:
    """How the back feels and pain 0-10; Enter or end of input skips."""
    try:
        raw = Prompt.ask(
            "How does your back feel now? \\[better/same/worse, Enter to skip]",
            console=console,
            choices=["better", "same", "worse", ""],
            show_choices=False,
            default="",
            show_default=False,
        )
        feeling = Feeling(raw) if raw else None
        while True:
            pain = IntPrompt.ask(
                f"Pain right now, {PAIN_MIN} (none) to {PAIN_MAX} (worst)? \\[Enter to skip]",
                console=console,
                default=None,
                show_default=False,
            )
            if pain is None or PAIN_MIN <= pain <= PAIN_MAX:
                return feeling, pain
            console.print(f"[red]Please give a whole number from {PAIN_MIN} to {PAIN_MAX}.[/red]")
    except EOFError:
        return None, None


def run_break(slug: str, fast: bool, email: str | None, console: Console | None = None) -> int:
    from django.conf import settings

    from backcare.accounts.services import find_user
    from backcare.practice.services import SessionResult, record_session
    from backcare.routines.models import Routine
    from backcare.safety.models import SafetyScreen, may_exercise

    console = console or Console()
    routine = Routine.objects.filter(slug=slug).first()
    if routine is None:
        names = ", ".join(f"{r.slug} ({r.title})" for r in Routine.objects.all())
        console.print(f"[red]There is no routine called {slug!r}.[/red] Choose one of: {names}")
        return 2
    try:
        user = find_user(email)
    except LookupError as exc:
        console.print(f"[red]{exc}[/red]")
        return 2

    if not may_exercise(user):
        tier = ask_safety(console)
        if tier is None:
            console.print(
                "[red]The safety question needs an answer.[/red] Run `backcare break` in a "
                "terminal where you can type, or answer it in the browser first."
            )
            return 2
        SafetyScreen.objects.create(user=user, tier=tier)
        if tier == Tier.EMERGENCY:
            console.print(
                Panel(
                    f"What you described needs a doctor today, urgently. Call "
                    f"{settings.EMERGENCY_NUMBER} or go to the nearest emergency department now. "
                    "Do not do any exercises until a doctor has seen you.",
                    title="Please get medical help now",
                    border_style="red",
                )
            )
            return 3

    spec = routine.spec
    console.print(
        Panel(f"{spec.summary}\n\n[bold]Stop rule:[/bold] {spec.stop_rule}", title=spec.title)
    )
    run = Run()
    completed = True
    try:
        play(spec, run, console, speed=FAST_FACTOR if fast else 1.0)
    except KeyboardInterrupt:
        completed = False
        console.print(f"\nStopped after {run.steps_completed} of {len(spec.steps)} steps.")
        try:
            keep = Confirm.ask("Save this as a partial session?", console=console, default=True)
        except (EOFError, KeyboardInterrupt):
            keep = False
        if not keep:
            console.print("Not saved.")
            return 130

    if completed:
        console.print("\n[bold green]Done.[/bold green]")
    feeling, pain = ask_feedback(console)
    session, _ = record_session(
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
    )
    console.print(
        f"Saved: {session.routine.title}, {session.steps_completed} of {session.steps_total} steps."
    )
    return 0
