"""Needs and plan on the case page, the need page and the case list."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from harbour.accounts.models import Role
from harbour.audit.models import AuditEvent
from harbour.audit.services import Actor
from harbour.cases import services
from harbour.cases.models import Need, NeedStatus, Task


def in_days(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def identify(user, case, **data):
    return services.identify_need(Actor(user=user), case, {"domain": "housing", **data})


def test_the_case_page_shows_the_stage_as_an_ordered_list_with_the_current_step(
    signed_in, caseworker, case, intruder
):
    response = signed_in(caseworker).get(reverse("cases:case_detail", args=[case.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<nav class="case-stages"' in html
    assert html.count('aria-current="step"') == 1
    assert '<li class="current" aria-current="step">Intake</li>' in html
    identify(caseworker, case)
    html = signed_in(caseworker).get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert '<li class="current" aria-current="step">Assessment</li>' in html
    assert "A need has been identified." in html


def test_adding_a_need_from_the_case_page(signed_in, caseworker, case, intruder):
    response = signed_in(caseworker).post(
        reverse("cases:need_add", args=[case.pk]),
        {"need-domain": "safety", "need-priority": "urgent", "need-note": "Threats by text"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/cases/{case.pk}/#needs")
    need = Need.objects.get()
    assert (need.domain, need.priority, need.note) == ("safety", "urgent", "Threats by text")
    page = signed_in(caseworker).get(reverse("cases:case_detail", args=[case.pk]))
    assert b"Threats by text" in page.content
    assert b"Urgent" in page.content


def test_a_bad_need_form_says_which_field_and_saves_nothing(signed_in, caseworker, case, intruder):
    response = signed_in(caseworker).post(
        reverse("cases:need_add", args=[case.pk]),
        {"need-domain": "shopping", "need-priority": "normal", "need-note": "Keep me"},
    )
    assert response.status_code == 400
    assert b'id="id_need-domain_error"' in response.content
    assert b"Keep me" in response.content
    identify(caseworker, case)
    response = signed_in(caseworker).post(
        reverse("cases:need_add", args=[case.pk]),
        {"need-domain": "housing", "need-priority": "normal"},
    )
    assert response.status_code == 400
    assert b"already on the plan" in response.content
    assert Need.objects.count() == 1


def test_the_need_page_updates_the_need_and_shows_its_history(
    signed_in, caseworker, case, intruder
):
    need = identify(caseworker, case)
    client = signed_in(caseworker)
    url = reverse("cases:need_detail", args=[case.pk, need.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert b"Status history" in page.content
    response = client.post(url, {"priority": "high", "status": "in_progress", "note": "Shelter"})
    assert response.status_code == 302
    need.refresh_from_db()
    assert (need.priority, need.status, need.note) == ("high", NeedStatus.IN_PROGRESS, "Shelter")
    assert b"In progress" in client.get(url).content
    bad = client.post(url, {"priority": "high", "status": "vanished"})
    assert bad.status_code == 400
    assert b'id="id_status_error"' in bad.content


def test_planning_an_action_makes_a_task_on_the_need_and_the_deadlines(
    signed_in, caseworker, supervisor, case, intruder
):
    need = identify(caseworker, case)
    client = signed_in(caseworker)
    response = client.post(
        reverse("cases:need_action_add", args=[case.pk, need.pk]),
        {"action-title": "Call the shelter", "action-due_on": in_days(2).isoformat()},
    )
    assert response.status_code == 302
    task = Task.objects.get()
    assert (task.need, task.assigned_to, task.title) == (need, caseworker, "Call the shelter")
    assert b"Call the shelter" in client.get(reverse("cases:deadlines")).content
    response = client.post(
        reverse("cases:need_action_add", args=[case.pk, need.pk]),
        {
            "action-title": "Visit the room",
            "action-due_on": in_days(4).isoformat(),
            "action-owner": supervisor.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()
    assert Task.objects.get(assigned_to=supervisor).title == "Visit the room"
    page = client.get(reverse("cases:case_detail", args=[case.pk]))
    assert b"Visit the room" in page.content
    assert b'aria-current="step">Planning' in page.content


def test_a_bad_action_form_saves_nothing_and_says_why(
    signed_in, caseworker, make_user, organisation, case, intruder
):
    need = identify(caseworker, case)
    colleague = make_user("colin", Role.CASEWORKER, organisation)
    client = signed_in(caseworker)
    url = reverse("cases:need_action_add", args=[case.pk, need.pk])
    response = client.post(url, {"action-title": "", "action-due_on": "soon"})
    assert response.status_code == 400
    assert b'id="id_action-due_on_error"' in response.content
    response = client.post(
        url,
        {
            "action-title": "X",
            "action-due_on": in_days(1).isoformat(),
            "action-owner": colleague.pk,
        },
    )
    assert response.status_code == 400
    services.update_need(Actor(user=caseworker), need, {"status": "met"})
    response = client.post(url, {"action-title": "X", "action-due_on": in_days(1).isoformat()})
    assert response.status_code == 400
    assert b"reopen it to plan more" in response.content
    assert not Task.objects.exists()


def test_an_intruder_finds_no_need_and_changes_nothing(signed_in, caseworker, case, intruder):
    need = identify(caseworker, case)
    client = signed_in(intruder)
    assert client.get(reverse("cases:need_detail", args=[case.pk, need.pk])).status_code == 404
    assert (
        client.post(
            reverse("cases:need_detail", args=[case.pk, need.pk]),
            {"priority": "low", "status": "met"},
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("cases:need_add", args=[case.pk]),
            {"need-domain": "safety", "need-priority": "normal"},
        ).status_code
        == 404
    )
    assert (
        client.post(
            reverse("cases:need_action_add", args=[case.pk, need.pk]),
            {"action-title": "Planted", "action-due_on": in_days(1).isoformat()},
        ).status_code
        == 404
    )
    need.refresh_from_db()
    assert need.status == NeedStatus.IDENTIFIED
    assert Need.objects.count() == 1
    assert not Task.objects.exists()


def test_a_need_of_another_case_is_not_found_under_this_one(signed_in, caseworker, case, intruder):
    from tests.conftest import open_demo_case

    other = open_demo_case(caseworker, pseudonym="Cedar")
    need = identify(caseworker, other)
    url = reverse("cases:need_detail", args=[case.pk, need.pk])
    assert signed_in(caseworker).get(url).status_code == 404


def test_opening_the_need_page_is_an_audited_read(signed_in, caseworker, case, intruder):
    need = identify(caseworker, case)
    signed_in(caseworker).get(reverse("cases:need_detail", args=[case.pk, need.pk]))
    assert AuditEvent.objects.filter(action="case.view", object_id=str(case.pk)).exists()


def test_the_case_list_shows_each_cases_stage(signed_in, caseworker, case, intruder):
    identify(caseworker, case)
    response = signed_in(caseworker).get(reverse("cases:case_list"))
    assert response.status_code == 200
    assert b">Stage</th>" in response.content
    assert b">Assessment</td>" in response.content


def test_the_timeline_shows_need_events(signed_in, caseworker, case, intruder):
    need = identify(caseworker, case)
    services.update_need(Actor(user=caseworker), need, {"status": "met"})
    response = signed_in(caseworker).get(
        reverse("cases:case_timeline", args=[case.pk]), {"kind": "need"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Need identified: Housing (Identified)" in html
    assert "Need Housing: Met" in html
    assert "Case opened" not in html
