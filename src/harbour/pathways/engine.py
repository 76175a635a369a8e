"""The pathways engine: from a person's facts, every protection and recourse open.

Pure Python: no Django, no I/O. `evaluate(pathways, facts, as_of)` takes the loaded
rules (`rules.load_pathways()`), a `Facts` and the day of the evaluation, and
returns a `Result`: for each pathway a status, each condition and criterion met /
unmet / unknown with its source, the version of the rule in force on `as_of` and
where the facts it read came from (`provenance=`), the computed deadlines and
validity dates, benefits, fees, documents and an explanation in English and
French; and the missing facts to ask next.

Every fact is optional; `None` means unknown. Tests use three-valued logic (a test
on an unknown fact is unknown; `any` is met as soon as one branch is met, `all`
unmet as soon as one branch is unmet), so learning a fact can only settle an
unknown, never reverse a settled criterion.

Applicability comes first. Each pathway's `applies_to` conditions (who the
person is, where, which province) are evaluated before anything else; when one
is unmet the pathway is `not_applicable` and none of its criteria is evaluated or
asked. Then, in order of precedence:

1. `not_eligible`: an eligibility criterion is unmet and will not be met by
   waiting;
2. `not_yet`: every unmet criterion is a waiting period that ends on a known day
   (`eligible_on`), and no other criterion fails on that day;
3. `possibly_eligible`: some condition or criterion is unknown, or every one is
   met but one rests on a rule marked `verified: false` (`capped_by` names it);
4. `likely_eligible`: every condition and criterion in force is met, on verified
   rules.

A pathway not in force on `as_of` is `not_applicable` too. Because a criterion
unmet on fewer facts is unmet on more, removing a fact never makes an applicable
pathway `not_eligible`, nor any pathway `likely_eligible`, that was not already.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from harbour.pathways.engine_types import (
    ASSERTABLE_SOURCES,
    PROVENANCE_SOURCES,
    ComputedDate,
    CriterionResult,
    Entry,
    Facts,
    FactsError,
    FeeResult,
    NextFact,
    Outcome,
    PathwayResult,
    Provenance,
    Result,
    SourceInfo,
    Status,
    Text,
    check_provenance,
)
from harbour.pathways.rules import (
    FACT_NAMES,
    Condition,
    Criterion,
    Dated,
    Duration,
    Item,
    Pathway,
    Period,
    Test,
)

__all__ = [
    "ASSERTABLE_SOURCES",
    "PROVENANCE_SOURCES",
    "ComputedDate",
    "CriterionResult",
    "Entry",
    "Facts",
    "FactsError",
    "FeeResult",
    "NextFact",
    "Outcome",
    "PathwayResult",
    "Provenance",
    "Result",
    "SourceInfo",
    "Status",
    "Text",
    "add_period",
    "ask_next",
    "check",
    "evaluate",
    "evaluate_pathway",
    "met_on",
]

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
    if test.everyone:
        return True
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


def _waits(test: Test, facts: Facts) -> Iterable[datetime.date]:
    """Days on which an `at_least` period on a known date ends: the only way time
    alone can turn an unmet test into a met one."""
    if test.fact is not None:
        if test.at_least is not None and test.until == "as_of":
            value = getattr(facts, test.fact)
            if value is not None:
                yield add_period(value, test.at_least)
        return
    for child in (test.any or []) + (test.all or []) + ([test.not_] if test.not_ else []):
        yield from _waits(child, facts)


def met_on(test: Test, facts: Facts, as_of: datetime.date) -> datetime.date | None:
    """The first day after `as_of` on which the test, unmet today, is no longer unmet
    (met, or unknown only for facts still missing), if waiting can do it."""
    for day in sorted({d for d in _waits(test, facts) if d > as_of}):
        if check(test, facts, day) is not False:
            return day
    return None


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


def _explain(
    status: Status,
    criteria: Sequence[CriterionResult],
    as_of: datetime.date,
    eligible_on: datetime.date | None = None,
    capped_by: Sequence[str] = (),
) -> Text:
    day = as_of.isoformat()
    if status is Status.NOT_YET and eligible_on is not None:
        waiting = [c.label for c in criteria if c.outcome is Outcome.UNMET]
        later = eligible_on.isoformat()
        return Text(
            f"Not yet: met on {later} if nothing else changes: {_join(waiting, 'en')}.",
            f"Pas encore : rempli le {later} si rien d'autre ne change : {_join(waiting, 'fr')}.",
        )
    if status is Status.POSSIBLY_ELIGIBLE and capped_by:
        capping = [c.label for c in criteria if c.id in capped_by]
        return Text(
            "Possibly eligible: every criterion is met on the facts given, but these rest "
            f"on rules not yet verified: {_join(capping, 'en')}.",
            "Peut-être admissible : chaque critère est rempli selon les faits fournis, mais "
            f"ceux-ci reposent sur des règles non vérifiées : {_join(capping, 'fr')}.",
        )
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
    conditions: tuple[tuple[Condition, Text, tuple[str, ...], SourceInfo], ...]
    criteria: tuple[tuple[Criterion, Text, tuple[str, ...], SourceInfo], ...]
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
        conditions=tuple(
            (c, _text(c.label), tuple(dict.fromkeys(c.test.facts())), _source(pathway, c))
            for c in pathway.applies_to
        ),
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


_NO_PROVENANCE: Mapping[str, Provenance] = {}


def _judge(
    rules: Sequence[tuple[Condition | Criterion, Text, tuple[str, ...], SourceInfo]],
    role: str,
    facts: Facts,
    as_of: datetime.date,
    provenance: Mapping[str, Provenance],
) -> list[CriterionResult]:
    results = []
    for rule, label, read, source in rules:
        if not rule.in_force(as_of):
            continue
        value = check(rule.test, facts, as_of)
        known = tuple((n, provenance.get(n)) for n in read if getattr(facts, n) is not None)
        waits_until = None
        if value is None:
            outcome = Outcome.UNKNOWN
            missing = tuple(n for n in read if getattr(facts, n) is None)
        else:
            outcome = Outcome.MET if value else Outcome.UNMET
            missing = ()
            if not value and role == "eligibility":
                waits_until = met_on(rule.test, facts, as_of)
        results.append(
            CriterionResult(
                rule.id, label, role, outcome, read, missing, source, known, waits_until
            )
        )
    return results


def _decide(
    pathway: Pathway,
    conditions: Sequence[CriterionResult],
    criteria: Sequence[CriterionResult],
    facts: Facts,
) -> tuple[Status, datetime.date | None, tuple[str, ...]]:
    """The status of an applicable pathway, the day it opens (not_yet) and the
    unverified rules that capped it."""
    unmet = [c for c in criteria if c.outcome is Outcome.UNMET]
    if unmet:
        days = [c.met_on for c in unmet]
        if any(day is None for day in days):
            return Status.NOT_ELIGIBLE, None, ()
        opens = max(day for day in days if day is not None)
        # On that day every criterion must still hold (a 90-day window may close).
        by_id = {c.id: c for c in pathway.criteria if c.in_force(opens)}
        for result in criteria:
            rule = by_id.get(result.id)
            if rule is None or check(rule.test, facts, opens) is False:
                return Status.NOT_ELIGIBLE, None, ()
        return Status.NOT_YET, opens, ()
    every = [*conditions, *criteria]
    if any(c.outcome is Outcome.UNKNOWN for c in every):
        return Status.POSSIBLY_ELIGIBLE, None, ()
    capped = tuple(c.id for c in every if not c.source.verified)
    if capped:
        return Status.POSSIBLY_ELIGIBLE, None, capped
    return Status.LIKELY_ELIGIBLE, None, ()


def evaluate_pathway(
    pathway: Pathway,
    facts: Facts,
    as_of: datetime.date,
    provenance: Mapping[str, Provenance] = _NO_PROVENANCE,
) -> PathwayResult:
    compiled = _compile(pathway)
    in_force = pathway.valid_from <= as_of and (
        pathway.valid_until is None or as_of <= pathway.valid_until
    )
    conditions = _judge(compiled.conditions, "applicability", facts, as_of, provenance)
    failed = [c for c in conditions if c.outcome is Outcome.UNMET]
    criteria: list[CriterionResult] = []
    eligible_on: datetime.date | None = None
    capped: tuple[str, ...] = ()
    if not in_force:
        status, conditions = Status.NOT_APPLICABLE, []
    elif failed:
        # Decided before any criterion: none is evaluated, none is asked.
        status = Status.NOT_APPLICABLE
    else:
        criteria = _judge(compiled.criteria, "eligibility", facts, as_of, provenance)
        status, eligible_on, capped = _decide(pathway, conditions, criteria, facts)
    every = [*conditions, *criteria]
    missing = (
        tuple(dict.fromkeys(n for c in every for n in c.missing))
        if status in (Status.POSSIBLY_ELIGIBLE, Status.NOT_YET)
        else ()
    )
    applicable = in_force and not failed
    return PathwayResult(
        id=pathway.id,
        title=compiled.title,
        kind=pathway.kind,
        status=status,
        explanation=_explain(status, every, as_of, eligible_on, capped),
        criteria=tuple(every),
        dates=tuple(_computed(pathway, pathway.durations, facts, as_of)) if applicable else (),
        benefits=_pick(compiled.benefits, facts, as_of),
        fees=_pick(compiled.fees, facts, as_of),
        documents=_pick(compiled.documents, facts, as_of),
        notes=_pick(compiled.notes, facts, as_of),
        missing=missing,
        review_by=pathway.review_by,
        summary=compiled.summary,
        eligible_on=eligible_on,
        capped_by=capped,
        not_applicable_on=tuple(
            dict.fromkeys(next(r.about for r in pathway.applies_to if r.id == c.id) for c in failed)
        )
        if in_force
        else (),
        review_overdue=pathway.review_by < as_of,
    )


def ask_next(results: Iterable[PathwayResult]) -> tuple[NextFact, ...]:
    """Missing facts, the one that bears on most undecided pathways first.

    A fact counts for a pathway when the pathway is still open (possibly eligible,
    or not yet) and the fact is read by one of its unknown conditions or criteria;
    a not-applicable pathway asks nothing. Ties keep the order of `FACT_NAMES`.
    """
    bearing: dict[str, list[str]] = {}
    for result in results:
        for name in result.missing:
            bearing.setdefault(name, []).append(result.id)
    order = {name: position for position, name in enumerate(FACT_NAMES)}
    ranked = sorted(bearing.items(), key=lambda item: (-len(item[1]), order[item[0]]))
    return tuple(NextFact(name, len(ids), tuple(ids)) for name, ids in ranked)


def evaluate(
    pathways: Iterable[Pathway],
    facts: Facts,
    as_of: datetime.date,
    *,
    provenance: Mapping[str, Provenance] | None = None,
) -> Result:
    """Evaluate every pathway on `facts` as of the day `as_of`; `provenance` says
    where each known fact came from (shown beside the criteria that read it)."""
    if not isinstance(facts, Facts):
        raise FactsError(bad=[("facts", f"must be a Facts, not {type(facts).__name__}")])
    if not isinstance(as_of, datetime.date) or isinstance(as_of, datetime.datetime):
        raise FactsError(bad=[("as_of", f"must be a date, not {as_of!r}")])
    origins = dict(provenance or {})
    check_provenance(origins)
    results = tuple(evaluate_pathway(p, facts, as_of, origins) for p in pathways)
    return Result(as_of, facts, results, ask_next(results), origins)
