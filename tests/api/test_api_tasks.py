"""Tasks over the API: a case's tasks, my tasks, one task; within the
caller's organisation and the cases they can open."""

from __future__ import annotations

import datetime

from django.utils import timezone

from harbour.accounts.models import Role
from harbour.audit.models import AuditEvent
from harbour.audit.services import Actor
from harbour.cases import services
from harbour.cases.models import Task, TaskStatus


def in_days(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def make_task(user, case, title="Call about the hearing", due=10):
    return services.add_task(
        Actor(user=user), case, {"title": title, "due_on": in_days(due)}, assigned_to=user
    )


def test_creating_a_task_on_a_case(api_as, caseworker, supervisor, case, intruder):
    response = api_as(caseworker).post(
        f"/api/v1/cases/{case.pk}/tasks",
        {
            "title": "Book an interpreter",
            "due_on": in_days(4).isoformat(),
            "assigned_to": "sue",
            "reminder_days": [1, 3],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["title"] == "Book an interpreter"
    assert body["assigned_to"] == "sue"
    assert body["reminder_days"] == [3, 1]
    assert body["status"] == "open"
    assert body["source"] == ""
    assert body["case_reference"] == case.reference
    assert Task.objects.get().assigned_to == supervisor
    assert AuditEvent.objects.filter(action="task.create").count() == 1


def test_a_stranger_as_assignee_gets_the_same_409_as_nobody(api_as, caseworker, case, intruder):
    client = api_as(caseworker)
    for username in ("intruder", "nobody-at-all"):
        response = client.post(
            f"/api/v1/cases/{case.pk}/tasks",
            {"title": "X", "due_on": "2026-06-01", "assigned_to": username},
        )
        assert response.status_code == 409
        assert response.json() == {
            "detail": "No member of staff who can open this case has that username."
        }
    assert not Task.objects.exists()


def test_a_blank_title_or_a_bad_date_is_a_422_naming_the_field(api_as, caseworker, case, intruder):
    client = api_as(caseworker)
    blank = client.post(f"/api/v1/cases/{case.pk}/tasks", {"title": "  ", "due_on": "2026-06-01"})
    assert blank.status_code == 422
    assert blank.json()["detail"][0]["loc"] == ["body", "payload", "title"]
    bad = client.post(f"/api/v1/cases/{case.pk}/tasks", {"title": "X", "due_on": "June"})
    assert bad.status_code == 422
    assert "due_on" in bad.json()["detail"][0]["loc"]
    many = client.post(
        f"/api/v1/cases/{case.pk}/tasks",
        {"title": "X", "due_on": "2026-06-01", "reminder_days": [1, 2, 3, 4, 5, 6]},
    )
    assert many.status_code == 422
    assert not Task.objects.exists()


def test_listing_a_cases_tasks_and_my_tasks(api_as, caseworker, supervisor, case, intruder):
    make_task(caseworker, case, "Mine", due=3)
    make_task(supervisor, case, "Sue's", due=1)
    done = make_task(caseworker, case, "Mine, done", due=2)
    services.complete_task(Actor(user=caseworker), done)
    client = api_as(caseworker)
    on_case = client.get(f"/api/v1/cases/{case.pk}/tasks").json()
    assert [t["title"] for t in on_case] == ["Sue's", "Mine, done", "Mine"]
    mine = client.get("/api/v1/tasks").json()
    assert mine["count"] == 1
    assert [t["title"] for t in mine["items"]] == ["Mine"]
    finished = client.get("/api/v1/tasks", status="done").json()
    assert [t["title"] for t in finished["items"]] == ["Mine, done"]
    assert client.get("/api/v1/tasks", colour="red").status_code == 422


def test_updating_completing_and_unassigning_a_task(api_as, caseworker, case, intruder):
    task = make_task(caseworker, case)
    client = api_as(caseworker)
    response = client.patch(
        f"/api/v1/tasks/{task.pk}",
        {"due_on": in_days(1).isoformat(), "status": "done", "assigned_to": None},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["due_on"] == in_days(1).isoformat()
    assert body["status"] == "done"
    assert body["assigned_to"] is None
    assert body["completed_at"] is not None
    task.refresh_from_db()
    assert (task.status, task.assigned_to, task.completed_by) == (TaskStatus.DONE, None, caseworker)
    assert client.get(f"/api/v1/tasks/{task.pk}").json()["status"] == "done"


def test_a_refused_update_changes_nothing(api_as, caseworker, case, intruder):
    task = make_task(caseworker, case)
    response = api_as(caseworker).patch(
        f"/api/v1/tasks/{task.pk}", {"due_on": in_days(1).isoformat(), "assigned_to": "intruder"}
    )
    assert response.status_code == 409
    task.refresh_from_db()
    assert task.due_on == in_days(10)


def test_another_organisations_tasks_answer_404(api_as, caseworker, intruder, case, other_case):
    theirs = make_task(intruder, other_case, "Their secret")
    client = api_as(caseworker)
    assert client.get(f"/api/v1/cases/{other_case.pk}/tasks").status_code == 404
    assert client.get(f"/api/v1/tasks/{theirs.pk}").status_code == 404
    patch = client.patch(f"/api/v1/tasks/{theirs.pk}", {"status": "done"})
    assert patch.status_code == 404
    post = client.post(
        f"/api/v1/cases/{other_case.pk}/tasks", {"title": "X", "due_on": "2026-06-01"}
    )
    assert post.status_code == 404
    assert b"Their secret" not in client.get("/api/v1/tasks").content
    assert Task.objects.get().status == TaskStatus.OPEN
    assert Task.objects.count() == 1


def test_an_unassigned_colleague_gets_404_on_the_case_tasks(
    api_as, caseworker, make_user, organisation, case, intruder
):
    task = make_task(caseworker, case)
    colleague = api_as(make_user("colin", Role.CASEWORKER, organisation))
    assert colleague.get(f"/api/v1/tasks/{task.pk}").status_code == 404
    assert colleague.get(f"/api/v1/cases/{case.pk}/tasks").status_code == 404


def test_automatic_tasks_show_their_source(api_as, caseworker, case, intruder):
    services.update_person(Actor(user=caseworker), case.person, {"permit_expiry": in_days(200)})
    tasks = api_as(caseworker).get(f"/api/v1/cases/{case.pk}/tasks").json()
    assert sorted(t["source"] for t in tasks) == [
        "permit_expiry:30",
        "permit_expiry:7",
        "permit_expiry:90",
    ]
