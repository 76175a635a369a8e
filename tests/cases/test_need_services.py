"""Needs and plan actions: audited, transactional, same-organisation, with
the note encrypted and every status change kept."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from harbour.audit.models import AuditEvent
from harbour.audit.services import Actor
from harbour.cases import services
from harbour.cases.models import Need, NeedStatus, Task
from harbour.cases.services import InvalidNeed, NotAllowed


def actor_for(user):
    return Actor(user=user, ip_address="127.0.0.1")


def in_days(days):
    return timezone.localdate() + datetime.timedelta(days=days)


def identify(user, case, **data):
    return services.identify_need(actor_for(user), case, {"domain": "housing", **data})


def test_identifying_a_need_saves_it_and_records_field_names_only(caseworker, case, intruder):
    need = identify(caseworker, case, priority="urgent", note="Sleeping at the employer's barn")
    assert (need.domain, need.priority, need.status) == ("housing", "urgent", "identified")
    assert need.identified_by == caseworker
    assert need.identified_on == timezone.localdate()
    event = AuditEvent.objects.get(action="need.identify")
    assert event.object_id == str(case.pk)
    fields = ["domain", "priority", "note", "identified_on"]  # the status is the default
    assert event.detail == {"need": str(need.pk), "fields": fields}
    assert "barn" not in str(event.detail) and "housing" not in str(event.detail)
    assert [change.status for change in need.status_changes.all()] == ["identified"]


def test_the_note_is_encrypted_in_the_database(caseworker, case, intruder):
    need = identify(caseworker, case, note="Sleeping at the employer's barn")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT note FROM cases_need WHERE id IN (%s, %s)", [need.pk.hex, str(need.pk)]
        )
        (stored,) = cursor.fetchone()
    assert "barn" not in stored
    assert stored.startswith("hb1:")


def test_bad_need_data_is_refused_naming_the_field_and_saves_nothing(caseworker, case, intruder):
    for data, field in (
        ({"domain": "shopping"}, "domain"),
        ({"priority": "whenever"}, "priority"),
        ({"status": "forgotten"}, "status"),
        ({"identified_on": in_days(3)}, "identified_on"),
        ({"identified_on": "yesterday"}, "identified_on"),
    ):
        with pytest.raises(InvalidNeed) as problem:
            identify(caseworker, case, **data)
        assert problem.value.field == field
    with pytest.raises(InvalidNeed) as problem:
        services.identify_need(actor_for(caseworker), case, {})
    assert problem.value.field == "domain"
    assert not Need.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="need.").exists()


def test_one_open_need_per_domain_but_a_met_one_can_come_back(caseworker, case, intruder):
    need = identify(caseworker, case)
    with pytest.raises(InvalidNeed) as problem:
        identify(caseworker, case)
    assert problem.value.field == "domain"
    services.update_need(actor_for(caseworker), need, {"status": "met"})
    again = identify(caseworker, case)
    with pytest.raises(InvalidNeed) as problem:
        services.update_need(actor_for(caseworker), need, {"status": "in_progress"})
    assert problem.value.field == "status"
    assert Need.objects.count() == 2
    assert again.status == NeedStatus.IDENTIFIED


def test_updating_a_need_keeps_its_status_history_and_records_names_only(
    caseworker, supervisor, case, intruder
):
    need = identify(caseworker, case)
    changed = services.update_need(
        actor_for(supervisor), need, {"status": "in_progress", "priority": "high", "note": "x"}
    )
    assert changed == ["priority", "status", "note"]
    assert services.update_need(actor_for(supervisor), need, {"status": "in_progress"}) == []
    services.update_need(actor_for(caseworker), need, {"status": "met"})
    history = [(c.status, c.changed_by) for c in need.status_changes.all()]
    assert history == [
        ("identified", caseworker),
        ("in_progress", supervisor),
        ("met", caseworker),
    ]
    details = list(
        AuditEvent.objects.filter(action="need.update")
        .order_by("id")
        .values_list("detail", flat=True)
    )
    assert details == [
        {"need": str(need.pk), "fields": ["priority", "status", "note"]},
        {"need": str(need.pk), "fields": ["status"]},
    ]


def test_the_domain_of_a_need_cannot_be_changed(caseworker, case, intruder):
    need = identify(caseworker, case)
    with pytest.raises(InvalidNeed) as problem:
        services.update_need(actor_for(caseworker), need, {"domain": "safety"})
    assert problem.value.field == "domain"
    need.refresh_from_db()
    assert need.domain == "housing"


def test_a_plan_action_is_a_task_linked_to_the_need_owned_by_the_actor(
    caseworker, supervisor, case, intruder
):
    need = identify(caseworker, case)
    action = services.add_plan_action(
        actor_for(caseworker), need, {"title": "Call the shelter", "due_on": in_days(3)}
    )
    assert action.need == need
    assert action.case == case
    assert action.assigned_to == caseworker
    assert action.reminders == (7, 1)
    event = AuditEvent.objects.get(action="task.create")
    assert event.detail["need"] == str(need.pk)
    other = services.add_plan_action(
        actor_for(caseworker), need, {"title": "Visit", "due_on": in_days(5)}, owner=supervisor
    )
    assert other.assigned_to == supervisor
    assert list(need.actions.order_by("due_on")) == [action, other]


def test_a_plan_action_needs_a_title_a_date_an_open_need_and_an_owner_on_the_case(
    caseworker, make_user, organisation, case, intruder
):
    from harbour.accounts.models import Role

    need = identify(caseworker, case)
    with pytest.raises(services.InvalidTask):
        services.add_plan_action(actor_for(caseworker), need, {"title": "Call"})
    colleague = make_user("colin", Role.CASEWORKER, organisation)
    with pytest.raises(NotAllowed):
        services.add_plan_action(
            actor_for(caseworker), need, {"title": "Call", "due_on": in_days(1)}, owner=colleague
        )
    with pytest.raises(NotAllowed):
        services.add_plan_action(
            actor_for(caseworker), need, {"title": "Call", "due_on": in_days(1)}, owner=intruder
        )
    services.update_need(actor_for(caseworker), need, {"status": "no_longer_needed"})
    with pytest.raises(InvalidNeed) as problem:
        services.add_plan_action(
            actor_for(caseworker), need, {"title": "Call", "due_on": in_days(1)}
        )
    assert problem.value.field == "need"
    assert not Task.objects.exists()


def test_a_task_cannot_serve_a_need_of_another_case(caseworker, case, intruder):
    from tests.conftest import open_demo_case

    other = open_demo_case(caseworker, pseudonym="Cedar")
    need = identify(caseworker, other)
    with pytest.raises(NotAllowed):
        services.add_task(
            actor_for(caseworker), case, {"title": "Call", "due_on": in_days(1)}, need=need
        )
    assert not Task.objects.exists()


def test_an_intruder_cannot_touch_another_organisations_needs(caseworker, case, intruder):
    with pytest.raises(NotAllowed):
        identify(intruder, case)
    need = identify(caseworker, case)
    with pytest.raises(NotAllowed):
        services.update_need(actor_for(intruder), need, {"status": "met"})
    with pytest.raises(NotAllowed):
        services.add_plan_action(
            actor_for(intruder), need, {"title": "Planted", "due_on": in_days(1)}
        )
    need.refresh_from_db()
    assert need.status == NeedStatus.IDENTIFIED
    assert Need.objects.count() == 1
    assert not Task.objects.exists()


def test_an_analyst_is_refused(analyst, caseworker, case, intruder):
    with pytest.raises(NotAllowed):
        identify(analyst, case)
    need = identify(caseworker, case)
    with pytest.raises(NotAllowed):
        services.update_need(actor_for(analyst), need, {"status": "met"})
    with pytest.raises(NotAllowed):
        services.add_plan_action(actor_for(analyst), need, {"title": "X", "due_on": in_days(1)})
    assert (
        not AuditEvent.objects.filter(actor=analyst).exclude(action__startswith="account").exists()
    )


def test_shredding_a_case_removes_its_needs_and_their_history(
    caseworker, supervisor, case, intruder
):
    need = identify(caseworker, case, note="Sleeping at the employer's barn")
    services.update_need(actor_for(caseworker), need, {"status": "in_progress"})
    services.request_closure(actor_for(supervisor), case)
    case.refresh_from_db()
    later = case.closed_on.replace(year=case.closed_on.year + 50)
    services.shred_case(actor_for(supervisor), case, on=later)
    assert not Need.objects.exists()
    from harbour.cases.models import NeedStatusChange

    assert not NeedStatusChange.objects.exists()
