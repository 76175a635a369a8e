"""Reading a case's needs and plan: the progress counts the stage engine
needs (for one case or a page of cases at once), stage labels, and the needs
with their actions for the case page. Reads only; changes go through
cases.services."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from harbour.cases.models import (
    PRIORITY_RANK,
    Case,
    CaseStatus,
    ClosureRequest,
    ClosureStatus,
    Need,
    NeedDomain,
    NeedStatus,
    Task,
    TaskStatus,
)
from harbour.cases.stages import Progress, Reading, Rule, Stage, Step, stage_of, steps

STAGE_LABELS = {
    Stage.INTAKE: _("Intake"),
    Stage.ASSESSMENT: _("Assessment"),
    Stage.PLANNING: _("Planning"),
    Stage.SUPPORT: _("Support"),
    Stage.PROTECTION: _("Protection"),
    Stage.CLOSING: _("Closing"),
    Stage.CLOSED: _("Closed"),
}

RULE_TEXTS = {
    Rule.CLOSED: _("The case is closed."),
    Rule.CLOSURE_REQUESTED: _("A closure request is waiting for a supervisor."),
    Rule.PROTECTION_GRANTED: _("A protection was granted and is still valid."),
    Rule.APPLICATION_PENDING: _("An application for protection waits for its decision."),
    Rule.PATHWAY_DEADLINE: _("A protection pathway deadline is on the case."),
    Rule.REFERRAL: _("A referral or transfer to another organisation is under way or done."),
    Rule.PROTECTION_NEED: _("An immigration or legal need is in progress or met."),
    Rule.NEED_UNDER_WAY: _("A need is in progress or met."),
    Rule.ACTION_DONE: _("An action of the plan is done."),
    Rule.PLAN_ACTION: _("The plan has an action to do."),
    Rule.NEED_IDENTIFIED: _("A need has been identified."),
    Rule.SCREENING: _("A screening has started."),
    Rule.OPENED: _("The case is open; no need, screening or plan yet."),
}

UNDER_WAY = (NeedStatus.IN_PROGRESS, NeedStatus.MET)
PROTECTION_DOMAINS = (NeedDomain.IMMIGRATION, NeedDomain.LEGAL)


def _counts(rows: QuerySet[Any], condition: Q | None = None) -> dict[uuid.UUID, int]:
    if condition is not None:
        rows = rows.filter(condition)
    return dict(rows.values("case_id").annotate(n=Count("pk")).values_list("case_id", "n"))


def progress_by_case(cases: Iterable[Case]) -> dict[uuid.UUID, Progress]:
    """The progress of each case, in one query per count whatever the number of cases."""
    from harbour.directory.models import Referral, ReferralStatus
    from harbour.pathways.models import Application, ApplicationOutcome
    from harbour.screening.models import Assessment

    listed = list(cases)
    ids = [case.pk for case in listed]
    needs = Need.objects.filter(case_id__in=ids)
    actions = Task.objects.filter(case_id__in=ids, need__isnull=False)
    counts = {
        "screenings": _counts(Assessment.objects.filter(case_id__in=ids)),
        "needs": _counts(needs),
        "needs_under_way": _counts(needs, Q(status__in=UNDER_WAY)),
        "protection_needs_under_way": _counts(
            needs, Q(status__in=UNDER_WAY, domain__in=PROTECTION_DOMAINS)
        ),
        "open_actions": _counts(actions, Q(status=TaskStatus.OPEN)),
        "done_actions": _counts(actions, Q(status=TaskStatus.DONE)),
        "pathway_deadlines": _counts(
            Task.objects.filter(case_id__in=ids, source__startswith="pathway:").exclude(
                status=TaskStatus.CANCELLED
            )
        ),
        "referrals": _counts(
            Referral.objects.filter(case_id__in=ids).exclude(
                status__in=[ReferralStatus.DECLINED, ReferralStatus.REVOKED]
            )
        ),
        "applications_pending": _counts(
            Application.objects.filter(case_id__in=ids, decision__isnull=True)
        ),
        "protections_granted": _counts(
            Application.objects.filter(
                case_id__in=ids, decision__outcome=ApplicationOutcome.GRANTED
            ).filter(
                Q(decision__valid_until__isnull=True)
                | Q(decision__valid_until__gte=timezone.localdate())
            )
        ),
    }
    pending = set(
        ClosureRequest.objects.filter(case_id__in=ids, status=ClosureStatus.PENDING).values_list(
            "case_id", flat=True
        )
    )
    return {
        case.pk: Progress(
            closed=case.status == CaseStatus.CLOSED,
            closure_requested=case.pk in pending,
            **{name: by_case.get(case.pk, 0) for name, by_case in counts.items()},
        )
        for case in listed
    }


def reading_of(case: Case) -> Reading:
    return stage_of(progress_by_case([case])[case.pk])


def label_stages(cases: Iterable[Case]) -> None:
    """Give each case of a list page its stage and stage label."""
    listed = list(cases)
    progress = progress_by_case(listed)
    for case in listed:
        stage = stage_of(progress[case.pk]).stage
        case.stage = stage  # type: ignore[attr-defined]
        case.stage_label = str(STAGE_LABELS[stage])  # type: ignore[attr-defined]


@dataclass(frozen=True)
class StepView:
    code: str
    label: Any
    state: str


@dataclass(frozen=True)
class StageView:
    stage: Stage
    label: Any
    because: Any
    steps: list[StepView]


def stage_view(case: Case) -> StageView:
    reading = reading_of(case)
    shown: list[Step] = steps(reading.stage)
    return StageView(
        stage=reading.stage,
        label=STAGE_LABELS[reading.stage],
        because=RULE_TEXTS[reading.because],
        steps=[StepView(step.stage.value, STAGE_LABELS[step.stage], step.state) for step in shown],
    )


def needs_of(case: Case) -> list[Need]:
    """The case's needs, active ones first, by priority, each with its actions
    (`need.plan_actions`, by due date)."""
    needs = list(case.needs.select_related("identified_by"))
    actions: dict[uuid.UUID, list[Task]] = {}
    for task in (
        case.tasks.filter(need__isnull=False)
        .select_related("assigned_to")
        .defer("details")
        .order_by("due_on", "created_at")
    ):
        actions.setdefault(task.need_id, []).append(task)  # type: ignore[arg-type]
    for need in needs:
        need.plan_actions = actions.get(need.pk, [])  # type: ignore[attr-defined]
    return sorted(
        needs,
        key=lambda need: (not need.is_active, PRIORITY_RANK.get(need.priority, 9), need.created_at),
    )
