"""Busy times from an iCalendar file, as Google, Outlook and Apple export them.

Recurrence (RRULE, RDATE, EXDATE and moved occurrences with RECURRENCE-ID),
time zones and daylight-saving changes are expanded by recurring-ical-events,
a well-kept library made for exactly this; writing it by hand is where break
apps' calendar support usually went wrong.

Which events make someone busy:
- cancelled events never do;
- Outlook's own busy status wins where present: BUSY, OOF (out of office) and
  TENTATIVE are busy, FREE and WORKINGELSEWHERE are not;
- otherwise events marked free (TRANSP:TRANSPARENT) are not busy, and all-day
  events are busy only when marked TRANSP:OPAQUE, since clients export
  holidays and birthdays as all-day events;
- an event without a time zone ("floating") is read in the person's zone.

What is refused, with the reason: files that are not UTF-8 iCalendar text, a
NUL character (PostgreSQL cannot store one), an event whose start, end or
length cannot be read or that ends before it starts, and a repeat rule that
would take too long to expand.
The library walks a rule from its first day to the day asked for, and a
rule repeating every second, or every day since the year 1, makes that walk
take minutes; calendar apps offer nothing finer than daily.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

from backcare.core.schedule import Interval

MAX_BYTES = 5 * 1024 * 1024
# Repeat rules are read when they repeat at most daily, and when expanding one
# up to a year from now takes at most this many steps (every day since 1890).
PERIOD_DAYS = {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 30, "YEARLY": 365}
MAX_RULE_STEPS = 50_000
# Rule parts that can pick days that never come (the 30th of February, the 2nd
# day of a one-day set): on a daily or weekly rule the library then searches
# day by day up to the year 9999. RFC 5545 allows only BYSETPOS there (and
# BYMONTHDAY on daily rules), and no calendar app writes them.
SPARSE_PARTS = ("BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYSETPOS")


class CalendarError(ValueError):
    """The file is not a calendar we can read; the message says where."""


def short(text: str, limit: int = 120) -> str:
    """The first line of TEXT, cut short: some of the library's messages quote the whole file."""
    first = (text.strip().splitlines() or [""])[0]
    return first if len(first) <= limit else first[: limit - 1] + "…"


def unescape(value: str) -> str:
    r"""VALUE with RFC 5545's text escapes (\\ \; \, \n) undone, where the library leaves them."""
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], value)


def parse_calendar(data: bytes) -> icalendar.Calendar:
    if len(data) > MAX_BYTES:
        raise CalendarError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        # A byte-order mark, as some Windows programs write, is not part of the text.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CalendarError(f"the file is not UTF-8 text (byte {exc.start})") from None
    # Lines end in CRLF or LF only: str.splitlines() would also break a summary
    # at U+2028 and other Unicode line separators, which are text.
    lines = [line.rstrip("\r") for line in text.split("\n")]
    for number, line in enumerate(lines, start=1):
        if "\x00" in line:
            raise CalendarError(f"line {number} holds a NUL character, which is not text")
    if "BEGIN:VCALENDAR" not in text.upper():
        raise CalendarError("this is not an iCalendar file: there is no BEGIN:VCALENDAR line")
    for number, line in enumerate(lines, start=1):
        if line and not line[0].isspace() and ":" not in line and ";" not in line:
            raise CalendarError(f"line {number}: {line[:60]!r} is not a calendar property")
    try:
        calendar = icalendar.Calendar.from_ical(text)
        if not isinstance(calendar, icalendar.Calendar):
            raise CalendarError("the file holds no calendar")
        events = calendar.walk("VEVENT")
    except (ValueError, KeyError, IndexError, RecursionError) as exc:
        if isinstance(exc, CalendarError):
            raise
        raise CalendarError(f"the calendar cannot be read: {short(str(exc))}") from None
    horizon = datetime.now(UTC).date() + timedelta(days=366)
    for number, event in enumerate(events, start=1):
        problem = _event_problem(event, horizon)
        if problem:
            summary = short(str(event.get("SUMMARY", "")), 40)
            name = f"event {number}" + (f" ({summary!r})" if summary else "")
            raise CalendarError(f"{name}: {problem}")
    return calendar


