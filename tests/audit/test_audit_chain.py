"""The append-only, hash-chained audit trail and `harbour audit verify`."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from harbour.audit.models import AppendOnlyError, AuditChainHead, AuditEvent
from harbour.audit.services import Actor, record, verify_chain
from harbour.cases import services
from tests.conftest import open_demo_case

TABLE = AuditEvent._meta.db_table


def _execute(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def _verify_fails() -> tuple[str, str]:
    """Run `audit verify` expecting a refusal; return (error message, stderr)."""
    stderr = io.StringIO()
    with pytest.raises(CommandError) as refusal:
        call_command("audit", "verify", stderr=stderr, stdout=io.StringIO())
    return str(refusal.value), stderr.getvalue()


@pytest.fixture
def trail(caseworker, supervisor):
    """A case with a handful of events after the fixtures' own."""
    case = open_demo_case(caseworker)
    actor = Actor(user=caseworker, ip_address="127.0.0.1")
    services.add_note(actor, case, "Met at the library.")
    services.record_case_view(Actor(user=supervisor, ip_address="10.0.0.2"), case)
    services.update_case(actor, case, {"status": "active"})
    return list(AuditEvent.objects.order_by("id"))


def test_audit_verify_passes_on_an_intact_chain(trail):
    stdout = io.StringIO()
    call_command("audit", "verify", stdout=stdout)
    assert f"Audit trail intact: {len(trail)} events." in stdout.getvalue()


def test_audit_verify_passes_on_an_empty_trail(db):
    stdout = io.StringIO()
    call_command("audit", "verify", stdout=stdout)
    assert "intact: 0 events" in stdout.getvalue()


def test_events_are_numbered_without_gaps_and_the_head_follows_the_newest(trail):
    assert [event.pk for event in trail] == list(range(1, len(trail) + 1))
    head = AuditChainHead.objects.get()
    assert (head.last_event_id, head.last_hash, head.count) == (
        trail[-1].pk,
        trail[-1].chain_hash,
        len(trail),
    )


