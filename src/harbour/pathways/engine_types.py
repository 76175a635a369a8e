"""The pathways engine's data: the facts going in (with where each came from)
and the results coming out. Pure Python, no Django, no I/O; `engine` re-exports
every name here.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from harbour.pathways.rules import FACT_NAMES, FACT_SPECS

# --- input --------------------------------------------------------------------------


class FactsError(ValueError):
    """Facts with unknown names or bad values; the message names each one."""

    def __init__(self, unknown: Sequence[str] = (), bad: Sequence[tuple[str, str]] = ()) -> None:
        self.unknown = tuple(unknown)
        self.bad = tuple(bad)
        parts = []
        if self.unknown:
            parts.append(f"unknown fact(s): {', '.join(self.unknown)}")
        if self.bad:
            parts.append("bad value(s): " + "; ".join(f"{n} {why}" for n, why in self.bad))
        super().__init__("; ".join(parts))


def _problem(name: str, value: Any) -> str | None:
    """Why `value` cannot be fact `name`, or None when it can."""
    if value is None:
        return None
    kind, allowed = FACT_SPECS[name]
    if kind == "bool" and not isinstance(value, bool):
        return f"must be true, false or null, not {value!r}"
    if kind == "date" and (
        not isinstance(value, datetime.date) or isinstance(value, datetime.datetime)
    ):
        return f"must be a date (YYYY-MM-DD) or null, not {value!r}"
    if kind == "choice" and value not in allowed:
        return f"must be one of {', '.join(allowed)} or null, not {value!r}"
    return None


@dataclass(frozen=True, slots=True)
class Facts:
    """What is known about the person; every field may be None (unknown)."""

    status: str | None = None
    permit_type: str | None = None
    permit_expiry: datetime.date | None = None
    province: str | None = None
    in_canada: bool | None = None
    entered_canada_on: datetime.date | None = None
    status_lost_on: datetime.date | None = None
    status_lost_reason: str | None = None
    meets_initial_requirements: bool | None = None
    screening_reading: str | None = None
    abuse_at_work: bool | None = None
    works_or_worked_in_canada: bool | None = None
    family_in_canada: bool | None = None
    removal_order: bool | None = None
    prior_refugee_claim: bool | None = None
    prior_claim_ended_on: datetime.date | None = None
    refugee_claim_on: datetime.date | None = None
    refugee_claim_at: str | None = None
    refugee_claim_pending: bool | None = None
    safe_third_country_arrival: bool | None = None
    fears_persecution_or_risk: bool | None = None
    trp_issued_on: datetime.date | None = None
    inadmissibility: str | None = None
    inadmissible_since_permit: bool | None = None
    hc_application_pending: bool | None = None
    hc_bar_exception: bool | None = None
    designated_foreign_national: bool | None = None
    last_worked_on: datetime.date | None = None
    needs_status_otherwise: bool | None = None

    def __post_init__(self) -> None:
        bad = [(name, why) for name in FACT_NAMES if (why := _problem(name, getattr(self, name)))]
        if bad:
            raise FactsError(bad=bad)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Facts:
        """Facts from JSON-like data: dates as `YYYY-MM-DD` text; errors name each fact."""
        unknown = sorted(str(name) for name in data if name not in FACT_SPECS)
        values: dict[str, Any] = {}
        bad: list[tuple[str, str]] = []
        for name, value in data.items():
            if name not in FACT_SPECS:
                continue
            if FACT_SPECS[name][0] == "date" and isinstance(value, str):
                try:
                    value = datetime.date.fromisoformat(value)
                except ValueError:
                    bad.append((name, f"must be a real date written YYYY-MM-DD, not {value!r}"))
                    continue
            why = _problem(name, value)
            if why:
                bad.append((name, why))
            values[name] = value
        if unknown or bad:
            raise FactsError(unknown, bad)
        return cls(**values)

    def known(self) -> dict[str, Any]:
        return {n: getattr(self, n) for n in FACT_NAMES if getattr(self, n) is not None}

    def without(self, name: str) -> Facts:
        return dataclasses.replace(self, **{name: None})


# Where a fact came from. Letters assert only what the person stated or a
# document shows; the rest is listed "to confirm".
PROVENANCE_SOURCES = ("record", "screening", "stated", "documented", "assumed")
ASSERTABLE_SOURCES = ("stated", "documented")


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where one fact came from: the person's or the case's record, a screening,
    the person's own statement, a document (`document`: the case document's id)
    or an assumption by staff."""

    source: str
    document: str | None = None

    def __post_init__(self) -> None:
        if self.source not in PROVENANCE_SOURCES:
            raise FactsError(
                bad=[
                    (
                        "provenance",
                        f"must be one of {', '.join(PROVENANCE_SOURCES)}, not {self.source!r}",
                    )
                ]
            )
        if (self.source == "documented") != bool(self.document):
            raise FactsError(
                bad=[("provenance", "a document is named exactly when the source is documented")]
            )

    @property
    def assertable(self) -> bool:
        return self.source in ASSERTABLE_SOURCES

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "document": self.document}


