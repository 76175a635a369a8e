"""Needs and case plan endpoints: a case's needs with their actions, adding
and updating a need, planning an action, and the case's stage. Reached
through cases.access and changed through cases.services, like the case page.

An action is a task linked to a need: once made, it is read and changed
through the task endpoints (`PATCH /tasks/{task_id}` marks it done).
"""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Router, Status
from ninja.errors import HttpError, ValidationError
from pydantic import AfterValidator, StringConstraints

from harbour.api.common import Errors, actor_of, case_staff, get_visible, staff_who_can_open
from harbour.api.schemas import CleanText, ErrorOut, IsoDate, LongText, Out, Strict
from harbour.cases import access, plan, services
from harbour.cases.models import Need, NeedDomain, NeedPriority, NeedStatus, Task
from harbour.cases.stages import Rule, Stage

router = Router(tags=["needs"])


def _trimmed_not_blank(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be blank")
    return value


ActionTitle = Annotated[
    str,
    StringConstraints(min_length=1, max_length=500),
    CleanText(r"^[^\x00]*[^\s\x00][^\x00]*$"),
    AfterValidator(_trimmed_not_blank),
]
Username = Annotated[str, StringConstraints(max_length=150), CleanText()]


class NeedIn(Strict):
    domain: NeedDomain
    priority: NeedPriority = NeedPriority.NORMAL
    status: NeedStatus = NeedStatus.IDENTIFIED
    note: LongText = ""
    identified_on: IsoDate | None = None  # today if left out; never a future day


class NeedPatch(Strict):
    """Fields left out stay as they are. The domain is what a need is and
    does not change: mark the need no longer needed and identify another."""

    priority: NeedPriority | None = None
    status: NeedStatus | None = None
    note: LongText | None = None


class ActionIn(Strict):
    title: ActionTitle
    due_on: IsoDate
    # A username of staff who can open the case; left out, the caller owns it.
    owner: Username | None = None


class ActionOut(Out):
    id: uuid.UUID  # the task's id, for the task endpoints
    need_id: uuid.UUID
    title: str
    due_on: datetime.date
    owner: str | None
    status: Literal["open", "done", "cancelled"]


class NeedOut(Out):
    id: uuid.UUID
    case_id: uuid.UUID
    domain: NeedDomain
    priority: NeedPriority
    status: NeedStatus
    note: str
    identified_on: datetime.date
    identified_by: str | None
    actions: list[ActionOut]


class StageOut(Out):
    stage: Stage
    because: Rule
    explanation: str


def _action_out(task: Task) -> dict[str, Any]:
    return {
        "id": task.pk,
        "need_id": task.need_id,
        "title": task.title,
        "due_on": task.due_on,
        "owner": task.assigned_to.get_username() if task.assigned_to else None,
        "status": task.status,
    }


def _need_out(need: Need) -> dict[str, Any]:
    actions = need.actions.select_related("assigned_to").order_by("due_on", "created_at")
    return {
        "id": need.pk,
        "case_id": need.case_id,
        "domain": need.domain,
        "priority": need.priority,
        "status": need.status,
        "note": need.note,
        "identified_on": need.identified_on,
        "identified_by": need.identified_by.get_username() if need.identified_by else None,
        "actions": [_action_out(task) for task in actions],
    }


def _need_for(user: Any, need_id: str) -> Need:
    return get_visible(access.visible_needs(user).select_related("case", "identified_by"), need_id)


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError([{"loc": ["body", field], "msg": message, "type": "value_error"}])


@router.get("/cases/{case_id}/needs", response={200: list[NeedOut], **Errors})
def list_needs(request: HttpRequest, case_id: str) -> Any:
    case = access.get_case_for(case_staff(request), case_id)
    services.record_case_view(actor_of(request), case, via="api")
    return [_need_out(need) for need in plan.needs_of(case)]


@router.post("/cases/{case_id}/needs", response={201: NeedOut, 409: ErrorOut, **Errors})
def create_need(request: HttpRequest, case_id: str, payload: NeedIn) -> Any:
    """409 when an open need of the same domain is already on the plan, or
    for a day in the future."""
    case = access.get_case_for(case_staff(request), case_id)
    data = payload.model_dump(exclude_none=True)
    data = {key: getattr(value, "value", value) for key, value in data.items()}
    try:
        need = services.identify_need(actor_of(request), case, data)
    except services.InvalidNeed as problem:
        raise HttpError(409, str(problem)) from None
    return Status(201, _need_out(need))


@router.patch("/needs/{need_id}", response={200: NeedOut, 409: ErrorOut, **Errors})
def update_need(request: HttpRequest, need_id: str, payload: NeedPatch) -> Any:
    """409 when reopening the need would leave two open needs of its domain."""
    need = _need_for(case_staff(request), need_id)
    given = payload.model_dump(exclude_unset=True)
    changes = {
        key: getattr(value, "value", value) for key, value in given.items() if value is not None
    }
    try:
        services.update_need(actor_of(request), need, changes)
    except services.InvalidNeed as problem:
        raise HttpError(409, str(problem)) from None
    return _need_out(need)


@router.post("/needs/{need_id}/actions", response={201: ActionOut, 409: ErrorOut, **Errors})
def create_need_action(request: HttpRequest, need_id: str, payload: ActionIn) -> Any:
    """An action of the plan, as a task linked to the need. 409 when the need
    is met or no longer needed, or the owner cannot open the case."""
    need = _need_for(case_staff(request), need_id)
    owner = staff_who_can_open(need.case, payload.owner)
    data = {"title": payload.title, "due_on": payload.due_on}
    try:
        task = services.add_plan_action(actor_of(request), need, data, owner=owner)
    except services.InvalidNeed as problem:
        raise HttpError(409, str(problem)) from None
    except services.InvalidTask as problem:
        raise _invalid(problem.field, str(problem)) from None
    return Status(201, _action_out(task))


@router.get("/cases/{case_id}/stage", response={200: StageOut, **Errors})
def case_stage(request: HttpRequest, case_id: str) -> Any:
    """The stage computed from what the case records, and the rule that gave it."""
    case = access.get_case_for(case_staff(request), case_id)
    reading = plan.reading_of(case)
    return {
        "stage": reading.stage,
        "because": reading.because,
        "explanation": str(plan.RULE_TEXTS[reading.because]),
    }
