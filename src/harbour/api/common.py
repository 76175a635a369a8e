"""What every API router shares: who is calling, role checks, paging and the
declared error answers."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Schema
from ninja.errors import HttpError, ValidationError

from harbour.accounts.models import User
from harbour.api import schemas
from harbour.audit.services import Actor, client_ip
from harbour.cases import access


def actor_of(request: HttpRequest) -> Actor:
    return Actor(user=request.auth, ip_address=client_ip(request))  # type: ignore[attr-defined]


def case_staff(request: HttpRequest, *query: str) -> Any:
    """The caller, if their role handles case files; `query` names the query
    parameters the operation accepts (any other is refused with 422)."""
    membership = access.membership_of(request.auth)  # type: ignore[attr-defined]
    if membership is None or not membership.can_open_cases:
        raise HttpError(403, "Your role does not give access to case files.")
    only_query(request, *query)
    return request.auth  # type: ignore[attr-defined]


def only_query(request: HttpRequest, *allowed: str) -> None:
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


# Larger offsets than this are no real page and would overflow the database's
# integer in OFFSET; the schema declares the bounds so a client can see them.
MAX_OFFSET = 1_000_000


class PageParams(Schema):
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


Errors = {
    400: schemas.ErrorOut,
    401: schemas.ErrorOut,
    403: schemas.ErrorOut,
    404: schemas.ErrorOut,
    422: schemas.ValidationErrorOut,
}


ModelT = TypeVar("ModelT", bound=Model)


def get_visible(queryset: QuerySet[ModelT], raw_id: str) -> ModelT:
    """The object with this id among those the caller may see; 404 for a
    malformed id exactly as for another organisation's object."""
    try:
        return queryset.get(pk=uuid.UUID(raw_id))
    except (ValueError, ObjectDoesNotExist):
        raise Http404 from None


def staff_who_can_open(case: Any, username: str | None) -> Any:
    """The named member of staff, if they can open the case; 409 otherwise,
    the same for a stranger as for nobody (a username is not confirmed)."""
    from harbour.cases.services import can_open_case

    if username is None:
        return None
    user = User.objects.filter(
        username=username, membership__organisation_id=case.organisation_id
    ).first()
    if user is None or not can_open_case(user, case):
        raise HttpError(409, "No member of staff who can open this case has that username.")
    return user
