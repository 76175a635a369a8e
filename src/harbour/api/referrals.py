"""Referral and transfer endpoints: a case's referrals, the inbox, one
referral as its receiver sees it, and each step (accept, decline, complete,
revoke); referrals outside Harbour. Reached through cases.access and
directory.access and changed through directory.services, like the pages.

A transfer is a referral of kind "transfer": the same endpoints read and
answer it; accepting it moves the case to the receiver."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest
from ninja import Query, Router, Status
from ninja.errors import HttpError
from pydantic import AfterValidator, Field, StrictBool, StringConstraints

from harbour.accounts.models import Organisation, Province
from harbour.api.common import Errors, PageParams, actor_of, case_staff
from harbour.api.schemas import CleanText, ErrorOut, Out, Page, ShortText, Strict, Uuid
from harbour.audit.services import record
from harbour.cases import access as case_access
from harbour.cases.models import ImmigrationStatus, PermitType
from harbour.directory import access, services
from harbour.directory.models import (
    Language,
    Need,
    OutsideReferral,
    OutsideStatus,
    Referral,
    ReferralKind,
    ReferralStatus,
    Service,
    Urgency,
)
from harbour.directory.sharing import shared_view

router = Router(tags=["referrals"])


def _not_blank(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be blank")
    return value


Note = Annotated[str, StringConstraints(max_length=4000), CleanText()]
Reason = Annotated[
    str,
    StringConstraints(min_length=1, max_length=4000),
    CleanText(r"^[^\x00]*[^\s\x00][^\x00]*$"),
    AfterValidator(_not_blank),
]
OrganisationId = Annotated[int, Field(ge=1, le=2_147_483_647)]
Languages = Annotated[list[Language], Field(max_length=len(Language.values))]


class ReferralIn(Strict):
    # The organisation on Harbour, or a service of the directory whose
    # provider uses Harbour (or both, if they agree).
    to_organisation: OrganisationId | None = None
    service_id: Uuid | None = None
    need: Need
    urgency: Urgency = Urgency.ROUTINE
    languages: Languages = Field(default_factory=list)
    note: Note = ""
    # Needs the person's "referral_sharing" consent in force (409 otherwise).
    share_personal: StrictBool = False


class TransferIn(Strict):
    to_organisation: OrganisationId
    urgency: Urgency = Urgency.ROUTINE
    need: Need | None = None
    languages: Languages = Field(default_factory=list)
    note: Note = ""


class DeclineIn(Strict):
    reason: Reason


class OutsideIn(Strict):
    service_id: Uuid | None = None
    name: ShortText = ""
    need: Need | None = None
    note: Note = ""


class OutsidePatch(Strict):
    status: OutsideStatus


class OrganisationOut(Out):
    id: int
    name: str


class SharedPersonOut(Out):
    pseudonym: str
    legal_name: str
    date_of_birth: datetime.date | None
    phone: str
    email: str
    contact_notes: str
    languages: str
    immigration_status: ImmigrationStatus
    permit_type: PermitType
    permit_expiry: datetime.date | None


class ReferralOut(Out):
    id: uuid.UUID
    kind: ReferralKind
    status: ReferralStatus
    # Only for staff who may open the case (its owner); null for the receiver.
    case_id: uuid.UUID | None
    from_organisation: OrganisationOut
    to_organisation: OrganisationOut
    service_id: uuid.UUID | None
    need: Need | None
    province: Province
    languages: list[Language]
    urgency: Urgency
    note: str
    sender_reference: str
    receiver_reference: str
    share_personal: bool
    # What the receiver sees now: "personal" or "non_identifying".
    shared_level: Literal["personal", "non_identifying"]
    person: SharedPersonOut | None
    created_by: str | None
    created_at: datetime.datetime
    answered_by: str | None
    answered_at: datetime.datetime | None
    decline_reason: str
    completed_by: str | None
    completed_at: datetime.datetime | None
    revoked_by: str | None
    revoked_at: datetime.datetime | None


class ReferralPage(Page):
    items: list[ReferralOut]


class OutsideOut(Out):
    id: uuid.UUID
    case_id: uuid.UUID
    service_id: uuid.UUID | None
    name: str
    need: Need | None
    note: str
    status: OutsideStatus
    created_by: str | None
    created_at: datetime.datetime
    status_changed_by: str | None
    status_changed_at: datetime.datetime | None


class InboxFilters(PageParams):
    direction: Literal["incoming", "outgoing"] | None = None
    kind: ReferralKind | None = None
    status: ReferralStatus | None = None


def _name(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def _organisation(organisation: Organisation) -> dict[str, Any]:
    return {"id": organisation.pk, "name": organisation.name}


def _referral_out(referral: Referral, *, owner: bool) -> dict[str, Any]:
    view = shared_view(referral)
    return {
        "id": referral.pk,
        "kind": referral.kind,
        "status": referral.status,
        "case_id": referral.case_id if owner else None,
        "from_organisation": _organisation(referral.from_organisation),
        "to_organisation": _organisation(referral.to_organisation),
        "service_id": referral.service_id,
        "need": referral.need or None,
        "province": referral.province,
        "languages": referral.language_list,
        "urgency": referral.urgency,
        "note": referral.note,
        "sender_reference": referral.sender_reference,
        "receiver_reference": referral.receiver_reference,
        "share_personal": referral.share_personal,
        "shared_level": view.level,
        "person": view.personal_raw or None,
        "created_by": _name(referral.created_by),
        "created_at": referral.created_at,
        "answered_by": _name(referral.answered_by),
        "answered_at": referral.answered_at,
        "decline_reason": referral.decline_reason,
        "completed_by": _name(referral.completed_by),
        "completed_at": referral.completed_at,
        "revoked_by": _name(referral.revoked_by),
        "revoked_at": referral.revoked_at,
    }


def _outside_out(outside: OutsideReferral) -> dict[str, Any]:
    return {
        "id": outside.pk,
        "case_id": outside.case_id,
        "service_id": outside.service_id,
        "name": outside.name,
        "need": outside.need or None,
        "note": outside.note,
        "status": outside.status,
        "created_by": _name(outside.created_by),
        "created_at": outside.created_at,
        "status_changed_by": _name(outside.status_changed_by),
        "status_changed_at": outside.status_changed_at,
    }


_RELATED = (
    "case",
    "case__person",
    "from_organisation",
    "to_organisation",
    "created_by",
    "answered_by",
    "completed_by",
    "revoked_by",
)


def _conflict(problem: services.InvalidReferral) -> HttpError:
    return HttpError(409, str(problem))


def _target_organisation(organisation_id: int | None) -> Organisation | None:
    if organisation_id is None:
        return None
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise HttpError(409, "No organisation on Harbour has that id.")
    return organisation


def _service(service_id: uuid.UUID | None) -> Service | None:
    if service_id is None:
        return None
    service = (
        Service.objects.select_related("provider").filter(pk=service_id, is_active=True).first()
    )
    if service is None:
        raise HttpError(409, "No active service of the directory has that id.")
    return service


def _referral_for(request: HttpRequest, referral_id: str) -> Referral:
    return access.get_referral_for(case_staff(request), referral_id)


def _answer(request: HttpRequest, referral: Referral) -> dict[str, Any]:
    referral = Referral.objects.select_related(*_RELATED).get(pk=referral.pk)
    return _referral_out(referral, owner=access.is_case_owner(request.auth, referral))  # type: ignore[attr-defined]


@router.get("/cases/{case_id}/referrals", response={200: list[ReferralOut], **Errors})
def list_case_referrals(request: HttpRequest, case_id: str) -> Any:
    """The referrals and transfers of a case, as its owner sees them."""
    case = case_access.get_case_for(case_staff(request), case_id)
    referrals = case.referrals.select_related(*_RELATED)
    return [_referral_out(referral, owner=True) for referral in referrals]


@router.post("/cases/{case_id}/referrals", response={201: ReferralOut, 409: ErrorOut, **Errors})
def create_referral(request: HttpRequest, case_id: str, payload: ReferralIn) -> Any:
    """409 for personal details without the sharing consent, the case's own
    organisation, an unknown organisation or service, or a closed case."""
    case = case_access.get_case_for(case_staff(request), case_id)
    try:
        referral = services.refer_case(
            actor_of(request),
            case,
            _target_organisation(payload.to_organisation),
            need=payload.need.value,
            urgency=payload.urgency.value,
            languages=[language.value for language in payload.languages],
            note=payload.note,
            service=_service(payload.service_id),
            share_personal=payload.share_personal,
        )
    except services.InvalidReferral as problem:
        raise _conflict(problem) from None
    return Status(201, _answer(request, referral))


@router.post("/cases/{case_id}/transfers", response={201: ReferralOut, 409: ErrorOut, **Errors})
def create_transfer(request: HttpRequest, case_id: str, payload: TransferIn) -> Any:
    """Ask another organisation to take the case over; 409 without the
    sharing consent, while another transfer waits, or for a person with other
    cases here."""
    case = case_access.get_case_for(case_staff(request), case_id)
    try:
        referral = services.request_transfer(
            actor_of(request),
            case,
            _target_organisation(payload.to_organisation),
            urgency=payload.urgency.value,
            need=payload.need.value if payload.need else "",
            languages=[language.value for language in payload.languages],
            note=payload.note,
        )
    except services.InvalidReferral as problem:
        raise _conflict(problem) from None
    return Status(201, _answer(request, referral))


@router.get("/referrals", response={200: ReferralPage, **Errors})
def list_referrals(request: HttpRequest, filters: Query[InboxFilters]) -> Any:
    """Referrals sent to the caller's organisation (incoming) and those of the
    cases the caller may open (outgoing), newest first."""
    user = case_staff(request, "direction", "kind", "status", "limit", "offset")
    if filters.direction == "incoming":
        referrals = access.incoming_referrals(user)
    elif filters.direction == "outgoing":
        referrals = access.outgoing_referrals(user)
    else:
        referrals = access.visible_referrals(user)
    if filters.kind:
        referrals = referrals.filter(kind=filters.kind)
    if filters.status:
        referrals = referrals.filter(status=filters.status)
    referrals = referrals.select_related(*_RELATED).order_by("-created_at", "pk")
    owned = set(
        case_access.visible_cases(user)
        .filter(pk__in=referrals.values("case_id"))
        .values_list("pk", flat=True)
    )
    limit, offset = filters.limit, filters.offset
    return {
        "count": referrals.count(),
        "limit": limit,
        "offset": offset,
        "items": [
            _referral_out(referral, owner=referral.case_id in owned)
            for referral in referrals[offset : offset + limit]
        ],
    }


@router.get("/referrals/{referral_id}", response={200: ReferralOut, **Errors})
def get_referral(request: HttpRequest, referral_id: str) -> Any:
    referral = _referral_for(request, referral_id)
    out = _answer(request, referral)
    record(
        actor_of(request),
        "referral.view",
        referral,
        detail={"level": out["shared_level"], "via": "api"},
    )
    return out


def _step(request: HttpRequest, referral_id: str, step: Any, *args: Any) -> Any:
    referral = _referral_for(request, referral_id)
    try:
        step(actor_of(request), referral, *args)
    except services.InvalidReferral as problem:
        raise _conflict(problem) from None
    return _answer(request, referral)


@router.post(
    "/referrals/{referral_id}/accept", response={200: ReferralOut, 409: ErrorOut, **Errors}
)
def accept_referral(request: HttpRequest, referral_id: str) -> Any:
    """The receiver accepts; a transfer moves the case to the receiver. 409 if
    it no longer waits, or (transfers) the sharing consent was withdrawn."""
    return _step(request, referral_id, services.accept_referral)


@router.post(
    "/referrals/{referral_id}/decline", response={200: ReferralOut, 409: ErrorOut, **Errors}
)
def decline_referral(request: HttpRequest, referral_id: str, payload: DeclineIn) -> Any:
    return _step(request, referral_id, services.decline_referral, payload.reason)


@router.post(
    "/referrals/{referral_id}/complete", response={200: ReferralOut, 409: ErrorOut, **Errors}
)
def complete_referral(request: HttpRequest, referral_id: str) -> Any:
    return _step(request, referral_id, services.complete_referral)


@router.post(
    "/referrals/{referral_id}/revoke", response={200: ReferralOut, 409: ErrorOut, **Errors}
)
def revoke_referral(request: HttpRequest, referral_id: str) -> Any:
    """The case's owner withdraws a waiting or accepted referral, or a waiting transfer."""
    return _step(request, referral_id, services.revoke_referral)


