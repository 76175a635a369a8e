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

SCENARIOS_FILE = Path(__file__).parent / "scenarios.yaml"
StatusText = Literal["likely_eligible", "possibly_eligible", "not_eligible", "not_applicable"]
OutcomeText = Literal["met", "unmet", "unknown"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Expected(_Strict):
    status: StatusText
    criteria: dict[str, OutcomeText] = {}
    dates: dict[str, str | None] = {}
    absent_criteria: list[str] = []


class Scenario(_Strict):
    id: str
    title: str
    description: str | None = None
    as_of: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    facts: dict[str, Any]
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
    every = {(p.id, c.id) for p in load_pathways() for c in p.criteria}
    assert every - checked == set()


def test_every_pathway_is_named_by_some_scenario():
    named = {pathway_id for s in SCENARIOS for pathway_id in s.expected}
    assert {p.id for p in load_pathways()} - named == set()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_the_scenario_gives_the_expected_statuses_criteria_and_dates(scenario: Scenario):
    facts = Facts.from_mapping(scenario.facts)
    result = evaluate(load_pathways(), facts, datetime.date.fromisoformat(scenario.as_of))
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
