"""Applications for protection and their decisions: a case's applications,
one application, recording one, and recording (or correcting) its decision.

Reached through cases.access and changed through pathways.applications, like
the application pages; every answer that carries a reference number,
documents or conditions is an audited read."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Router, Status
from ninja.errors import HttpError
from pydantic import StringConstraints

from harbour.api.common import Errors, actor_of, case_staff, get_visible
from harbour.api.pathways import PathwayId
from harbour.api.schemas import CleanText, ErrorOut, IsoDate, Out, Strict
from harbour.cases import access
from harbour.pathways import applications
from harbour.pathways.applications import TEXT_LIMITS
from harbour.pathways.models import Application

router = Router(tags=["applications"])

SubmittedByName = Literal["person", "organisation", "lawyer", "other"]
OutcomeName = Literal["granted", "refused", "withdrawn"]
ReferenceNumber = Annotated[
    str, StringConstraints(max_length=TEXT_LIMITS["reference_number"]), CleanText()
]
DocumentsSent = Annotated[
    str, StringConstraints(max_length=TEXT_LIMITS["documents_sent"]), CleanText()
]
Conditions = Annotated[str, StringConstraints(max_length=TEXT_LIMITS["conditions"]), CleanText()]


class ApplicationIn(Strict):
    pathway_id: PathwayId
    submitted_on: IsoDate
    submitted_by: SubmittedByName
    reference_number: ReferenceNumber = ""
    documents_sent: DocumentsSent = ""


class ApplicationDecisionIn(Strict):
    """Recording a decision again replaces it (a correction); a withdrawal is
    recorded as the outcome `withdrawn`."""

    outcome: OutcomeName
    decided_on: IsoDate
    # Only for a granted permit or status that ends; renewal tasks follow.
    valid_until: IsoDate | None = None
    conditions: Conditions = ""


class ApplicationDecisionOut(Out):
    outcome: OutcomeName
    decided_on: datetime.date
    valid_until: datetime.date | None
    conditions: str
    recorded_at: datetime.datetime


class ApplicationOut(Out):
    id: uuid.UUID
    case_id: uuid.UUID
    pathway_id: str
    submitted_on: datetime.date
    submitted_by: SubmittedByName
    reference_number: str
    documents_sent: str
    created_at: datetime.datetime
    # Null while the application waits for its decision.
    decision: ApplicationDecisionOut | None


def _out(application: Application) -> dict[str, Any]:
    decision = getattr(application, "decision", None)
    return {
        "id": application.pk,
        "case_id": application.case_id,
        "pathway_id": application.pathway_id,
        "submitted_on": application.submitted_on,
        "submitted_by": application.submitted_by,
        "reference_number": application.reference_number,
        "documents_sent": application.documents_sent,
        "created_at": application.created_at,
        "decision": decision,
    }


def _refused(problem: applications.InvalidApplication) -> HttpError:
    """Well-formed data that the case's own dates refuse (a future date, a
    decision before its application): 409, as for a case's closing date, with
    the field named. Malformed data never gets here: the schema answers 422."""
    return HttpError(409, f"{problem.field}: {problem}")


def _application_for(request: HttpRequest, application_id: str) -> Application:
    user = case_staff(request)
    visible = Application.objects.filter(case__in=access.visible_cases(user))
    return get_visible(visible.select_related("case", "decision"), application_id)


@router.get("/cases/{case_id}/applications", response={200: list[ApplicationOut], **Errors})
def list_applications(request: HttpRequest, case_id: str) -> Any:
    """The case's applications in the order they were submitted, each with its decision."""
    case = access.get_case_for(case_staff(request), case_id)
    listed = applications.applications_of(case)
    applications.record_applications_list(actor_of(request), case, via="api")
    return [_out(application) for application in listed]


@router.post(
    "/cases/{case_id}/applications", response={201: ApplicationOut, 409: ErrorOut, **Errors}
)
def create_application(request: HttpRequest, case_id: str, payload: ApplicationIn) -> Any:
    """Record an application; a task to check its status is added to the case."""
    case = access.get_case_for(case_staff(request), case_id)
    data = payload.model_dump()
    data["pathway_id"] = str(payload.pathway_id.value)
    try:
        application = applications.record_application(actor_of(request), case, data)
    except applications.InvalidApplication as problem:
        raise _refused(problem) from None
    return Status(201, _out(application))


@router.get("/applications/{application_id}", response={200: ApplicationOut, **Errors})
def get_application(request: HttpRequest, application_id: str) -> Any:
    application = _application_for(request, application_id)
    applications.record_application_view(actor_of(request), application, via="api")
    return _out(application)


@router.put(
    "/applications/{application_id}/decision",
    response={200: ApplicationOut, 409: ErrorOut, **Errors},
)
def record_application_decision(
    request: HttpRequest, application_id: str, payload: ApplicationDecisionIn
) -> Any:
    """Record the decision (granted, refused, withdrawn) or correct it; the
    case's follow-up and renewal tasks follow."""
    application = _application_for(request, application_id)
    try:
        applications.record_decision(actor_of(request), application, payload.model_dump())
    except applications.InvalidApplication as problem:
        raise _refused(problem) from None
    return _out(application)
