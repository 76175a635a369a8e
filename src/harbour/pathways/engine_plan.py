"""What the pathways engine builds once per loaded pathway, so that `evaluate` does
only the work that depends on the facts.

Pure Python, no Django, no I/O. For each pathway (cached by identity, see `plan`):

- every test compiled to a closure (`compile_test`) that gives exactly what
  `engine.check` gives, without walking the pydantic model on each call;
- the labels, sources and facts read of every condition and criterion, and the
  results shown for benefits, fees, documents and notes;
- "windows": the days between two consecutive `valid_from` / `valid_until`
  boundaries of the pathway's entries. On every day of a window the same entries
  are in force, so which ones apply is worked out once per window (`Plan.window`)
  instead of once per entry per call. Nothing here is keyed by facts.

The result objects are frozen dataclasses; `fast_constructor` builds them without
the generated `__init__` (one `object.__setattr__` lookup per field), which was
a fifth of an evaluation's time. The objects built are the same.
"""

from __future__ import annotations

import bisect
import calendar
import dataclasses
import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

from harbour.pathways.engine_types import (
    ComputedDate,
    CriterionResult,
    Entry,
    Facts,
    FeeResult,
    PathwayResult,
    SourceInfo,
    Text,
)
from harbour.pathways.rules import (
    Condition,
    Criterion,
    Dated,
    Duration,
    Fee,
    Item,
    Pathway,
    Period,
    Test,
)

TestFn = Callable[[Facts, datetime.date], "bool | None"]


def fast_constructor(cls: type) -> Callable[..., Any]:
    """A positional constructor for a slotted frozen dataclass without `__post_init__`:
    sets each slot through its descriptor, as the generated `__init__` does through
    `object.__setattr__`, but without looking that up again for every field."""
    assert not hasattr(cls, "__post_init__")  # noqa: S101 - it would be skipped
    names = [f.name for f in dataclasses.fields(cls)]
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    for name in names:
        namespace[f"_set_{name}"] = cls.__dict__[name].__set__
    body = "".join(f"    _set_{name}(self, {name})\n" for name in names)
    source = f"def make({', '.join(names)}):\n    self = _new(_cls)\n{body}    return self\n"
    exec(source, namespace)  # noqa: S102 - code generated from the class's own field names
    return namespace["make"]


make_criterion = fast_constructor(CriterionResult)
make_pathway_result = fast_constructor(PathwayResult)
make_computed_date = fast_constructor(ComputedDate)


def add_period(start: datetime.date, period: Period) -> datetime.date:
    """`start` plus the period; a month or year end is clamped (31 Jan + 1 month = 28/29 Feb)."""
    if period.days is not None:
        return start + datetime.timedelta(days=period.days)
    months = period.months if period.months is not None else (period.years or 0) * 12
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return datetime.date(year, month, day)


def _adder(period: Period) -> Callable[[datetime.date], datetime.date]:
    """`add_period` with the period fixed (a day count becomes one timedelta)."""
    if period.days is not None:
        delta = datetime.timedelta(days=period.days)
        return lambda start: start + delta
    return lambda start: add_period(start, period)


def compile_test(test: Test) -> TestFn:
    """A closure giving what `engine.check(test, facts, as_of)` gives; each branch
    below mirrors one of check's, in the same order."""
    if test.everyone:
        return lambda facts, as_of: True
    if test.fact is None:
        if test.not_ is not None:
            inner = compile_test(test.not_)

            def negated(facts: Facts, as_of: datetime.date) -> bool | None:
                value = inner(facts, as_of)
                return None if value is None else not value

            return negated
        if test.any is not None:
            branches = tuple(compile_test(child) for child in test.any)

            def any_of(facts: Facts, as_of: datetime.date) -> bool | None:
                unknown = False
                for branch in branches:
                    value = branch(facts, as_of)
                    if value:
                        return True
                    if value is None:
                        unknown = True
                return None if unknown else False

            return any_of
        branches = tuple(compile_test(child) for child in test.all or ())

        def all_of(facts: Facts, as_of: datetime.date) -> bool | None:
            unknown = False
            for branch in branches:
                value = branch(facts, as_of)
                if value is False:
                    return False
                if value is None:
                    unknown = True
            return None if unknown else True

        return all_of
    return _compile_comparison(test, attrgetter(test.fact))


