"""The only way views and the API reach people and cases.

Deny by default: a user without a case role sees nothing, and an object of
another organisation (or one the user may not see) is indistinguishable from
one that does not exist, so it answers 404 and confirms nothing.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from harbour.accounts.models import Membership
from harbour.cases.models import (
    Case,
    ClosureRequest,
    Consent,
    Document,
    Need,
    Note,
    Person,
    Task,
)


def membership_of(user: Any) -> Membership | None:
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    try:
        membership: Membership = user.membership
    except Membership.DoesNotExist:
        return None
    return membership


def visible_cases(user: Any) -> QuerySet[Case]:
    membership = membership_of(user)
    if membership is None or not membership.can_open_cases:
        return Case.objects.none()
    cases = Case.objects.filter(organisation_id=membership.organisation_id)
    if not membership.sees_whole_organisation:
        cases = cases.filter(assigned_to=user)
    return cases


def visible_people(user: Any) -> QuerySet[Person]:
    membership = membership_of(user)
    if membership is None or not membership.can_open_cases:
        return Person.objects.none()
    people = Person.objects.filter(organisation_id=membership.organisation_id)
    if not membership.sees_whole_organisation:
        people = people.filter(Q(created_by=user) | Q(cases__assigned_to=user)).distinct()
    return people


def _as_uuid(value: Any) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


def get_case_for(user: Any, case_id: Any) -> Case:
    try:
        return (
            visible_cases(user).select_related("person", "organisation").get(pk=_as_uuid(case_id))
        )
    except Case.DoesNotExist:
        raise Http404 from None


def get_person_for(user: Any, person_id: Any) -> Person:
    try:
        return visible_people(user).get(pk=_as_uuid(person_id))
    except Person.DoesNotExist:
        raise Http404 from None


def get_note_for(user: Any, case: Case, note_id: Any) -> Note:
    try:
        return case.notes.get(pk=_as_uuid(note_id))
    except Note.DoesNotExist:
        raise Http404 from None


def get_task_for(user: Any, case: Case, task_id: Any) -> Task:
    """A task of a case the user has already been allowed to open."""
    try:
        return case.tasks.select_related("case", "assigned_to").get(pk=_as_uuid(task_id))
    except Task.DoesNotExist:
        raise Http404 from None


def get_need_for(user: Any, case: Case, need_id: Any) -> Need:
    """A need of a case the user has already been allowed to open."""
    try:
        return case.needs.select_related("case", "identified_by").get(pk=_as_uuid(need_id))
    except Need.DoesNotExist:
        raise Http404 from None


def visible_needs(user: Any) -> QuerySet[Need]:
    """Needs of the cases the user may open."""
    return Need.objects.filter(case__in=visible_cases(user))


def get_consent_for(user: Any, person: Person, consent_id: Any) -> Consent:
    """A consent of a person the user has already been allowed to open."""
    try:
        return person.consents.get(pk=_as_uuid(consent_id))
    except Consent.DoesNotExist:
        raise Http404 from None


def visible_consents(user: Any) -> QuerySet[Consent]:
    return Consent.objects.filter(person__in=visible_people(user))


def visible_tasks(user: Any) -> QuerySet[Task]:
    """Tasks of the cases the user may open."""
    return Task.objects.filter(case__in=visible_cases(user))


def sees_organisation_deadlines(user: Any) -> bool:
    membership = membership_of(user)
    return bool(membership and membership.can_open_cases and membership.sees_whole_organisation)


def can_view_access_log(user: Any) -> bool:
    membership = membership_of(user)
    return bool(membership and membership.can_view_access_log)


def get_document_for(user: Any, case: Case, document_id: Any) -> Document:
    """A document of a case the user has already been allowed to open."""
    try:
        return case.documents.select_related("case").get(pk=_as_uuid(document_id))
    except Document.DoesNotExist:
        raise Http404 from None


def get_closure_for(user: Any, case: Case, closure_id: Any) -> ClosureRequest:
    try:
        return case.closure_requests.select_related("case").get(pk=_as_uuid(closure_id))
    except ClosureRequest.DoesNotExist:
        raise Http404 from None


def sees_whole_organisation(user: Any) -> bool:
    membership = membership_of(user)
    return bool(membership and membership.can_open_cases and membership.sees_whole_organisation)
