"""REST API v1. Every endpoint reaches data only through cases.access and
changes it only through cases.services, exactly like the web pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import NinjaAPI, Query, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from harbour.api import schemas
from harbour.api.applications import router as applications_router
from harbour.api.common import Errors, PageParams, actor_of, case_staff
from harbour.api.consents import router as consents_router
from harbour.api.directory import router as directory_router
from harbour.api.htcds import router as htcds_router
from harbour.api.lifecycle import router as lifecycle_router
from harbour.api.needs import router as needs_router
from harbour.api.networks import router as networks_router
from harbour.api.pathways import router as pathways_router
from harbour.api.referrals import router as referrals_router
from harbour.api.reports import router as reports_router
from harbour.api.screening import router as screening_router
from harbour.api.services import user_for_token
from harbour.api.tasks import router as tasks_router
from harbour.cases import access, services
from harbour.cases.models import Case, CaseStatus, Person


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        return user


api = NinjaAPI(
    title="Harbour API",
    version="1",
    urls_namespace="api",
    auth=TokenAuth(),
    docs_url=None,  # no interactive docs page in production (ASVS 13.4.5)
)
api.add_router("", screening_router)
api.add_router("", tasks_router)
api.add_router("", consents_router)
api.add_router("", pathways_router)
api.add_router("", applications_router)
api.add_router("", directory_router)
api.add_router("", referrals_router)
api.add_router("", lifecycle_router)
api.add_router("", needs_router)
api.add_router("", networks_router)
api.add_router("", reports_router)
api.add_router("", htcds_router)


def _case_out(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "reference": case.reference,
        "person": case.person,
        "status": case.status,
        "province": case.province,
        "sector": case.sector,
        "forms_of_exploitation": case.forms,
        "opened_on": case.opened_on,
        "closed_on": case.closed_on,
    }


def _case_detail_out(case: Case) -> dict[str, Any]:
    return {
        **_case_out(case),
        "summary": case.summary,
        "assigned_staff": [user.get_username() for user in case.assigned_to.order_by("username")],
    }


class CaseFilters(PageParams):
    status: schemas.CaseStatus | None = None


@api.get("/cases", response={200: schemas.CasePage, **Errors}, tags=["cases"])
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> Any:
    user = case_staff(request, "status", "limit", "offset")
    limit, offset = filters.limit, filters.offset
    # A total order, so that pages neither repeat nor skip a case.
    cases = (
        access.visible_cases(user)
        .select_related("person")
        .order_by("-opened_on", "-created_at", "pk")
    )
    if filters.status:
        cases = cases.filter(status=filters.status)
    return {
        "count": cases.count(),
        "limit": limit,
        "offset": offset,
        "items": [_case_out(case) for case in cases[offset : offset + limit]],
    }


@api.get("/cases/{case_id}", response={200: schemas.CaseDetailOut, **Errors}, tags=["cases"])
def get_case(request: HttpRequest, case_id: str) -> Any:
    case = access.get_case_for(case_staff(request), case_id)
    services.record_case_view(actor_of(request), case, via="api")
    return _case_detail_out(case)


@api.post("/cases", response={201: schemas.CaseDetailOut, **Errors}, tags=["cases"])
def create_case(request: HttpRequest, payload: schemas.CaseIn) -> Any:
    user = case_staff(request)
    person = access.get_person_for(user, payload.person_id)
    data = payload.model_dump(exclude={"person_id", "forms_of_exploitation"}, exclude_none=True)
    case = services.open_case(
        actor_of(request), person, data, forms=[str(f.value) for f in payload.forms_of_exploitation]
    )
    return Status(201, _case_detail_out(case))


@api.patch(
    "/cases/{case_id}",
    response={200: schemas.CaseDetailOut, 409: schemas.ErrorOut, **Errors},
    tags=["cases"],
)
def update_case(request: HttpRequest, case_id: str, payload: schemas.CasePatch) -> Any:
    case = access.get_case_for(case_staff(request), case_id)
    data = payload.model_dump(exclude={"forms_of_exploitation"}, exclude_unset=True)
    # null means "leave as is", except for closed_on where it reopens.
    changes = {key: value for key, value in data.items() if value is not None or key == "closed_on"}
    _refuse_closing_before_opening(case, changes)
    forms = payload.forms_of_exploitation
    services.update_case(
        actor_of(request),
        case,
        changes,
        forms=[str(f.value) for f in forms] if forms is not None else None,
    )
    return _case_detail_out(case)


def _refuse_closing_before_opening(case: Case, changes: dict[str, Any]) -> None:
    """Each date is valid on its own, but not for this case as stored: 409."""
    closing = changes.get("status", case.status) == CaseStatus.CLOSED
    if "closed_on" not in changes and not closing:
        return
    closed_on = changes.get("closed_on", case.closed_on)
    if closed_on is None and closing:
        closed_on = timezone.localdate()  # what update_case will set
    if closed_on is not None and closed_on < case.opened_on:
        raise HttpError(409, "A case cannot close before the date it was opened.")


@api.get("/people", response={200: schemas.PersonPage, **Errors}, tags=["people"])
def list_people(request: HttpRequest, page: Query[PageParams]) -> Any:
    user = case_staff(request, "limit", "offset")
    limit, offset = page.limit, page.offset
    people = access.visible_people(user).order_by("pseudonym", "pk")
    return {
        "count": people.count(),
        "limit": limit,
        "offset": offset,
        "items": list(people[offset : offset + limit]),
    }


@api.get("/people/{person_id}", response={200: schemas.PersonOut, **Errors}, tags=["people"])
def get_person(request: HttpRequest, person_id: str) -> Any:
    person = access.get_person_for(case_staff(request), person_id)
    services.record_person_view(actor_of(request), person, via="api")
    return person


@api.post("/people", response={201: schemas.PersonOut, **Errors}, tags=["people"])
def create_person(request: HttpRequest, payload: schemas.PersonIn) -> Any:
    case_staff(request)
    data = payload.model_dump()
    data["email"] = data["email"] or ""
    person: Person = services.register_person(actor_of(request), data)
    return Status(201, person)


@api.patch("/people/{person_id}", response={200: schemas.PersonOut, **Errors}, tags=["people"])
def update_person(request: HttpRequest, person_id: str, payload: schemas.PersonPatch) -> Any:
    person = access.get_person_for(case_staff(request), person_id)
    data = payload.model_dump(exclude_unset=True)
    nullable = {"date_of_birth", "permit_expiry"}
    cleaned = {k: v for k, v in data.items() if v is not None or k in nullable}
    services.update_person(actor_of(request), person, cleaned)
    return person


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> Any:
    """One shape for every 422: where and what, without pydantic's context."""
    issues = [
        {
            "loc": [part if isinstance(part, int) else str(part) for part in error.get("loc", ())],
            "msg": str(error.get("msg", "invalid value")),
            "type": str(error.get("type", "value_error")),
        }
        for error in exc.errors
    ]
    return api.create_response(request, {"detail": issues}, status=422)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> Any:
    response = api.create_response(request, {"detail": "Unauthorized"}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="harbour"'
    return response


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Exception) -> Any:
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(services.NotAllowed)
def not_allowed(request: HttpRequest, exc: Exception) -> Any:
    return api.create_response(request, {"detail": str(exc)}, status=403)
