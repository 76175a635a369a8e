"""Needs, plan actions and the case stage through the API."""

from __future__ import annotations

import datetime

from harbour.audit.models import AuditEvent
from harbour.audit.services import Actor
from harbour.cases import services
from harbour.cases.models import Need, Task


def identify(user, case, **data):
    return services.identify_need(Actor(user=user), case, {"domain": "housing", **data})


def test_listing_a_cases_needs_with_their_actions(api_as, caseworker, case, intruder):
    need = identify(caseworker, case, priority="urgent", note="Barn")
    services.add_plan_action(
        Actor(user=caseworker), need, {"title": "Call", "due_on": datetime.date(2026, 6, 1)}
    )
    response = api_as(caseworker).get(f"/api/v1/cases/{case.pk}/needs")
    assert response.status_code == 200
    (item,) = response.json()
    assert item["domain"] == "housing"
    assert item["priority"] == "urgent"
    assert item["note"] == "Barn"
    assert item["identified_by"] == "casey"
    assert [(a["title"], a["owner"], a["status"]) for a in item["actions"]] == [
        ("Call", "casey", "open")
    ]
    assert AuditEvent.objects.filter(action="case.view", detail__via="api").exists()


def test_creating_a_need_and_refusing_a_second_open_one_of_the_same_kind(
    api_as, caseworker, case, intruder
):
    client = api_as(caseworker)
    response = client.post(
        f"/api/v1/cases/{case.pk}/needs", {"domain": "immigration", "priority": "high"}
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "identified"
    again = client.post(f"/api/v1/cases/{case.pk}/needs", {"domain": "immigration"})
    assert again.status_code == 409
    assert client.post(f"/api/v1/cases/{case.pk}/needs", {"domain": "shopping"}).status_code == 422
    assert (
        client.post(f"/api/v1/cases/{case.pk}/needs", {"domain": "safety", "x": 1}).status_code
        == 422
    )
    assert Need.objects.count() == 1


def test_updating_a_need_and_reading_the_stage(api_as, caseworker, case, intruder):
    client = api_as(caseworker)
    need = identify(caseworker, case, domain="legal")
    stage = client.get(f"/api/v1/cases/{case.pk}/stage").json()
    assert (stage["stage"], stage["because"]) == ("assessment", "need_identified")
    response = client.patch(f"/api/v1/needs/{need.pk}", {"status": "in_progress", "note": "Clinic"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["note"]) == ("in_progress", "Clinic")
    stage = client.get(f"/api/v1/cases/{case.pk}/stage").json()
    assert (stage["stage"], stage["because"]) == ("protection", "protection_need")
    assert stage["explanation"]
    assert client.patch(f"/api/v1/needs/{need.pk}", {"domain": "safety"}).status_code == 422


def test_planning_an_action_makes_a_task_the_task_endpoints_then_change(
    api_as, caseworker, supervisor, case, intruder
):
    client = api_as(caseworker)
    need = identify(caseworker, case)
    response = client.post(
        f"/api/v1/needs/{need.pk}/actions",
        {"title": "Call the shelter", "due_on": "2026-06-01", "owner": "sue"},
    )
    assert response.status_code == 201, response.content
    action = response.json()
    assert (action["need_id"], action["owner"]) == (str(need.pk), "sue")
    task = Task.objects.get()
    assert task.need == need and task.assigned_to == supervisor
    done = client.patch(f"/api/v1/tasks/{task.pk}", {"status": "done"})
    assert done.status_code == 200
    assert client.get(f"/api/v1/cases/{case.pk}/stage").json()["stage"] == "support"
    stranger = client.post(
        f"/api/v1/needs/{need.pk}/actions",
        {"title": "Call", "due_on": "2026-06-01", "owner": "intruder"},
    )
    assert stranger.status_code == 409
    mine = client.post(
        f"/api/v1/needs/{need.pk}/actions", {"title": "Visit", "due_on": "2026-06-02"}
    )
    assert mine.json()["owner"] == "casey"
    services.update_need(Actor(user=caseworker), need, {"status": "met"})
    late = client.post(
        f"/api/v1/needs/{need.pk}/actions", {"title": "More", "due_on": "2026-06-03"}
    )
    assert late.status_code == 409
    assert Task.objects.count() == 2


def test_another_organisations_needs_are_not_found(api_as, caseworker, case, intruder):
    need = identify(caseworker, case)
    client = api_as(intruder)
    assert client.get(f"/api/v1/cases/{case.pk}/needs").status_code == 404
    assert client.post(f"/api/v1/cases/{case.pk}/needs", {"domain": "safety"}).status_code == 404
    assert client.patch(f"/api/v1/needs/{need.pk}", {"status": "met"}).status_code == 404
    assert (
        client.post(
            f"/api/v1/needs/{need.pk}/actions", {"title": "Planted", "due_on": "2026-06-01"}
        ).status_code
        == 404
    )
    assert client.get(f"/api/v1/cases/{case.pk}/stage").status_code == 404
    need.refresh_from_db()
    assert need.status == "identified"
    assert Need.objects.count() == 1
    assert not Task.objects.exists()


def test_an_analyst_is_refused(api_as, analyst, caseworker, case, intruder):
    need = identify(caseworker, case)
    client = api_as(analyst)
    assert client.get(f"/api/v1/cases/{case.pk}/needs").status_code == 403
    assert client.patch(f"/api/v1/needs/{need.pk}", {"status": "met"}).status_code == 403
    assert client.get(f"/api/v1/cases/{case.pk}/stage").status_code == 403
