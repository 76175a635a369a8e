"""Runs the lawyer-readable scenarios (scenarios.yaml) through the pathways engine.

No database: the engine is pure Python.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field

from harbour.knowledge.loader import load_yaml_strict, parse_model
from harbour.pathways import Facts, evaluate, load_pathways
from harbour.pathways.engine import Provenance

SCENARIOS_FILE = Path(__file__).parent / "scenarios.yaml"
StatusText = Literal[
    "likely_eligible", "possibly_eligible", "not_eligible", "not_applicable", "not_yet"
]
SourceText = Literal["record", "screening", "stated", "documented", "assumed"]
OutcomeText = Literal["met", "unmet", "unknown"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Expected(_Strict):
    status: StatusText
    criteria: dict[str, OutcomeText] = {}
    dates: dict[str, str | None] = {}
    absent_criteria: list[str] = []
    # not_yet: the day it opens; capped: the unverified rules that kept it from
    # likely_eligible; not_applicable: what the unmet condition is about.
    eligible_on: str | None = None
    capped_by: list[str] | None = None
    not_applicable_on: list[str] | None = None
    review_overdue: bool | None = None
    # Facts this pathway must not ask next (decided before any criterion).
    not_asked: list[str] = []
    # criterion id -> {fact: where it came from}, as shown beside the criterion.
    provenance: dict[str, dict[str, SourceText]] = {}


class Origin(_Strict):
    source: SourceText
    document: str | None = None


class Scenario(_Strict):
    id: str
    title: str
    description: str | None = None
    as_of: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    facts: dict[str, Any]
    provenance: dict[str, Origin] = {}
    expected: dict[str, Expected] = Field(min_length=1)


class ScenarioFile(_Strict):
    scenarios: list[Scenario]


def load_scenarios() -> list[Scenario]:
    data = load_yaml_strict(SCENARIOS_FILE)
    return parse_model(ScenarioFile, {"scenarios": data}, "scenarios.yaml").scenarios


SCENARIOS = load_scenarios()


def test_there_are_at_least_forty_scenarios_with_unique_ids():
    ids = [s.id for s in SCENARIOS]
    assert len(ids) >= 40
    assert len(ids) == len(set(ids))


def test_every_criterion_of_every_pathway_is_checked_by_some_scenario():
    checked = {
        (pathway_id, criterion_id)
        for s in SCENARIOS
        for pathway_id, expected in s.expected.items()
        for criterion_id in expected.criteria
    }
    every = {(p.id, c.id) for p in load_pathways() for c in [*p.applies_to, *p.criteria]}
    assert every - checked == set()


def test_every_pathway_is_named_by_some_scenario():
    named = {pathway_id for s in SCENARIOS for pathway_id in s.expected}
    assert {p.id for p in load_pathways()} - named == set()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_the_scenario_gives_the_expected_statuses_criteria_and_dates(scenario: Scenario):
    facts = Facts.from_mapping(scenario.facts)
    provenance = {
        name: Provenance(origin.source, origin.document)
        for name, origin in scenario.provenance.items()
    }
    as_of = datetime.date.fromisoformat(scenario.as_of)
    result = evaluate(load_pathways(), facts, as_of, provenance=provenance)
    for pathway_id, expected in scenario.expected.items():
        got = result.pathway(pathway_id)
        assert got.status.value == expected.status, (pathway_id, got.explanation.en)
        for criterion_id, outcome in expected.criteria.items():
            assert got.criterion(criterion_id).outcome.value == outcome, (pathway_id, criterion_id)
        for date_id, date in expected.dates.items():
            computed = got.date(date_id).date
            assert (computed.isoformat() if computed else None) == date, (pathway_id, date_id)
        present = {c.id for c in got.criteria}
        assert not present & set(expected.absent_criteria), pathway_id
        if expected.eligible_on is not None or got.status.value == "not_yet":
            assert got.eligible_on is not None
            assert got.eligible_on.isoformat() == expected.eligible_on, pathway_id
        if expected.capped_by is not None:
            assert list(got.capped_by) == expected.capped_by, pathway_id
        if expected.not_applicable_on is not None:
            assert list(got.not_applicable_on) == expected.not_applicable_on, pathway_id
        if expected.review_overdue is not None:
            assert got.review_overdue is expected.review_overdue, pathway_id
        asked_for_it = {n.fact for n in result.ask_next if pathway_id in n.pathways}
        assert not asked_for_it & set(expected.not_asked), pathway_id
        for criterion_id, origins in expected.provenance.items():
            shown = {
                name: p.source if p else None for name, p in got.criterion(criterion_id).provenance
            }
            assert shown == origins, (pathway_id, criterion_id)
