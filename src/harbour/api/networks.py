"""Network endpoints (docs/networks.md, "API").

- Mentions are part of a case file: listed, added, read, changed and removed
  by the case's staff, reached through cases.access and changed through
  networks.services (matched at once, like the web page).
- An entity is read by case staff who can open one of its cases: the
  mentions they may read, the rest as counts per organisation.
- Networks are read by supervisors, organisation admins and coalition
  analysts; analysts get numbers only (never a case, a name or an address).
"""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest
from ninja import Query, Router, Status
from ninja.errors import HttpError, ValidationError
from pydantic import ConfigDict, Field, StringConstraints

from harbour.api.common import Errors, PageParams, actor_of, case_staff, only_query
from harbour.api.schemas import CleanText, ErrorOut, Out, Page, Strict
from harbour.audit.services import record
from harbour.cases import access as case_access
from harbour.cases.services import record_case_view
from harbour.networks import access, services
from harbour.networks.models import Mention

router = Router(tags=["networks"])

RoleName = Literal["employer", "recruiter", "housing", "worksite", "transporter"]
Name = Annotated[str, StringConstraints(max_length=300), CleanText()]
# Ten phones of 40 characters fit the 500 the service stores.
PhoneText = Annotated[str, StringConstraints(max_length=40), CleanText()]
Phones = Annotated[list[PhoneText], Field(max_length=10)]
Address = Annotated[str, StringConstraints(max_length=500), CleanText()]
Notes = Annotated[str, StringConstraints(max_length=4000), CleanText()]


# Not blank as the service strips (Python's whitespace includes \x1c-\x1f and \x85).
NOT_BLANK = r"[^\s\x1c-\x1f\x85]"
PHONE_NOT_BLANK = r"[^\s\x1c-\x1f\x85,]"  # a comma separates phones
# What the service requires, said in the schema: something to match on.
SOMETHING_TO_MATCH_ON: dict[str, Any] = {
    "anyOf": [
        *(
            {"required": [name], "properties": {name: {"pattern": NOT_BLANK}}}
            for name in ("name", "other_name", "address")
        ),
        {
            "required": ["phones"],
            "properties": {"phones": {"contains": {"pattern": PHONE_NOT_BLANK}}},
        },
    ]
}


