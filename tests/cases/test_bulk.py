"""Opening cases in bulk (spreadsheet imports): the same records, encryption,
blind indexes, audit events and permit tasks as one at a time, all or nothing."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection

from harbour.audit.models import AuditEvent
from harbour.audit.services import Actor, verify_chain
from harbour.cases.bulk import NewCase, open_cases_in_bulk
from harbour.cases.models import Case, Person, phone_index_for
from harbour.cases.services import NotAllowed

pytestmark = pytest.mark.django_db


def rows(count: int, **person: Any) -> list[NewCase]:
    return [
        NewCase(
            {
                "pseudonym": f"Row{i}",
                "legal_name": f"Secret Name {i}",
                "phone": f"416-555-01{i:02d}",
                **person,
            },
            {"opened_on": datetime.date(2026, 5, 1), "summary": f"Secret summary {i}"},
            ["labour_trafficking"],
        )
        for i in range(count)
    ]


def test_it_opens_every_row_with_references_audit_and_assignment(
    caseworker: Any, intruder: Any
) -> None:
    actor = Actor(user=caseworker, ip_address="import")
    opened = open_cases_in_bulk(actor, rows(7), batch_size=3)
    assert opened == 7
    cases = Case.objects.filter(organisation=caseworker.membership.organisation).order_by(
        "reference"
    )
    assert [c.reference for c in cases] == [f"HB-2026-{n:04d}" for n in range(1, 8)]
    assert all(list(c.assigned_to.all()) == [caseworker] for c in cases)
    assert cases[0].forms == ["labour_trafficking"]
    assert Person.objects.filter(phone_index=phone_index_for("416-555-0103")).count() == 1
    assert AuditEvent.objects.filter(action="case.create").count() == 7
    assert AuditEvent.objects.filter(action="person.create").count() == 7
    assert verify_chain().intact


def test_case_numbers_continue_after_cases_opened_one_by_one(caseworker: Any, case: Case) -> None:
    open_cases_in_bulk(Actor(user=caseworker), rows(2))
    references = sorted(Case.objects.values_list("reference", flat=True))
    assert references == ["HB-2026-0001", "HB-2026-0002", "HB-2026-0003"]


def test_rows_with_a_permit_expiry_get_their_warning_tasks(caseworker: Any) -> None:
    expiry = datetime.date.today() + datetime.timedelta(days=200)
    open_cases_in_bulk(Actor(user=caseworker), rows(2, permit_expiry=expiry))
    for case in Case.objects.all():
        assert case.tasks.filter(source__startswith="permit_expiry:").count() == 3


def test_the_raw_database_holds_no_plaintext(caseworker: Any) -> None:
    open_cases_in_bulk(Actor(user=caseworker), rows(2))
    with connection.cursor() as cursor:
        cursor.execute("SELECT legal_name, phone FROM cases_person")
        people = cursor.fetchall()
        cursor.execute("SELECT summary FROM cases_case")
        summaries = cursor.fetchall()
    for value in [*sum(people, ()), *sum(summaries, ())]:
        assert "Secret" not in str(value) and "555" not in str(value)


def test_a_failing_row_leaves_nothing(caseworker: Any) -> None:
    def failing() -> Any:
        yield from rows(4)
        raise RuntimeError("the file broke")

    with pytest.raises(RuntimeError):
        open_cases_in_bulk(Actor(user=caseworker), failing(), batch_size=2)
    assert not Case.objects.exists() and not Person.objects.exists()
    assert not AuditEvent.objects.filter(action="case.create").exists()
    assert verify_chain().intact


def test_an_analyst_cannot_open_cases_in_bulk(analyst: Any, intruder: Any) -> None:
    with pytest.raises(NotAllowed):
        open_cases_in_bulk(Actor(user=analyst), rows(1))
    assert not Case.objects.exists()
