"""The case stage is computed from what the case records: a table of examples
for the pure rule, then the same rule read from a real case."""

from __future__ import annotations

import datetime

import pytest

from harbour.audit.services import Actor
from harbour.cases import plan, services
from harbour.cases.stages import STAGES, Progress, Rule, Stage, stage_of, steps

EXAMPLES = [
    # (what has been done, stage, because)
    (Progress(), Stage.INTAKE, Rule.OPENED),
    (Progress(screenings=1), Stage.ASSESSMENT, Rule.SCREENING),
    (Progress(needs=1), Stage.ASSESSMENT, Rule.NEED_IDENTIFIED),
    (Progress(needs=2, screenings=1), Stage.ASSESSMENT, Rule.NEED_IDENTIFIED),
    (Progress(needs=1, open_actions=1), Stage.PLANNING, Rule.PLAN_ACTION),
    (Progress(needs=1, open_actions=2, screenings=3), Stage.PLANNING, Rule.PLAN_ACTION),
    (Progress(needs=1, needs_under_way=1), Stage.SUPPORT, Rule.NEED_UNDER_WAY),
    (Progress(needs=1, open_actions=1, done_actions=1), Stage.SUPPORT, Rule.ACTION_DONE),
    (
        Progress(needs=1, needs_under_way=1, protection_needs_under_way=1),
        Stage.PROTECTION,
        Rule.PROTECTION_NEED,
    ),
    (Progress(referrals=1), Stage.PROTECTION, Rule.REFERRAL),
    (Progress(pathway_deadlines=1, referrals=1), Stage.PROTECTION, Rule.PATHWAY_DEADLINE),
    (Progress(screenings=1, pathway_deadlines=1), Stage.PROTECTION, Rule.PATHWAY_DEADLINE),
    (Progress(applications_pending=1), Stage.PROTECTION, Rule.APPLICATION_PENDING),
    (
        Progress(applications_pending=1, pathway_deadlines=1, referrals=1),
        Stage.PROTECTION,
        Rule.APPLICATION_PENDING,
    ),
    (Progress(protections_granted=1), Stage.PROTECTION, Rule.PROTECTION_GRANTED),
    (
        Progress(protections_granted=1, applications_pending=1),
        Stage.PROTECTION,
        Rule.PROTECTION_GRANTED,
    ),
    (
        Progress(protections_granted=1, closure_requested=True),
        Stage.CLOSING,
        Rule.CLOSURE_REQUESTED,
    ),
    (Progress(protections_granted=1, closed=True), Stage.CLOSED, Rule.CLOSED),
    (Progress(referrals=1, closure_requested=True), Stage.CLOSING, Rule.CLOSURE_REQUESTED),
    (Progress(closure_requested=True), Stage.CLOSING, Rule.CLOSURE_REQUESTED),
    (Progress(closed=True, closure_requested=True, needs=3), Stage.CLOSED, Rule.CLOSED),
    (Progress(closed=True), Stage.CLOSED, Rule.CLOSED),
]


@pytest.mark.parametrize(("progress", "stage", "because"), EXAMPLES)
def test_the_stage_follows_from_what_has_been_done(progress, stage, because):
    reading = stage_of(progress)
    assert (reading.stage, reading.because) == (stage, because)


def test_the_steps_mark_earlier_stages_done_and_later_ones_upcoming():
    marked = steps(Stage.PLANNING)
    assert [step.stage for step in marked] == list(STAGES)
    assert [step.state for step in marked] == [
        "done",
        "done",
        "current",
        "upcoming",
        "upcoming",
        "upcoming",
        "upcoming",
    ]
    assert [step.state for step in steps(Stage.CLOSED)][-1] == "current"


def test_every_rule_and_stage_has_a_label():
    assert set(plan.STAGE_LABELS) == set(Stage)
    assert set(plan.RULE_TEXTS) == set(Rule)


def test_a_real_case_moves_through_the_stages(caseworker, supervisor, case, intruder):
    actor = Actor(user=caseworker)
    assert plan.reading_of(case).stage == Stage.INTAKE
    housing = services.identify_need(actor, case, {"domain": "housing"})
    assert plan.reading_of(case).stage == Stage.ASSESSMENT
    action = services.add_plan_action(
        actor, housing, {"title": "Call the shelter", "due_on": datetime.date(2026, 6, 1)}
    )
    assert plan.reading_of(case).stage == Stage.PLANNING
    services.complete_task(actor, action)
    assert plan.reading_of(case).stage == Stage.SUPPORT
    immigration = services.identify_need(actor, case, {"domain": "immigration"})
    assert plan.reading_of(case).stage == Stage.SUPPORT
    services.update_need(actor, immigration, {"status": "in_progress"})
    assert plan.reading_of(case).because == Rule.PROTECTION_NEED
    services.request_closure(actor, case)
    assert plan.reading_of(case).stage == Stage.CLOSING
    pending = services.pending_closure(case)
    assert pending is not None
    services.decide_closure(Actor(user=supervisor), pending, approve=True)
    case.refresh_from_db()
    assert plan.reading_of(case).stage == Stage.CLOSED


def test_a_pathway_deadline_task_puts_the_case_in_protection(caseworker, case, intruder):
    deadline = services.DeadlineTask(
        "pathway:vtip_trp:initial_validity_end", "TRP ends", datetime.date(2026, 9, 1)
    )
    services.add_deadline_tasks(Actor(user=caseworker), case, [deadline])
    assert plan.reading_of(case).because == Rule.PATHWAY_DEADLINE


def test_the_case_list_labels_each_row_with_its_stage(caseworker, case, intruder):
    from tests.conftest import open_demo_case

    other = open_demo_case(caseworker, pseudonym="Cedar")
    services.identify_need(Actor(user=caseworker), other, {"domain": "safety"})
    cases = [case, other]
    plan.label_stages(cases)
    assert [c.stage for c in cases] == [Stage.INTAKE, Stage.ASSESSMENT]
    assert cases[1].stage_label == "Assessment"


def test_an_application_and_its_grant_keep_the_case_in_protection(caseworker, case, intruder):
    from harbour.pathways import applications

    actor = Actor(user=caseworker)
    services.identify_need(actor, case, {"domain": "housing"})
    assert plan.reading_of(case).stage == Stage.ASSESSMENT
    submitted = datetime.date(2026, 1, 5)
    application = applications.record_application(
        actor, case, {"pathway_id": "vtip_trp", "submitted_on": submitted, "submitted_by": "lawyer"}
    )
    assert plan.reading_of(case).because == Rule.APPLICATION_PENDING
    applications.record_decision(
        actor,
        application,
        {"outcome": "granted", "decided_on": submitted, "valid_until": datetime.date(2099, 1, 5)},
    )
    assert plan.reading_of(case).because == Rule.PROTECTION_GRANTED
    applications.record_decision(
        actor,
        application,
        {"outcome": "granted", "decided_on": submitted, "valid_until": datetime.date(2026, 6, 1)},
    )
    # Ended: the case is back where the rest of its record puts it.
    assert plan.reading_of(case).stage == Stage.ASSESSMENT
    # Another organisation's case is not moved by this one's applications.
    from tests.conftest import open_demo_case

    assert plan.reading_of(open_demo_case(intruder, pseudonym="Spruce")).stage == Stage.INTAKE