@router.get("/cases/{case_id}/outside-referrals", response={200: list[OutsideOut], **Errors})
def list_outside_referrals(request: HttpRequest, case_id: str) -> Any:
    case = case_access.get_case_for(case_staff(request), case_id)
    outside = case.outside_referrals.select_related("created_by", "status_changed_by")
    return [_outside_out(item) for item in outside]


@router.post(
    "/cases/{case_id}/outside-referrals", response={201: OutsideOut, 409: ErrorOut, **Errors}
)
def create_outside_referral(request: HttpRequest, case_id: str, payload: OutsideIn) -> Any:
    """Track a referral made outside Harbour; Harbour shares nothing."""
    case = case_access.get_case_for(case_staff(request), case_id)
    try:
        outside = services.refer_outside(
            actor_of(request),
            case,
            service=_service(payload.service_id),
            name=payload.name,
            need=payload.need.value if payload.need else "",
            note=payload.note,
        )
    except services.InvalidReferral as problem:
        raise _conflict(problem) from None
    return Status(201, _outside_out(outside))


@router.patch(
    "/outside-referrals/{outside_id}", response={200: OutsideOut, 409: ErrorOut, **Errors}
)
def update_outside_referral(request: HttpRequest, outside_id: str, payload: OutsidePatch) -> Any:
    user = case_staff(request)
    try:
        key = uuid.UUID(outside_id)
        outside = (
            access.visible_outside_referrals(user)
            .select_related("case", "created_by", "status_changed_by")
            .get(pk=key)
        )
    except (ValueError, OutsideReferral.DoesNotExist):
        raise Http404 from None
    services.set_outside_referral_status(actor_of(request), outside, payload.status.value)
    return _outside_out(outside)
