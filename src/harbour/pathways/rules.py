"""Pathway rules: pydantic models for `knowledge/pathways/*.yaml` and a strict loader.

One file per pathway. Every criterion, benefit, fee, document and duration is a
dated entry (`valid_from`, optional `valid_until`) with a `source` that names an
entry of the pathway's `sources` list and the section relied on. A change in the
law is a new entry with the same id and a later `valid_from`; the loader refuses
two versions of one id whose periods overlap. Entries resting on secondary or
unverified research are `verified: false` with a `verification_note`.

Criteria read facts through a small test language (see `Test`); the loader checks
that every fact named exists and every value compared is one the fact can take.

Everything here may do I/O; the engine never does.
"""

from __future__ import annotations

import datetime
import functools
import itertools
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

from harbour.knowledge.loader import (
    KNOWLEDGE_ROOT,
    KnowledgeError,
    display_path,
    find_duplicates,
    load_yaml_strict,
    parse_model,
)
from harbour.knowledge.models import IsoDate, NonEmpty, Slug, Strict, Text, Verifiable

PATHWAYS_DIR = KNOWLEDGE_ROOT / "pathways"

# --- the facts a rule may read ------------------------------------------------------

STATUSES = (
    "citizen",
    "permanent_resident",
    # A person record says "citizen or permanent resident" without saying which; the
    # rules that treat both alike can still read it.
    "citizen_or_permanent_resident",
    "protected_person",
    "temporary_resident",
    "maintained_status",
    "refugee_claimant",
    "out_of_status",
)
PERMIT_TYPES = (
    "employer_specific_work_permit",
    "open_work_permit",
    "study_permit",
    "visitor",
    "temporary_resident_permit",
    "none",
)
PROVINCES = ("AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT")
SCREENING_READINGS = (
    "trafficking_indicated",
    "forced_labour_indicators",
    "exploitative_conditions_only",
    "not_enough_information",
    "no_indicators_identified",
)
STATUS_LOST_REASONS = ("length_of_stay", "work_conditions", "study_conditions", "other")
CLAIM_PLACES = ("port_of_entry", "inland_office")
INADMISSIBILITY = ("none", "health", "other", "serious")

FactKind = Literal["bool", "date", "choice"]

# name -> (kind, allowed values for a choice)
FACT_SPECS: dict[str, tuple[FactKind, tuple[str, ...]]] = {
    "status": ("choice", STATUSES),
    "permit_type": ("choice", PERMIT_TYPES),
    "permit_expiry": ("date", ()),
    "province": ("choice", PROVINCES),
    "in_canada": ("bool", ()),
    "entered_canada_on": ("date", ()),
    "status_lost_on": ("date", ()),
    "status_lost_reason": ("choice", STATUS_LOST_REASONS),
    "meets_initial_requirements": ("bool", ()),
    "screening_reading": ("choice", SCREENING_READINGS),
    "abuse_at_work": ("bool", ()),
    "works_or_worked_in_canada": ("bool", ()),
    "family_in_canada": ("bool", ()),
    "removal_order": ("bool", ()),
    "prior_refugee_claim": ("bool", ()),
    "prior_claim_ended_on": ("date", ()),
    "refugee_claim_on": ("date", ()),
    "refugee_claim_at": ("choice", CLAIM_PLACES),
    "refugee_claim_pending": ("bool", ()),
    "safe_third_country_arrival": ("bool", ()),
    "fears_persecution_or_risk": ("bool", ()),
    "trp_issued_on": ("date", ()),
    "inadmissibility": ("choice", INADMISSIBILITY),
    "inadmissible_since_permit": ("bool", ()),
    "hc_application_pending": ("bool", ()),
    "hc_bar_exception": ("bool", ()),
    "designated_foreign_national": ("bool", ()),
    "last_worked_on": ("date", ()),
    "needs_status_otherwise": ("bool", ()),
}
FACT_NAMES = tuple(FACT_SPECS)

