"""Schedules from the database: settings, busy times, the day's breaks, the feed."""

from __future__ import annotations

import statistics
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
from django.db import transaction
from django.utils import timezone

from backcare.accounts.models import User
from backcare.core.calendar import CalendarError, busy_intervals, parse_calendar, unescape
from backcare.core.schedule import DaySchedule, Interval, Settings, schedule_day
from backcare.reminders.models import ScheduleSettings


def settings_for(user: User) -> ScheduleSettings:
    found, _ = ScheduleSettings.objects.get_or_create(user=user)
    return found


def core_settings(s: ScheduleSettings, micro_minutes: int = 5) -> Settings:
    return Settings(
        tz=s.tz,
        working_hours={
            int(day): tuple((time.fromisoformat(a), time.fromisoformat(b)) for a, b in ranges)
            for day, ranges in s.working_hours.items()
        },
        micro_interval_min=s.micro_interval_min,
        micro_minutes=micro_minutes,
        walk_every_min=s.walk_every_min,
        walk_minutes=s.walk_minutes,
        lunch=(s.lunch_start, s.lunch_end) if s.lunch_start and s.lunch_end else None,
        days_off=frozenset(date.fromisoformat(d) for d in s.days_off),
        dnd_until=s.dnd_until,
        warning_s=s.warning_s,
    )


def day_bounds(day: date, tz: str) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=ZoneInfo(tz))
    return start, start + timedelta(days=1)


def busy_for(s: ScheduleSettings, day: date, calendar: Any = None) -> list[Interval]:
    """Busy times on DAY; CALENDAR is the parsed calendar when the caller has it already."""
    start, end = day_bounds(day, s.tz)
    busy: list[Interval] = []
    if s.calendar_ics:
        try:
            parsed = calendar if calendar is not None else parse_calendar(s.calendar_ics.encode())
            busy = busy_intervals(parsed, start, end, s.tz)
        except CalendarError:
            busy = []  # stored calendars were checked on import; never fail a schedule
    if s.in_meeting_until is not None and s.in_meeting_until > start:
        busy.append(Interval(start, min(end, s.in_meeting_until)))
    # Personal breaks keep clear of the person's team breaks.
    busy.extend(Interval(at, at + length) for _tb, at, length in team_breaks_for(s.user, day))
    return busy


def routine_length(slug: str) -> timedelta:
    from backcare.library.models import Routine

    seconds = Routine.objects.filter(slug=slug).values_list("total_s", flat=True).first()
    return timedelta(seconds=seconds if seconds is not None else 300)


def team_breaks_for(user: User, day: date) -> list[tuple[Any, datetime, timedelta]]:
    """The person's team breaks on DAY: (team break, start, length)."""
    from backcare.teams.services import member_team_breaks

    return [(tb, at, routine_length(tb.routine)) for tb, at in member_team_breaks(user, day)]


def plan_for_day(user: User, day: date) -> tuple[list[str], int]:
    """The plan's routines for DAY, in order, and a typical break length in minutes."""
    from backcare.plans.services import week_for

    record = week_for(user, day)
    if record is None:
        return [], 5
    slots = [s for s in record.data["slots"] if s["day"] == day.isoformat()]
    slots.sort(key=lambda s: s["at"])
    minutes = [s["minutes"] for s in slots] or [5]
    return [s["routine"] for s in slots], int(max(2, min(10, statistics.median(minutes))))


def day_schedule(user: User, day: date) -> DaySchedule:
    """The day's breaks; none at all while the safety answers need a doctor."""
    return schedules(user, [day])[0]


def schedules(user: User, days: list[date]) -> list[DaySchedule]:
    """Several days' breaks, reading the settings, safety and calendar once."""
    from backcare.safety.services import safety_status

    s = settings_for(user)
    if safety_status(user).kind == "stop":
        return [DaySchedule(day, (), ()) for day in days]
    calendar = None
    if s.calendar_ics:
        try:
            calendar = parse_calendar(s.calendar_ics.encode())
        except CalendarError:
            calendar = None
    found = []
    for day in days:
        routines, minutes = plan_for_day(user, day)
        busy = busy_for(s, day, calendar)
        found.append(schedule_day(core_settings(s, minutes), day, busy, routines))
    return found


