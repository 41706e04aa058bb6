"""The `backcare` command. Imports stay inside the commands so `--version` is instant."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from backcare import __version__

Handler = Callable[[argparse.Namespace], int]


def fail(message: str, code: int = 1) -> int:
    print(f"backcare: {message}", file=sys.stderr)
    return code


def setup_django() -> None:
    """Configure Django, turning a settings problem into one clear line."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backcare.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        raise SystemExit(fail(str(exc))) from None


def prepare_database(verbose: bool = False) -> None:
    """Apply migrations and load the built-in content; safe to run every start."""
    from django.core.management import call_command
    from django.db import DatabaseError

    from backcare.core.content import ContentError
    from backcare.library.loader import load_builtin_content

    try:
        call_command("migrate", interactive=False, verbosity=1 if verbose else 0)
        call_command("createcachetable", verbosity=0)
        load_builtin_content()
    except DatabaseError as exc:
        from django.conf import settings

        db = settings.DATABASES["default"]
        raise SystemExit(
            fail(
                f"cannot use the database {db['NAME']} ({exc}). Check BACKCARE_DATABASE_URL, "
                "or for SQLite that BACKCARE_DATA_DIR is writable."
            )
        ) from None
    except ContentError as exc:
        raise SystemExit(fail(f"the built-in content is invalid:\n{exc}")) from None


def person(email: str | None) -> Any:
    """Set up, then the account for EMAIL (the local owner without one); exits if unknown."""
    setup_django()
    prepare_database()
    from backcare.accounts.services import find_user

    try:
        return find_user(email)
    except LookupError as exc:
        raise SystemExit(fail(str(exc))) from None


def cmd_serve(args: argparse.Namespace) -> int:
    from backcare.server import is_loopback

    if "BACKCARE_MODE" not in os.environ:
        os.environ["BACKCARE_MODE"] = "local" if is_loopback(args.host) else "multi"
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        os.environ.setdefault("BACKCARE_ALLOWED_HOSTS", f"{args.host},127.0.0.1,localhost")
    setup_django()
    from backcare.server import serve

    return serve(
        host=args.host, port=args.port, open_browser=not args.no_browser, worker=not args.no_worker
    )


def cmd_worker(args: argparse.Namespace) -> int:
    setup_django()
    prepare_database()
    from backcare.reminders.worker import run

    return run(interval_s=args.interval, once=args.once)


def cmd_remind(args: argparse.Namespace) -> int:
    if args.snooze not in (5, 10, 15):
        return fail("--snooze must be 5, 10 or 15 minutes", code=2)
    user = person(args.user)
    from backcare.reminders.desktop import run_reminders

    return run_reminders(
        user, base_url=args.base_url, poll_s=args.poll, snooze_min=args.snooze, once=args.once
    )


def cmd_login_url(args: argparse.Namespace) -> int:
    user = person(args.user)
    from backcare.accounts.services import login_url

    print(login_url(args.base_url, user))
    return 0


def cmd_break(args: argparse.Namespace) -> int:
    setup_django()
    prepare_database()
    from backcare.terminal.player import run_break

    return run_break(args.routine, fast=args.fast, email=args.user)


def cmd_content_check(args: argparse.Namespace) -> int:
    from pathlib import Path

    from backcare.content import CONTENT_DIR
    from backcare.core.content import ContentError, load_library
    from backcare.core.figure import figure_problems, load_figures

    root = Path(args.directory) if args.directory else CONTENT_DIR
    if not root.is_dir():
        return fail(f"{root} is not a directory")
    problems: list[str] = []
    try:
        figures = load_figures(root / "figures")
        problems.extend(figure_problems(figures))
    except ContentError as exc:
        problems.extend(exc.problems)
        figures = {}
    pose_keys = {p.stem for p in (root / "figures").glob("*.yaml")}
    try:
        library = load_library(root, pose_keys=pose_keys)
    except ContentError as exc:
        problems.extend(exc.problems)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return fail(f"{len(problems)} problem(s) in {root}")
    print(
        f"OK: {len(library.exercises)} exercises, {len(library.routines)} routines, "
        f"{len(library.lessons)} lessons, {len(figures)} figures, "
        f"{len(library.references)} references"
    )
    return 0