class MentionIn(Strict):
    """A party named on the case; at least a name, a phone or an address."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=SOMETHING_TO_MATCH_ON)

    role: RoleName
    name: Name = ""  # for a business, its legal name
    other_name: Name = ""  # operating name, or another name
    phones: Phones = Field(default_factory=list)  # in any format
    address: Address = ""
    notes: Notes = ""


class MentionPatch(Strict):
    """Fields left out stay as they are."""

    role: RoleName | None = None
    name: Name | None = None
    other_name: Name | None = None
    phones: Phones | None = None
    address: Address | None = None
    notes: Notes | None = None


class MentionOut(Out):
    id: uuid.UUID
    case_id: uuid.UUID
    case_reference: str
    role: RoleName
    name: str
    other_name: str
    phones: list[str]
    address: str
    notes: str
    # The party linkage resolved it into; null while the person does not
    # consent to network linkage.
    entity_id: uuid.UUID | None
    match_probability: float | None
    created_at: datetime.datetime
    updated_at: datetime.datetime


class NetworkOut(Out):
    id: uuid.UUID
    cases: int
    organisations: int
    people: int
    provinces: list[str]
    roles: list[RoleName]
    first_seen: datetime.date | None
    last_seen: datetime.date | None
    alert: bool
    alert_reasons: list[str]


class NetworkPage(Page):
    items: list[NetworkOut]


class PartyOut(Out):
    entity_id: uuid.UUID
    role: RoleName
    # A name the viewer may read, or "<role> named by another organisation".
    label: str
    cases: int


class CaseRefOut(Out):
    id: uuid.UUID
    reference: str


class OtherOrganisationOut(Out):
    organisation: str
    contact: str
    cases: int
    # Only when that organisation shares its references with the caller's.
    references: list[str]


class NetworkDetailOut(NetworkOut):
    # True for coalition analysts: the lists below are then empty.
    counts_only: bool
    parties: list[PartyOut]
    cases_of_yours: list[CaseRefOut]
    other_organisations: list[OtherOrganisationOut]


class EntityOut(Out):
    id: uuid.UUID
    role: RoleName
    mentions: list[MentionOut]  # those on cases the caller may open
    elsewhere: list[OtherOrganisationOut]  # the rest, as counts
    network: NetworkOut | None


# --- Helpers --------------------------------------------------------------------------


def _mention_out(mention: Mention) -> dict[str, Any]:
    return {
        "id": mention.pk,
        "case_id": mention.case_id,
        "case_reference": mention.case.reference,
        "role": mention.role,
        "name": mention.name,
        "other_name": mention.other_name,
        "phones": mention.phone_list,
        "address": mention.address,
        "notes": mention.notes,
        "entity_id": mention.entity_id,
        "match_probability": mention.match_probability,
        "created_at": mention.created_at,
        "updated_at": mention.updated_at,
    }


def _network_out(view: access.NetworkView) -> dict[str, Any]:
    return {
        "id": view.id,
        "cases": view.cases,
        "organisations": view.organisations,
        "people": view.people,
        "provinces": view.provinces,
        "roles": view.roles,
        "first_seen": view.first_seen,
        "last_seen": view.last_seen,
        "alert": view.alert,
        "alert_reasons": view.alert_reasons,
    }


def _others_out(others: list[access.OtherOrganisation]) -> list[dict[str, Any]]:
    return [
        {
            "organisation": other.name,
            "contact": other.contact,
            "cases": other.cases,
            "references": other.references,
        }
        for other in others
    ]


def _service_data(given: dict[str, Any]) -> dict[str, Any]:
    data = dict(given)
    if data.get("phones") is not None:
        data["phones"] = "\n".join(data["phones"])
    return data


def _invalid(problem: services.InvalidMention) -> ValidationError:
    return ValidationError(
        [{"loc": ["body", problem.field], "msg": str(problem), "type": "value_error"}]
    )


def _mention_for(user: Any, mention_id: str) -> Mention:
    """A mention on a case the caller may open; 404 otherwise."""
    try:
        key = uuid.UUID(mention_id)
    except ValueError:
        raise Http404 from None
    mention = (
        Mention.objects.filter(case__in=case_access.visible_cases(user))
        .select_related("case")
        .filter(pk=key)
        .first()
    )
    if mention is None:
        raise Http404
    return mention


def network_reader(request: HttpRequest, *query: str) -> Any:
    """Supervisors, organisation admins and coalition analysts (403 for others)."""
    user = request.auth  # type: ignore[attr-defined]
    if not access.is_network_reader(user):
        raise HttpError(403, "Your role does not give access to networks.")
    only_query(request, *query)
    return user


# --- Mentions -------------------------------------------------------------------------


@router.get("/cases/{case_id}/mentions", response={200: list[MentionOut], **Errors})
def list_mentions(request: HttpRequest, case_id: str) -> Any:
    case = case_access.get_case_for(case_staff(request), case_id)
    record_case_view(actor_of(request), case, via="api")
    return [_mention_out(mention) for mention in case.mentions.select_related("case")]


@router.post("/cases/{case_id}/mentions", response={201: MentionOut, **Errors})
def create_mention(request: HttpRequest, case_id: str, payload: MentionIn) -> Any:
    case = case_access.get_case_for(case_staff(request), case_id)
    try:
        mention = services.add_mention(actor_of(request), case, _service_data(payload.model_dump()))
    except services.InvalidMention as problem:
        raise _invalid(problem) from None
    mention.refresh_from_db()
    return Status(201, _mention_out(mention))


@router.get("/mentions/{mention_id}", response={200: MentionOut, **Errors})
def get_mention(request: HttpRequest, mention_id: str) -> Any:
    mention = _mention_for(case_staff(request), mention_id)
    record_case_view(actor_of(request), mention.case, via="api")
    return _mention_out(mention)


@router.patch("/mentions/{mention_id}", response={200: MentionOut, 409: ErrorOut, **Errors})
def update_mention(request: HttpRequest, mention_id: str, payload: MentionPatch) -> Any:
    mention = _mention_for(case_staff(request), mention_id)
    given = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    try:
        services.update_mention(actor_of(request), mention, _service_data(given))
    except services.InvalidMention as problem:
        # Valid on its own, but not for this mention as stored (it would
        # name nothing left to match on): 409, naming the field.
        raise HttpError(409, f"{problem.field}: {problem}") from None
    mention.refresh_from_db()
    return _mention_out(mention)


@router.delete("/mentions/{mention_id}", response={204: None, **Errors})
def delete_mention(request: HttpRequest, mention_id: str) -> Any:
    mention = _mention_for(case_staff(request), mention_id)
    services.remove_mention(actor_of(request), mention)
    return Status(204, None)


# --- Entities -------------------------------------------------------------------------


@router.get("/entities/{entity_id}", response={200: EntityOut, **Errors})
def get_entity(request: HttpRequest, entity_id: str) -> Any:
    user = case_staff(request)
    entity = access.get_entity_for(user, entity_id)
    readable, others = access.entity_mentions(user, entity)
    record(
        actor_of(request),
        "entity.view",
        entity,
        detail={"cases": sorted({str(m.case_id) for m in readable}), "via": "api"},
    )
    network = (
        _network_out(access.describe_network(user, entity.network, detail=False))
        if entity.network
        else None
    )
    return {
        "id": entity.pk,
        "role": entity.role,
        "mentions": [_mention_out(mention) for mention in readable],
        "elsewhere": _others_out(others),
        "network": network,
    }


# --- Networks -------------------------------------------------------------------------


def _network_page(request: HttpRequest, page: PageParams, *, alerts_only: bool) -> Any:
    user = network_reader(request, "limit", "offset")
    views = [
        access.describe_network(user, network, detail=False)
        for network in access.visible_networks(user)
    ]
    if alerts_only:
        views = [view for view in views if view.alert]
    views.sort(key=lambda view: (not view.alert, -view.cases, view.id))
    limit, offset = page.limit, page.offset
    return {
        "count": len(views),
        "limit": limit,
        "offset": offset,
        "items": [_network_out(view) for view in views[offset : offset + limit]],
    }


@router.get("/networks", response={200: NetworkPage, **Errors})
def list_networks(request: HttpRequest, page: Query[PageParams]) -> Any:
    """Every network the caller may see, those with an alert first."""
    return _network_page(request, page, alerts_only=False)


@router.get("/networks/alerts", response={200: NetworkPage, **Errors})
def list_network_alerts(request: HttpRequest, page: Query[PageParams]) -> Any:
    """Networks that link several cases or more than one organisation."""
    return _network_page(request, page, alerts_only=True)


@router.get("/networks/{network_id}", response={200: NetworkDetailOut, **Errors})
def get_network(request: HttpRequest, network_id: str) -> Any:
    user = network_reader(request)
    network = access.get_network_for(user, network_id)
    analyst = access.is_analyst(user)
    view = access.describe_network(user, network, detail=not analyst)
    if not analyst:
        record(
            actor_of(request),
            "network.view",
            network,
            detail={"cases": sorted(str(case.pk) for case in view.own_cases), "via": "api"},
        )
    return {
        **_network_out(view),
        "counts_only": analyst,
        "parties": [
            {"entity_id": e.id, "role": e.role, "label": e.label, "cases": e.cases}
            for e in view.entities
        ],
        "cases_of_yours": [{"id": case.pk, "reference": case.reference} for case in view.own_cases],
        "other_organisations": _others_out(view.others),
    }
