"""Retention and shredding: closed cases past retention lose every personal
datum, in the raw database too; the audit trail stays and still verifies;
legal holds and the dry run change nothing."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from harbour.audit.models import AuditEvent
from harbour.audit.services import Actor, verify_chain
from harbour.cases import services
from harbour.cases.models import Case, Consent, Document, LegalHold, Person, RetentionPeriod
from harbour.pathways.models import CaseFacts
from harbour.screening.models import Answer
from harbour.screening.services import AnswerInput, record_answers, start_assessment
from tests.conftest import open_demo_case
from tests.screening.test_cli import TRAFFICKING

LONG_AGO = datetime.date(2015, 6, 1)
TODAY = datetime.date(2026, 11, 29)
SECRETS = ("Birch", "Rosa Example", "Passport held", "Met at the bus station", "kept the passport")


def closed_case(caseworker, supervisor, pseudonym="Birch", closed_on=LONG_AGO, **person):
    case = open_demo_case(caseworker, pseudonym=pseudonym, **person)
    actor = Actor(user=caseworker)
    services.add_note(actor, case, "Met at the bus station")
    services.add_task(actor, case, {"title": "Call the lawyer", "due_on": case.opened_on})
    services.record_consent(actor, case.person, "case_management", method="spoken")
    services.upload_document(actor, case, b"%PDF-1.7\nRosa\n%%EOF", "Rosa Example.pdf")
    assessment = start_assessment(actor, case)
    indicator = next(iter(TRAFFICKING))
    record_answers(
        actor, assessment, [AnswerInput(indicator, "yes", "Employer kept the passport", "Rosa")]
    )
    facts = CaseFacts(case=case)
    facts.values = {"entered_canada_on": "2014-02-03"}
    facts.save()
    services.update_case(Actor(user=supervisor), case, {"status": "closed", "closed_on": closed_on})
    return Case.objects.get(pk=case.pk)


def raw_database() -> bytes:
    """Every byte the database holds: the SQLite file image (free pages too),
    or on PostgreSQL every row of every table as a dump would write it."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return connection.connection.serialize()
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(rows).encode("utf-8")


def stored_tokens(case: Case) -> list[str]:
    """The encrypted values of the case's records, as the database stores them."""
    tokens = []
    queries = [
        (
            "SELECT legal_name, phone, identity_document_number FROM cases_person WHERE id = %s",
            case.person_id,
        ),
        ("SELECT summary FROM cases_case WHERE id = %s", case.pk),
        ("SELECT body FROM cases_note WHERE case_id = %s", case.pk),
        ("SELECT title FROM cases_task WHERE case_id = %s", case.pk),
        ("SELECT original_name FROM cases_document WHERE case_id = %s", case.pk),
        ("SELECT facts_json FROM pathways_casefacts WHERE case_id = %s", case.pk),
    ]
    with connection.cursor() as cursor:
        for sql, key in queries:
            value = key.hex if connection.vendor == "sqlite" else key
            cursor.execute(sql, [value])
            tokens.extend(cell for row in cursor.fetchall() for cell in row if cell)
    evidence = Answer.objects.filter(assessment__case=case).values_list("pk", flat=True)
    with connection.cursor() as cursor:
        for pk in evidence:
            cursor.execute("SELECT evidence FROM screening_answer WHERE id = %s", [pk])
            tokens.extend(cell for (cell,) in cursor.fetchall() if cell)
    return tokens


def test_shredding_leaves_no_personal_data_in_the_raw_database(
    caseworker, supervisor, document_root, django_capture_on_commit_callbacks
):
    case = closed_case(caseworker, supervisor)
    tokens = stored_tokens(case)
    assert len(tokens) >= 8
    before = raw_database()
    assert b"Birch" in before
    assert all(token.encode() in before for token in tokens), "the raw image holds the records"
    assert len(list(document_root.glob("*.bin"))) == 1

    with django_capture_on_commit_callbacks(execute=True):
        report = services.shred_case(Actor.system("shred"), case, on=TODAY)

    assert report.person_removed
    after = raw_database()
    for token in tokens:
        assert token.encode() not in after
    for secret in SECRETS:
        assert secret.encode() not in after, secret
    assert not Person.objects.exists() and not Case.objects.exists()
    assert not Document.objects.exists() and not Consent.objects.exists()
    assert not Answer.objects.exists() and not CaseFacts.objects.exists()
    assert not list(document_root.glob("*.bin"))


def test_the_audit_trail_stays_verifiable_and_names_nobody(caseworker, supervisor):
    case = closed_case(caseworker, supervisor)
    events_before = AuditEvent.objects.count()
    services.shred_case(Actor.system("shred"), case, on=TODAY)
    assert AuditEvent.objects.count() == events_before + 2  # person.shred, case.shred
    assert verify_chain().intact
    event = AuditEvent.objects.get(action="case.shred")
    assert event.detail["reference"] == case.reference
    assert event.detail["removed"] == {
        "notes": 1,
        "tasks": 1,
        "assessments": 1,
        "documents": 1,
        "consents": 1,
    }
    trail = repr(list(AuditEvent.objects.values_list("detail", "object_id", "actor_name")))
    for secret in SECRETS:
        assert secret not in trail