def check_provenance(provenance: Mapping[str, Provenance]) -> None:
    unknown = sorted(str(n) for n in provenance if n not in FACT_SPECS)
    bad = [
        (str(n), f"must be a Provenance, not {type(v).__name__}")
        for n, v in provenance.items()
        if n in FACT_SPECS and not isinstance(v, Provenance)
    ]
    if unknown or bad:
        raise FactsError(unknown, bad)


# --- output -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    en: str
    fr: str


class Outcome(StrEnum):
    MET = "met"
    UNMET = "unmet"
    UNKNOWN = "unknown"


class Status(StrEnum):
    LIKELY_ELIGIBLE = "likely_eligible"
    POSSIBLY_ELIGIBLE = "possibly_eligible"
    NOT_ELIGIBLE = "not_eligible"
    NOT_APPLICABLE = "not_applicable"
    # Every unmet criterion will be met on a known date (`PathwayResult.eligible_on`).
    NOT_YET = "not_yet"


@dataclass(frozen=True, slots=True)
class SourceInfo:
    ref: str
    section: str | None
    title: str
    url: str
    valid_from: datetime.date
    valid_until: datetime.date | None
    verified: bool
    verification_note: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "section": self.section,
            "title": self.title,
            "url": self.url,
            "valid_from": self.valid_from.isoformat(),
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "verified": self.verified,
            "verification_note": self.verification_note,
        }


@dataclass(frozen=True, slots=True)
class CriterionResult:
    id: str
    label: Text
    role: str
    outcome: Outcome
    facts: tuple[str, ...]
    missing: tuple[str, ...]
    source: SourceInfo
    # The known facts it read, each with where it came from (None: not said).
    provenance: tuple[tuple[str, Provenance | None], ...] = ()
    # For an unmet criterion that will be met on a known day (a waiting period).
    met_on: datetime.date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": dataclasses.asdict(self.label),
            "role": self.role,
            "outcome": self.outcome.value,
            "facts": list(self.facts),
            "missing_facts": list(self.missing),
            "provenance": [
                {"fact": name, **(p.to_dict() if p else {"source": None, "document": None})}
                for name, p in self.provenance
            ],
            "met_on": self.met_on.isoformat() if self.met_on else None,
            "rule": self.source.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class ComputedDate:
    id: str
    label: Text
    kind: str
    bound: str
    date: datetime.date | None
    period: str | None
    from_fact: str
    missing: tuple[str, ...]
    note: Text | None
    source: SourceInfo

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": dataclasses.asdict(self.label),
            "kind": self.kind,
            "bound": self.bound,
            "date": self.date.isoformat() if self.date else None,
            "period": self.period,
            "from_fact": self.from_fact,
            "missing_facts": list(self.missing),
            "note": dataclasses.asdict(self.note) if self.note else None,
            "rule": self.source.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class Entry:
    """A benefit, document or note in force on `as_of`."""

    id: str
    text: Text
    source: SourceInfo

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": dataclasses.asdict(self.text), "rule": self.source.to_dict()}


