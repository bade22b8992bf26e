from datetime import UTC, datetime, timedelta, timezone

import pytest

from assessment.interviews.calendar import CalendarEvent, calendar, escape_text, fold, utc_stamp


def unfold(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_text_values_are_escaped():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_long_lines_fold_at_75_octets_without_splitting_characters():
    line = "DESCRIPTION:" + "ä" * 100  # two octets each
    folded = fold(line)
    pieces = folded.split("\r\n")
    assert all(len(piece.encode()) <= 75 for piece in pieces)
    assert all(piece.startswith(" ") for piece in pieces[1:])
    assert folded.replace("\r\n ", "") == line


def test_short_lines_are_left_alone():
    assert fold("SUMMARY:x") == "SUMMARY:x"


def test_times_are_written_in_utc():
    helsinki = timezone(timedelta(hours=3))
    assert utc_stamp(datetime(2025, 6, 2, 12, 30, tzinfo=helsinki)) == "20250602T093000Z"
    with pytest.raises(ValueError):
        utc_stamp(datetime(2025, 6, 2, 12, 30))


def test_a_calendar_has_the_required_properties_and_crlf_lines():
    start = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
    event = CalendarEvent(
        uid="interview-1@isok.example",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        summary="Interview, room 2; floor 1",
        description="Line one\nLine two " + "x" * 80,
        sequence=3,
    )
    text = calendar([event], now=datetime(2025, 5, 1, tzinfo=UTC))
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    lines = unfold(text)
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"]
    assert "PRODID:-//isok//interviews//EN" in lines
    for expected in (
        "UID:interview-1@isok.example",
        "DTSTAMP:20250501T000000Z",
        "DTSTART:20250602T090000Z",
        "DTEND:20250602T100000Z",
        "SEQUENCE:3",
        "SUMMARY:Interview\\, room 2\\; floor 1",
        "STATUS:CONFIRMED",
        "DESCRIPTION:Line one\\nLine two " + "x" * 80,
    ):
        assert expected in lines
    assert lines[-2:] == ["END:VCALENDAR", ""]


def test_a_cancelled_event_says_so():
    start = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
    text = calendar([CalendarEvent(uid="u", starts_at=start, ends_at=start, summary="s", cancelled=True)])
    assert "STATUS:CANCELLED" in unfold(text)