def _compile_comparison(test: Test, get: Callable[[Facts], Any]) -> TestFn:
    if test.is_ is not None:
        expected = test.is_

        def equals(facts: Facts, as_of: datetime.date) -> bool | None:
            value = get(facts)
            return None if value is None else bool(value == expected)

        return equals
    if test.in_ is not None:
        return _member(get, tuple(test.in_), inside=True)
    if test.not_in is not None:
        return _member(get, tuple(test.not_in), inside=False)
    if test.on_or_before is not None or test.after is not None:
        before = test.on_or_before is not None
        limit = test.on_or_before if before else test.after

        def dated(facts: Facts, as_of: datetime.date) -> bool | None:
            value = get(facts)
            if value is None:
                return None
            return bool(value <= limit) if before else bool(value > limit)

        return dated
    within = test.within is not None
    period = test.within if test.within is not None else test.at_least
    assert period is not None  # noqa: S101 - the model allows nothing else
    add = _adder(period)
    until = None if test.until == "as_of" else attrgetter(test.until)
    or_as_of = test.or_as_of

    def elapsed(facts: Facts, as_of: datetime.date) -> bool | None:
        value = get(facts)
        if value is None:
            return None
        # As engine._reference: `as_of`, or the `until` fact, for which `as_of`
        # stands in only to settle the answer an earlier date could not change.
        standing_in = False
        reference = as_of
        if until is not None:
            reference = until(facts)
            if reference is None:
                if not or_as_of:
                    return None
                reference, standing_in = as_of, True
        outcome = reference <= add(value) if within else reference >= add(value)
        if standing_in:
            if within:
                return True if outcome else None
            return False if not outcome else None
        return outcome

    return elapsed


def _member(get: Callable[[Facts], Any], allowed: tuple[str, ...], *, inside: bool) -> TestFn:
    def member(facts: Facts, as_of: datetime.date) -> bool | None:
        value = get(facts)
        return None if value is None else (value in allowed) is inside

    return member


def source_info(pathway: Pathway, entry: Dated) -> SourceInfo:
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


def text(value: Any) -> Text:
    return Text(value.en, value.fr)


@dataclass(frozen=True, slots=True)
class Rule:
    """A condition or criterion with what its results carry that the facts do not change."""

    entry: Condition | Criterion
    id: str
    label: Text
    reads: tuple[tuple[str, Callable[[Facts], Any]], ...]  # facts read, each with its getter
    read: tuple[str, ...]
    source: SourceInfo
    test: TestFn


@dataclass(frozen=True, slots=True)
class Shown:
    """The benefits, fees, documents and notes in force in a window: `fixed` are
    always shown there; each of `conditional` only when its `when` is not unmet."""

    fixed: tuple[Any, ...]
    conditional: tuple[tuple[TestFn, Any], ...]
    order: tuple[tuple[TestFn | None, Any], ...]  # every one, in file order

    def pick(self, facts: Facts, as_of: datetime.date) -> tuple[Any, ...]:
        if not self.conditional:
            return self.fixed
        return tuple(
            [
                result
                for when, result in self.order
                if when is None or when(facts, as_of) is not False
            ]
        )


@dataclass(frozen=True, slots=True)
class Window:
    in_force: bool
    conditions: tuple[Rule, ...]
    criteria: tuple[Rule, ...]
    benefits: Shown
    fees: Shown
    documents: Shown
    notes: Shown


@dataclass(frozen=True, slots=True)
class DurationGroup:
    """The versions of one duration id, in file order; the first one's anchor counts."""

    id: str
    from_fact: str
    anchor: Callable[[Facts], Any] | None  # None: the anchor is as_of
    or_as_of: bool
    by_anchor: bool
    versions: tuple[tuple[Duration, TestFn | None, tuple[str, ...], tuple[Any, ...]], ...]