def test_a_person_with_another_case_is_kept(caseworker, supervisor):
    case = closed_case(caseworker, supervisor)
    services.open_case(Actor(user=caseworker), case.person, {"summary": "Second case"})
    report = services.shred_case(Actor.system("shred"), case, on=TODAY)
    assert not report.person_removed
    person = Person.objects.get()
    assert person.legal_name == "Rosa Example"
    assert person.consents.count() == 1
    assert Case.objects.count() == 1


def test_a_case_under_legal_hold_is_never_shredded(caseworker, supervisor):
    held = closed_case(caseworker, supervisor)
    other = closed_case(caseworker, supervisor, pseudonym="Cedar")
    services.set_legal_hold(Actor(user=supervisor), held, "Court order 2026-123")
    call_command("shred", on=TODAY, stdout=io.StringIO())
    assert list(Case.objects.values_list("pk", flat=True)) == [held.pk]
    with pytest.raises(services.NotAllowed, match="legal hold"):
        services.shred_case(Actor.system("shred"), held, on=TODAY)
    assert not Case.objects.filter(pk=other.pk).exists()


def test_a_case_within_retention_is_kept(caseworker, supervisor):
    recent = closed_case(caseworker, supervisor, closed_on=datetime.date(2024, 1, 1))
    assert services.shred_due_on(recent) == datetime.date(2031, 1, 1)
    call_command("shred", on=TODAY, stdout=io.StringIO())
    assert Case.objects.filter(pk=recent.pk).exists()
    with pytest.raises(services.NotAllowed):
        services.shred_case(Actor.system("shred"), recent, on=TODAY)


def test_an_organisations_own_period_replaces_the_default(caseworker, supervisor, organisation):
    recent = closed_case(caseworker, supervisor, closed_on=datetime.date(2024, 1, 1))
    RetentionPeriod.objects.create(organisation=organisation, years=2)
    assert services.shred_due_on(recent) == datetime.date(2026, 1, 1)
    call_command("shred", on=TODAY, stdout=io.StringIO())
    assert not Case.objects.exists()


def test_the_dry_run_lists_references_and_dates_and_changes_nothing(caseworker, supervisor):
    case = closed_case(caseworker, supervisor)
    events = AuditEvent.objects.count()
    out = io.StringIO()
    call_command("shred", dry_run=True, on=TODAY, stdout=out)
    text = out.getvalue()
    assert f"would shred {case.reference}  closed 2015-06-01  due 2022-06-01" in text
    assert "Birch" not in text and "Rosa" not in text
    assert Case.objects.count() == 1 and Person.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_open_cases_are_never_shredded(caseworker, case):
    call_command("shred", on=datetime.date(2099, 1, 1), stdout=io.StringIO())
    assert Case.objects.filter(pk=case.pk).exists()


def test_legal_hold_is_for_supervisors_needs_a_reason_and_is_audited(caseworker, supervisor, case):
    with pytest.raises(services.NotAllowed):
        services.set_legal_hold(Actor(user=caseworker), case, "Court order")
    with pytest.raises(services.InvalidClosure):
        services.set_legal_hold(Actor(user=supervisor), case, "  ")
    services.set_legal_hold(Actor(user=supervisor), case, "Court order")
    assert LegalHold.objects.get().reason == "Court order"
    assert services.clear_legal_hold(Actor(user=supervisor), case, "Order lifted")
    actions = list(
        AuditEvent.objects.filter(action__startswith="legal_hold").values_list("action", flat=True)
    )
    assert actions == ["legal_hold.set", "legal_hold.clear"]
    assert "Court order" not in repr(list(AuditEvent.objects.values_list("detail", flat=True)))


def test_the_retention_pages_show_what_goes_when_to_supervisors_only(
    signed_in, caseworker, supervisor, intruder
):
    case = closed_case(caseworker, supervisor)
    client = signed_in(supervisor)
    listing = client.get(reverse("cases:retention_list"))
    assert listing.status_code == 200
    assert case.reference in listing.content.decode()
    preview = client.get(reverse("cases:case_retention", args=[case.pk]))
    text = preview.content.decode()
    assert preview.status_code == 200
    assert reverse("cases:case_export", args=[case.pk]) in text
    assert "removed, with their consents" in text
    assert signed_in(caseworker).get(reverse("cases:retention_list")).status_code == 403
    assert (
        signed_in(intruder).get(reverse("cases:case_retention", args=[case.pk])).status_code == 404
    )
    assert (
        case.reference
        not in signed_in(intruder).get(reverse("cases:retention_list")).content.decode()
    )


def test_the_legal_hold_form_sets_and_lifts_a_hold(signed_in, caseworker, supervisor):
    case = closed_case(caseworker, supervisor)
    client = signed_in(supervisor)
    url = reverse("cases:legal_hold", args=[case.pk])
    assert client.post(url, {"action": "set", "reason": ""}).status_code == 400
    assert client.post(url, {"action": "set", "reason": "Claim filed"}).status_code == 302
    assert LegalHold.objects.filter(case=case).exists()
    assert client.post(url, {"action": "clear", "reason": "Settled"}).status_code == 302
    assert not LegalHold.objects.exists()
