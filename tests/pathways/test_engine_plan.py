"""The engine's per-pathway plan gives what the plain definitions give.

`engine_plan` compiles each test to a closure and chooses the entries in force
once per validity window; `engine.check` and `Dated.in_force` stay the reference.
These tests compare the two on every test of every loaded pathway, on tests of
every form the language has, and on the days where windows begin and end.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harbour.pathways.engine import Facts, check
from harbour.pathways.engine_plan import compile_test, fast_constructor, plan
from harbour.pathways.engine_types import CriterionResult, Outcome, SourceInfo, Text
from harbour.pathways.rules import FACT_SPECS, load_pathways
from harbour.pathways.rules import Test as RuleTest

PATHWAYS = load_pathways()
DATES = st.dates(datetime.date(2015, 1, 1), datetime.date(2028, 12, 31))


def _value(name: str) -> st.SearchStrategy[Any]:
    kind, allowed = FACT_SPECS[name]
    if kind == "bool":
        return st.booleans()
    if kind == "date":
        return DATES
    return st.sampled_from(allowed)


FACTS = st.fixed_dictionaries({}, optional={name: _value(name) for name in FACT_SPECS}).map(
    lambda values: Facts(**values)
)
PROFILE = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _every_test(test: RuleTest) -> Iterator[RuleTest]:
    yield test
    for child in (test.any or []) + (test.all or []) + ([test.not_] if test.not_ else []):
        yield from _every_test(child)


LOADED = [t for p in PATHWAYS for _id, test in p.tests() for t in _every_test(test)]
# One of each form, whether or not a pathway uses it today.
FORMS = [
    RuleTest.model_validate(data)
    for data in (
        {"everyone": True},
        {"fact": "in_canada", "is": False},
        {"fact": "status", "in": ["refugee_claimant", "out_of_status"]},
        {"fact": "status", "not_in": ["citizen"]},
        {"fact": "entered_canada_on", "on_or_before": "2020-06-30"},
        {"fact": "entered_canada_on", "after": "2020-06-30"},
        {"fact": "status_lost_on", "within": {"days": 90}},
        {"fact": "permit_expiry", "at_least": {"months": 1}},
        {"fact": "trp_issued_on", "at_least": {"years": 3}},
        {"fact": "entered_canada_on", "within": {"days": 14}, "until": "refugee_claim_on"},
        {
            "fact": "entered_canada_on",
            "within": {"days": 14},
            "until": "refugee_claim_on",
            "or_as_of": True,
        },
        {
            "fact": "prior_claim_ended_on",
            "at_least": {"months": 12},
            "until": "refugee_claim_on",
            "or_as_of": True,
        },
        {"not": {"fact": "removal_order", "is": True}},
        {"any": [{"fact": "abuse_at_work", "is": True}, {"fact": "family_in_canada", "is": True}]},
        {"all": [{"fact": "in_canada", "is": True}, {"fact": "province", "in": ["ON", "QC"]}]},
        {"all": []},
    )
]


@PROFILE
@given(facts=FACTS, as_of=DATES)
def test_a_compiled_test_gives_what_check_gives(facts, as_of):
    for test in LOADED + FORMS:
        assert compile_test(test)(facts, as_of) is check(test, facts, as_of), test


def _edge_days() -> set[datetime.date]:
    days = set()
    for pathway in PATHWAYS:
        for entry in [pathway, *(entry for _section, entry in pathway.dated_entries())]:
            for day in (entry.valid_from, entry.valid_until):
                if day is not None:
                    days |= {day - datetime.timedelta(days=1), day, day + datetime.timedelta(1)}
    return days


@pytest.mark.parametrize("day", sorted(_edge_days()))
def test_a_window_holds_the_entries_in_force_that_day(day):
    for pathway in PATHWAYS:
        window = plan(pathway).window(day)
        assert window.in_force == (
            pathway.valid_from <= day
            and (pathway.valid_until is None or day <= pathway.valid_until)
        )
        assert [r.entry for r in window.conditions] == [
            c for c in pathway.applies_to if c.in_force(day)
        ]
        assert [r.entry for r in window.criteria] == [
            c for c in pathway.criteria if c.in_force(day)
        ]
        for shown, entries in (
            (window.benefits, pathway.benefits),
            (window.fees, pathway.fees),
            (window.documents, pathway.documents),
            (window.notes, pathway.notes),
        ):
            assert [result.id for _when, result in shown.order] == [
                e.id for e in entries if e.in_force(day)
            ]


def test_the_fast_constructor_builds_the_same_object():
    label = Text("Label", "Libellé")
    source = SourceInfo(
        "irpa", "s. 1", "Act", "https://x", datetime.date(2020, 1, 1), None, True, None
    )
    fields = ("c", label, "eligibility", Outcome.MET, ("status",), (), source, (), None)
    built = fast_constructor(CriterionResult)(*fields)
    assert type(built) is CriterionResult
    assert built == CriterionResult(*fields)
    assert repr(built) == repr(CriterionResult(*fields))
    assert hash(built) == hash(CriterionResult(*fields))
