"""Documents, timeline, closure and assignment endpoints of a case. Reached
through cases.access and changed through cases.services, like the pages.

Documents travel as base64 in JSON, so that one schema (and one fuzzer)
covers uploads and downloads. A file Harbour does not keep (too large, a
kind that is not allowed) answers 409 with the reason.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import uuid
from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import Field, StrictBool, StringConstraints

from harbour.accounts.models import CASE_ROLES, User
from harbour.api.common import Errors, actor_of, case_staff
from harbour.api.schemas import CleanText, ErrorOut, LongText, Out, Strict
from harbour.cases import access, services
from harbour.cases.documents import DocumentRefused
from harbour.cases.models import ClosureRequest, Document
from harbour.cases.timeline import KINDS, timeline

router = Router(tags=["case lifecycle"])

# 20 MB of file is about 27 MB of base64; the server's own limit still applies.
MAX_BASE64 = 40 * 1024 * 1024
FileName = Annotated[str, StringConstraints(min_length=1, max_length=255), CleanText()]
Username = Annotated[str, StringConstraints(max_length=150), CleanText()]
TimelineKind = Literal[tuple(KINDS)]  # type: ignore[valid-type]


class DocumentIn(Strict):
    file_name: FileName
    content_base64: Annotated[str, StringConstraints(max_length=MAX_BASE64)]
    description: LongText = ""


class DocumentOut(Out):
    id: uuid.UUID
    case_id: uuid.UUID
    file_name: str
    description: str
    kind: str
    size: int
    uploaded_by: str | None
    uploaded_at: datetime.datetime


class DocumentContentOut(DocumentOut):
    content_base64: str


class TimelineEntryOut(Out):
    at: datetime.datetime
    kind: str
    title: str
    who: str
    text: str


class TimelineFilters(Schema):
    kind: TimelineKind | None = None  # type: ignore[valid-type]


class ClosureIn(Strict):
    reason: LongText = ""


class DecisionIn(Strict):
    approve: StrictBool
    note: LongText = ""


class ClosureOut(Out):
    id: uuid.UUID
    case_id: uuid.UUID
    status: str
    reason: str
    requested_by: str | None
    requested_at: datetime.datetime
    decided_by: str | None
    decided_at: datetime.datetime | None


class AssignmentIn(Strict):
    staff: list[Username] = Field(min_length=1, max_length=50)


class AssignmentOut(Out):
    case_id: uuid.UUID
    assigned_staff: list[str]


def _name(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def _document_out(document: Document) -> dict[str, Any]:
    return {
        "id": document.pk,
        "case_id": document.case_id,
        "file_name": document.original_name,
        "description": document.description,
        "kind": document.kind,
        "size": document.size,
        "uploaded_by": _name(document.uploaded_by),
        "uploaded_at": document.uploaded_at,
    }


def _closure_out(request: ClosureRequest) -> dict[str, Any]:
    return {
        "id": request.pk,
        "case_id": request.case_id,
        "status": request.status,
        "reason": request.reason,
        "requested_by": _name(request.requested_by),
        "requested_at": request.requested_at,
        "decided_by": _name(request.decided_by),
        "decided_at": request.decided_at,
    }


def _as_uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Http404 from None


@router.get("/cases/{case_id}/documents", response={200: list[DocumentOut], **Errors})
def list_documents(request: HttpRequest, case_id: str) -> Any:
    case = access.get_case_for(case_staff(request), case_id)
    return [_document_out(d) for d in case.documents.select_related("uploaded_by")]


@router.post("/cases/{case_id}/documents", response={201: DocumentOut, 409: ErrorOut, **Errors})
def upload_document(request: HttpRequest, case_id: str, payload: DocumentIn) -> Any:
    """409 when the file is too large or not of an allowed kind (by its bytes)."""
    case = access.get_case_for(case_staff(request), case_id)
    try:
        data = base64.b64decode(payload.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise HttpError(409, "content_base64 is not valid base64.") from None
    try:
        document = services.upload_document(
            actor_of(request), case, data, payload.file_name, description=payload.description
        )
    except DocumentRefused as refusal:
        raise HttpError(409, str(refusal)) from None
    return Status(201, _document_out(document))


@router.get("/documents/{document_id}", response={200: DocumentContentOut, **Errors})
def get_document(request: HttpRequest, document_id: str) -> Any:
    """The file, base64-encoded; every read is recorded in the case's access log."""
    user = case_staff(request)
    try:
        document = (
            Document.objects.filter(case__in=access.visible_cases(user))
            .select_related("case", "uploaded_by")
            .get(pk=_as_uuid(document_id))
        )
    except Document.DoesNotExist:
        raise Http404 from None
    data = services.read_document(actor_of(request), document, via="api")
    return {**_document_out(document), "content_base64": base64.b64encode(data).decode("ascii")}


