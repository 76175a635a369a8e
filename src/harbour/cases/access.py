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
from harbour.cases.models import Case, Note, Person


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


def can_view_access_log(user: Any) -> bool:
    membership = membership_of(user)
    return bool(membership and membership.can_view_access_log)
