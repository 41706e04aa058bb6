"""backcare at scale: the employer dashboard, a progress page and every schedule.

    python bench/scale.py [--users 10000] [--days 90] [--database-url URL] [--write]
    python bench/scale.py --reuse DATA_DIR      # time again on data made before

Fills a scratch database with `backcare demo`, then times, in one process:
the organisation's dashboard (target < 200 ms) and one person's progress page
(target < 100 ms), each as its data and as the whole page through Django's
test client (middleware, template, no network), and bringing every person's
reminders in line with the day's schedule, as the worker does after midnight
(the pure schedule computation alone is bench/schedule.py, target < 2 s for
10,000). Medians of 5 runs after one warm-up.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime


def timed(fn: object, runs: int = 5) -> float:
    """Median wall time of RUNS calls, in ms."""
    times = []
    fn()  # type: ignore[operator]
    for _ in range(runs):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=10000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--reuse", help="a data folder an earlier run made (it prints it)")
    parser.add_argument("--no-sync", action="store_true", help="skip the (slow) reminder sync")
    args = parser.parse_args()
    data = args.reuse or tempfile.mkdtemp()
    print(f"data folder: {data}", flush=True)
    os.environ.update({"BACKCARE_DATA_DIR": data, "DJANGO_SETTINGS_MODULE": "backcare.settings"})
    if args.database_url:
        os.environ["BACKCARE_DATABASE_URL"] = args.database_url
    start = time.perf_counter()
    made = "reused" if args.reuse else ""
    if not args.reuse:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "backcare",
                "demo",
                "--users",
                str(args.users),
                "--days",
                str(args.days),
            ],
            check=True,
        )
    made = made or f"{time.perf_counter() - start:.0f} s"

    import django

    django.setup()
    from django.conf import settings
    from django.test import Client, override_settings
    from django.utils import timezone

    from backcare.checkins.progress import progress_for
    from backcare.reminders.delivery import sync_reminders
    from backcare.reminders.models import ScheduleSettings
    from backcare.teams.dashboard import dashboard_for
    from backcare.teams.models import Membership, Organisation
    from backcare.teams.views import TEAMS_PER_PAGE

    org = Organisation.objects.order_by("-pk").first()
    assert org is not None
    person = Membership.objects.filter(organisation=org).order_by("pk")[len(str(args.users))].user
    dashboard_ms = timed(lambda: dashboard_for(org, 8))
    progress_ms = timed(lambda: progress_for(person, 4))
    admin, reader = Client(HTTP_HOST="localhost"), Client(HTTP_HOST="localhost")
    admin.force_login(Membership.objects.get(organisation=org, role="admin").user)
    reader.force_login(person)

    def page(client: Client, url: str) -> None:
        answer = client.get(url)
        assert answer.status_code == 200, (url, answer.status_code)

    # Pages render with plain static file names (no collectstatic manifest here).
    plain = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(STORAGES={**settings.STORAGES, **plain}):
        dashboard_page_ms = timed(lambda: page(admin, "/org/dashboard/"))
        progress_page_ms = timed(lambda: page(reader, "/progress/"))
    teams = org.teams.count()
    load = os.getloadavg()[0]
    sync = "skipped"
    if not args.no_sync:
        users = [m.user for m in Membership.objects.filter(organisation=org).select_related("user")]
        ScheduleSettings.objects.update(sync_due_at=None)
        start = time.perf_counter()
        now = timezone.now()
        for user in users:
            sync_reminders(user, now)
        sync_s = time.perf_counter() - start
        sync = f"{sync_s:.1f} s"
    vendor = "PostgreSQL" if args.database_url else "SQLite"
    rows = [
        ("demo data made", made, ""),
        ("employer dashboard data, 8 weeks", f"{dashboard_ms:.0f} ms", "< 200 ms"),
        (
            f"employer dashboard page ({teams} teams, {TEAMS_PER_PAGE} a page)",
            f"{dashboard_page_ms:.0f} ms",
            "< 200 ms",
        ),
        ("one person's progress data, 4 weeks", f"{progress_ms:.0f} ms", "< 100 ms"),
        ("one person's progress page", f"{progress_page_ms:.0f} ms", "< 100 ms"),
        ("every person's reminders brought in line", sync, ""),
    ]
    for what, value, target in rows:
        print(f"{what:60} {value:>10}  {target}")
    if args.write:
        from load import machine
        from run import record

        lines = [
            f"## Scale: {args.users:,} people x {args.days} days on {vendor} (bench/scale.py)",
            "",
            f"Machine: {machine()}; {datetime.now(UTC):%Y-%m-%d %H:%M} UTC; "
            f"load average {load:.1f} while timing (2 cores; above 2, other work shared them).",
            "",
            "| measure | result | target |",
            "|---|---|---|",
            *(f"| {w} | {v} | {t} |" for w, v, t in rows),
            "",
        ]
        record(lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
