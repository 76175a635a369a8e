"""Supervision: closure only through approval, assignment by supervisors,
the team page; all audited, other organisations kept out."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from harbour.accounts.models import Role
from harbour.audit.models import AuditEvent
from harbour.audit.services import Actor
from harbour.cases import services
from harbour.cases.models import CaseStatus, ClosureRequest, ClosureStatus


def test_a_caseworker_asks_and_a_supervisor_approves_the_closure(caseworker, supervisor, case):
    request = services.request_closure(Actor(user=caseworker), case, "Safe and settled")
    case.refresh_from_db()
    assert case.status == CaseStatus.INTAKE
    assert request.status == ClosureStatus.PENDING
    services.decide_closure(Actor(user=supervisor), request, approve=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.closed_on == timezone.localdate()
    actions = list(
        AuditEvent.objects.filter(object_id=str(case.pk))
        .filter(action__startswith="closure")
        .values_list("action", flat=True)
    )
    assert actions == ["closure.request", "closure.approve"]
    assert "Safe" not in repr(list(AuditEvent.objects.values_list("detail", flat=True)))


def test_a_declined_closure_leaves_the_case_open(caseworker, supervisor, case):
    request = services.request_closure(Actor(user=caseworker), case)
    services.decide_closure(Actor(user=supervisor), request, approve=False, note="Not yet")
    case.refresh_from_db()
    assert case.status == CaseStatus.INTAKE
    assert ClosureRequest.objects.get().status == ClosureStatus.DECLINED
    with pytest.raises(services.InvalidClosure):
        services.decide_closure(Actor(user=supervisor), request, approve=True)


def test_a_caseworker_can_neither_close_nor_approve(caseworker, case):
    with pytest.raises(services.NotAllowed):
        services.update_case(Actor(user=caseworker), case, {"status": "closed"})
    request = services.request_closure(Actor(user=caseworker), case)
    with pytest.raises(services.NotAllowed):
        services.decide_closure(Actor(user=caseworker), request, approve=True)
    with pytest.raises(services.InvalidClosure, match="already waiting"):
        services.request_closure(Actor(user=caseworker), case)


def test_organisation_admins_approve_like_supervisors(make_user, organisation, caseworker, case):
    admin = make_user("olive", Role.ORG_ADMIN, organisation)
    request = services.request_closure(Actor(user=caseworker), case)
    services.decide_closure(Actor(user=admin), request, approve=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_a_supervisor_closing_a_case_approves_their_own_request_at_once(supervisor, case):
    request = services.request_closure(Actor(user=supervisor), case)
    assert request.status == ClosureStatus.APPROVED
    assert request.decided_by == supervisor
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_an_intruder_cannot_decide_another_organisations_closure(caseworker, intruder, case):
    request = services.request_closure(Actor(user=caseworker), case)
    with pytest.raises(services.NotAllowed):
        services.decide_closure(Actor(user=intruder), request, approve=True)
    case.refresh_from_db()
    assert case.status == CaseStatus.INTAKE


def test_supervisors_assign_staff_of_their_organisation_only(
    caseworker, supervisor, intruder, make_user, organisation, case
):
    colin = make_user("colin", Role.CASEWORKER, organisation)
    assert services.assign_case(Actor(user=supervisor), case, [colin])
    assert list(case.assigned_to.all()) == [colin]
    event = AuditEvent.objects.get(action="case.assign")
    assert event.detail == {"added": [colin.pk], "removed": [caseworker.pk]}
    with pytest.raises(services.NotAllowed):
        services.assign_case(Actor(user=supervisor), case, [intruder])
    with pytest.raises(services.NotAllowed):
        services.assign_case(Actor(user=colin), case, [colin, caseworker])
    assert list(case.assigned_to.all()) == [colin]


def test_the_closure_buttons_work_from_the_case_page(signed_in, caseworker, supervisor, case):
    url = reverse("cases:closure_request", args=[case.pk])
    assert signed_in(caseworker).post(url, {"reason": "Done"}).status_code == 302
    pending = ClosureRequest.objects.get()
    page = signed_in(supervisor).get(reverse("cases:case_detail", args=[case.pk]))
    assert reverse("cases:closure_decide", args=[case.pk, pending.pk]) in page.content.decode()
    decide = reverse("cases:closure_decide", args=[case.pk, pending.pk])
    assert signed_in(caseworker).post(decide, {"decision": "approve"}).status_code == 403
    assert signed_in(supervisor).post(decide, {"decision": "approve"}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_the_case_edit_form_refuses_a_caseworkers_closure_on_the_status_field(
    signed_in, caseworker, case
):
    url = reverse("cases:case_edit", args=[case.pk])
    data = {"status": "closed", "province": "ON", "sector": "unknown", "opened_on": "2026-03-01"}
    response = signed_in(caseworker).post(url, data)
    assert response.status_code == 200
    assert "A supervisor approves closures" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.INTAKE


def test_the_team_page_shows_caseloads_overdue_tasks_and_closures(
    signed_in, caseworker, supervisor, intruder, case, other_case
):
    actor = Actor(user=caseworker)
    services.add_task(
        actor,
        case,
        {"title": "Overdue call", "due_on": datetime.date(2020, 1, 1)},
        assigned_to=caseworker,
    )
    services.add_task(
        Actor(user=intruder),
        other_case,
        {"title": "Their task", "due_on": datetime.date(2020, 1, 1)},
    )
    services.request_closure(actor, case, "Ready")
    response = signed_in(supervisor).get(reverse("cases:team"))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Overdue call" in text and "Ready" in text
    assert "Their task" not in text and "intruder" not in text
    assert signed_in(caseworker).get(reverse("cases:team")).status_code == 403


def test_the_assign_page_saves_and_refuses_staff_of_nobody(signed_in, supervisor, caseworker, case):
    url = reverse("cases:case_assign", args=[case.pk])
    client = signed_in(supervisor)
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 400
    assert client.post(url, {"staff": [supervisor.pk]}).status_code == 302
    assert list(case.assigned_to.all()) == [supervisor]
    assert signed_in(caseworker).get(url).status_code == 404  # no longer on the case