def schedule_json(schedule: DaySchedule) -> list[dict[str, Any]]:
    return [
        {
            "start": b.start.isoformat(),
            "end": b.end.isoformat(),
            "kind": b.kind.value,
            "routine": b.routine,
            "moved_from": b.ideal.isoformat() if b.moved else None,
        }
        for b in schedule.breaks
    ]


def import_calendar(s: ScheduleSettings, data: bytes, source_url: str = "") -> int:
    """Check DATA fully, then store it; nothing is stored when it is not a usable calendar.

    Returns the number of busy intervals found in the coming two weeks.
    """
    calendar = parse_calendar(data)
    today = timezone.localdate()
    start, _ = day_bounds(today, s.tz)
    found = busy_intervals(calendar, start, start + timedelta(days=14), s.tz)
    name = unescape(str(calendar.get("X-WR-CALNAME", "")))
    name_length = ScheduleSettings._meta.get_field("calendar_name").max_length
    with transaction.atomic():
        s.calendar_ics = data.decode("utf-8-sig")
        s.calendar_name = name[:name_length] or "calendar"
        s.calendar_refreshed_at = timezone.now()
        s.calendar_error = ""
        if source_url:
            s.calendar_url = source_url
        s.sync_due_at = None  # due now: the breaks must dodge the new meetings
        s.save()
    forget_feeds([s.feed_token])
    return len(found)


def feed_ics(user: User, start_day: date, days: int = 14) -> bytes:
    """The person's planned breaks as iCalendar, each with a reminder alarm."""
    s = settings_for(user)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//backcare//breaks//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "backcare breaks")
    calendar.add("x-published-ttl", "PT1H")
    stamp = timezone.now()
    for schedule in schedules(user, [start_day + timedelta(days=n) for n in range(days)]):
        for b in schedule.breaks:
            event = icalendar.Event()
            event.add(
                "uid",
                f"{user.pk}-{b.ideal.astimezone(ZoneInfo('UTC')):%Y%m%dT%H%M%SZ}-{b.kind.value}@backcare",
            )
            event.add("dtstamp", stamp)
            event.add("dtstart", b.start)
            event.add("dtend", b.end)
            event.add(
                "summary",
                "backcare: walk" if b.kind.value == "walk" else "backcare: movement break",
            )
            if b.routine:
                event.add("description", f"Routine: {b.routine}")
            event.add("transp", "TRANSPARENT")
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", "Time for a movement break")
            alarm.add("trigger", timedelta(seconds=-s.warning_s))
            event.add_component(alarm)
            calendar.add_component(event)
    return bytes(calendar.to_ical())


def refresh_subscription(s: ScheduleSettings, timeout_s: float = 10) -> bool:
    """Fetch the subscribed calendar; on failure keep the last good one and say why."""
    import urllib.error
    import urllib.request

    if not s.calendar_url:
        return False
    url = s.calendar_url.replace("webcal://", "https://", 1)
    try:
        if not url.startswith(("https://", "http://")):
            raise CalendarError("the address must start with https://")
        # The scheme was checked just above: only http(s) is opened.
        request = urllib.request.Request(url, headers={"User-Agent": "backcare calendar"})  # noqa: S310
        with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310  # nosec B310
            data = response.read(6 * 1024 * 1024)
        import_calendar(s, data)
    except (OSError, CalendarError, ValueError) as exc:
        s.calendar_error = f"{timezone.now():%Y-%m-%d %H:%M} UTC: {exc}"
        s.save(update_fields=["calendar_error"])
        return False
    return True


# A calendar app polls the feed; computing 14 days of breaks is the costliest
# request there is, so the answer is kept until something changes the schedule
# (forget_feeds) or for FEED_CACHE_S, and never past the day it was made.
FEED_CACHE_S = 300


def feed_cache_key(token: str) -> str:
    return f"backcare:feed:{token}"


def cached_feed(s: ScheduleSettings, today: date) -> bytes:
    from django.core.cache import cache

    key = feed_cache_key(s.feed_token)
    found = cache.get(key)
    if isinstance(found, tuple) and found[0] == today.isoformat():
        return bytes(found[1])
    body = feed_ics(s.user, today)
    cache.set(key, (today.isoformat(), body), FEED_CACHE_S)
    return body


def forget_feeds(tokens: list[str]) -> None:
    from django.core.cache import cache

    cache.delete_many([feed_cache_key(t) for t in tokens])
