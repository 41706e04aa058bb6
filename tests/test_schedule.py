"""Meeting-aware break scheduling and calendar import, on a fake clock."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcare.core.calendar import CalendarError, busy_intervals, parse_calendar
from backcare.core.schedule import MIN_GAP, BreakKind, Interval, Settings, schedule_day

FIXTURES = Path(__file__).parent / "fixtures" / "calendars"
CPH = ZoneInfo("Europe/Copenhagen")
TUESDAY = date(2026, 10, 20)


def at(day: date, hh: int, mm: int = 0, tz: ZoneInfo = CPH) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=tz)


def busy(name: str, day: date) -> list[Interval]:
    calendar = parse_calendar((FIXTURES / name).read_bytes())
    return busy_intervals(calendar, at(day, 0), at(day, 0) + timedelta(days=1), "Europe/Copenhagen")


def utc(intervals: list[Interval]) -> list[tuple[str, str]]:
    return [
        (i.start.astimezone(UTC).strftime("%H:%M"), i.end.astimezone(UTC).strftime("%H:%M"))
        for i in intervals
    ]


# ---- calendars ------------------------------------------------------------------------


def test_google_recurrence_with_an_exception_and_a_moved_meeting() -> None:
    assert utc(busy("google.ics", date(2026, 10, 12))) == [("07:30", "07:45")]  # Monday stand-up
    assert busy("google.ics", date(2026, 10, 19)) == []  # excluded Monday
    assert utc(busy("google.ics", date(2026, 10, 21))) == [("09:00", "09:15")]  # moved to 11:00


def test_google_other_time_zones_cancelled_and_free_all_day_events() -> None:
    # New York 09:00-10:00 EDT is 13:00-14:00 UTC; the cancelled review is ignored.
    assert utc(busy("google.ics", TUESDAY)) == [("13:00", "14:00")]
    assert busy("google.ics", date(2026, 10, 22)) == []  # a birthday, marked free


def test_outlook_windows_zone_names_busy_status_and_out_of_office() -> None:
    # Weekly planning 14:00 Romance Standard Time; the optional free talk is ignored.
    assert utc(busy("outlook.ics", TUESDAY)) == [("12:00", "13:00")]
    friday = busy("outlook.ics", date(2026, 10, 23))
    assert friday and friday[0].length >= timedelta(hours=23)  # out of office all day


def test_a_daylight_saving_change_keeps_local_meeting_times() -> None:
    before = busy("apple.ics", TUESDAY)
    after = busy("apple.ics", date(2026, 10, 27))  # clocks went back on 25 October
    assert utc(before) == [("07:00", "08:00")]
    assert utc(after) == [("08:00", "09:00")]
    assert before[0].start.astimezone(CPH).time() == after[0].start.astimezone(CPH).time()


def test_floating_times_are_read_in_the_persons_zone() -> None:
    assert utc(busy("apple.ics", date(2026, 10, 21))) == [("13:00", "14:00")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n", "not UTF-8 text"),
        (b"Subject,Start Date\nMeeting,2026-10-20\n", "not an iCalendar file"),
        (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nthis line is broken\r\nEND:VCALENDAR\r\n", "line 3"),
        (
            b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:notadate\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            "cannot",
        ),
    ],
)
def test_a_bad_file_is_refused_with_a_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(CalendarError, match=message):
        calendar = parse_calendar(data)
        busy_intervals(calendar, at(TUESDAY, 0), at(TUESDAY, 23), "Europe/Copenhagen")


# ---- the scheduler ----------------------------------------------------------------------

WORKDAY = Settings(tz="Europe/Copenhagen")


def test_an_empty_day_gets_breaks_every_45_minutes_and_a_walk() -> None:
    day = schedule_day(WORKDAY, TUESDAY, [], routines=["desk-reset"])
    kinds = [b.kind for b in day.breaks]
    assert kinds.count(BreakKind.WALK) == 2  # 12:00 falls in lunch: moved; 15:00
    assert all(b.routine == "desk-reset" for b in day.breaks if b.kind == BreakKind.MICRO)
    assert day.breaks[0].start == at(TUESDAY, 9, 45)
    assert not day.dropped


def test_a_break_in_a_meeting_moves_to_the_nearest_free_gap() -> None:
    meeting = [Interval(at(TUESDAY, 9, 30), at(TUESDAY, 10, 30))]
    first = schedule_day(WORKDAY, TUESDAY, meeting).breaks[0]
    assert first.ideal == at(TUESDAY, 9, 45)
    assert first.moved and first.start == at(TUESDAY, 9, 25)


def test_a_full_day_drops_breaks_with_a_note() -> None:
    all_day = [Interval(at(TUESDAY, 8), at(TUESDAY, 18))]
    day = schedule_day(WORKDAY, TUESDAY, all_day)
    assert day.breaks == ()
    assert day.dropped and all(d.reason == "day_full" for d in day.dropped)


def test_days_off_and_weekends_have_no_breaks() -> None:
    assert schedule_day(WORKDAY, date(2026, 10, 24), []).breaks == ()  # Saturday
    off = Settings(tz="Europe/Copenhagen", days_off=frozenset({TUESDAY}))
    assert schedule_day(off, TUESDAY, []).breaks == ()


def test_do_not_disturb_holds_breaks_back_until_it_ends() -> None:
    quiet = Settings(tz="Europe/Copenhagen", dnd_until=at(TUESDAY, 11))
    assert schedule_day(quiet, TUESDAY, []).breaks[0].start >= at(TUESDAY, 11)


def test_several_working_ranges_a_day() -> None:
    split = Settings(
        tz="Europe/Copenhagen",
        working_hours={1: ((time(8, 0), time(11, 0)), (time(19, 0), time(21, 0)))},
        lunch=None,
    )
    breaks = schedule_day(split, TUESDAY, []).breaks
    assert breaks and all(
        (at(TUESDAY, 8) <= b.start and b.end <= at(TUESDAY, 11))
        or (at(TUESDAY, 19) <= b.start and b.end <= at(TUESDAY, 21))
        for b in breaks
    )


def test_the_calendar_and_the_scheduler_together() -> None:
    meetings = busy("google.ics", date(2026, 10, 12)) + busy("outlook.ics", date(2026, 10, 12))
    day = schedule_day(WORKDAY, date(2026, 10, 12), meetings)
    for b in day.breaks:
        assert not any(Interval(b.start, b.end).overlaps(m) for m in meetings)


MEETINGS = st.lists(
    st.tuples(st.integers(8 * 60, 17 * 60), st.integers(5, 120)).map(
        lambda t: Interval(
            at(TUESDAY, 0) + timedelta(minutes=t[0]),
            at(TUESDAY, 0) + timedelta(minutes=t[0] + t[1]),
        )
    ),
    max_size=12,
)
SETTINGS = st.builds(
    Settings,
    tz=st.just("Europe/Copenhagen"),
    micro_interval_min=st.integers(20, 120),
    micro_minutes=st.integers(2, 5),
    walk_every_min=st.sampled_from([120, 180, 240]),
    walk_minutes=st.integers(10, 20),
)


@settings(max_examples=150, deadline=None)
@given(SETTINGS, MEETINGS)
def test_breaks_never_land_in_meetings_or_outside_hours_and_keep_their_spacing(
    s: Settings, meetings: list[Interval]
) -> None:
    day = schedule_day(s, TUESDAY, meetings)
    work = Interval(at(TUESDAY, 9), at(TUESDAY, 17))
    lunch = Interval(at(TUESDAY, 12), at(TUESDAY, 12, 30))
    for b in day.breaks:
        slot = Interval(b.start, b.end)
        assert work.start <= b.start and b.end <= work.end
        assert not slot.overlaps(lunch)
        assert not any(slot.overlaps(m) for m in meetings)
    for a, b in zip(day.breaks, day.breaks[1:], strict=False):
        assert b.start - a.end >= MIN_GAP
    assert schedule_day(s, TUESDAY, list(meetings)) == day
