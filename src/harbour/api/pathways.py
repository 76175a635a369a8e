"""Protection pathway endpoints: evaluate facts (nothing stored), a case's
pathways from its recorded facts, and the rules themselves with their sources."""

from __future__ import annotations

import datetime
from enum import StrEnum
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router
from pydantic import Field, create_model

from harbour.api.common import Errors, actor_of, case_staff, only_query
from harbour.api.schemas import IsoDate, Out, Strict
from harbour.cases import access
from harbour.pathways import engine, services
from harbour.pathways.rules import FACT_SPECS, load_pathways

router = Router(tags=["pathways"])


def _fact_type(name: str) -> Any:
    kind, allowed = FACT_SPECS[name]
    if kind == "bool":
        return bool | None
    if kind == "date":
        return IsoDate | None
    return Literal[allowed] | None


# One optional field per fact the rules read, so the OpenAPI document lists
# every fact and its values; null or absent means unknown.
FactsIn = create_model(  # type: ignore[call-overload]
    "PathwayFactsIn",
    __base__=Strict,
    **{name: (_fact_type(name), None) for name in FACT_SPECS},
)


class PathwaysEvaluateIn(Strict):
    facts: FactsIn = Field(default_factory=FactsIn)  # type: ignore[valid-type]
    as_of: IsoDate | None = None


class PathwaysResultOut(Out):
    result: dict[str, Any]


class RuleSummaryOut(Out):
    id: str
    title: dict[str, str]
    kind: str
    valid_from: datetime.date
    valid_until: datetime.date | None
    review_by: datetime.date
    rules: int
    unverified: int


PathwayId = StrEnum("PathwayId", {p.id: p.id for p in load_pathways()})  # type: ignore[misc]


def _evaluate(facts: engine.Facts, as_of: datetime.date | None) -> dict[str, Any]:
    result = engine.evaluate(load_pathways(), facts, as_of or timezone.localdate())
    return {"result": result.to_dict()}


@router.post("/pathways/evaluate", response={200: PathwaysResultOut, **Errors})
def evaluate_facts(request: HttpRequest, payload: PathwaysEvaluateIn) -> Any:
    """Evaluate every pathway on these facts as of a day (today by default).
    Nothing is stored."""
    case_staff(request)
    facts = engine.Facts(**payload.facts.model_dump())  # type: ignore[attr-defined]
    return _evaluate(facts, payload.as_of)


@router.get("/cases/{case_id}/pathways", response={200: PathwaysResultOut, **Errors})
def case_pathways(request: HttpRequest, case_id: str, as_of: IsoDate | None = None) -> Any:
    """The pathways of a case, from its records and the facts staff confirmed."""
    case = access.get_case_for(case_staff(request, "as_of"), case_id)
    _view, result = services.evaluate_case(case, as_of or timezone.localdate())
    services.record_navigator_view(actor_of(request), case)
    return {"result": result.to_dict()}


@router.get("/pathways/rules", response={200: list[RuleSummaryOut], **Errors})
def list_rules(request: HttpRequest) -> Any:
    """Every pathway Harbour knows, with its dates and how many rules are unverified."""
    only_query(request)
    return [
        {
            "id": p.id,
            "title": p.title.model_dump(),
            "kind": p.kind,
            "valid_from": p.valid_from,
            "valid_until": p.valid_until,
            "review_by": p.review_by,
            "rules": sum(1 for _ in p.dated_entries()),
            "unverified": sum(1 for _s, e in p.dated_entries() if not e.verified),
        }
        for p in load_pathways()
    ]


@router.get("/pathways/rules/{pathway_id}", response={200: dict[str, Any], **Errors})
def get_rules(request: HttpRequest, pathway_id: PathwayId) -> Any:
    """One pathway's rules as in its knowledge file: every dated entry with its source."""
    only_query(request)
    for pathway in load_pathways():
        if pathway.id == pathway_id:
            return pathway.model_dump(mode="json", by_alias=True, exclude_none=True)
    raise Http404
