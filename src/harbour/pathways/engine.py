"""The pathways engine: from a person's facts, every protection and recourse open.

Pure Python: no Django, no I/O. `evaluate(pathways, facts, as_of)` takes the loaded
rules (`rules.load_pathways()`), a `Facts` and the day of the evaluation, and
returns a `Result`: for each pathway a status, each criterion met / unmet /
unknown with its source and the version of the rule in force on `as_of`, the
computed deadlines and validity dates, benefits, fees, documents and an
explanation in English and French; and the missing facts to ask next.

Every fact is optional; `None` means unknown. Tests use three-valued logic (a test
on an unknown fact is unknown; `any` is met as soon as one branch is met, `all`
unmet as soon as one branch is unmet), so learning a fact can only settle an
unknown, never reverse a settled criterion.

Status, in order of precedence:

1. `not_eligible`: an eligibility criterion is unmet;
2. `not_applicable`: the pathway is not in force on `as_of`, or an applicability
   criterion (province, kind of permit…) is unmet;
3. `possibly_eligible`: some criterion is unknown;
4. `likely_eligible`: every criterion in force is met.

Because a criterion unmet on fewer facts is unmet on more, removing a fact can
never make a pathway `not_eligible` (nor `likely_eligible`) that was not already.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from harbour.pathways.rules import (
    FACT_NAMES,
    FACT_SPECS,
    Dated,
    Duration,
    Item,
    Pathway,
    Period,
    Test,
)

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

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": dataclasses.asdict(self.label),
            "role": self.role,
            "outcome": self.outcome.value,
            "facts": list(self.facts),
            "missing_facts": list(self.missing),
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
        }


# --- evaluation ---------------------------------------------------------------------


def add_period(start: datetime.date, period: Period) -> datetime.date:
    """`start` plus the period; a month or year end is clamped (31 Jan + 1 month = 28/29 Feb)."""
    if period.days is not None:
        return start + datetime.timedelta(days=period.days)
    months = period.months if period.months is not None else (period.years or 0) * 12
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)


def _reference(test: Test, facts: Facts, as_of: datetime.date) -> tuple[datetime.date | None, bool]:
    """The reference date and whether it is `as_of` standing in for an unknown fact."""
    if test.until == "as_of":
        return as_of, False
    value: datetime.date | None = getattr(facts, test.until)
    if value is None and test.or_as_of:
        return as_of, True
    return value, False


def check(test: Test, facts: Facts, as_of: datetime.date) -> bool | None:
    """Three-valued: True (met), False (unmet) or None (unknown)."""
    if test.fact is None:
        if test.not_ is not None:
            inner = check(test.not_, facts, as_of)
            return None if inner is None else not inner
        if test.any is not None:
            unknown = False
            for child in test.any:
                value = check(child, facts, as_of)
                if value:
                    return True
                unknown = unknown or value is None
            return None if unknown else False
        unknown = False
        for child in test.all or ():
            value = check(child, facts, as_of)
            if value is False:
                return False
            unknown = unknown or value is None
        return None if unknown else True
    value = getattr(facts, test.fact)
    if value is None:
        return None
    if test.is_ is not None:
        return bool(value == test.is_)
    if test.in_ is not None:
        return value in test.in_
    if test.not_in is not None:
        return value not in test.not_in
    if test.on_or_before is not None:
        return bool(value <= test.on_or_before)
    if test.after is not None:
        return bool(value > test.after)
    reference, standing_in = _reference(test, facts, as_of)
    if reference is None:
        return None
    if test.within is not None:
        outcome = reference <= add_period(value, test.within)
    else:
        assert test.at_least is not None  # noqa: S101 - the model allows nothing else
        outcome = reference >= add_period(value, test.at_least)
    if standing_in:
        # The unknown date (a claim, say) is at the latest `as_of` if it happened, or
        # `as_of` if it happens today. `within` on as_of then settles "met"; `at_least`
        # settles "unmet"; the other answer could change once the date is known.
        if test.within is not None:
            return True if outcome else None
        return False if not outcome else None
    return outcome


def _source(pathway: Pathway, entry: Dated) -> SourceInfo:
    source = next(s for s in pathway.sources if s.id == entry.source.ref)
    return SourceInfo(
        entry.source.ref,
        entry.source.section,
        source.title,
        source.url,
        entry.valid_from,
        entry.valid_until,
        entry.verified,
        entry.verification_note,
    )


def _text(value: Any) -> Text:
    return Text(value.en, value.fr)


def _computed(
    pathway: Pathway, durations: Sequence[Duration], facts: Facts, as_of: datetime.date
) -> list[ComputedDate]:
    by_id: dict[str, list[Duration]] = {}
    for duration in durations:
        by_id.setdefault(duration.id, []).append(duration)
    results = []
    for duration_id, versions in by_id.items():
        first = versions[0]
        anchor: datetime.date | None
        if first.from_fact == "as_of":
            anchor = as_of
        else:
            anchor = getattr(facts, first.from_fact)
            if anchor is None and first.or_as_of:
                anchor = as_of
        day = anchor if anchor is not None and first.version_by == "anchor" else as_of
        version = next((v for v in versions if v.in_force(day)), None)
        if version is None:
            continue
        if version.when is not None and check(version.when, facts, as_of) is False:
            continue
        missing = () if anchor is not None else (first.from_fact,)
        when_missing = tuple(
            name
            for name in (version.when.facts() if version.when else ())
            if getattr(facts, name) is None
        )
        date = add_period(anchor, version.period) if anchor and version.period else None
        results.append(
            ComputedDate(
                duration_id,
                _text(version.label),
                version.kind,
                version.bound,
                date,
                version.period.describe() if version.period else None,
                version.from_fact,
                tuple(dict.fromkeys(missing + when_missing)),
                _text(version.note) if version.note else None,
                _source(pathway, version),
            )
        )
    return results


def _join(labels: Sequence[Text], lang: str) -> str:
    return "; ".join(getattr(label, lang) for label in labels)


def _explain(status: Status, criteria: Sequence[CriterionResult], as_of: datetime.date) -> Text:
    day = as_of.isoformat()
    if status is Status.NOT_ELIGIBLE:
        unmet = [
            c.label for c in criteria if c.outcome is Outcome.UNMET and c.role == "eligibility"
        ]
        return Text(
            f"Not eligible on the facts given: not met: {_join(unmet, 'en')}.",
            f"Non admissible selon les faits fournis : non rempli : {_join(unmet, 'fr')}.",
        )
    if status is Status.NOT_APPLICABLE:
        unmet = [c.label for c in criteria if c.outcome is Outcome.UNMET]
        if not unmet:
            return Text(
                f"Not applicable: Harbour has no version of these rules in force on {day}.",
                f"Sans objet : Harbour n'a aucune version de ces règles en vigueur le {day}.",
            )
        return Text(
            f"Not applicable to this person; condition not met: {_join(unmet, 'en')}.",
            f"Ne s'applique pas à cette personne; condition non remplie : {_join(unmet, 'fr')}.",
        )
    if status is Status.POSSIBLY_ELIGIBLE:
        unknown = [c.label for c in criteria if c.outcome is Outcome.UNKNOWN]
        return Text(
            f"Possibly eligible: no criterion is unmet, but these are not known yet: "
            f"{_join(unknown, 'en')}.",
            f"Peut-être admissible : aucun critère n'est écarté, mais ceux-ci restent à "
            f"établir : {_join(unknown, 'fr')}.",
        )
    return Text(
        f"Likely eligible: every criterion in force on {day} is met on the facts given.",
        f"Admissibilité probable : chaque critère en vigueur le {day} est rempli selon "
        "les faits fournis.",
    )


@dataclass(frozen=True, slots=True)
class _Compiled:
    """What does not depend on the facts, built once per loaded pathway."""

    title: Text
    summary: Text
    criteria: tuple[tuple[Any, Text, tuple[str, ...], SourceInfo], ...]
    benefits: tuple[tuple[Dated, Entry], ...]
    fees: tuple[tuple[Dated, FeeResult], ...]
    documents: tuple[tuple[Dated, Entry], ...]
    notes: tuple[tuple[Dated, Entry], ...]


_COMPILED: dict[int, tuple[Pathway, _Compiled]] = {}


def _compile(pathway: Pathway) -> _Compiled:
    cached = _COMPILED.get(id(pathway))
    if cached is not None and cached[0] is pathway:
        return cached[1]

    def entries(items: Sequence[Any]) -> tuple[tuple[Dated, Entry], ...]:
        return tuple((i, Entry(i.id, _text(i.text), _source(pathway, i))) for i in items)

    compiled = _Compiled(
        title=_text(pathway.title),
        summary=_text(pathway.summary),
        criteria=tuple(
            (
                c,
                _text(c.label),
                tuple(dict.fromkeys(c.test.facts())),
                _source(pathway, c),
            )
            for c in pathway.criteria
        ),
        benefits=entries(pathway.benefits),
        fees=tuple(
            (f, FeeResult(f.id, _text(f.label), f.amount_cad, f.exempt, _source(pathway, f)))
            for f in pathway.fees
        ),
        documents=entries(pathway.documents),
        notes=entries(pathway.notes),
    )
    # Keep the pathway itself in the cache so that its id cannot be reused.
    _COMPILED[id(pathway)] = (pathway, compiled)
    return compiled


def _shown(entry: Dated, facts: Facts, day: datetime.date) -> bool:
    if not entry.in_force(day):
        return False
    when = entry.when if isinstance(entry, Item) else None
    return when is None or check(when, facts, day) is not False


def _pick(pairs: Sequence[tuple[Dated, Any]], facts: Facts, day: datetime.date) -> tuple[Any, ...]:
    return tuple(result for entry, result in pairs if _shown(entry, facts, day))


def evaluate_pathway(pathway: Pathway, facts: Facts, as_of: datetime.date) -> PathwayResult:
    compiled = _compile(pathway)
    in_force = pathway.valid_from <= as_of and (
        pathway.valid_until is None or as_of <= pathway.valid_until
    )
    criteria: list[CriterionResult] = []
    if in_force:
        for criterion, label, read, source in compiled.criteria:
            if not criterion.in_force(as_of):
                continue
            value = check(criterion.test, facts, as_of)
            if value is None:
                outcome = Outcome.UNKNOWN
                missing = tuple(n for n in read if getattr(facts, n) is None)
            else:
                outcome = Outcome.MET if value else Outcome.UNMET
                missing = ()
            criteria.append(
                CriterionResult(criterion.id, label, criterion.role, outcome, read, missing, source)
            )
    if not in_force:
        status = Status.NOT_APPLICABLE
    elif any(c.outcome is Outcome.UNMET and c.role == "eligibility" for c in criteria):
        status = Status.NOT_ELIGIBLE
    elif any(c.outcome is Outcome.UNMET for c in criteria):
        status = Status.NOT_APPLICABLE
    elif any(c.outcome is Outcome.UNKNOWN for c in criteria):
        status = Status.POSSIBLY_ELIGIBLE
    else:
        status = Status.LIKELY_ELIGIBLE
    missing = (
        tuple(dict.fromkeys(n for c in criteria for n in c.missing))
        if status is Status.POSSIBLY_ELIGIBLE
        else ()
    )
    return PathwayResult(
        id=pathway.id,
        title=compiled.title,
        kind=pathway.kind,
        status=status,
        explanation=_explain(status, criteria, as_of),
        criteria=tuple(criteria),
        dates=tuple(_computed(pathway, pathway.durations, facts, as_of)) if in_force else (),
        benefits=_pick(compiled.benefits, facts, as_of),
        fees=_pick(compiled.fees, facts, as_of),
        documents=_pick(compiled.documents, facts, as_of),
        notes=_pick(compiled.notes, facts, as_of),
        missing=missing,
        review_by=pathway.review_by,
        summary=compiled.summary,
    )


def ask_next(results: Iterable[PathwayResult]) -> tuple[NextFact, ...]:
    """Missing facts, the one that bears on most undecided pathways first.

    A fact counts for a pathway when the pathway is possibly eligible and the fact is
    read by one of its unknown criteria; ties keep the order of `FACT_NAMES`.
    """
    bearing: dict[str, list[str]] = {}
    for result in results:
        for name in result.missing:
            bearing.setdefault(name, []).append(result.id)
    order = {name: position for position, name in enumerate(FACT_NAMES)}
    ranked = sorted(bearing.items(), key=lambda item: (-len(item[1]), order[item[0]]))
    return tuple(NextFact(name, len(ids), tuple(ids)) for name, ids in ranked)


def evaluate(pathways: Iterable[Pathway], facts: Facts, as_of: datetime.date) -> Result:
    """Evaluate every pathway on `facts` as of the day `as_of`."""
    if not isinstance(facts, Facts):
        raise FactsError(bad=[("facts", f"must be a Facts, not {type(facts).__name__}")])
    if not isinstance(as_of, datetime.date) or isinstance(as_of, datetime.datetime):
        raise FactsError(bad=[("as_of", f"must be a date, not {as_of!r}")])
    results = tuple(evaluate_pathway(p, facts, as_of) for p in pathways)
    return Result(as_of, facts, results, ask_next(results))
