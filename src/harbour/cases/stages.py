"""Case stages, computed from what has been done on the case.

Pure Python: no Django, no I/O. `stage_of(progress)` takes a `Progress` (counts
the case page gathers from its records) and returns a `Reading`: the stage and
the rule that put the case there. Nobody sets a stage by hand, so a stage can
never say more than the file shows.

The rules, first match wins (docs/needs-and-plan.md):

1. closed      the case is closed;
2. closing     a closure request waits for a supervisor;
3. protection  a protection was granted and is still valid, or an
               application for a pathway waits for its decision, or
               a pathway deadline is on the case as a task (the navigator
               found a protection or recourse and someone acted on it), or a
               referral or transfer to an organisation on Harbour is under way
               or done, or an immigration or legal need is in progress or met;
4. support     a need is in progress or met, or a plan action is done;
5. planning    a plan action (a task linked to a need) is open;
6. assessment  a need has been identified, or a screening started;
7. intake      the case is open and nothing of the above has happened yet.

Protection ranks above support because it is what the support is for: a
person whose TRP application is under way is in protection even while the
housing need is still being worked on.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Stage(StrEnum):
    INTAKE = "intake"
    ASSESSMENT = "assessment"
    PLANNING = "planning"
    SUPPORT = "support"
    PROTECTION = "protection"
    CLOSING = "closing"
    CLOSED = "closed"


STAGES: tuple[Stage, ...] = tuple(Stage)


class Rule(StrEnum):
    """Why a case is at its stage: the first rule that held."""

    CLOSED = "closed"
    CLOSURE_REQUESTED = "closure_requested"
    PROTECTION_GRANTED = "protection_granted"
    APPLICATION_PENDING = "application_pending"
    PATHWAY_DEADLINE = "pathway_deadline"
    REFERRAL = "referral"
    PROTECTION_NEED = "protection_need"
    NEED_UNDER_WAY = "need_under_way"
    ACTION_DONE = "action_done"
    PLAN_ACTION = "plan_action"
    NEED_IDENTIFIED = "need_identified"
    SCREENING = "screening"
    OPENED = "opened"


@dataclass(frozen=True)
class Progress:
    """What has been done on one case, as counts (only zero or not matters)."""

    closed: bool = False
    closure_requested: bool = False
    screenings: int = 0
    needs: int = 0  # any status
    needs_under_way: int = 0  # in progress or met
    protection_needs_under_way: int = 0  # immigration or legal, in progress or met
    open_actions: int = 0  # open tasks linked to a need
    done_actions: int = 0  # done tasks linked to a need
    pathway_deadlines: int = 0  # tasks made from a pathway deadline, not cancelled
    referrals: int = 0  # referrals and transfers neither declined nor revoked
    applications_pending: int = 0  # pathway applications without a decision
    protections_granted: int = 0  # granted applications not yet past their end


@dataclass(frozen=True)
class Reading:
    stage: Stage
    because: Rule


# Checked in this order; the first that holds gives the stage.
_RULES: tuple[tuple[Rule, Stage], ...] = (
    (Rule.CLOSED, Stage.CLOSED),
    (Rule.CLOSURE_REQUESTED, Stage.CLOSING),
    (Rule.PROTECTION_GRANTED, Stage.PROTECTION),
    (Rule.APPLICATION_PENDING, Stage.PROTECTION),
    (Rule.PATHWAY_DEADLINE, Stage.PROTECTION),
    (Rule.REFERRAL, Stage.PROTECTION),
    (Rule.PROTECTION_NEED, Stage.PROTECTION),
    (Rule.NEED_UNDER_WAY, Stage.SUPPORT),
    (Rule.ACTION_DONE, Stage.SUPPORT),
    (Rule.PLAN_ACTION, Stage.PLANNING),
    (Rule.NEED_IDENTIFIED, Stage.ASSESSMENT),
    (Rule.SCREENING, Stage.ASSESSMENT),
)


def _holds(rule: Rule, p: Progress) -> bool:
    return {
        Rule.CLOSED: p.closed,
        Rule.CLOSURE_REQUESTED: p.closure_requested,
        Rule.PROTECTION_GRANTED: p.protections_granted > 0,
        Rule.APPLICATION_PENDING: p.applications_pending > 0,
        Rule.PATHWAY_DEADLINE: p.pathway_deadlines > 0,
        Rule.REFERRAL: p.referrals > 0,
        Rule.PROTECTION_NEED: p.protection_needs_under_way > 0,
        Rule.NEED_UNDER_WAY: p.needs_under_way > 0,
        Rule.ACTION_DONE: p.done_actions > 0,
        Rule.PLAN_ACTION: p.open_actions > 0,
        Rule.NEED_IDENTIFIED: p.needs > 0,
        Rule.SCREENING: p.screenings > 0,
        Rule.OPENED: True,
    }[rule]


def stage_of(progress: Progress) -> Reading:
    for rule, stage in _RULES:
        if _holds(rule, progress):
            return Reading(stage, rule)
    return Reading(Stage.INTAKE, Rule.OPENED)


@dataclass(frozen=True)
class Step:
    stage: Stage
    state: str  # "done", "current" or "upcoming"


def steps(current: Stage) -> list[Step]:
    """Every stage in order, marked done, current or upcoming, for a stepper."""
    index = STAGES.index(current)
    return [
        Step(stage, "done" if i < index else "current" if i == index else "upcoming")
        for i, stage in enumerate(STAGES)
    ]
