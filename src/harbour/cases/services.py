"""Every change to people, cases and notes goes through these functions.

Each runs in one transaction with its audit event, so a failure half-way
leaves neither a half-saved record nor an event for a change that never was.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from harbour.accounts.models import Membership, Organisation, Role
from harbour.audit.services import Actor, record
from harbour.cases.access import visible_cases
from harbour.cases.models import Case, CaseStatus, Note, Person, document_index_for, phone_index_for

PERSON_FIELDS = (
    "pseudonym",
    "legal_name",
    "date_of_birth",
    "phone",
    "email",
    "contact_notes",
    "identity_document_number",
    "permit_number",
    "nationality",
    "languages",
    "immigration_status",
    "permit_type",
    "permit_expiry",
)
CASE_FIELDS = ("status", "province", "sector", "summary", "opened_on", "closed_on")


class NotAllowed(Exception):
    """The actor's role does not allow this change."""


def _require_case_role(actor: Actor) -> Membership:
    membership: Membership | None = getattr(actor.user_or_none, "membership", None)
    if membership is None or not membership.can_open_cases:
        raise NotAllowed(_("Only caseworkers, supervisors and organisation admins handle cases."))
    return membership


def require_case_role(actor: Actor, record_of: Person | Case | None = None) -> Membership:
    """The actor handles cases, and (if given) the record is their organisation's.

    Other apps' services (screening, referrals…) build on case records and
    check through this one function.
    """
    membership = _require_case_role(actor)
    if record_of is not None:
        _require_same_organisation(membership, record_of)
    return membership


def _require_same_organisation(membership: Membership, obj: Person | Case) -> None:
    # Views and the API look objects up through the access layer first; this
    # keeps a service from ever changing another organisation's record anyway.
    if obj.organisation_id != membership.organisation_id:
        raise NotAllowed(_("Records of another organisation cannot be changed."))


def _apply(instance: Model, data: Mapping[str, Any], allowed: tuple[str, ...]) -> list[str]:
    """Set the allowed fields that changed; return their names (never values)."""
    changed = []
    for name in allowed:
        if name in data and getattr(instance, name) != data[name]:
            setattr(instance, name, data[name])
            changed.append(name)
    return changed


def _next_reference(organisation: Organisation, opened_on: datetime.date) -> str:
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    number = locked.next_case_number
    locked.next_case_number = number + 1
    locked.save(update_fields=["next_case_number"])
    return f"HB-{opened_on.year}-{number:04d}"


def register_person(actor: Actor, data: Mapping[str, Any]) -> Person:
    membership = _require_case_role(actor)
    with transaction.atomic():
        person = Person(organisation_id=membership.organisation_id, created_by=actor.user_or_none)
        changed = _apply(person, data, PERSON_FIELDS)
        person.save()
        record(actor, "person.create", person, detail={"fields": changed})
    return person


def update_person(actor: Actor, person: Person, data: Mapping[str, Any]) -> list[str]:
    _require_same_organisation(_require_case_role(actor), person)
    with transaction.atomic():
        changed = _apply(person, data, PERSON_FIELDS)
        if changed:
            person.save()
            record(actor, "person.update", person, detail={"fields": changed})
    return changed


def open_case(
    actor: Actor,
    person: Person,
    data: Mapping[str, Any],
    *,
    forms: list[str] | None = None,
    assigned_to: list[Any] | None = None,
) -> Case:
    """Open a case for a person; the opener is assigned unless others are named."""
    membership = _require_case_role(actor)
    if person.organisation_id != membership.organisation_id:
        raise NotAllowed(_("A case can only be opened for a person of the same organisation."))
    with transaction.atomic():
        opened_on = data.get("opened_on") or timezone.localdate()
        case = Case(
            organisation_id=membership.organisation_id,
            person=person,
            province=data.get("province") or membership.organisation.province,
            opened_on=opened_on,
            reference=_next_reference(membership.organisation, opened_on),
        )
        changed = _apply(case, {**data, "opened_on": opened_on}, CASE_FIELDS)
        case.forms = forms or []
        case.save()
        staff = assigned_to if assigned_to else [actor.user_or_none]
        case.assigned_to.set(_same_organisation_staff(membership, staff))
        record(actor, "case.create", case, detail={"fields": changed, "forms": case.forms})
    return case


def open_case_for_new_person(
    actor: Actor,
    person_data: Mapping[str, Any],
    case_data: Mapping[str, Any],
    *,
    forms: list[str] | None = None,
    assigned_to: list[Any] | None = None,
) -> Case:
    with transaction.atomic():
        person = register_person(actor, person_data)
        return open_case(actor, person, case_data, forms=forms, assigned_to=assigned_to)


def _same_organisation_staff(membership: Membership, users: list[Any]) -> list[Any]:
    allowed = {Role.CASEWORKER, Role.SUPERVISOR, Role.ORG_ADMIN}
    result = []
    for user in users:
        other: Membership | None = getattr(user, "membership", None)
        if other is None or other.organisation_id != membership.organisation_id:
            raise NotAllowed(_("Cases can only be assigned to staff of the same organisation."))
        if other.role not in allowed:
            raise NotAllowed(_("Cases can only be assigned to staff who handle cases."))
        result.append(user)
    return result


def update_case(
    actor: Actor,
    case: Case,
    data: Mapping[str, Any],
    *,
    forms: list[str] | None = None,
    assigned_to: list[Any] | None = None,
) -> list[str]:
    membership = _require_case_role(actor)
    _require_same_organisation(membership, case)
    with transaction.atomic():
        changed = _apply(case, data, CASE_FIELDS)
        if case.status == CaseStatus.CLOSED and case.closed_on is None:
            case.closed_on = timezone.localdate()
            changed.append("closed_on")
        if forms is not None and sorted(set(forms)) != case.forms:
            case.forms = forms
            changed.append("exploitation_forms")
        if changed:
            case.save()
        if assigned_to is not None:
            new_staff = set(_same_organisation_staff(membership, assigned_to))
            if new_staff != set(case.assigned_to.all()):
                case.assigned_to.set(new_staff)
                changed.append("assigned_to")
        if changed:
            record(actor, "case.update", case, detail={"fields": changed})
    return changed


def add_note(actor: Actor, case: Case, body: str) -> Note:
    _require_same_organisation(_require_case_role(actor), case)
    with transaction.atomic():
        note = Note.objects.create(case=case, author=actor.user_or_none, body=body)
        record(actor, "note.create", case, detail={"note": str(note.pk)})
    return note


def record_case_view(actor: Actor, case: Case, *, via: str = "web") -> None:
    """A read of a case file is an event too (ASVS 16.3.2)."""
    record(actor, "case.view", case, detail={"via": via})


def record_person_view(actor: Actor, person: Person, *, via: str = "web") -> None:
    record(actor, "person.view", person, detail={"via": via})


def find_cases_by_identifier(actor: Actor, kind: str, value: str) -> QuerySet[Case]:
    """Exact match on a phone or document number through the blind index.

    The search itself is audited (without the value): looking people up by
    phone number is exactly what a coerced insider would do.
    """
    record(actor, "case.search_identifier", detail={"kind": kind})
    if kind == "phone":
        digest = phone_index_for(value)
        match = Q(person__phone_index=digest)
    else:
        digest = document_index_for(value)
        match = Q(person__document_index=digest) | Q(person__permit_index=digest)
    if not digest:
        return Case.objects.none()
    return visible_cases(actor.user).filter(match).select_related("person")
