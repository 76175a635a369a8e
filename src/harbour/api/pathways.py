"""Protection pathway endpoints: evaluate facts (nothing stored), a case's
pathways from its recorded facts, and the rules themselves with their sources.

A result gives every pathway's status (`likely_eligible`, `possibly_eligible`,
`not_yet` with `eligible_on`, `not_eligible`, `not_applicable` with
`not_applicable_on`), the unverified rules that capped it (`capped_by`), whether
its review date has passed (`review_overdue`), and beside each criterion where
the facts it read came from (`provenance`)."""

from __future__ import annotations

import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Router
from pydantic import Field, StrictBool, create_model

from harbour.api.common import Errors, actor_of, case_staff, only_query
from harbour.api.schemas import IsoDate, Out, Strict
from harbour.cases import access
from harbour.pathways import engine, services
from harbour.pathways.rules import FACT_SPECS, load_pathways

router = Router(tags=["pathways"])


def _fact_type(name: str) -> Any:
    kind, allowed = FACT_SPECS[name]
    if kind == "bool":
        return StrictBool | None
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


class DocumentedOriginIn(Strict):
    """A fact shown by one of the case's documents: `document` names it."""

    source: Literal["documented"]
    document: str = Field(min_length=1, max_length=64)


class StatedOriginIn(Strict):
    """A fact from the record, a screening, the person's own words or staff's
    assumption: no document."""

    source: Literal[tuple(s for s in engine.PROVENANCE_SOURCES if s != "documented")]  # type: ignore[valid-type]


# The schema itself says a document goes with `documented` and only with it, so
# a well-formed request is never refused for it (the fuzzer holds us to that).
FactOriginIn = Annotated[DocumentedOriginIn | StatedOriginIn, Field(discriminator="source")]


ProvenanceIn = create_model(  # type: ignore[call-overload]
    "PathwayProvenanceIn",
    __base__=Strict,
    **{name: (FactOriginIn | None, None) for name in FACT_SPECS},
)


class PathwaysEvaluateIn(Strict):
    facts: FactsIn = Field(default_factory=FactsIn)  # type: ignore[valid-type]
    provenance: ProvenanceIn = Field(default_factory=ProvenanceIn)  # type: ignore[valid-type]
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


def _evaluate(
    facts: engine.Facts,
    as_of: datetime.date | None,
    provenance: dict[str, engine.Provenance],
) -> dict[str, Any]:
    result = engine.evaluate(
        load_pathways(), facts, as_of or timezone.localdate(), provenance=provenance
    )
    return {"result": result.to_dict()}


def _provenance(payload: Any) -> dict[str, engine.Provenance]:
    given = {k: v for k, v in payload.model_dump().items() if v is not None}
    return {n: engine.Provenance(o["source"], o.get("document")) for n, o in given.items()}


@router.post("/pathways/evaluate", response={200: PathwaysResultOut, **Errors})
def evaluate_facts(request: HttpRequest, payload: PathwaysEvaluateIn) -> Any:
    """Evaluate every pathway on these facts as of a day (today by default).
    Nothing is stored."""
    case_staff(request)
    facts = engine.Facts(**payload.facts.model_dump())  # type: ignore[attr-defined]
    return _evaluate(facts, payload.as_of, _provenance(payload.provenance))


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
