"""The timeline: every event of a case in order, filterable, without audit values."""

from __future__ import annotations

import datetime

from django.urls import reverse

from harbour.audit.services import Actor
from harbour.cases import services
from harbour.cases.timeline import timeline
from harbour.screening.services import start_assessment


def test_it_lists_every_kind_of_event_in_order(caseworker, supervisor, case):
    actor = Actor(user=caseworker)
    services.add_note(actor, case, "First meeting")
    task = services.add_task(actor, case, {"title": "Call", "due_on": datetime.date(2026, 6, 1)})
    services.complete_task(actor, task)
    start_assessment(actor, case)
    services.record_consent(actor, case.person, "research", method="written")
    services.upload_document(actor, case, b"%PDF-1.7\n%%EOF", "slip.pdf")
    services.update_case(actor, case, {"status": "active"})
    services.assign_case(Actor(user=supervisor), case, [caseworker, supervisor])
    services.request_closure(actor, case, "Settled")
    entries = timeline(case)
    titles = [str(entry.title) for entry in entries]
    assert titles[0] == "Case opened"
    for expected in (
        "Note added",
        "Task created: Call",
        "Task done: Call",
        "Screening started",
        "Consent recorded: Research",
        "Document added: slip.pdf",
        "Status changed",
        "Staff assigned to the case changed",
        "Closure requested",
    ):
        assert expected in titles, expected
    assert [entry.at for entry in entries] == sorted(entry.at for entry in entries)
    kinds = {entry.kind for entry in timeline(case, "task")}
    assert kinds == {"task"}


def test_the_timeline_page_filters_by_kind_and_is_audited(signed_in, caseworker, case):
    services.add_note(Actor(user=caseworker), case, "First meeting")
    url = reverse("cases:case_timeline", args=[case.pk])
    client = signed_in(caseworker)
    everything = client.get(url).content.decode()
    assert "First meeting" in everything and "Case opened" in everything
    notes_only = client.get(url, {"kind": "note"}).content.decode()
    assert "First meeting" in notes_only and "Case opened" not in notes_only


def test_an_intruder_gets_404_and_an_analyst_403_on_the_timeline(
    signed_in, intruder, analyst, case
):
    url = reverse("cases:case_timeline", args=[case.pk])
    assert signed_in(intruder).get(url).status_code == 404
    assert signed_in(analyst).get(url).status_code == 403
