"""A small iCalendar (RFC 5545) writer for the deadline feed.

Pure Python, no Django: the view decides what goes in (and that nothing in it
names a person); this module only gets the text right: CRLF line ends, TEXT
escaping (RFC 5545 §3.3.11) and folding of lines longer than 75 octets
(§3.1) without splitting a UTF-8 character.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

CRLF = "\r\n"
MAX_OCTETS = 75


@dataclass(frozen=True)
class Alarm:
    days_before: int
    description: str


@dataclass(frozen=True)
class AllDayEvent:
    uid: str
    day: datetime.date
    summary: str
    description: str = ""
    url: str = ""
    alarms: Sequence[Alarm] = field(default_factory=tuple)


def escape_text(value: str) -> str:
    """TEXT values: backslash, semicolon and comma escaped; newlines as \\n."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Split a content line into pieces of at most 75 octets, each continuation
    starting with one space; characters are never cut in half."""
    pieces: list[str] = []
    current = ""
    size = 0
    limit = MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            pieces.append(current)
            current, size = "", 0
            limit = MAX_OCTETS - 1  # the leading space counts
        current += char
        size += width
    pieces.append(current)
    return (CRLF + " ").join(pieces)


def _date(day: datetime.date) -> str:
    # Not strftime: it does not pad years before 1000 on every platform.
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _stamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _event_lines(event: AllDayEvent, stamp: str) -> Iterable[str]:
    yield "BEGIN:VEVENT"
    yield f"UID:{escape_text(event.uid)}"
    yield f"DTSTAMP:{stamp}"
    yield f"DTSTART;VALUE=DATE:{_date(event.day)}"
    # No DTEND: an all-day event without one lasts that one day (§3.6.1).
    yield f"SUMMARY:{escape_text(event.summary)}"
    if event.description:
        yield f"DESCRIPTION:{escape_text(event.description)}"
    if event.url:
        yield f"URL;VALUE=URI:{event.url}"
    yield "TRANSP:TRANSPARENT"
    for alarm in event.alarms:
        yield "BEGIN:VALARM"
        yield "ACTION:DISPLAY"
        yield f"DESCRIPTION:{escape_text(alarm.description)}"
        # Relative to the start of the all-day event (midnight, local time
        # of the calendar); 0 days before is the day itself.
        yield f"TRIGGER:-P{alarm.days_before}D" if alarm.days_before else "TRIGGER:PT0S"
        yield "END:VALARM"
    yield "END:VEVENT"


def calendar(
    name: str, events: Iterable[AllDayEvent], *, now: datetime.datetime, product: str
) -> str:
    """The whole VCALENDAR as text, ready to serve as text/calendar."""
    stamp = _stamp(now)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{escape_text(product)}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for event in events:
        lines.extend(_event_lines(event, stamp))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + CRLF for line in lines)
