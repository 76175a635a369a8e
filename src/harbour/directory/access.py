"""How staff reach referrals: the permission-checked getters of the directory
app, built on cases.access so that the case getters need not know about
referrals.

A referral is visible to
- the case staff of the organisation it was sent to (the receiver's inbox:
  every caseworker, supervisor and organisation admin there), and
- whoever may open its case now (the case's owner: the sender, or after an
  accepted transfer the receiver).

Anyone else gets 404, as for a referral that does not exist. After an
accepted transfer the sender can no longer open the case (it belongs to the
receiver), so the transfer and every referral of that case answer 404 to the
sender's staff as well.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from harbour.cases.access import membership_of, visible_cases
from harbour.cases.models import Case
from harbour.directory.models import OutsideReferral, Referral


def _as_uuid(value: Any) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise Http404 from None


def receiving_organisation_id(user: Any) -> int | None:
    membership = membership_of(user)
    if membership is None or not membership.can_open_cases:
        return None
    return membership.organisation_id


def visible_referrals(user: Any) -> QuerySet[Referral]:
    organisation_id = receiving_organisation_id(user)
    if organisation_id is None:
        return Referral.objects.none()
    return Referral.objects.filter(
        Q(to_organisation_id=organisation_id) | Q(case__in=visible_cases(user).values("pk"))
    )


def incoming_referrals(user: Any) -> QuerySet[Referral]:
    organisation_id = receiving_organisation_id(user)
    if organisation_id is None:
        return Referral.objects.none()
    return Referral.objects.filter(to_organisation_id=organisation_id)


def outgoing_referrals(user: Any) -> QuerySet[Referral]:
    """Referrals of the cases the user may open, sent to another organisation."""
    organisation_id = receiving_organisation_id(user)
    if organisation_id is None:
        return Referral.objects.none()
    return Referral.objects.filter(case__in=visible_cases(user).values("pk")).exclude(
        to_organisation_id=organisation_id
    )


def get_referral_for(user: Any, referral_id: Any) -> Referral:
    try:
        return (
            visible_referrals(user)
            .select_related(
                "case",
                "case__person",
                "from_organisation",
                "to_organisation",
                "service",
                "service__provider",
            )
            .get(pk=_as_uuid(referral_id))
        )
    except Referral.DoesNotExist:
        raise Http404 from None


def is_receiver(user: Any, referral: Referral) -> bool:
    return receiving_organisation_id(user) == referral.to_organisation_id


def is_case_owner(user: Any, referral: Referral) -> bool:
    """The user may open the referral's case (and so manage its referrals)."""
    return visible_cases(user).filter(pk=referral.case_id).exists()


def get_outside_referral_for(user: Any, case: Case, outside_id: Any) -> OutsideReferral:
    """An outside referral of a case the user has already been allowed to open."""
    try:
        return case.outside_referrals.select_related("service", "service__provider").get(
            pk=_as_uuid(outside_id)
        )
    except OutsideReferral.DoesNotExist:
        raise Http404 from None


def visible_outside_referrals(user: Any) -> QuerySet[OutsideReferral]:
    return OutsideReferral.objects.filter(case__in=visible_cases(user).values("pk"))
