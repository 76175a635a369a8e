"""Consent per purpose: the questions the rest of Harbour asks before it
uses a person's data for something other than running their case.

Linkage (networks), statistics (reports) and referrals that share data
(directory) must ask through `has_consent` or `with_consent`, never by
reading Consent rows themselves, so that "withdrawn" means the same thing
everywhere and takes effect at once (docs/consent.md).
"""

from __future__ import annotations

import datetime
from typing import Any, TypeVar

from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone

from harbour.cases.models import Case, Consent, ConsentPurpose, Person

M = TypeVar("M", bound=Model)


def _in_force(purpose: str, on: datetime.date) -> Q:
    # Given on or before the day, and not withdrawn on or before it: a
    # withdrawal recorded today already counts today.
    return Q(purpose=purpose, given_on__lte=on) & (
        Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=on)
    )


def _purpose(purpose: str) -> str:
    if purpose not in ConsentPurpose.values:
        raise ValueError(f"unknown consent purpose {purpose!r}")
    return str(purpose)


def has_consent(person: Person | Any, purpose: str, on: datetime.date | None = None) -> bool:
    """Whether the person's consent to `purpose` is in force on the day (today by default)."""
    day = on or timezone.localdate()
    person_id = person.pk if isinstance(person, Person) else person
    return Consent.objects.filter(_in_force(_purpose(purpose), day), person_id=person_id).exists()


def with_consent(
    queryset: QuerySet[M], purpose: str, on: datetime.date | None = None
) -> QuerySet[M]:
    """Only the rows whose person consents to `purpose` on the day (today by default).

    Works on people, on cases, and on any model with a `person` or a `case`
    foreign key; anything else is a programming error (TypeError).
    """
    day = on or timezone.localdate()
    model = queryset.model
    field_names = {field.name for field in model._meta.get_fields()}
    if issubclass(model, Person):
        person_ref = OuterRef("pk")
    elif issubclass(model, Case) or "person" in field_names:
        person_ref = OuterRef("person_id")
    elif "case" in field_names:
        person_ref = OuterRef("case__person_id")
    else:
        raise TypeError(f"{model.__name__} rows do not lead to a person")
    consents = Consent.objects.filter(_in_force(_purpose(purpose), day), person_id=person_ref)
    return queryset.filter(Exists(consents))