@dataclass(frozen=True, slots=True)
class FeeResult:
    id: str
    label: Text
    amount_cad: float | None
    exempt: bool
    source: SourceInfo

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": dataclasses.asdict(self.label),
            "amount_cad": self.amount_cad,
            "exempt": self.exempt,
            "rule": self.source.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class PathwayResult:
    id: str
    title: Text
    kind: str
    status: Status
    explanation: Text
    criteria: tuple[CriterionResult, ...]
    dates: tuple[ComputedDate, ...]
    benefits: tuple[Entry, ...]
    fees: tuple[FeeResult, ...]
    documents: tuple[Entry, ...]
    notes: tuple[Entry, ...]
    missing: tuple[str, ...]
    review_by: datetime.date
    summary: Text
    # not_yet: the day every unmet criterion is met, if nothing else changes.
    eligible_on: datetime.date | None = None
    # Unverified rules that kept an otherwise likely pathway at possibly_eligible.
    capped_by: tuple[str, ...] = ()
    # not_applicable: what the unmet condition is about (status, place, province).
    not_applicable_on: tuple[str, ...] = ()
    # The evaluation day is after the rules' review date.
    review_overdue: bool = False

    @property
    def conditions(self) -> tuple[CriterionResult, ...]:
        return tuple(c for c in self.criteria if c.role == "applicability")

    @property
    def capping_rules(self) -> tuple[CriterionResult, ...]:
        return tuple(c for c in self.criteria if c.id in self.capped_by)

    def criterion(self, criterion_id: str) -> CriterionResult:
        return next(c for c in self.criteria if c.id == criterion_id)

    def date(self, date_id: str) -> ComputedDate:
        return next(d for d in self.dates if d.id == date_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": dataclasses.asdict(self.title),
            "kind": self.kind,
            "status": self.status.value,
            "explanation": dataclasses.asdict(self.explanation),
            "summary": dataclasses.asdict(self.summary),
            "criteria": [c.to_dict() for c in self.criteria],
            "dates": [d.to_dict() for d in self.dates],
            "benefits": [b.to_dict() for b in self.benefits],
            "fees": [f.to_dict() for f in self.fees],
            "documents": [d.to_dict() for d in self.documents],
            "notes": [n.to_dict() for n in self.notes],
            "missing_facts": list(self.missing),
            "review_by": self.review_by.isoformat(),
            "review_overdue": self.review_overdue,
            "eligible_on": self.eligible_on.isoformat() if self.eligible_on else None,
            "capped_by": [
                {
                    "id": c.id,
                    "label": dataclasses.asdict(c.label),
                    "verification_note": c.source.verification_note,
                }
                for c in self.capping_rules
            ],
            "not_applicable_on": list(self.not_applicable_on),
        }


@dataclass(frozen=True, slots=True)
class NextFact:
    fact: str
    decides: int
    pathways: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"fact": self.fact, "decides": self.decides, "pathways": list(self.pathways)}


@dataclass(frozen=True, slots=True)
class Result:
    as_of: datetime.date
    facts: Facts
    pathways: tuple[PathwayResult, ...]
    ask_next: tuple[NextFact, ...] = field(default=())
    provenance: Mapping[str, Provenance] = field(default_factory=dict)

    def pathway(self, pathway_id: str) -> PathwayResult:
        return next(p for p in self.pathways if p.id == pathway_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "facts": {
                k: v.isoformat() if isinstance(v, datetime.date) else v
                for k, v in self.facts.known().items()
            },
            "pathways": [p.to_dict() for p in self.pathways],
            "ask_next": [n.to_dict() for n in self.ask_next],
            "provenance": {
                name: self.provenance[name].to_dict()
                for name in FACT_NAMES
                if name in self.provenance and getattr(self.facts, name) is not None
            },
        }
