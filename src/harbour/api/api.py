"""REST API v1. Every endpoint reaches data only through cases.access and
changes it only through cases.services, exactly like the web pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import NinjaAPI, Query, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer

from harbour.api import schemas
from harbour.api.services import user_for_token
from harbour.audit.services import Actor
from harbour.cases import access, services
from harbour.cases.models import Case, Person


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user  # type: ignore[assignment]
        return user


api = NinjaAPI(
    title="Harbour API",
    version="1",
    urls_namespace="api",
    auth=TokenAuth(),
    docs_url=None,  # no interactive docs page in production (ASVS 13.4.5)
)


def _actor(request: HttpRequest) -> Actor:
    return Actor(user=request.auth, ip_address=str(request.META.get("REMOTE_ADDR", ""))[:45])  # type: ignore[attr-defined]


def _case_staff(request: HttpRequest) -> Any:
    membership = access.membership_of(request.auth)  # type: ignore[attr-defined]
    if membership is None or not membership.can_open_cases:
        raise HttpError(403, "Your role does not give access to case files.")
    return request.auth  # type: ignore[attr-defined]


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


class CaseFilters(Schema):
    status: schemas.CaseStatus | None = None
    limit: int = 50
    offset: int = 0


def _page_bounds(limit: int, offset: int) -> tuple[int, int]:
    if not 1 <= limit <= 200:
        raise HttpError(422, "limit must be between 1 and 200")
    if offset < 0:
        raise HttpError(422, "offset must not be negative")
    return limit, offset


Errors = {401: schemas.ErrorOut, 403: schemas.ErrorOut, 404: schemas.ErrorOut, 422: schemas.ErrorOut}


@api.get("/cases", response={200: schemas.CasePage, **Errors}, tags=["cases"])
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> Any:
    user = _case_staff(request)
    limit, offset = _page_bounds(filters.limit, filters.offset)
    cases = access.visible_cases(user).select_related("person")
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
    case = access.get_case_for(_case_staff(request), case_id)
    services.record_case_view(_actor(request), case, via="api")
    return _case_detail_out(case)


@api.post("/cases", response={201: schemas.CaseDetailOut, **Errors}, tags=["cases"])
def create_case(request: HttpRequest, payload: schemas.CaseIn) -> Any:
    user = _case_staff(request)
    person = access.get_person_for(user, payload.person_id)
    data = payload.model_dump(exclude={"person_id", "forms_of_exploitation"}, exclude_none=True)
    case = services.open_case(
        _actor(request), person, data, forms=[str(f.value) for f in payload.forms_of_exploitation]
    )
    return 201, _case_detail_out(case)


@api.patch("/cases/{case_id}", response={200: schemas.CaseDetailOut, **Errors}, tags=["cases"])
def update_case(request: HttpRequest, case_id: str, payload: schemas.CasePatch) -> Any:
    case = access.get_case_for(_case_staff(request), case_id)
    data = payload.model_dump(exclude={"forms_of_exploitation"}, exclude_unset=True)
    if data.get("closed_on") and data["closed_on"] < case.opened_on:
        raise HttpError(422, "closed_on cannot be before opened_on")
    forms = payload.forms_of_exploitation
    services.update_case(
        _actor(request),
        case,
        {key: value for key, value in data.items() if value is not None or key == "closed_on"},
        forms=[str(f.value) for f in forms] if forms is not None else None,
    )
    return _case_detail_out(case)


@api.get("/people", response={200: schemas.PersonPage, **Errors}, tags=["people"])
def list_people(request: HttpRequest, limit: int = 50, offset: int = 0) -> Any:
    user = _case_staff(request)
    limit, offset = _page_bounds(limit, offset)
    people = access.visible_people(user)
    return {
        "count": people.count(),
        "limit": limit,
        "offset": offset,
        "items": list(people[offset : offset + limit]),
    }


@api.get("/people/{person_id}", response={200: schemas.PersonOut, **Errors}, tags=["people"])
def get_person(request: HttpRequest, person_id: str) -> Any:
    person = access.get_person_for(_case_staff(request), person_id)
    services.record_person_view(_actor(request), person, via="api")
    return person


@api.post("/people", response={201: schemas.PersonOut, **Errors}, tags=["people"])
def create_person(request: HttpRequest, payload: schemas.PersonIn) -> Any:
    _case_staff(request)
    data = payload.model_dump()
    data["email"] = data["email"] or ""
    person: Person = services.register_person(_actor(request), data)
    return 201, person


@api.patch("/people/{person_id}", response={200: schemas.PersonOut, **Errors}, tags=["people"])
def update_person(request: HttpRequest, person_id: str, payload: schemas.PersonPatch) -> Any:
    person = access.get_person_for(_case_staff(request), person_id)
    data = payload.model_dump(exclude_unset=True)
    nullable = {"date_of_birth", "permit_expiry"}
    cleaned = {k: v for k, v in data.items() if v is not None or k in nullable}
    services.update_person(_actor(request), person, cleaned)
    return person


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Exception) -> Any:
    return api.create_response(request, {"detail": "Not found."}, status=404)


@api.exception_handler(services.NotAllowed)
def not_allowed(request: HttpRequest, exc: Exception) -> Any:
    return api.create_response(request, {"detail": str(exc)}, status=403)