def read_screen(raw: str) -> object:
    """The triage input as a ScreenInput, or a message naming what is wrong."""
    import json

    from backcare.core.triage import ANSWER_CODES, ScreenInput

    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        return f"the input is not valid JSON: {exc}"
    if not isinstance(data, dict):
        return "the input must be a JSON object with age, duration_weeks, first_episode, answers"
    unknown = sorted(set(data) - {"age", "duration_weeks", "first_episode", "answers"})
    if unknown:
        return f"unknown field(s): {', '.join(unknown)}"
    age, weeks, first = data.get("age"), data.get("duration_weeks"), data.get("first_episode")
    if age is not None and (isinstance(age, bool) or not isinstance(age, int) or age < 0):
        return f"age: expected a whole number of years, got {age!r}"
    if weeks is not None and (
        isinstance(weeks, bool) or not isinstance(weeks, int | float) or weeks < 0
    ):
        return f"duration_weeks: expected a number of weeks, got {weeks!r}"
    if first is not None and not isinstance(first, bool):
        return f"first_episode: expected true or false, got {first!r}"
    answers = data.get("answers", {})
    if not isinstance(answers, dict):
        return "answers: expected an object of code: true or false"
    for code, value in answers.items():
        if code not in ANSWER_CODES:
            return f"answers: unknown code {code!r}; known codes: {', '.join(ANSWER_CODES)}"
        if not isinstance(value, bool):
            return f"answers.{code}: expected true or false, got {value!r}"
    return ScreenInput(answers=answers, age=age, duration_weeks=weeks, first_episode=first)


