"""Opening many cases at once, for spreadsheet imports.

The same records, checks and audit events as `services.open_case_for_new_person`
row by row, but in batches: one lock of the organisation's case counter and one
lock of the audit chain per batch instead of per row, and bulk inserts. An
import of 50,000 rows through the row-by-row services pays two audit-chain
locks, a counter lock and half a dozen savepoints per row; here it pays them
once per batch. Encryption and blind indexes are the model's own (computed
before the insert), and permit-expiry tasks are made for the rows that have
an expiry, through the same service as everywhere else.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from harbour.accounts.models import Organisation
from harbour.audit.services import Actor, Entry, record_many
from harbour.cases.models import Case, Person
from harbour.cases.services import (
    CASE_FIELDS,
    PERSON_FIELDS,
    apply_fields,
    require_case_role,
    sync_permit_deadlines,
)
from harbour.reports.services import refresh_profiles_of

BATCH_SIZE = 500


@dataclass(frozen=True)
class NewCase:
    """One row to open: the person's fields, the case's fields, its forms."""

    person: Mapping[str, Any]
    case: Mapping[str, Any]
    forms: list[str] = field(default_factory=list)


def _batches(rows: Iterable[NewCase], size: int) -> Iterator[list[NewCase]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _reserve_numbers(organisation_id: int, count: int) -> int:
    """The first of `count` consecutive case numbers, reserved under one lock."""
    locked = Organisation.objects.select_for_update().get(pk=organisation_id)
    first = locked.next_case_number
    locked.next_case_number = first + count
    locked.save(update_fields=["next_case_number"])
    return first


def open_cases_in_bulk(
    actor: Actor,
    rows: Iterable[NewCase],
    *,
    batch_size: int = BATCH_SIZE,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Open a case for a new person per row, all in the caller's transaction
    (or one of its own): every row or none. Returns the number opened."""
    membership = require_case_role(actor)
    organisation = membership.organisation
    user = actor.user_or_none
    today = timezone.localdate()
    opened = 0
    with transaction.atomic():
        for batch in _batches(rows, batch_size):
            people: list[Person] = []
            cases: list[Case] = []
            entries: list[Entry] = []
            first_number = _reserve_numbers(organisation.pk, len(batch))
            for offset, row in enumerate(batch):
                person = Person(organisation_id=organisation.pk, created_by=user)
                person_changed = apply_fields(person, row.person, PERSON_FIELDS)
                person.refresh_blind_indexes()
                opened_on = row.case.get("opened_on") or today
                case = Case(
                    organisation_id=organisation.pk,
                    person=person,
                    province=row.case.get("province") or organisation.province,
                    opened_on=opened_on,
                    reference=f"HB-{opened_on.year}-{first_number + offset:04d}",
                )
                case_changed = apply_fields(case, {**row.case, "opened_on": opened_on}, CASE_FIELDS)
                case.forms = row.forms
                people.append(person)
                cases.append(case)
                entries.append(Entry("person.create", person, {"fields": person_changed}))
                entries.append(
                    Entry("case.create", case, {"fields": case_changed, "forms": case.forms})
                )
            Person.objects.bulk_create(people)
            Case.objects.bulk_create(cases)
            if user is not None:
                through = Case.assigned_to.through
                through.objects.bulk_create(
                    [through(case_id=case.pk, user_id=user.pk) for case in cases]
                )
            record_many(actor, entries)
            refresh_profiles_of(people)
            for person in people:
                if person.permit_expiry:
                    sync_permit_deadlines(actor, person)
            opened += len(batch)
            if progress is not None:
                progress(opened)
    return opened