def test_audit_verify_detects_an_edited_row(trail):
    edited = trail[len(trail) // 2]
    _execute(f"UPDATE {TABLE} SET action = %s WHERE id = %s", ["case.export", edited.pk])
    message, stderr = _verify_fails()
    assert f"event {edited.pk} does not match its hash" in message
    assert f"event {edited.pk} does not match its hash" in stderr


def test_audit_verify_detects_an_edited_detail(trail):
    edited = next(event for event in trail if event.action == "case.update")
    _execute(
        f"UPDATE {TABLE} SET detail = %s WHERE id = %s",
        [json.dumps({"fields": []}), edited.pk],
    )
    message, _ = _verify_fails()
    assert f"event {edited.pk} does not match its hash" in message


def test_audit_verify_detects_an_edited_row_whose_hash_was_recomputed_without_the_key(trail):
    edited = trail[2]
    _execute(
        f"UPDATE {TABLE} SET actor_name = %s, chain_hash = %s WHERE id = %s",
        ["someone-else", "0" * 64, edited.pk],
    )
    message, _ = _verify_fails()
    assert f"event {edited.pk}" in message


def test_audit_verify_detects_a_deleted_middle_row(trail):
    deleted = trail[len(trail) // 2]
    _execute(f"DELETE FROM {TABLE} WHERE id = %s", [deleted.pk])
    message, stderr = _verify_fails()
    assert f"event {deleted.pk} is missing" in message
    assert f"event {deleted.pk} is missing" in stderr


def test_audit_verify_detects_a_deleted_last_row(trail):
    last = trail[-1]
    _execute(f"DELETE FROM {TABLE} WHERE id = %s", [last.pk])
    message, stderr = _verify_fails()
    assert f"the newest event should be {last.pk}" in message
    assert f"chain ends at {last.pk - 1}" in stderr


def _insert_forged(event_id: int, chain_hash: str) -> None:
    _execute(
        f"INSERT INTO {TABLE} (id, at, actor_id, actor_name, organisation_id_at_time, action, "
        "object_type, object_id, ip_address, detail, chain_hash) "
        "VALUES (%s, %s, NULL, %s, NULL, %s, %s, %s, %s, %s, %s)",
        [
            event_id,
            connection.ops.adapt_datetimefield_value(timezone.now()),
            "system",
            "case.view",
            "case",
            "forged",
            "",
            "{}",
            chain_hash,
        ],
    )


def test_audit_verify_detects_an_inserted_forged_row(trail):
    forged_id = trail[-1].pk + 1
    _insert_forged(forged_id, "f" * 64)
    message, stderr = _verify_fails()
    assert f"event {forged_id} does not match its hash" in message
    assert f"chain ends at {forged_id}" in stderr


def test_audit_verify_detects_a_forged_row_even_when_the_head_is_moved_too(trail):
    forged_id = trail[-1].pk + 1
    _insert_forged(forged_id, "a" * 64)
    head_table = AuditChainHead._meta.db_table
    _execute(f"UPDATE {head_table} SET last_event_id = %s, last_hash = %s", [forged_id, "a" * 64])
    message, _ = _verify_fails()
    assert f"event {forged_id} does not match its hash" in message


def test_verify_chain_reports_nothing_for_an_intact_trail(trail):
    result = verify_chain()
    assert result.intact
    assert result.checked == len(trail)


def test_saving_an_existing_event_again_is_refused(trail):
    event = AuditEvent.objects.get(pk=trail[0].pk)
    event.action = "case.export"
    with pytest.raises(AppendOnlyError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).action == trail[0].action


def test_deleting_an_event_is_refused(trail):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.get(pk=trail[0].pk).delete()
    assert AuditEvent.objects.filter(pk=trail[0].pk).exists()


def test_bulk_updates_and_deletes_of_events_are_refused(trail):
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=trail[0].pk).update(action="case.export")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    call_command("audit", "verify", stdout=io.StringIO())


def test_removing_an_account_that_acted_is_refused_so_its_events_stay_intact(trail, caseworker):
    """actor_id is hashed: nulling it on deletion would break the chain."""
    with pytest.raises(ProtectedError):
        caseworker.delete()
    assert AuditEvent.objects.filter(actor=caseworker).exists()
    call_command("audit", "verify", stdout=io.StringIO())


def test_an_event_records_who_when_what_and_from_where(caseworker, case):
    event = services.add_note(Actor(user=caseworker, ip_address="192.0.2.7"), case, "x")
    recorded = AuditEvent.objects.filter(action="note.create").get()
    assert recorded.actor == caseworker
    assert recorded.actor_name == "casey"
    assert recorded.ip_address == "192.0.2.7"
    assert recorded.organisation_id_at_time == caseworker.membership.organisation_id
    assert recorded.object_type == "case"
    assert recorded.object_id == str(case.pk)
    assert recorded.detail == {"note": str(event.pk)}
    assert timezone.now() - recorded.at < datetime.timedelta(minutes=1)


def test_a_system_actor_is_named_in_the_event(db):
    event = record(Actor.system("createadmin"), "organisation.create", object_type="x")
    assert event.actor is None
    assert event.actor_name == "createadmin"


def test_an_event_rolled_back_with_its_change_leaves_no_gap(caseworker, case):
    from django.db import transaction

    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.add_note(Actor(user=caseworker), case, "never saved")
        raise RuntimeError("fail after the note")
    assert AuditEvent.objects.count() == before
    services.add_note(Actor(user=caseworker), case, "saved")
    assert verify_chain().intact


def test_events_never_contain_plaintext_values(caseworker, case):
    actor = Actor(user=caseworker, ip_address="127.0.0.1")
    services.update_person(
        actor,
        case.person,
        {"legal_name": "Quillon Verysecretname", "phone": "(613) 555-0177"},
    )
    services.update_case(actor, case, {"summary": "Hidden in the Quokka warehouse"})
    services.add_note(actor, case, "Spoke about the Wombat employer")
    list(services.find_cases_by_identifier(actor, "phone", "613-555-0177"))
    list(services.find_cases_by_identifier(actor, "document", "AB 123 456"))
    rows = AuditEvent.objects.values_list(
        "actor_name", "action", "object_type", "object_id", "ip_address", "detail"
    )
    dump = json.dumps([list(row) for row in rows])
    for secret in (
        "Quillon",
        "Verysecretname",
        "Rosa Example",
        "555-0177",
        "6135550177",
        "555-0142",
        "4165550142",
        "AB 123 456",
        "AB123456",
        "Quokka",
        "Wombat",
        "Passport held",
    ):
        assert secret not in dump
    update = AuditEvent.objects.filter(action="person.update").get()
    assert update.detail == {"fields": ["legal_name", "phone"]}


def test_a_supervisor_sees_who_viewed_a_case(signed_in, caseworker, supervisor, case):
    signed_in(caseworker).get(reverse("cases:case_detail", args=[case.pk]))
    response = signed_in(supervisor).get(reverse("cases:case_access_log", args=[case.pk]))
    assert response.status_code == 200
    assert b"casey" in response.content
    assert b"case.view" in response.content
    assert b"case.create" in response.content


def test_a_caseworker_may_not_see_the_access_log_of_their_own_case(signed_in, caseworker, case):
    response = signed_in(caseworker).get(reverse("cases:case_access_log", args=[case.pk]))
    assert response.status_code == 403


def test_another_organisation_cannot_see_the_access_log(signed_in, intruder, case):
    response = signed_in(intruder).get(reverse("cases:case_access_log", args=[case.pk]))
    assert response.status_code == 404
    assert b"casey" not in response.content


def test_an_anonymous_visitor_is_sent_to_sign_in_for_the_access_log(client, case):
    response = client.get(reverse("cases:case_access_log", args=[case.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
