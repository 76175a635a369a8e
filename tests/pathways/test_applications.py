"""Applications for a pathway and their decisions, through the services: what
is saved (encrypted where it names the person), what is refused and why, the
follow-up and renewal tasks that follow, the audit trail, and the intruder
from another organisation who can change none of it."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from harbour.audit.models import AuditEvent
from harbour.audit.services import Actor
from harbour.cases.models import Task, TaskStatus
from harbour.cases.services import NotAllowed
from harbour.pathways import applications
from harbour.pathways.models import Application, Decision, reference_index_for
from tests.conftest import open_demo_case

pytestmark = pytest.mark.django_db

REFERENCE = "W307-556-881"
DOCUMENTS = "Support letter from the centre\nPassport copy kept by the employer"


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def today() -> datetime.date:
    return timezone.localdate()


def trp_data(**changes):
    return {
        "pathway_id": "vtip_trp",
        "submitted_on": today() - days(10),
        "submitted_by": "organisation",
        "reference_number": REFERENCE,
        "documents_sent": DOCUMENTS,
        **changes,
    }


def application_tasks(application: Application) -> dict[str, Task]:
    return {
        task.source: task
        for task in Task.objects.filter(source__startswith=f"application:{application.pk}:")
    }


def raw_row(application: Application) -> tuple:
    key = application.pk.hex if connection.vendor == "sqlite" else application.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reference_number, documents_sent, reference_index "
            "FROM pathways_application WHERE id = %s",
            [key],
        )
        return cursor.fetchone()


def test_an_application_is_saved_with_its_reference_number_encrypted_and_a_follow_up_task(
    caseworker, case, intruder
):
    application = applications.record_application(Actor(user=caseworker), case, trp_data())

    stored = Application.objects.get(pk=application.pk)
    assert stored.reference_number == REFERENCE and stored.documents_sent == DOCUMENTS
    assert stored.created_by == caseworker and stored.is_pending
    reference, documents, index = raw_row(application)
    assert REFERENCE not in reference and "W307" not in reference
    assert "Passport" not in documents
    assert index == reference_index_for("w307 556 881") != ""
    (follow_up,) = application_tasks(application).values()
    assert follow_up.source == f"application:{application.pk}:follow_up"
    assert follow_up.due_on == application.submitted_on + days(applications.FOLLOW_UP_DAYS)
    assert follow_up.assigned_to == caseworker and follow_up.status == TaskStatus.OPEN
    assert "status" in follow_up.title


def test_a_late_record_gets_its_follow_up_today_rather_than_in_the_past(caseworker, case, intruder):
    long_ago = today() - days(200)
    application = applications.record_application(
        Actor(user=caseworker), case, trp_data(submitted_on=long_ago)
    )
    (follow_up,) = application_tasks(application).values()
    assert follow_up.due_on == today()


def test_the_audit_names_the_application_and_fields_but_no_value(caseworker, case, intruder):
    actor = Actor(user=caseworker)
    application = applications.record_application(actor, case, trp_data())
    applications.record_decision(
        actor,
        application,
        {"outcome": "granted", "decided_on": today(), "conditions": "Report monthly"},
    )
    applications.record_application_view(actor, application)
    events = AuditEvent.objects.filter(action__startswith="pathways.").order_by("id")
    actions = [event.action for event in events]
    assert actions == [
        "pathways.application.create",
        "pathways.decision.create",
        "pathways.application.view",
    ]
    for event in events:
        assert event.object_id == str(case.pk)
        assert event.detail["application"] == str(application.pk)
        text = repr(event.detail)
        for value in (REFERENCE, "Passport", "Report monthly", "vtip_trp", "granted"):
            assert value not in text
    assert events[0].detail["fields"] == sorted(applications.APPLICATION_FIELDS)


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"pathway_id": "no_such_pathway"}, "pathway_id", "not a pathway Harbour knows"),
        ({"pathway_id": ""}, "pathway_id", "Choose the pathway"),
        ({"submitted_on": None}, "submitted_on", "required"),
        ({"submitted_on": "2026-01-01"}, "submitted_on", "YYYY-MM-DD"),
        ({"submitted_by": "the neighbour"}, "submitted_by", "who submitted"),
        ({"reference_number": "x" * 101}, "reference_number", "At most 100"),
    ],
)
def test_bad_application_data_is_refused_naming_the_field_and_nothing_is_saved(
    caseworker, case, intruder, changes, field, words
):
    with pytest.raises(applications.InvalidApplication) as refusal:
        applications.record_application(Actor(user=caseworker), case, trp_data(**changes))
    assert refusal.value.field == field
    assert words in str(refusal.value)
    assert not Application.objects.exists() and not Task.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="pathways.").exists()


def test_a_submission_date_in_the_future_is_refused(caseworker, case, intruder):
    with pytest.raises(applications.InvalidApplication, match="in the future") as refusal:
        applications.record_application(
            Actor(user=caseworker), case, trp_data(submitted_on=today() + days(1))
        )
    assert refusal.value.field == "submitted_on"


@pytest.mark.parametrize(
    ("decision", "field", "words"),
    [
        ({"outcome": "granted", "decided_on": -11}, "decided_on", "before the application"),
        ({"outcome": "granted", "decided_on": 1}, "decided_on", "in the future"),
        ({"outcome": "maybe", "decided_on": 0}, "outcome", "granted, refused or withdrawn"),
        ({"outcome": "granted"}, "decided_on", "required"),
        ({"outcome": "granted", "decided_on": 0, "valid_until": 0}, "valid_until", "after"),
        ({"outcome": "granted", "decided_on": 0, "valid_until": -1}, "valid_until", "after"),
        (
            {"outcome": "refused", "decided_on": 0, "valid_until": 90},
            "valid_until",
            "Only a granted",
        ),
        ({"outcome": "granted", "decided_on": 0, "conditions": "c" * 5001}, "conditions", "5000"),
    ],
)
def test_a_decision_with_dates_out_of_order_is_refused_and_nothing_is_saved(
    caseworker, case, intruder, decision, field, words
):
    actor = Actor(user=caseworker)
    application = applications.record_application(actor, case, trp_data())
    data = {
        name: today() + days(value) if name in ("decided_on", "valid_until") else value
        for name, value in decision.items()
    }
    tasks_before = set(application_tasks(application))
    with pytest.raises(applications.InvalidApplication) as refusal:
        applications.record_decision(actor, application, data)
    assert refusal.value.field == field
    assert words in str(refusal.value)
    assert not Decision.objects.exists()
    assert set(application_tasks(application)) == tasks_before
    assert (
        application_tasks(application)[f"application:{application.pk}:follow_up"].status == "open"
    )


def test_a_granted_permit_gets_renewal_tasks_90_30_and_7_days_before_it_ends(
    caseworker, case, intruder
):
    actor = Actor(user=caseworker)
    application = applications.record_application(actor, case, trp_data())
    ends = today() + days(180)
    applications.record_decision(
        actor, application, {"outcome": "granted", "decided_on": today(), "valid_until": ends}
    )
    tasks = application_tasks(application)
    assert tasks[f"application:{application.pk}:follow_up"].status == TaskStatus.DONE
    renewals = {source: task.due_on for source, task in tasks.items() if ":renewal:" in source}
    assert renewals == {
        f"application:{application.pk}:renewal:90": ends - days(90),
        f"application:{application.pk}:renewal:30": ends - days(30),
        f"application:{application.pk}:renewal:7": ends - days(7),
    }
    assert all(tasks[source].status == TaskStatus.OPEN for source in renewals)


def test_recording_the_same_decision_again_changes_nothing_and_a_new_end_moves_the_tasks(
    caseworker, case, intruder
):
    actor = Actor(user=caseworker)
    application = applications.record_application(actor, case, trp_data())
    ends = today() + days(180)
    granted = {"outcome": "granted", "decided_on": today(), "valid_until": ends}
    applications.record_decision(actor, application, granted)
    events, tasks = AuditEvent.objects.count(), Task.objects.count()

    applications.record_decision(actor, application, granted)
    assert AuditEvent.objects.count() == events and Task.objects.count() == tasks

    later = ends + days(365)
    applications.record_decision(actor, application, {**granted, "valid_until": later})
    assert Task.objects.count() == tasks
    renewal = application_tasks(application)[f"application:{application.pk}:renewal:30"]
    assert renewal.due_on == later - days(30)
    update = AuditEvent.objects.filter(action="pathways.decision.update").get()
    assert update.detail["fields"] == ["valid_until"]


def test_a_grant_corrected_to_a_refusal_cancels_its_renewal_tasks(caseworker, case, intruder):
    actor = Actor(user=caseworker)
    application = applications.record_application(actor, case, trp_data())
    granted = {"outcome": "granted", "decided_on": today(), "valid_until": today() + days(365)}
    applications.record_decision(actor, application, granted)
    applications.record_decision(actor, application, {"outcome": "refused", "decided_on": today()})
    statuses = {
        source.rsplit(":", 1)[-1]: task.status
        for source, task in application_tasks(application).items()
    }
    assert statuses == {"follow_up": "done", "90": "cancelled", "30": "cancelled", "7": "cancelled"}


def test_renewal_warnings_already_past_are_skipped_except_the_last(caseworker, case, intruder):
    actor = Actor(user=caseworker)
    application = applications.record_application(
        actor, case, trp_data(submitted_on=today() - days(300))
    )
    applications.record_decision(
        actor,
        application,
        {"outcome": "granted", "decided_on": today() - days(200), "valid_until": today() + days(5)},
    )
    renewals = [source for source in application_tasks(application) if ":renewal:" in source]
    assert renewals == [f"application:{application.pk}:renewal:7"]


def test_a_validity_already_over_gets_no_renewal_task(caseworker, case, intruder):
    actor = Actor(user=caseworker)
    application = applications.record_application(
        actor, case, trp_data(submitted_on=today() - days(800))
    )
    applications.record_decision(
        actor,
        application,
        {"outcome": "granted", "decided_on": today() - days(700), "valid_until": today()},
    )
    assert [s for s in application_tasks(application) if ":renewal:" in s] == []


def test_a_withdrawal_is_a_decision_that_ends_the_follow_up(caseworker, case, intruder):
    actor = Actor(user=caseworker)
    application = applications.record_application(actor, case, trp_data())
    decision = applications.withdraw_application(actor, application, today(), note="Went home")
    assert decision.outcome == "withdrawn" and decision.conditions == "Went home"
    assert not Application.objects.get(pk=application.pk).is_pending
    (follow_up,) = application_tasks(application).values()
    assert follow_up.status == TaskStatus.DONE


def test_an_application_cannot_be_moved_after_its_decision(caseworker, case, intruder):
    actor = Actor(user=caseworker)
    application = applications.record_application(actor, case, trp_data())
    applications.record_decision(
        actor, application, {"outcome": "refused", "decided_on": today() - days(2)}
    )
    with pytest.raises(applications.InvalidApplication, match="after its decision") as refusal:
        applications.update_application(
            actor, application, trp_data(submitted_on=today() - days(1))
        )
    assert refusal.value.field == "submitted_on"
    assert Application.objects.get(pk=application.pk).submitted_on == today() - days(10)


def test_correcting_a_pending_application_moves_its_follow_up(caseworker, case, intruder):
    actor = Actor(user=caseworker)
    application = applications.record_application(actor, case, trp_data())
    changed = applications.update_application(
        actor, application, trp_data(submitted_on=today() - days(3), reference_number="W307-1")
    )
    assert changed == ["submitted_on", "reference_number"]
    (follow_up,) = application_tasks(application).values()
    assert follow_up.due_on == today() - days(3) + days(applications.FOLLOW_UP_DAYS)
    assert Application.objects.get(pk=application.pk).reference_index == reference_index_for(
        "W3071"
    )
    assert (
        applications.update_application(
            actor, application, trp_data(submitted_on=today() - days(3), reference_number="W307-1")
        )
        == []
    )


def test_the_history_lists_applications_in_the_order_they_were_submitted(
    caseworker, case, intruder
):
    actor = Actor(user=caseworker)
    later = applications.record_application(actor, case, trp_data(pathway_id="refugee_claim"))
    earlier = applications.record_application(
        actor, case, trp_data(submitted_on=today() - days(400))
    )
    other = open_demo_case(intruder, pseudonym="Spruce")
    applications.record_application(Actor(user=intruder), other, trp_data())
    assert applications.applications_of(case) == [earlier, later]


def test_an_intruder_or_an_analyst_cannot_record_on_the_case(caseworker, analyst, case, intruder):
    with pytest.raises(NotAllowed):
        applications.record_application(Actor(user=intruder), case, trp_data())
    with pytest.raises(NotAllowed):
        applications.record_application(Actor(user=analyst), case, trp_data())
    application = applications.record_application(Actor(user=caseworker), case, trp_data())
    with pytest.raises(NotAllowed):
        applications.record_decision(
            Actor(user=intruder), application, {"outcome": "refused", "decided_on": today()}
        )
    with pytest.raises(NotAllowed):
        applications.record_application_view(Actor(user=intruder), application)
    assert not Decision.objects.exists()
    assert Application.objects.count() == 1
