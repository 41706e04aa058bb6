"""Schedule computation at scale: 10,000 people with 20 meetings a day.

    python bench/schedule.py [--users 10000] [--events 20]

Prints the time to compute every person's breaks for one day from their busy
intervals on one core (target: under 2 s), and separately the cost of reading
one day of an .ics calendar with recurrence expansion, which the app keeps
apart from the schedule (a calendar is read when imported or refreshed).
"""

from __future__ import annotations

import argparse
import random
import time as clock
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from backcare.core.calendar import busy_intervals, parse_calendar
from backcare.core.schedule import Interval, Settings, schedule_day

DAY = date(2026, 11, 24)
ZONES = ["Europe/Copenhagen", "Europe/London", "America/New_York", "Asia/Tokyo", "UTC"]


def person(rng: random.Random, events: int) -> tuple[Settings, list[Interval]]:
    tz = rng.choice(ZONES)
    start_hour = rng.choice([7, 8, 9])
    settings = Settings(
        tz=tz,
        working_hours={d: ((time(start_hour, 0), time(start_hour + 8, 0)),) for d in range(5)},
        micro_interval_min=rng.choice([30, 45, 60]),
        walk_every_min=rng.choice([120, 180]),
    )
    zone = ZoneInfo(tz)
    busy = []
    for _ in range(events):
        minute = rng.randrange(start_hour * 60, (start_hour + 8) * 60)
        begin = datetime.combine(DAY, time(minute // 60, minute % 60), tzinfo=zone)
        busy.append(Interval(begin, begin + timedelta(minutes=rng.choice([15, 25, 30, 45]))))
    return settings, busy


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=20)
    args = parser.parse_args()
    rng = random.Random(42)
    people = [person(rng, args.events) for _ in range(args.users)]

    started = clock.perf_counter()
    breaks = dropped = 0
    for settings, busy in people:
        day = schedule_day(settings, DAY, busy, routines=("desk-reset",))
        breaks += len(day.breaks)
        dropped += len(day.dropped)
    elapsed = clock.perf_counter() - started

    fixture = Path(__file__).resolve().parent.parent / "tests/fixtures/calendars/google.ics"
    calendar = parse_calendar(fixture.read_bytes())
    start = datetime.combine(DAY, time(0), tzinfo=ZoneInfo("Europe/Copenhagen"))
    reads = 200
    t0 = clock.perf_counter()
    for _ in range(reads):
        busy_intervals(calendar, start, start + timedelta(days=1), "Europe/Copenhagen")
    per_read_ms = (clock.perf_counter() - t0) / reads * 1000

    print(
        f"{args.users} people x {args.events} meetings: schedules in {elapsed:.2f} s "
        f"on one core (target < 2 s); {breaks} breaks placed, {dropped} dropped"
    )
    print(f"reading one day of an .ics with recurrence: {per_read_ms:.2f} ms per calendar")


if __name__ == "__main__":
    main()
