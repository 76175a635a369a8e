"""Task services: audited, transactional, same-organisation; automatic
deadlines that are idempotent; permit expiry warnings that follow the permit."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from harbour.accounts.models import Role
from harbour.audit.models import AuditEvent
from harbour.audit.services import Actor
from harbour.cases import services
from harbour.cases.models import Task, TaskStatus
from harbour.cases.services import (
    DeadlineTask,
    InvalidTask,
    NotAllowed,
    add_deadline_tasks,
    sync_permit_deadlines,
)
from tests.conftest import open_demo_case


def actor_for(user):
    return Actor(user=user, ip_address="127.0.0.1")


def in_days(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def make_task(user, case, **data):
    values = {"title": "Call Rosa about the hearing", "due_on": in_days(10), **data}
    return services.add_task(actor_for(user), case, values, assigned_to=user)


def test_adding_a_task_saves_it_and_records_field_names_only(caseworker, case, intruder):
    task = make_task(caseworker, case, details="Bring the pay stubs")
    assert task.status == TaskStatus.OPEN
    assert task.reminders == (7, 1)
    assert task.assigned_to == caseworker
    assert task.created_by == caseworker
    event = AuditEvent.objects.get(action="task.create")
    assert event.object_id == str(case.pk)
    assert event.detail == {"task": str(task.pk), "fields": ["title", "details", "due_on"]}
    assert "Rosa" not in str(event.detail)


def test_a_task_title_is_encrypted_in_the_database(caseworker, case, intruder):
    from django.db import connection

    task = make_task(caseworker, case)
    with connection.cursor() as cursor:
        cursor.execute("SELECT title FROM cases_task WHERE id = %s", [task.pk.hex])
        row = cursor.fetchone()
    if row is None:  # PostgreSQL stores the uuid natively
        with connection.cursor() as cursor:
            cursor.execute("SELECT title FROM cases_task WHERE id = %s", [str(task.pk)])
            row = cursor.fetchone()
    assert row is not None
    assert "Rosa" not in row[0]
    assert row[0].startswith("hb1:")


def test_a_task_without_title_or_date_is_refused_naming_the_field(caseworker, case, intruder):
    with pytest.raises(InvalidTask) as problem:
        services.add_task(actor_for(caseworker), case, {"title": "  ", "due_on": in_days(1)})
    assert problem.value.field == "title"
    with pytest.raises(InvalidTask) as problem:
        services.add_task(actor_for(caseworker), case, {"title": "Call"})
    assert problem.value.field == "due_on"
    with pytest.raises(InvalidTask) as problem:
        make_task(caseworker, case, reminder_days="7,tomorrow")
    assert problem.value.field == "reminder_days"
    assert not Task.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="task.").exists()


def test_reminder_days_are_cleaned_and_bounded(caseworker, case, intruder):
    task = make_task(caseworker, case, reminder_days=" 1, 30,7,7")
    assert task.reminder_days == "30,7,1"
    with pytest.raises(InvalidTask):
        make_task(caseworker, case, reminder_days="400")
    with pytest.raises(InvalidTask):
        make_task(caseworker, case, reminder_days="1,2,3,4,5,6")


def test_updating_a_task_records_only_the_changed_field_names(caseworker, case, intruder):
    task = make_task(caseworker, case)
    changed = services.update_task(
        actor_for(caseworker), task, {"title": "Call Rosa about the hearing", "due_on": in_days(3)}
    )
    assert changed == ["due_on"]
    assert AuditEvent.objects.get(action="task.update").detail["fields"] == ["due_on"]
    assert services.update_task(actor_for(caseworker), task, {"due_on": in_days(3)}) == []
    assert AuditEvent.objects.filter(action="task.update").count() == 1


def test_completing_reopening_and_cancelling_keep_who_and_when(caseworker, supervisor, case):
    task = make_task(caseworker, case)
    assert services.complete_task(actor_for(supervisor), task)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert task.completed_by == supervisor
    assert task.completed_at is not None
    assert not services.complete_task(actor_for(supervisor), task)  # twice: nothing more
    assert services.reopen_task(actor_for(caseworker), task)
    task.refresh_from_db()
    assert (task.status, task.completed_by, task.completed_at) == (TaskStatus.OPEN, None, None)
    assert services.cancel_task(actor_for(caseworker), task)
    assert Task.objects.get().status == TaskStatus.CANCELLED
    actions = list(
        AuditEvent.objects.filter(action__startswith="task.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["task.create", "task.complete", "task.reopen", "task.cancel"]


def test_a_task_goes_only_to_staff_who_can_open_its_case(
    caseworker, supervisor, make_user, organisation, case, intruder
):
    task = make_task(caseworker, case)
    colleague = make_user("colin", Role.CASEWORKER, organisation)
    analyst = make_user("ana", Role.ANALYST, organisation)
    for outsider in (colleague, analyst, intruder):
        with pytest.raises(NotAllowed):
            services.reassign_task(actor_for(caseworker), task, outsider)
    assert services.reassign_task(actor_for(caseworker), task, supervisor)
    assert Task.objects.get().assigned_to == supervisor
    assert services.reassign_task(actor_for(caseworker), task, None)
    assert Task.objects.get().assigned_to is None


def test_an_intruder_cannot_touch_another_organisations_tasks(caseworker, case, intruder):
    task = make_task(caseworker, case)
    intruding = actor_for(intruder)
    with pytest.raises(NotAllowed):
        services.add_task(intruding, case, {"title": "Planted", "due_on": in_days(1)})
    for change in (services.complete_task, services.cancel_task, services.reopen_task):
        with pytest.raises(NotAllowed):
            change(intruding, task)
    with pytest.raises(NotAllowed):
        services.update_task(intruding, task, {"title": "Planted"})
    with pytest.raises(NotAllowed):
        add_deadline_tasks(intruding, case, [DeadlineTask("pathway:x:y", "Planted", in_days(5))])
    with pytest.raises(NotAllowed):
        sync_permit_deadlines(intruding, case.person)
    task.refresh_from_db()
    assert (task.title, task.status) == ("Call Rosa about the hearing", TaskStatus.OPEN)
    assert Task.objects.count() == 1


def test_an_analyst_cannot_add_tasks(analyst, case, intruder):
    with pytest.raises(NotAllowed):
        services.add_task(actor_for(analyst), case, {"title": "Look", "due_on": in_days(1)})


def test_deadline_tasks_are_created_once_and_moved_when_the_date_changes(
    caseworker, case, intruder
):
    actor = actor_for(caseworker)
    deadline = DeadlineTask("pathway:trp_trafficking:initial_validity_end", "Apply", in_days(40))
    created = add_deadline_tasks(actor, case, [deadline])
    assert len(created) == 1
    task = created[0]
    assert (task.source, task.reminders, task.assigned_to) == (
        deadline.source,
        (30, 7, 1),
        caseworker,
    )
    assert add_deadline_tasks(actor, case, [deadline]) == []
    assert Task.objects.count() == 1
    moved = add_deadline_tasks(
        actor, case, [DeadlineTask(deadline.source, "Apply", in_days(20), (14,))]
    )
    assert [t.pk for t in moved] == [task.pk]
    task.refresh_from_db()
    assert (task.due_on, task.reminders) == (in_days(20), (14,))
    assert Task.objects.count() == 1


def test_a_deadline_already_dealt_with_is_left_alone(caseworker, case, intruder):
    actor = actor_for(caseworker)
    (task,) = add_deadline_tasks(actor, case, [DeadlineTask("pathway:a:b", "Apply", in_days(9))])
    services.complete_task(actor, task)
    assert add_deadline_tasks(actor, case, [DeadlineTask("pathway:a:b", "Apply", in_days(3))]) == []
    task.refresh_from_db()
    assert (task.status, task.due_on) == (TaskStatus.DONE, in_days(9))


def test_deadline_tasks_are_all_or_nothing(caseworker, case, intruder):
    deadlines = [
        DeadlineTask("pathway:a:b", "Apply", in_days(9)),
        DeadlineTask("", "Bad", in_days(1)),
    ]
    with pytest.raises(InvalidTask):
        add_deadline_tasks(actor_for(caseworker), case, deadlines)
    assert not Task.objects.exists()


def test_a_hand_made_task_and_several_automatic_ones_live_side_by_side(caseworker, case, intruder):
    make_task(caseworker, case)
    make_task(caseworker, case)
    add_deadline_tasks(
        actor_for(caseworker),
        case,
        [
            DeadlineTask("pathway:a:b", "A", in_days(9)),
            DeadlineTask("pathway:a:c", "B", in_days(9)),
        ],
    )
    assert Task.objects.filter(case=case).count() == 4


def permit_tasks(case):
    return {
        task.source: task
        for task in Task.objects.filter(case=case, source__startswith="permit_expiry:")
    }


def test_recording_a_permit_expiry_makes_the_90_30_and_7_day_warnings(caseworker, case, intruder):
    expiry = in_days(200)
    services.update_person(
        actor_for(caseworker), case.person, {"permit_type": "open_work", "permit_expiry": expiry}
    )
    tasks = permit_tasks(case)
    assert {source: task.due_on for source, task in tasks.items()} == {
        "permit_expiry:90": expiry - datetime.timedelta(days=90),
        "permit_expiry:30": expiry - datetime.timedelta(days=30),
        "permit_expiry:7": expiry - datetime.timedelta(days=7),
    }
    assert all(task.assigned_to == caseworker for task in tasks.values())
    assert all(task.status == TaskStatus.OPEN for task in tasks.values())


def test_a_new_case_for_a_person_with_a_permit_gets_the_warnings(caseworker, intruder):
    case = open_demo_case(caseworker, permit_type="trp", permit_expiry=in_days(120))
    tasks = permit_tasks(case)
    assert len(tasks) == 3
    assert "Temporary resident permit" in tasks["permit_expiry:30"].title


def test_a_new_expiry_moves_the_warnings_and_reopens_those_done(caseworker, case, intruder):
    actor = actor_for(caseworker)
    services.update_person(actor, case.person, {"permit_expiry": in_days(100)})
    services.complete_task(actor, permit_tasks(case)["permit_expiry:90"])
    services.update_person(actor, case.person, {"permit_expiry": in_days(500)})
    tasks = permit_tasks(case)
    assert len(tasks) == 3
    assert tasks["permit_expiry:90"].due_on == in_days(410)
    assert tasks["permit_expiry:90"].status == TaskStatus.OPEN
    assert Task.objects.filter(case=case).count() == 3


def test_removing_the_expiry_cancels_the_open_warnings(caseworker, case, intruder):
    actor = actor_for(caseworker)
    services.update_person(actor, case.person, {"permit_expiry": in_days(100)})
    services.complete_task(actor, permit_tasks(case)["permit_expiry:90"])
    services.update_person(actor, case.person, {"permit_expiry": None})
    statuses = {source: task.status for source, task in permit_tasks(case).items()}
    assert statuses == {
        "permit_expiry:90": TaskStatus.DONE,
        "permit_expiry:30": TaskStatus.CANCELLED,
        "permit_expiry:7": TaskStatus.CANCELLED,
    }


def test_warnings_already_past_are_not_made_but_the_last_one_is(caseworker, case, intruder):
    services.update_person(actor_for(caseworker), case.person, {"permit_expiry": in_days(20)})
    tasks = permit_tasks(case)
    assert set(tasks) == {"permit_expiry:7"}
    services.update_person(actor_for(caseworker), case.person, {"permit_expiry": in_days(3)})
    tasks = permit_tasks(case)
    assert tasks["permit_expiry:7"].due_on == in_days(-4)  # overdue: shown as such


def test_permit_warnings_skip_closed_cases(caseworker, supervisor, case, intruder):
    services.update_case(actor_for(supervisor), case, {"status": "closed"})
    services.update_person(actor_for(caseworker), case.person, {"permit_expiry": in_days(200)})
    assert permit_tasks(case) == {}
    services.update_case(actor_for(caseworker), case, {"status": "active"})
    assert len(permit_tasks(case)) == 3


def test_changing_other_person_fields_leaves_the_warnings_alone(caseworker, case, intruder):
    actor = actor_for(caseworker)
    services.update_person(actor, case.person, {"permit_expiry": in_days(200)})
    before = AuditEvent.objects.filter(action__startswith="task.").count()
    services.update_person(actor, case.person, {"languages": "Tagalog"})
    assert AuditEvent.objects.filter(action__startswith="task.").count() == before


def test_reminders_fall_on_the_due_date_minus_each_reminder_day(caseworker, case, intruder):
    task = make_task(caseworker, case, due_on=in_days(7), reminder_days="7,1")
    today = timezone.localdate()
    assert task.reminder_dates() == [today, in_days(6)]
    assert services.tasks_reminding_on(Task.objects.all(), today) == [task]
    assert services.tasks_reminding_on(Task.objects.all(), in_days(1)) == []
    services.complete_task(actor_for(caseworker), task)
    assert services.tasks_reminding_on(Task.objects.all(), today) == []