def cmd_triage(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    try:
        raw = Path(args.json).read_text(encoding="utf-8") if args.json else sys.stdin.read()
    except OSError as exc:
        return fail(f"cannot read {args.json}: {exc.strerror}", code=2)
    screen = read_screen(raw)
    if isinstance(screen, str):
        return fail(screen, code=2)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backcare.settings")
    setup_django()
    from django.utils import translation

    from backcare.core.triage import ScreenInput, triage
    from backcare.safety.labels import reason_message

    assert isinstance(screen, ScreenInput)
    result = triage(screen)
    with translation.override(args.lang):
        out = {
            "tier": result.tier.label,
            "exercise_allowed": result.exercise_allowed,
            "reasons": [
                {"code": r.code, "tier": r.tier.label, "message": reason_message(r.code)}
                for r in result.reasons
            ],
            "unanswered": list(result.unanswered),
        }
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


def cmd_schedule(args: argparse.Namespace) -> int:
    import json
    from datetime import date

    try:
        day = date.fromisoformat(args.date) if args.date else None
    except ValueError:
        return fail(f"--date {args.date!r} is not a date like 2026-11-23", code=2)
    user = person(args.user)
    from django.utils import timezone

    from backcare.reminders.services import day_schedule, schedule_json

    day = day or timezone.localdate()
    breaks = schedule_json(day_schedule(user, day))
    if args.json:
        print(json.dumps(breaks, indent=2))
    else:
        for b in breaks:
            print(f"{b['start'][11:16]}-{b['end'][11:16]}  {b['kind']:5}  {b['routine'] or ''}")
        if not breaks:
            print("No breaks planned for", day.isoformat())
    return 0


def cmd_calendar_url(args: argparse.Namespace) -> int:
    user = person(args.user)
    from backcare.reminders.services import settings_for

    print(f"{args.base_url.rstrip('/')}/calendar/{settings_for(user).feed_token}.ics")
    return 0


def cmd_checkin(args: argparse.Namespace) -> int:
    from datetime import date

    try:
        day = date.fromisoformat(args.date) if args.date else None
    except ValueError:
        return fail(f"--date {args.date!r} is not a date like 2026-11-23", code=2)
    user = person(args.user)
    from backcare.checkins.cli import run_checkin

    return run_checkin(user, day, args)


def cmd_report(args: argparse.Namespace) -> int:
    if not 1 <= args.weeks <= 26:
        return fail("--weeks must be from 1 to 26", code=2)
    user = person(args.user)
    from backcare.checkins.report import build_report

    data = build_report(user, args.weeks)
    try:
        with open(args.output, "wb") as f:
            f.write(data)
    except OSError as exc:
        return fail(f"cannot write {args.output}: {exc.strerror}")
    print(f"Report for the last {args.weeks} weeks written to {args.output}.")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    user = person(args.user)
    from backcare.dataport import export_zip

    data = export_zip(user)
    try:
        with open(args.output, "wb") as f:
            f.write(data)
    except OSError as exc:
        return fail(f"cannot write {args.output}: {exc.strerror}")
    print(f"Everything of {user.email} written to {args.output}.")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    try:
        with open(args.file, "rb") as f:
            data = f.read()
    except OSError as exc:
        return fail(f"cannot read {args.file}: {exc.strerror}", code=2)
    user = person(args.user)
    from backcare.dataport import ImportError_, import_zip

    try:
        counts = import_zip(user, data)
    except ImportError_ as exc:
        return fail(f"nothing was imported: {exc}", code=2)
    print(f"Imported {sum(counts.values())} records into {user.email}.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    if not 1 <= args.users <= 100_000:
        return fail("--users must be from 1 to 100000", code=2)
    if not 1 <= args.days <= 365:
        return fail("--days must be from 1 to 365", code=2)
    setup_django()
    prepare_database()
    import time

    from backcare.teams.demo import make_demo

    began = time.monotonic()
    org = make_demo(args.users, args.days, seed=args.seed)
    first = org.memberships.order_by("user_id").select_related("user").first()
    print(f"{org.name} made in {time.monotonic() - began:.1f} s.")
    if first is not None:
        print(f"Its admin: backcare login-url --user {first.user.email}")
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["backcare manage", *args.args])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="backcare",
        description="A self-hosted back-care coach: safety first, guided movement breaks, "
        "progress you can see.",
    )
    parser.add_argument("--version", action="version", version=f"backcare {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    serve = sub.add_parser("serve", help="set up the database and run the web app")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (8000)")
    serve.add_argument("--no-browser", action="store_true", help="do not open a browser")
    serve.add_argument(
        "--no-worker",
        action="store_true",
        help="do not start the background worker (local mode starts one)",
    )
    serve.set_defaults(func=cmd_serve)

    login = sub.add_parser("login-url", help="print a fresh one-time sign-in link")
    login.add_argument("--user", metavar="EMAIL", help="whose link (default: the local owner)")
    login.add_argument(
        "--base-url", default="http://127.0.0.1:8000", help="where backcare is served"
    )
    login.set_defaults(func=cmd_login_url)

    brk = sub.add_parser("break", help="follow a guided routine in the terminal")
    brk.add_argument("routine", nargs="?", default="desk-reset", help="routine id (desk-reset)")
    brk.add_argument("--fast", action="store_true", help="run every timer at high speed (demos)")
    brk.add_argument("--user", metavar="EMAIL", help="whose session (default: the local owner)")
    brk.set_defaults(func=cmd_break)

    sched = sub.add_parser("schedule", help="print a day's planned breaks")
    sched.add_argument("--date", help="YYYY-MM-DD (default: today)")
    sched.add_argument("--json", action="store_true", help="as JSON: start, end, kind, routine")
    sched.add_argument("--user", metavar="EMAIL", help="whose (default: the local owner)")
    sched.set_defaults(func=cmd_schedule)

    cal = sub.add_parser("calendar-url", help="print the private calendar feed of your breaks")
    cal.add_argument("--user", metavar="EMAIL", help="whose (default: the local owner)")
    cal.add_argument("--base-url", default="http://127.0.0.1:8000", help="where backcare is served")
    cal.set_defaults(func=cmd_calendar_url)

    work = sub.add_parser("worker", help="send due reminders and refresh calendars")
    work.add_argument(
        "--interval", type=float, default=1.0, help="seconds between looks at the queue (1)"
    )
    work.add_argument("--once", action="store_true", help="run what is due now, then exit")
    work.set_defaults(func=cmd_worker)

    rem = sub.add_parser("remind", help="desktop notifications for your breaks, no browser needed")
    rem.add_argument("--user", metavar="EMAIL", help="whose breaks (default: the local owner)")
    rem.add_argument("--base-url", default="http://127.0.0.1:8000", help="where backcare is served")
    rem.add_argument("--poll", type=float, default=5.0, help="seconds between checks (5)")
    rem.add_argument(
        "--snooze", type=int, default=10, help="minutes for the notification's snooze (5/10/15)"
    )
    rem.add_argument("--once", action="store_true", help="notify what is due now, then exit")
    rem.set_defaults(func=cmd_remind)

    chk = sub.add_parser("checkin", help="the daily check-in (asks for what the options leave out)")
    chk.add_argument("--date", help="YYYY-MM-DD, today or one of the six days before (today)")
    chk.add_argument("--pain", type=int, help="pain now, 0-10")
    chk.add_argument("--worst", type=int, help="worst pain today, 0-10")
    chk.add_argument(
        "--leg", choices=["none", "buttock", "thigh", "below_knee", "foot"], help="leg symptoms"
    )
    chk.add_argument("--sleep-hours", help="hours of sleep last night, e.g. 7.5")
    chk.add_argument("--sleep-quality", type=int, help="1 (very poor) to 5 (very good)")
    chk.add_argument("--stress", type=int, help="stress today, 0-10")
    chk.add_argument("--active", type=int, help="active minutes today")
    chk.add_argument("--note", help="an optional note")
    chk.add_argument(
        "--new-symptoms",
        action="store_true",
        help="new leg weakness or numbness, numbness between the legs, bladder or bowel trouble",
    )
    chk.add_argument("--user", metavar="EMAIL", help="whose (default: the local owner)")
    chk.set_defaults(func=cmd_checkin)

    rep = sub.add_parser("report", help="a PDF report for your clinician")
    rep.add_argument("--output", required=True, metavar="FILE.pdf", help="where to write it")
    rep.add_argument("--weeks", type=int, default=4, help="how many weeks back (4; 1-26)")
    rep.add_argument("--user", metavar="EMAIL", help="whose (default: the local owner)")
    rep.set_defaults(func=cmd_report)

    exp = sub.add_parser("export", help="everything of yours as a zip (JSON and CSV)")
    exp.add_argument("--output", required=True, metavar="FILE", help="where to write the zip")
    exp.add_argument("--user", metavar="EMAIL", help="whose (default: the local owner)")
    exp.set_defaults(func=cmd_export)

    imp = sub.add_parser("import", help="restore an export into an empty account")
    imp.add_argument("file", help="a zip made by backcare export")
    imp.add_argument(
        "--user", metavar="EMAIL", help="into whose account (default: the local owner)"
    )
    imp.set_defaults(func=cmd_import)

    demo = sub.add_parser("demo", help="an organisation of demo people with histories")
    demo.add_argument("--users", type=int, default=50, help="how many people (50)")
    demo.add_argument("--days", type=int, default=30, help="days of history (30)")
    demo.add_argument("--seed", type=int, default=1, help="random seed (1)")
    demo.set_defaults(func=cmd_demo)

    tri = sub.add_parser("triage", help="red-flag screen: answers as JSON in, tier as JSON out")
    tri.add_argument("--json", metavar="FILE", help="read the answers from FILE, not stdin")
    tri.add_argument("--lang", default="en", choices=["en", "da"], help="language of messages")
    tri.set_defaults(func=cmd_triage)

    content = sub.add_parser("content", help="work with exercise, routine and lesson files")
    content_sub = content.add_subparsers(dest="content_command", metavar="ACTION", required=True)
    check = content_sub.add_parser("check", help="validate the content files")
    check.add_argument("directory", nargs="?", help="content folder (default: the built-in one)")
    check.set_defaults(func=cmd_content_check)

    manage = sub.add_parser("manage", help="run a Django management command (for admins)")
    manage.add_argument("args", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "func", None)
    if handler is None:
        parser.print_help()
        return 0
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