@router.get("/cases/{case_id}/timeline", response={200: list[TimelineEntryOut], **Errors})
def case_timeline(request: HttpRequest, case_id: str, filters: Query[TimelineFilters]) -> Any:
    case = access.get_case_for(case_staff(request, "kind"), case_id)
    services.record_case_view(actor_of(request), case, via="api")
    return [
        {"at": e.at, "kind": e.kind, "title": str(e.title), "who": e.who, "text": e.text}
        for e in timeline(case, filters.kind or "")
    ]


@router.post(
    "/cases/{case_id}/closure-requests", response={201: ClosureOut, 409: ErrorOut, **Errors}
)
def request_closure(request: HttpRequest, case_id: str, payload: ClosureIn) -> Any:
    """Supervisors and organisation admins close at once (approved by them);
    a caseworker's request waits for one. 409 if closed or already asked."""
    case = access.get_case_for(case_staff(request), case_id)
    try:
        made = services.request_closure(actor_of(request), case, payload.reason)
    except services.InvalidClosure as problem:
        raise HttpError(409, str(problem)) from None
    return Status(201, _closure_out(made))


@router.post(
    "/closure-requests/{closure_id}/decision",
    response={200: ClosureOut, 409: ErrorOut, **Errors},
)
def decide_closure(request: HttpRequest, closure_id: str, payload: DecisionIn) -> Any:
    """Supervisors and organisation admins only (403 for caseworkers); 409 if decided."""
    user = case_staff(request)
    try:
        closure = (
            ClosureRequest.objects.filter(case__in=access.visible_cases(user))
            .select_related("case", "requested_by", "decided_by")
            .get(pk=_as_uuid(closure_id))
        )
    except ClosureRequest.DoesNotExist:
        raise Http404 from None
    try:
        services.decide_closure(
            actor_of(request), closure, approve=payload.approve, note=payload.note
        )
    except services.InvalidClosure as problem:
        raise HttpError(409, str(problem)) from None
    return _closure_out(closure)


@router.put("/cases/{case_id}/assignment", response={200: AssignmentOut, 409: ErrorOut, **Errors})
def assign_case(request: HttpRequest, case_id: str, payload: AssignmentIn) -> Any:
    """Supervisors and organisation admins set who works on the case (403 for
    caseworkers); 409 when a username is not case staff of the organisation."""
    case = access.get_case_for(case_staff(request), case_id)
    staff = []
    for username in dict.fromkeys(payload.staff):
        user = User.objects.filter(
            username=username,
            is_active=True,
            membership__organisation_id=case.organisation_id,
            membership__role__in=[role.value for role in CASE_ROLES],
        ).first()
        if user is None:
            raise HttpError(409, "No case staff of this organisation has that username.")
        staff.append(user)
    services.assign_case(actor_of(request), case, staff)
    names = [user.get_username() for user in case.assigned_to.order_by("username")]
    return {"case_id": case.pk, "assigned_staff": names}