Kind = Literal["immigration", "recourse", "support", "criminal"]
Role = Literal["applicability", "eligibility"]
# What an applicability condition is about: who the person is (citizenship and
# immigration status), where they are, which province's law; or that the pathway
# is open to everyone.
About = Literal["status", "place", "province", "everyone"]


class Period(Strict):
    """A length of time: exactly one of days, months or years."""

    days: int | None = Field(default=None, ge=0)
    months: int | None = Field(default=None, ge=0)
    years: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _exactly_one(self) -> Period:
        given = [v for v in (self.days, self.months, self.years) if v is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of days, months or years")
        return self

    def describe(self) -> str:
        for unit in ("days", "months", "years"):
            value = getattr(self, unit)
            if value is not None:
                return f"{value} {unit}"
        return ""  # pragma: no cover - the validator forbids it


Reference = Literal["as_of"] | Slug


class Test(Strict):
    """One test on facts. Either a combination (`any`, `all`, `not`) or one fact with
    exactly one comparison:

    - `is`: equals a value; `in` / `not_in`: one of / none of a list;
    - `on_or_before` / `after`: a date fact compared with a fixed date;
    - `within`: the reference date (`until`, default `as_of`) is no later than the
      fact's date plus the period; `at_least`: it is at least that late.
      `until` may name another date fact; when that fact is unknown and
      `or_as_of` is true, `as_of` stands in for it, but only to settle the answer
      an earlier date could not change (`within` met, `at_least` unmet); otherwise
      the test stays unknown, so that learning the date never reverses it.

    `everyone: true` is always met: the applicability of a pathway open to anyone.
    """

    fact: Slug | None = None
    everyone: Literal[True] | None = None
    is_: bool | str | None = Field(default=None, alias="is")
    in_: list[str] | None = Field(default=None, alias="in")
    not_in: list[str] | None = None
    on_or_before: IsoDate | None = None
    after: IsoDate | None = None
    within: Period | None = None
    at_least: Period | None = None
    until: Reference = "as_of"
    or_as_of: bool = False
    any: list[Test] | None = None
    all: list[Test] | None = None
    not_: Test | None = Field(default=None, alias="not")

    @model_validator(mode="after")
    def _one_form(self) -> Test:
        combos = [c for c in (self.any, self.all, self.not_) if c is not None]
        comparisons = [
            c
            for c in (
                self.is_,
                self.in_,
                self.not_in,
                self.on_or_before,
                self.after,
                self.within,
                self.at_least,
            )
            if c is not None
        ]
        if self.everyone is not None:
            if self.fact is not None or combos or comparisons:
                raise ValueError("everyone: true stands alone")
            return self
        if self.fact is None:
            if len(combos) != 1 or comparisons:
                raise ValueError("a test is a fact with one comparison, or one of any/all/not")
            return self
        if combos or len(comparisons) != 1:
            raise ValueError(f"the test on {self.fact} needs exactly one comparison")
        return self

    def facts(self) -> Iterator[str]:
        if self.fact is not None:
            yield self.fact
            if self.until != "as_of" and (self.within or self.at_least):
                yield self.until
        for child in (self.any or []) + (self.all or []) + ([self.not_] if self.not_ else []):
            yield from child.facts()


class SourceRef(Strict):
    ref: Slug
    section: NonEmpty | None = None


class Dated(Verifiable):
    """An entry that holds from `valid_from` to `valid_until` (inclusive), sourced."""

    id: Slug
    source: SourceRef
    valid_from: IsoDate
    valid_until: IsoDate | None = None

    @model_validator(mode="after")
    def _ordered_dates(self) -> Dated:
        if self.valid_until is not None and self.valid_until < self.valid_from:
            raise ValueError(
                f"valid_until {self.valid_until} is before valid_from {self.valid_from}"
            )
        return self

    def in_force(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


class Criterion(Dated):
    label: Text
    test: Test


class Condition(Dated):
    """Who or where a pathway is for (`applies_to`): evaluated before any criterion.
    When one is unmet the pathway is not applicable and its criteria are not asked."""

    label: Text
    about: About
    test: Test


class Item(Dated):
    """A benefit, document or note: a text that holds for a period, shown unless its
    optional `when` test is unmet (an unknown `when` still shows it)."""

    text: Text
    when: Test | None = None


class Fee(Dated):
    label: Text
    amount_cad: float | None = Field(default=None, ge=0)
    exempt: bool = False


class Duration(Dated):
    """A deadline or a validity, computed from a date fact (or `as_of`) plus a period.

    The version used is the one in force on `as_of`, or with `version_by: anchor`
    the one in force on the anchor date (the fact's date, or `as_of` when the fact
    is unknown and `or_as_of` is true): a permit's validity follows the rule of the
    day it was issued.
    """

    label: Text
    kind: Literal["deadline", "validity", "waiting_period"]
    bound: Literal["exactly", "at_most", "at_least"] = "exactly"
    from_fact: Slug | Literal["as_of"]
    or_as_of: bool = False
    version_by: Literal["as_of", "anchor"] = "as_of"
    period: Period | None = None
    when: Test | None = None
    note: Text | None = None


class Source(Strict):
    id: Slug
    title: NonEmpty
    url: NonEmpty


SECTIONS = ("applies_to", "criteria", "benefits", "fees", "documents", "durations", "notes")


class Pathway(Strict):
    id: Slug
    title: Text
    kind: Kind
    summary: Text
    valid_from: IsoDate
    valid_until: IsoDate | None = None
    review_by: IsoDate
    sources: list[Source] = Field(min_length=1)
    applies_to: list[Condition] = Field(min_length=1)
    criteria: list[Criterion] = []
    benefits: list[Item] = []
    fees: list[Fee] = []
    documents: list[Item] = []
    durations: list[Duration] = []
    notes: list[Item] = []

    @model_validator(mode="after")
    def _dates_in_order(self) -> Pathway:
        if self.valid_until is not None and self.valid_until < self.valid_from:
            raise ValueError(f"valid_until {self.valid_until} is before valid_from")
        return self

    def dated_entries(self) -> Iterator[tuple[str, Dated]]:
        for section in SECTIONS:
            for entry in getattr(self, section):
                yield section, entry

    def tests(self) -> Iterator[tuple[str, Test]]:
        for condition in self.applies_to:
            yield condition.id, condition.test
        for criterion in self.criteria:
            yield criterion.id, criterion.test
        for duration in self.durations:
            if duration.when is not None:
                yield duration.id, duration.when
        for item in [*self.benefits, *self.documents, *self.notes]:
            if item.when is not None:
                yield item.id, item.when


PathwayError = KnowledgeError


def _check_test(test: Test, file: str, entry: str) -> None:
    if test.fact is not None:
        _check_fact(test.fact, file, entry)
        kind, allowed = FACT_SPECS[test.fact]
        values: list[Any] = []
        if test.is_ is not None:
            values.append(test.is_)
        values += list(test.in_ or []) + list(test.not_in or [])
        for value in values:
            if kind == "bool" and not isinstance(value, bool):
                raise KnowledgeError(file, entry, f"{test.fact} is true or false, not {value!r}")
            if kind == "choice" and value not in allowed:
                raise KnowledgeError(
                    file,
                    entry,
                    f"{value!r} is not a value of {test.fact} (one of {', '.join(allowed)})",
                )
            if kind == "date":
                raise KnowledgeError(file, entry, f"{test.fact} is a date: compare it by date")
        dated = (test.on_or_before, test.after, test.within, test.at_least)
        if kind != "date" and any(c is not None for c in dated):
            raise KnowledgeError(file, entry, f"{test.fact} is not a date fact")
        if test.until != "as_of":
            _check_fact(test.until, file, entry)
            if FACT_SPECS[test.until][0] != "date":
                raise KnowledgeError(file, entry, f"until: {test.until} is not a date fact")
    for child in (test.any or []) + (test.all or []) + ([test.not_] if test.not_ else []):
        _check_test(child, file, entry)


def _check_fact(name: str, file: str, entry: str) -> None:
    if name not in FACT_SPECS:
        raise KnowledgeError(file, entry, f"reads unknown fact {name!r}")


def _check_versions(pathway: Pathway, file: str) -> None:
    for section, entries in (
        ("applies_to", pathway.applies_to),
        ("criteria", pathway.criteria),
        ("benefits", pathway.benefits),
        ("fees", pathway.fees),
        ("documents", pathway.documents),
        ("durations", pathway.durations),
        ("notes", pathway.notes),
    ):
        by_id: dict[str, list[Dated]] = {}
        for entry in entries:
            by_id.setdefault(entry.id, []).append(entry)
        for entry_id, versions in by_id.items():
            ordered = sorted(versions, key=lambda v: v.valid_from)
            for earlier, later in itertools.pairwise(ordered):
                if earlier.valid_until is None or earlier.valid_until >= later.valid_from:
                    raise KnowledgeError(
                        file,
                        entry_id,
                        f"{section}: two versions in force together (from {earlier.valid_from} "
                        f"and from {later.valid_from}); close the earlier with valid_until",
                    )


def check_pathway(pathway: Pathway, file: str) -> Pathway:
    """Cross-field checks pydantic cannot do entry by entry."""
    source_ids = [s.id for s in pathway.sources]
    duplicates = find_duplicates(source_ids)
    if duplicates:
        raise KnowledgeError(file, pathway.id, f"duplicate source id(s): {', '.join(duplicates)}")
    for _section, entry in pathway.dated_entries():
        if entry.source.ref not in source_ids:
            raise KnowledgeError(
                file, entry.id, f"source.ref {entry.source.ref!r} is not in this file's sources"
            )
    both = {c.id for c in pathway.applies_to} & {c.id for c in pathway.criteria}
    if both:
        raise KnowledgeError(
            file, sorted(both)[0], "an id is used by both an applies_to condition and a criterion"
        )
    for entry_id, test in pathway.tests():
        _check_test(test, file, entry_id)
    for duration in pathway.durations:
        if duration.from_fact != "as_of":
            _check_fact(duration.from_fact, file, duration.id)
            if FACT_SPECS[duration.from_fact][0] != "date":
                raise KnowledgeError(file, duration.id, f"{duration.from_fact} is not a date fact")
    _check_versions(pathway, file)
    return pathway


def load_pathway_file(path: Path | str, *, check_name: bool = True) -> Pathway:
    """Load one pathway file strictly; its name must be `<id with - for _>.yaml`."""
    file = display_path(path)
    data = load_yaml_strict(path)
    pathway = check_pathway(parse_model(Pathway, data, file), file)
    expected = pathway.id.replace("_", "-")
    if check_name and Path(path).stem != expected:
        raise KnowledgeError(file, pathway.id, f"the file must be named {expected}.yaml")
    return pathway


def load_pathways_from(paths: Iterable[Path]) -> tuple[Pathway, ...]:
    pathways = tuple(load_pathway_file(path) for path in sorted(paths))
    duplicates = find_duplicates(p.id for p in pathways)
    if duplicates:
        raise KnowledgeError("pathways", duplicates[0], "pathway id used by more than one file")
    return pathways


@functools.lru_cache(maxsize=4)
def load_pathways(folder: Path = PATHWAYS_DIR) -> tuple[Pathway, ...]:
    """Every pathway in the folder, in file-name order (cached)."""
    return load_pathways_from(folder.glob("*.yaml"))
