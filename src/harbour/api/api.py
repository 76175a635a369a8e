"""REST API v1. Every endpoint reaches data only through cases.access and
changes it only through cases.services, exactly like the web pages."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer

from harbour.api import schemas
from harbour.api.services import user_for_token
from harbour.audit.services import Actor, client_ip
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


def _actor(request: HttpRequest) -> Actor:
    return Actor(user=request.auth, ip_address=client_ip(request))  # type: ignore[attr-defined]


def _case_staff(request: HttpRequest, *query: str) -> Any:
    """The caller, if their role handles case files; `query` names the query
    parameters the operation accepts (any other is refused with 422)."""
    membership = access.membership_of(request.auth)  # type: ignore[attr-defined]
    if membership is None or not membership.can_open_cases:
        raise HttpError(403, "Your role does not give access to case files.")
    _only_query(request, *query)
    return request.auth  # type: ignore[attr-defined]


def _only_query(request: HttpRequest, *allowed: str) -> None:
    """Refuse query parameters the operation does not declare: a misspelt
    filter must not silently return everything."""
    unknown = sorted(set(request.GET) - set(allowed))
    if unknown:
        raise ValidationError(
            [
                {
                    "loc": ["query", name],
                    "msg": "unknown query parameter",
                    "type": "extra_forbidden",
                }
                for name in unknown
            ]
        )


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


# Larger offsets than this are no real page and would overflow the database's
# integer in OFFSET; the schema declares the bounds so a client can see them.
MAX_OFFSET = 1_000_000


class PageParams(Schema):
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class CaseFilters(PageParams):
    status: schemas.CaseStatus | None = None


Errors = {
    400: schemas.ErrorOut,
    401: schemas.ErrorOut,
    403: schemas.ErrorOut,
    404: schemas.ErrorOut,
    422: schemas.ValidationErrorOut,
}


@api.get("/cases", response={200: schemas.CasePage, **Errors}, tags=["cases"])
def list_cases(request: HttpRequest, filters: Query[CaseFilters]) -> Any:
    user = _case_staff(request, "status", "limit", "offset")
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
    return Status(201, _case_detail_out(case))


@api.patch(
    "/cases/{case_id}",
    response={200: schemas.CaseDetailOut, 409: schemas.ErrorOut, **Errors},
    tags=["cases"],
)
def update_case(request: HttpRequest, case_id: str, payload: schemas.CasePatch) -> Any:
    case = access.get_case_for(_case_staff(request), case_id)
    data = payload.model_dump(exclude={"forms_of_exploitation"}, exclude_unset=True)
    # null means "leave as is", except for closed_on where it reopens.
    changes = {key: value for key, value in data.items() if value is not None or key == "closed_on"}
    _refuse_closing_before_opening(case, changes)
    forms = payload.forms_of_exploitation
    services.update_case(
        _actor(request),
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
    user = _case_staff(request, "limit", "offset")
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
    person = access.get_person_for(_case_staff(request), person_id)
    services.record_person_view(_actor(request), person, via="api")
    return person


@api.post("/people", response={201: schemas.PersonOut, **Errors}, tags=["people"])
def create_person(request: HttpRequest, payload: schemas.PersonIn) -> Any:
    _case_staff(request)
    data = payload.model_dump()
    data["email"] = data["email"] or ""
    person: Person = services.register_person(_actor(request), data)
    return Status(201, person)


@api.patch("/people/{person_id}", response={200: schemas.PersonOut, **Errors}, tags=["people"])
def update_person(request: HttpRequest, person_id: str, payload: schemas.PersonPatch) -> Any:
    person = access.get_person_for(_case_staff(request), person_id)
    data = payload.model_dump(exclude_unset=True)
    nullable = {"date_of_birth", "permit_expiry"}
    cleaned = {k: v for k, v in data.items() if v is not None or k in nullable}
    services.update_person(_actor(request), person, cleaned)
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
