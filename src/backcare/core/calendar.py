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
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

from backcare.core.schedule import Interval

MAX_BYTES = 5 * 1024 * 1024


class CalendarError(ValueError):
    """The file is not a calendar we can read; the message says where."""


def parse_calendar(data: bytes) -> icalendar.Calendar:
    if len(data) > MAX_BYTES:
        raise CalendarError(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CalendarError(f"the file is not UTF-8 text (byte {exc.start})") from None
    if "BEGIN:VCALENDAR" not in text.upper():
        raise CalendarError("this is not an iCalendar file: there is no BEGIN:VCALENDAR line")
    for number, line in enumerate(text.splitlines(), start=1):
        if line and not line[0].isspace() and ":" not in line and ";" not in line:
            raise CalendarError(f"line {number}: {line[:60]!r} is not a calendar property")
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except (ValueError, KeyError, IndexError) as exc:
        raise CalendarError(f"the calendar cannot be read: {exc}") from None
    if not isinstance(calendar, icalendar.Calendar):
        raise CalendarError("the file holds no calendar")
    return calendar


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


def _aware(value: date | datetime, tz: ZoneInfo) -> datetime:
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
        raise CalendarError(f"a repeating event cannot be expanded: {exc}") from None
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
        first = _aware(begin.dt, zone)
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
