"""Tasks on the case page, task editing, and the deadlines pages."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from harbour.accounts.models import Role
from harbour.audit.services import Actor
from harbour.cases import services
from harbour.cases.models import Task, TaskStatus


def in_days(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def make_task(user, case, title="Call about the hearing", due=10, **data):
    return services.add_task(
        Actor(user=user), case, {"title": title, "due_on": in_days(due), **data}, assigned_to=user
    )


def test_the_case_page_lists_tasks_with_overdue_ones_marked(signed_in, caseworker, case, intruder):
    make_task(caseworker, case, title="Book an interpreter", due=-2)
    response = signed_in(caseworker).get(reverse("cases:case_detail", args=[case.pk]))
    assert response.status_code == 200
    assert b"Book an interpreter" in response.content
    assert b'class="badge overdue"' in response.content


def test_adding_a_task_from_the_case_page(signed_in, caseworker, supervisor, case, intruder):
    response = signed_in(caseworker).post(
        reverse("cases:task_add", args=[case.pk]),
        {
            "task-title": "Gather pay stubs",
            "task-due_on": in_days(5).isoformat(),
            "task-assigned_to": supervisor.pk,
            "task-reminder_days": "3,1",
        },
    )
    assert response.status_code == 302
    task = Task.objects.get()
    assert (task.title, task.due_on, task.assigned_to, task.reminders) == (
        "Gather pay stubs",
        in_days(5),
        supervisor,
        (3, 1),
    )


def test_a_bad_task_form_says_which_field_and_saves_nothing(signed_in, caseworker, case, intruder):
    response = signed_in(caseworker).post(
        reverse("cases:task_add", args=[case.pk]),
        {"task-title": "Keep me", "task-due_on": "not a date", "task-reminder_days": "soon"},
    )
    assert response.status_code == 400
    assert b"Keep me" in response.content
    assert b'id="id_task-due_on_error"' in response.content
    assert b'id="id_task-reminder_days_error"' in response.content
    assert not Task.objects.exists()


def test_a_task_cannot_be_assigned_to_someone_outside_the_case(
    signed_in, caseworker, make_user, organisation, case, intruder
):
    colleague = make_user("colin", Role.CASEWORKER, organisation)
    response = signed_in(caseworker).post(
        reverse("cases:task_add", args=[case.pk]),
        {
            "task-title": "X",
            "task-due_on": in_days(5).isoformat(),
            "task-assigned_to": colleague.pk,
        },
    )
    assert response.status_code == 400
    response = signed_in(caseworker).post(
        reverse("cases:task_add", args=[case.pk]),
        {"task-title": "X", "task-due_on": in_days(5).isoformat(), "task-assigned_to": intruder.pk},
    )
    assert response.status_code == 400
    assert not Task.objects.exists()


def test_completing_and_reopening_are_post_buttons(signed_in, caseworker, case, intruder):
    task = make_task(caseworker, case)
    client = signed_in(caseworker)
    url = reverse("cases:task_status", args=[case.pk, task.pk])
    assert client.get(url).status_code == 405
    assert client.post(url, {"action": "complete"}).status_code == 302
    assert Task.objects.get().status == TaskStatus.DONE
    assert client.post(url, {"action": "reopen"}).status_code == 302
    assert Task.objects.get().status == TaskStatus.OPEN
    assert client.post(url, {"action": "explode"}).status_code == 400


def test_the_status_button_returns_to_the_deadlines_page_only_when_asked(
    signed_in, caseworker, case, intruder
):
    task = make_task(caseworker, case)
    client = signed_in(caseworker)
    url = reverse("cases:task_status", args=[case.pk, task.pk])
    back = client.post(url, {"action": "complete", "next": "/deadlines/?due=7"})
    assert back["Location"] == "/deadlines/?due=7"
    away = client.post(url, {"action": "reopen", "next": "https://evil.example/"})
    assert away["Location"].startswith(reverse("cases:case_detail", args=[case.pk]))


def test_editing_a_task(signed_in, caseworker, case, intruder):
    task = make_task(caseworker, case)
    client = signed_in(caseworker)
    url = reverse("cases:task_edit", args=[case.pk, task.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert b"Call about the hearing" in page.content
    response = client.post(
        url,
        {"title": "Call about the hearing", "due_on": in_days(2).isoformat(), "reminder_days": ""},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.due_on, task.reminders, task.assigned_to) == (in_days(2), (), None)


def test_a_task_answers_404_under_another_case_or_organisation(
    signed_in, caseworker, intruder, case, other_case
):
    theirs = make_task(intruder, other_case, title="Their secret task")
    ours = make_task(caseworker, case)
    client = signed_in(caseworker)
    assert client.get(reverse("cases:task_edit", args=[case.pk, theirs.pk])).status_code == 404
    assert (
        client.get(reverse("cases:task_edit", args=[other_case.pk, theirs.pk])).status_code == 404
    )
    url = reverse("cases:task_status", args=[case.pk, theirs.pk])
    assert client.post(url, {"action": "complete"}).status_code == 404
    intruding = signed_in(intruder)
    url = reverse("cases:task_status", args=[other_case.pk, ours.pk])
    assert intruding.post(url, {"action": "complete"}).status_code == 404
    assert Task.objects.get(pk=theirs.pk).status == TaskStatus.OPEN
    assert Task.objects.get(pk=ours.pk).status == TaskStatus.OPEN


def test_my_deadlines_lists_my_open_tasks_only(
    signed_in, caseworker, supervisor, case, other_case, intruder
):
    make_task(caseworker, case, title="Mine and late", due=-1)
    make_task(supervisor, case, title="Supervisor's")
    make_task(intruder, other_case, title="Their task")
    done = make_task(caseworker, case, title="Mine and done")
    services.complete_task(Actor(user=caseworker), done)
    response = signed_in(caseworker).get(reverse("cases:deadlines"))
    assert response.status_code == 200
    assert b"Mine and late" in response.content
    assert b'class="badge overdue"' in response.content
    for absent in (b"Supervisor&#x27;s", b"Their task", b"Mine and done"):
        assert absent not in response.content
    everything = signed_in(caseworker).get(reverse("cases:deadlines"), {"status": "all"})
    assert b"Mine and done" in everything.content


def test_the_due_window_filter(signed_in, caseworker, case, intruder):
    make_task(caseworker, case, title="Late one", due=-3)
    make_task(caseworker, case, title="Soon one", due=5)
    make_task(caseworker, case, title="Far one", due=60)
    client = signed_in(caseworker)
    overdue = client.get(reverse("cases:deadlines"), {"due": "overdue"}).content
    assert b"Late one" in overdue and b"Soon one" not in overdue
    week = client.get(reverse("cases:deadlines"), {"due": "7"}).content
    assert b"Soon one" in week and b"Far one" not in week


def test_organisation_deadlines_are_for_supervisors_and_filter_by_assignee(
    signed_in, caseworker, supervisor, case, other_case, intruder
):
    make_task(caseworker, case, title="Casey's task")
    make_task(supervisor, case, title="Sue's task")
    make_task(intruder, other_case, title="Their task")
    assert signed_in(caseworker).get(reverse("cases:organisation_deadlines")).status_code == 403
    client = signed_in(supervisor)
    page = client.get(reverse("cases:organisation_deadlines")).content
    assert b"Casey&#x27;s task" in page and b"Sue&#x27;s task" in page
    assert b"Their task" not in page
    only = client.get(reverse("cases:organisation_deadlines"), {"assignee": caseworker.pk}).content
    assert b"Casey&#x27;s task" in only and b"Sue&#x27;s task" not in only
    # Another organisation's staff cannot be chosen as a filter.
    theirs = client.get(reverse("cases:organisation_deadlines"), {"assignee": intruder.pk})
    assert b"Their task" not in theirs.content


def test_the_dashboard_shows_due_tasks_and_todays_reminders(signed_in, caseworker, case, intruder):
    make_task(caseworker, case, title="Due tomorrow", due=1, reminder_days="1")
    make_task(caseworker, case, title="Far away", due=30, reminder_days="30")
    response = signed_in(caseworker).get(reverse("cases:dashboard"))
    content = response.content.decode()
    due_section = content.split('id="due-title"')[1].split("</section>")[0]
    reminders = content.split('id="reminders-title"')[1].split("</section>")[0]
    assert "Due tomorrow" in due_section and "Far away" not in due_section
    assert content.count(case.reference) >= 2
    assert "No reminder today" not in reminders
    assert reminders.count("<li>") == 2
