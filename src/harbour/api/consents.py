"""Consent endpoints: a person's consents, recording one, withdrawing one.
Reached through cases.access and changed through cases.services, like the
person page."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.http import HttpRequest
from ninja import Router, Status
from ninja.errors import HttpError

from harbour.api.common import Errors, actor_of, case_staff, get_visible
from harbour.api.schemas import ErrorOut, IsoDate, Out, Strict
from harbour.cases import access, services
from harbour.cases.models import Consent, ConsentMethod, ConsentPurpose

router = Router(tags=["consent"])


class ConsentIn(Strict):
    purpose: ConsentPurpose
    method: ConsentMethod
    given_on: IsoDate | None = None  # today if left out


class WithdrawalIn(Strict):
    withdrawn_on: IsoDate | None = None  # today if left out; never a future day


class ConsentOut(Out):
    id: uuid.UUID
    person_id: uuid.UUID
    purpose: ConsentPurpose
    method: ConsentMethod
    given_on: datetime.date
    recorded_by: str | None
    withdrawn_on: datetime.date | None
    withdrawn_by: str | None
    in_force: bool


def _consent_out(consent: Consent) -> dict[str, Any]:
    return {
        "id": consent.pk,
        "person_id": consent.person_id,
        "purpose": consent.purpose,
        "method": consent.method,
        "given_on": consent.given_on,
        "recorded_by": consent.recorded_by.get_username() if consent.recorded_by else None,
        "withdrawn_on": consent.withdrawn_on,
        "withdrawn_by": consent.withdrawn_by.get_username() if consent.withdrawn_by else None,
        "in_force": consent.is_current,
    }


def _consent_for(user: Any, consent_id: str) -> Consent:
    return get_visible(access.visible_consents(user).select_related("person"), consent_id)


@router.get("/people/{person_id}/consents", response={200: list[ConsentOut], **Errors})
def list_consents(request: HttpRequest, person_id: str) -> Any:
    person = access.get_person_for(case_staff(request), person_id)
    consents = person.consents.select_related("recorded_by", "withdrawn_by")
    return [_consent_out(consent) for consent in consents]


@router.post("/people/{person_id}/consents", response={201: ConsentOut, 409: ErrorOut, **Errors})
def record_consent(request: HttpRequest, person_id: str, payload: ConsentIn) -> Any:
    """409 when the consent is already in force, or dated in the future."""
    person = access.get_person_for(case_staff(request), person_id)
    try:
        consent = services.record_consent(
            actor_of(request),
            person,
            payload.purpose.value,
            given_on=payload.given_on,
            method=payload.method.value,
        )
    except services.InvalidConsent as problem:
        raise HttpError(409, str(problem)) from None
    return Status(201, _consent_out(consent))


@router.post("/consents/{consent_id}/withdraw", response={200: ConsentOut, 409: ErrorOut, **Errors})
def withdraw_consent(request: HttpRequest, consent_id: str, payload: WithdrawalIn) -> Any:
    """Withdrawn at once; withdrawing again changes nothing. 409 for a future
    day or one before the consent was given."""
    consent = _consent_for(case_staff(request), consent_id)
    try:
        services.withdraw_consent(actor_of(request), consent, withdrawn_on=payload.withdrawn_on)
    except services.InvalidConsent as problem:
        raise HttpError(409, str(problem)) from None
    return _consent_out(consent)
