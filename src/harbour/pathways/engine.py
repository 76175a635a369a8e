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

import datetime
from collections.abc import Iterable, Mapping, Sequence

from harbour.pathways.engine_plan import (
    Rule,
    add_period,
    make_criterion,
    make_pathway_result,
    plan,
)
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
from harbour.pathways.rules import FACT_NAMES, Pathway, Test

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


def _join(labels: Sequence[Text], lang: str) -> str:
    if lang == "en":
        return "; ".join([label.en for label in labels])
    return "; ".join([label.fr for label in labels])


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


_NO_PROVENANCE: Mapping[str, Provenance] = {}


def _judge(
    rules: Sequence[Rule],
    role: str,
    facts: Facts,
    as_of: datetime.date,
    provenance: Mapping[str, Provenance],
) -> list[CriterionResult]:
    """The results of the rules in force (the window has chosen them)."""
    results = []
    eligibility = role == "eligibility"
    for rule in rules:
        value = rule.test(facts, as_of)
        known = []
        missing = []
        for name, get in rule.reads:
            if get(facts) is None:
                missing.append(name)
            else:
                known.append((name, provenance.get(name)))
        waits_until = None
        if value is None:
            outcome = Outcome.UNKNOWN
        else:
            outcome = Outcome.MET if value else Outcome.UNMET
            missing = []
            if not value and eligibility:
                waits_until = met_on(rule.entry.test, facts, as_of)
        results.append(
            make_criterion(
                rule.id,
                rule.label,
                role,
                outcome,
                rule.read,
                tuple(missing),
                rule.source,
                tuple(known),
                waits_until,
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
    compiled = plan(pathway)
    window = compiled.window(as_of)
    in_force = window.in_force
    criteria: list[CriterionResult] = []
    failed: list[CriterionResult] = []
    eligible_on: datetime.date | None = None
    capped: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    if not in_force:
        # Its conditions are neither shown nor asked: no need to judge them.
        status, conditions = Status.NOT_APPLICABLE, []
    else:
        conditions = _judge(window.conditions, "applicability", facts, as_of, provenance)
        failed = [c for c in conditions if c.outcome is Outcome.UNMET]
    if failed:
        # Decided before any criterion: none is evaluated, none is asked.
        status = Status.NOT_APPLICABLE
    elif in_force:
        criteria = _judge(window.criteria, "eligibility", facts, as_of, provenance)
        status, eligible_on, capped = _decide(pathway, conditions, criteria, facts)
    every = conditions + criteria
    if status is Status.POSSIBLY_ELIGIBLE or status is Status.NOT_YET:
        asked: dict[str, None] = {}
        for result in every:
            for name in result.missing:
                asked[name] = None
        missing = tuple(asked)
    applicable = in_force and not failed
    about = compiled.about
    return make_pathway_result(
        pathway.id,
        compiled.title,
        pathway.kind,
        status,
        _explain(status, every, as_of, eligible_on, capped),
        tuple(every),
        compiled.dates(facts, as_of) if applicable else (),
        window.benefits.pick(facts, as_of),
        window.fees.pick(facts, as_of),
        window.documents.pick(facts, as_of),
        window.notes.pick(facts, as_of),
        missing,
        pathway.review_by,
        compiled.summary,
        eligible_on,
        capped,
        tuple(dict.fromkeys([about[c.id] for c in failed])),
        pathway.review_by < as_of,
    )


_FACT_ORDER = {name: position for position, name in enumerate(FACT_NAMES)}


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
    order = _FACT_ORDER
    ranked = sorted(bearing.items(), key=lambda item: (-len(item[1]), order[item[0]]))
    return tuple([NextFact(name, len(ids), tuple(ids)) for name, ids in ranked])


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
    results = tuple([evaluate_pathway(p, facts, as_of, origins) for p in pathways])
    return Result(as_of, facts, results, ask_next(results), origins)