class Plan:
    """Everything about one pathway that does not depend on the facts."""

    def __init__(self, pathway: Pathway) -> None:
        self.pathway = pathway
        self.title = text(pathway.title)
        self.summary = text(pathway.summary)
        self.conditions = [self._rule(c) for c in pathway.applies_to]
        self.criteria = [self._rule(c) for c in pathway.criteria]
        self.benefits = [self._entry(i) for i in pathway.benefits]
        self.fees = [
            (
                f,
                None,
                FeeResult(f.id, text(f.label), f.amount_cad, f.exempt, source_info(pathway, f)),
            )
            for f in pathway.fees
        ]
        self.documents = [self._entry(i) for i in pathway.documents]
        self.notes = [self._entry(i) for i in pathway.notes]
        # What an unmet condition is about: the first entry with its id, as the
        # engine has always looked it up.
        self.about: dict[str, str] = {}
        for condition in pathway.applies_to:
            self.about.setdefault(condition.id, condition.about)
        self.durations = self._durations(pathway.durations)
        # Days on which some entry comes into or goes out of force.
        edges: set[datetime.date] = set()
        for entry in [pathway, *pathway.applies_to, *pathway.criteria, *pathway.benefits]:
            edges |= _edges(entry)
        for entry in [*pathway.fees, *pathway.documents, *pathway.notes]:
            edges |= _edges(entry)
        self.edges = sorted(edges)
        self.windows: dict[int, Window] = {}

    def _rule(self, entry: Condition | Criterion) -> Rule:
        read = tuple(dict.fromkeys(entry.test.facts()))
        reads = tuple((name, attrgetter(name)) for name in read)
        source = source_info(self.pathway, entry)
        return Rule(
            entry, entry.id, text(entry.label), reads, read, source, compile_test(entry.test)
        )

    def _fee(self, fee: Fee) -> FeeResult:
        return FeeResult(
            fee.id, text(fee.label), fee.amount_cad, fee.exempt, source_info(self.pathway, fee)
        )

    def _entry(self, item: Item) -> tuple[Dated, TestFn | None, Entry]:
        when = compile_test(item.when) if item.when is not None else None
        return item, when, Entry(item.id, text(item.text), source_info(self.pathway, item))

    def _durations(self, durations: Sequence[Duration]) -> tuple[DurationGroup, ...]:
        by_id: dict[str, list[Duration]] = {}
        for duration in durations:
            by_id.setdefault(duration.id, []).append(duration)
        groups = []
        for duration_id, versions in by_id.items():
            first = versions[0]
            compiled = []
            for version in versions:
                when = compile_test(version.when) if version.when is not None else None
                when_reads = tuple(dict.fromkeys(version.when.facts())) if version.when else ()
                shown = (
                    text(version.label),
                    version.kind,
                    version.bound,
                    version.period.describe() if version.period else None,
                    version.from_fact,
                    text(version.note) if version.note else None,
                    source_info(self.pathway, version),
                )
                compiled.append((version, when, when_reads, shown))
            groups.append(
                DurationGroup(
                    duration_id,
                    first.from_fact,
                    None if first.from_fact == "as_of" else attrgetter(first.from_fact),
                    first.or_as_of,
                    first.version_by == "anchor",
                    tuple(compiled),
                )
            )
        return tuple(groups)

    def window(self, as_of: datetime.date) -> Window:
        index = bisect.bisect_right(self.edges, as_of)
        found = self.windows.get(index)
        if found is None:
            # Every day of this window has the same entries in force as `as_of`.
            found = self.windows[index] = Window(
                _on(self.pathway, as_of),
                tuple(r for r in self.conditions if r.entry.in_force(as_of)),
                tuple(r for r in self.criteria if r.entry.in_force(as_of)),
                _shown(self.benefits, as_of),
                _shown(self.fees, as_of),
                _shown(self.documents, as_of),
                _shown(self.notes, as_of),
            )
        return found

    def dates(self, facts: Facts, as_of: datetime.date) -> tuple[ComputedDate, ...]:
        """The computed dates, as engine evaluated them before plans existed."""
        results = []
        for group in self.durations:
            anchor: datetime.date | None
            if group.anchor is None:
                anchor = as_of
            else:
                anchor = group.anchor(facts)
                if anchor is None and group.or_as_of:
                    anchor = as_of
            day = anchor if anchor is not None and group.by_anchor else as_of
            chosen = _version(group, day)
            if chosen is None:
                continue
            version, when, when_reads, shown = chosen
            if when is not None and when(facts, as_of) is False:
                continue
            missing = [] if anchor is not None else [group.from_fact]
            for name in when_reads:
                if getattr(facts, name) is None:
                    missing.append(name)
            label, kind, bound, period_text, from_fact, note, source = shown
            date = add_period(anchor, version.period) if anchor and version.period else None
            results.append(
                make_computed_date(
                    group.id,
                    label,
                    kind,
                    bound,
                    date,
                    period_text,
                    from_fact,
                    tuple(dict.fromkeys(missing)),
                    note,
                    source,
                )
            )
        return tuple(results)


def _version(group: DurationGroup, day: datetime.date) -> Any:
    """The first version in force on `day`, or None."""
    for version in group.versions:
        if version[0].in_force(day):
            return version
    return None


def _on(pathway: Pathway, day: datetime.date) -> bool:
    return pathway.valid_from <= day and (pathway.valid_until is None or day <= pathway.valid_until)


def _edges(entry: Any) -> set[datetime.date]:
    edges = {entry.valid_from}
    if entry.valid_until is not None and entry.valid_until < datetime.date.max:
        edges.add(entry.valid_until + datetime.timedelta(days=1))
    return edges


def _shown(entries: Sequence[tuple[Dated, TestFn | None, Any]], day: datetime.date) -> Shown:
    order = tuple((when, result) for entry, when, result in entries if entry.in_force(day))
    return Shown(
        tuple(result for when, result in order if when is None),
        tuple((when, result) for when, result in order if when is not None),
        order,
    )


_PLANS: dict[int, tuple[Pathway, Plan]] = {}


def plan(pathway: Pathway) -> Plan:
    """The pathway's plan, built on first use."""
    cached = _PLANS.get(id(pathway))
    if cached is not None and cached[0] is pathway:
        return cached[1]
    built = Plan(pathway)
    # Keep the pathway itself in the cache so that its id cannot be reused.
    _PLANS[id(pathway)] = (pathway, built)
    return built
