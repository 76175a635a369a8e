"""Runs the lawyer-readable application scenarios (application_scenarios.yaml)
through the same checks and task planning the services use, on the scenario's
day; and property tests of that planning.

No database: an unsaved application carries the submission date the decision
is checked against.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field

from harbour.knowledge.loader import load_yaml_strict, parse_model
from harbour.pathways.applications import (
    FOLLOW_UP_DAYS,
    RENEWAL_WARNING_DAYS,
    InvalidApplication,
    clean_application,
    clean_decision,
    follow_up_dates,
)
from harbour.pathways.models import Application

SCENARIOS_FILE = Path(__file__).parent / "application_scenarios.yaml"
Day = str  # YYYY-MM-DD, as the lawyer typed it
DAY = r"^\d{4}-\d{2}-\d{2}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ApplicationFacts(_Strict):
    pathway: str
    submitted_on: Day = Field(pattern=DAY)
    submitted_by: Literal["person", "organisation", "lawyer", "other"]


class DecisionFacts(_Strict):
    outcome: str
    decided_on: Day = Field(pattern=DAY)
    valid_until: Day | None = Field(default=None, pattern=DAY)
    conditions: str = ""


class Refusal(_Strict):
    field: str
    words: str


class Expected(_Strict):
    tasks: dict[str, Day] | None = None
    error: Refusal | None = None


class Scenario(_Strict):
    id: str
    title: str
    today: Day = Field(pattern=DAY)
    application: ApplicationFacts
    decision: DecisionFacts | None = None
    expected: Expected


class ScenarioFile(_Strict):
    scenarios: list[Scenario]


def load_scenarios() -> list[Scenario]:
    data = load_yaml_strict(SCENARIOS_FILE)
    return parse_model(ScenarioFile, {"scenarios": data}, SCENARIOS_FILE.name).scenarios


SCENARIOS = load_scenarios()


def day(text: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def outcome_of(scenario: Scenario) -> dict[str, datetime.date] | InvalidApplication:
    """What Harbour does with the scenario: the open follow-up tasks, or the refusal."""
    today = day(scenario.today)
    assert today is not None
    facts = scenario.application
    try:
        cleaned = clean_application(
            {
                "pathway_id": facts.pathway,
                "submitted_on": day(facts.submitted_on),
                "submitted_by": facts.submitted_by,
            },
            today=today,
        )
        decision = None
        if scenario.decision is not None:
            decision = clean_decision(
                {
                    "outcome": scenario.decision.outcome,
                    "decided_on": day(scenario.decision.decided_on),
                    "valid_until": day(scenario.decision.valid_until),
                    "conditions": scenario.decision.conditions,
                },
                Application(**cleaned),
                today=today,
            )
    except InvalidApplication as refusal:
        return refusal
    return follow_up_dates(
        cleaned["submitted_on"],
        decision["outcome"] if decision else None,
        decision["valid_until"] if decision else None,
        today,
    )


def test_the_scenarios_have_unique_ids_and_each_expects_one_thing():
    ids = [scenario.id for scenario in SCENARIOS]
    assert len(ids) == len(set(ids)) >= 12
    for scenario in SCENARIOS:
        assert (scenario.expected.tasks is None) != (scenario.expected.error is None), scenario.id


def test_the_scenarios_cover_every_outcome_and_a_refusal_of_each_date():
    outcomes = {s.decision.outcome for s in SCENARIOS if s.decision}
    assert {"granted", "refused", "withdrawn"} <= outcomes
    refused_fields = {s.expected.error.field for s in SCENARIOS if s.expected.error}
    assert {"pathway_id", "decided_on", "valid_until"} <= refused_fields


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_the_scenario_gets_its_follow_up_tasks_or_its_refusal(scenario: Scenario):
    got = outcome_of(scenario)
    expected = scenario.expected
    if expected.error is not None:
        assert isinstance(got, InvalidApplication), f"{scenario.title}: nothing was refused"
        assert got.field == expected.error.field
        assert expected.error.words in str(got)
    else:
        assert not isinstance(got, InvalidApplication), f"{scenario.title}: {got}"
        assert {kind: due.isoformat() for kind, due in got.items()} == expected.tasks


# --- Properties of the task planning ------------------------------------------------------

days = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2099, 12, 31))
outcomes = st.sampled_from([None, "granted", "refused", "withdrawn"])


@given(submitted=days, today=days, outcome=outcomes, valid_until=st.none() | days)
def test_a_task_is_never_due_in_the_past_except_the_last_renewal_warning(
    submitted, today, outcome, valid_until
):
    planned = follow_up_dates(submitted, outcome, valid_until, today)
    for kind, due in planned.items():
        if kind != f"renewal:{min(RENEWAL_WARNING_DAYS)}":
            assert due >= today, kind


@given(submitted=days, today=days, outcome=outcomes, valid_until=st.none() | days)
def test_pending_means_one_status_check_and_decided_means_none(
    submitted, today, outcome, valid_until
):
    planned = follow_up_dates(submitted, outcome, valid_until, today)
    if outcome is None:
        assert planned == {
            "follow_up": max(submitted + datetime.timedelta(days=FOLLOW_UP_DAYS), today)
        }
    else:
        assert "follow_up" not in planned
        if outcome != "granted" or valid_until is None:
            assert planned == {}


@given(today=days, valid_until=days)
def test_a_grant_still_running_always_keeps_its_last_warning_before_the_end(today, valid_until):
    planned = follow_up_dates(datetime.date(2000, 1, 1), "granted", valid_until, today)
    if valid_until > today:
        last = f"renewal:{min(RENEWAL_WARNING_DAYS)}"
        assert planned[last] == valid_until - datetime.timedelta(days=min(RENEWAL_WARNING_DAYS))
        assert all(due < valid_until for due in planned.values())
    else:
        assert planned == {}
