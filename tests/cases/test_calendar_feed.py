"""The per-user iCalendar feed: a secret address, no personal data, RFC 5545."""

from __future__ import annotations

import datetime
import hashlib
import re

from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from harbour.audit.models import AuditEvent
from harbour.audit.services import Actor
from harbour.cases import ical, services
from harbour.cases.models import CalendarFeed


def in_days(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def unfold(text: str) -> list[str]:
    """Content lines of an iCalendar text, as RFC 5545 §3.1 unfolds them."""
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")  # every line ends in CRLF
    for physical in text.split("\r\n"):
        assert len(physical.encode("utf-8")) <= 75
    return text.replace("\r\n ", "").split("\r\n")[:-1]


def unescape(value: str) -> str:
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def components(lines: list[str], name: str) -> list[dict[str, list[str]]]:
    """Each BEGIN:name … END:name block as {property name: [values]} (nested ones flattened
    under their own name)."""
    found, current, depth = [], None, 0
    for line in lines:
        if line == f"BEGIN:{name}":
            current, depth = {}, 0
            continue
        if current is None:
            continue
        if line.startswith("BEGIN:"):
            depth += 1
        if line == f"END:{name}" and depth == 0:
            found.append(current)
            current = None
            continue
        if line.startswith("END:"):
            depth -= 1
        key, _, value = line.partition(":")
        current.setdefault(key, []).append(value)
    return found


def feed_for(signed_in, user) -> str:
    response = signed_in(user).post(reverse("cases:calendar_settings"), {"action": "create"})
    assert response.status_code == 200
    match = re.search(r"http://testserver(/calendar/[^<\s]+\.ics)", response.content.decode())
    assert match
    return match.group(1)


def test_the_feed_lists_my_open_tasks_with_reminders_and_no_personal_data(
    signed_in, caseworker, case, other_case, intruder
):
    actor = Actor(user=caseworker)
    services.add_task(
        actor,
        case,
        {"title": "Call Rosa, Birch; at home", "due_on": in_days(12), "reminder_days": "7,1"},
        assigned_to=caseworker,
    )
    done = services.add_task(
        actor, case, {"title": "Old", "due_on": in_days(3)}, assigned_to=caseworker
    )
    services.complete_task(actor, done)
    services.add_task(
        Actor(user=intruder),
        other_case,
        {"title": "Theirs", "due_on": in_days(4)},
        assigned_to=intruder,
    )
    url = feed_for(signed_in, caseworker)
    response = Client().get(url)  # no session: calendar apps cannot sign in
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    text = response.content.decode("utf-8")
    lines = unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    (event,) = components(lines, "VEVENT")
    assert event["DTSTART;VALUE=DATE"] == [in_days(12).strftime("%Y%m%d")]
    assert unescape(event["SUMMARY"][0]) == f"Harbour task due (case {case.reference})"
    assert re.fullmatch(r"HB-\d{4}-\d{4}", case.reference)  # an office number, not a name
    assert sorted(event["TRIGGER"]) == ["-P1D", "-P7D"]
    assert "DTSTAMP" in event and event["UID"][0].startswith("task-")
    for personal in ("Rosa", "Birch", "Example", "416", "Passport", "Old", "Theirs", "Spruce"):
        assert personal not in text


def test_a_revoked_or_wrong_token_answers_404(signed_in, caseworker, case, intruder):
    url = feed_for(signed_in, caseworker)
    assert Client().get(url).status_code == 200
    assert Client().get(url.replace(".ics", "x.ics")).status_code == 404
    assert Client().get("/calendar/.ics").status_code == 404
    response = signed_in(caseworker).post(reverse("cases:calendar_settings"), {"action": "revoke"})
    assert response.status_code == 302
    assert Client().get(url).status_code == 404
    assert not CalendarFeed.objects.exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"calendar_feed.create", "calendar_feed.revoke"} <= actions


def test_a_new_address_replaces_the_old_one(signed_in, caseworker, case, intruder):
    first = feed_for(signed_in, caseworker)
    second = feed_for(signed_in, caseworker)
    assert first != second
    assert Client().get(first).status_code == 404
    assert Client().get(second).status_code == 200


def test_the_feed_stops_when_the_user_is_deactivated(signed_in, caseworker, case, intruder):
    url = feed_for(signed_in, caseworker)
    caseworker.is_active = False
    caseworker.save()
    assert Client().get(url).status_code == 404


def test_only_the_hash_of_the_token_is_stored(signed_in, caseworker, case, intruder):
    url = feed_for(signed_in, caseworker)
    token = url.removeprefix("/calendar/").removesuffix(".ics")
    assert CalendarFeed.objects.get().token_hash == hashlib.sha256(token.encode()).hexdigest()
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            for row in cursor.fetchall():
                assert not any(token in str(value) for value in row), table


def test_the_settings_page_shows_the_address_only_once(signed_in, caseworker, case, intruder):
    feed_for(signed_in, caseworker)
    page = signed_in(caseworker).get(reverse("cases:calendar_settings")).content.decode()
    assert ".ics" not in page
    assert "You have a calendar address" in page


def test_the_feed_shows_only_tasks_of_cases_the_user_can_still_open(
    signed_in, caseworker, supervisor, case, intruder
):
    services.add_task(
        Actor(user=supervisor), case, {"title": "T", "due_on": in_days(3)}, assigned_to=caseworker
    )
    url = feed_for(signed_in, caseworker)
    assert Client().get(url).content.count(b"BEGIN:VEVENT") == 1
    services.update_case(Actor(user=supervisor), case, {}, assigned_to=[supervisor])
    assert Client().get(url).content.count(b"BEGIN:VEVENT") == 0


def test_text_is_escaped_and_long_lines_are_folded_on_character_boundaries():
    event = ical.AllDayEvent(
        uid="u1",
        day=datetime.date(2026, 5, 1),
        summary="a,b;c\\d\nnext " + "é" * 60,
        alarms=[ical.Alarm(0, "today")],
    )
    text = ical.calendar("Name", [event], now=timezone.now(), product="-//T//T//EN")
    lines = unfold(text)
    (parsed,) = components(lines, "VEVENT")
    assert parsed["SUMMARY"][0].startswith("a\\,b\\;c\\\\d\\nnext")
    assert unescape(parsed["SUMMARY"][0]) == "a,b;c\\d\nnext " + "é" * 60
    assert parsed["TRIGGER"] == ["PT0S"]
    assert parsed["DTSTART;VALUE=DATE"] == ["20260501"]
    assert "DTEND;VALUE=DATE" not in parsed  # one day long (RFC 5545 §3.6.1)
    text.encode("utf-8").decode("utf-8")  # no character was cut in two