def _day(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _event_problem(event: icalendar.Component, horizon: date) -> str | None:
    """What makes EVENT unreadable, or None."""
    found: dict[str, Any] = {}
    for name, kind, wanted in [
        ("DTSTART", "a date", date),
        ("DTEND", "a date", date),
        ("DURATION", "a length of time", timedelta),
        ("RECURRENCE-ID", "a date", date),
    ]:
        value = event.get(name)
        if value is None:
            if name == "DTSTART":
                return "it has no start (DTSTART)"
            continue
        if isinstance(value, list):
            return f"it has {len(value)} {name} lines; one is allowed"
        found[name] = None if isinstance(value, icalendar.vBroken) else getattr(value, "dt", None)
        if not isinstance(found[name], wanted):
            return f"{name} {_raw(value)!r} cannot be read as {kind}"
    start, end = found["DTSTART"], found.get("DTEND")
    if end is not None:
        if isinstance(end, datetime) and isinstance(start, datetime) and end.tzinfo == start.tzinfo:
            # As the clock on the wall says: a meeting from 02:30 to 03:10 the
            # night the clocks skip 02:00-03:00 is odd, not backwards.
            length = end.replace(tzinfo=None) - start.replace(tzinfo=None)
        else:
            length = _aware(end, UTC) - _aware(start, UTC)
        if length < timedelta(0):
            ends, starts = _raw(event["DTEND"]), _raw(event["DTSTART"])
            return f"it ends before it starts (DTEND {ends} is before DTSTART {starts})"
    else:
        length = found.get("DURATION") or timedelta(0)
        if length < timedelta(0):
            return f"it ends before it starts (DURATION {_raw(event['DURATION'])} is negative)"
    rules = event.get("RRULE", [])
    for rule in rules if isinstance(rules, list) else [rules]:
        problem = _rule_problem(rule, _day(start), length, horizon)
        if problem:
            return problem
    return None


def _raw(value: object) -> str:
    to_ical = getattr(value, "to_ical", None)
    return bytes(to_ical()).decode(errors="replace")[:40] if to_ical else ""


def _rule_problem(
    rule: icalendar.vRecur, first: date, length: timedelta, horizon: date
) -> str | None:
    """What makes RULE, of an event from FIRST and LENGTH long, too costly or wrong to expand."""
    if isinstance(rule, icalendar.vBroken):
        return f"the repeat rule {str(rule)[:60]!r} cannot be read"
    freq = str((rule.get("FREQ") or [""])[0]).upper()
    if freq not in PERIOD_DAYS:
        return (
            f"the repeat rule says FREQ={freq or '(nothing)'}; "
            "only DAILY, WEEKLY, MONTHLY and YEARLY repeats can be read"
        )
    interval = (rule.get("INTERVAL") or [1])[0]
    if not isinstance(interval, int) or interval < 1:
        return f"the repeat rule says INTERVAL={interval}; it must be 1 or more"
    if freq in ("DAILY", "WEEKLY"):
        sparse = [part for part in SPARSE_PARTS if part in rule]
        if any(any(c.isdigit() for c in str(day)) for day in rule.get("BYDAY", [])):
            sparse.append("a numbered BYDAY")
        if sparse:
            return f"a {freq} repeat with {sparse[0]} cannot be read"
    # How many times the rule gives per period: times of day, and days where a
    # period is longer than a day (a weekday named in a month or year counted once).
    each = math.prod(len(rule.get(part, [None])) for part in ("BYHOUR", "BYMINUTE", "BYSECOND"))
    if freq != "DAILY":
        days = ("BYDAY",) if freq == "WEEKLY" else ("BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYDAY")
        each *= max(1, sum(len(rule.get(part, [])) for part in days))
        if freq == "YEARLY":
            each *= max(1, len(rule.get("BYMONTH", [])))
    period_days = PERIOD_DAYS[freq] * interval
    until = (rule.get("UNTIL") or [None])[0]
    last = min(_day(until), horizon) if isinstance(until, date) else horizon
    steps = (max(0, (last - first).days) // period_days + 1) * each
    if steps > MAX_RULE_STEPS:
        return (
            f"the repeat rule {freq} from {first:%Y-%m-%d} would have to be followed "
            f"{steps:,} times; at most {MAX_RULE_STEPS:,} are"
        )
    # Every repeat that overlaps a day is made in full to read that day.
    at_once = (length.days // period_days + 1) * each
    if at_once > MAX_RULE_STEPS // 50:
        return (
            f"each repeat lasts {length.days} days, so {at_once:,} of them overlap; "
            f"at most {MAX_RULE_STEPS // 50:,} are read"
        )
    return None


def _busy_status(event: icalendar.Event) -> str:
    return str(event.get("X-MICROSOFT-CDO-BUSYSTATUS", "")).upper()


def makes_busy(event: icalendar.Event) -> bool:
    if str(event.get("STATUS", "")).upper() == "CANCELLED":
        return False
    status = _busy_status(event)
    if status:
        return status in {"BUSY", "OOF", "TENTATIVE"}
    transp = str(event.get("TRANSP", "")).upper()
    if transp == "TRANSPARENT":
        return False
    start = event.get("DTSTART")
    all_day = start is not None and not isinstance(start.dt, datetime)
    return transp == "OPAQUE" if all_day else True


def _aware(value: date | datetime, tz: tzinfo) -> datetime:
    if not isinstance(value, datetime):
        return datetime.combine(value, datetime.min.time(), tzinfo=tz)
    return value if value.tzinfo is not None else value.replace(tzinfo=tz)


def busy_intervals(
    calendar: icalendar.Calendar, start: datetime, end: datetime, tz: str
) -> list[Interval]:
    """Busy intervals overlapping [START, END), merged and sorted."""
    zone = ZoneInfo(tz)
    try:
        occurrences = recurring_ical_events.of(calendar).between(start, end)
    except Exception as exc:  # the library raises several types for broken rules
        raise CalendarError(f"a repeating event cannot be expanded: {short(str(exc))}") from None
    intervals = []
    for event in occurrences:
        if not isinstance(event, icalendar.Event) or not makes_busy(event):
            continue
        begin = event.get("DTSTART")
        if begin is None:
            continue
        finish = event.get("DTEND")
        if finish is not None:
            stop = _aware(finish.dt, zone)
        elif event.get("DURATION") is not None:
            stop = _aware(begin.dt, zone) + event.get("DURATION").dt
        elif not isinstance(begin.dt, datetime):
            stop = _aware(begin.dt, zone) + timedelta(days=1)
        else:
            stop = _aware(begin.dt, zone)
        # Compared in UTC: within one zone Python compares wall-clock times, and a
        # meeting from 02:30 to 03:10 the night clocks skip 02:00-03:00 ends before it starts.
        first, stop = _aware(begin.dt, zone).astimezone(UTC), stop.astimezone(UTC)
        if stop > first:
            intervals.append(Interval(first, stop))
    return merge(intervals)


def merge(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for interval in sorted(intervals):
        if merged and interval.start <= merged[-1].end:
            last = merged[-1]
            merged[-1] = Interval(last.start, max(last.end, interval.end))
        else:
            merged.append(interval)
    return merged
