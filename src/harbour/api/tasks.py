"""Task endpoints: a case's tasks, the caller's own tasks, and one task.
Reached through cases.access and changed through cases.services, like the
case page and the deadlines pages."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Any, Literal

from django.db import transaction
from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.errors import ValidationError
from pydantic import AfterValidator, Field, StringConstraints

from harbour.api.common import (
    Errors,
    PageParams,
    actor_of,
    case_staff,
    get_visible,
    staff_who_can_open,
)
from harbour.api.schemas import CleanText, ErrorOut, IsoDate, LongText, Out, Page, Strict
from harbour.cases import access, services
from harbour.cases.models import Task, TaskStatus

router = Router(tags=["tasks"])


def _trimmed_not_blank(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be blank")
    return value


TaskTitle = Annotated[
    str,
    StringConstraints(min_length=1, max_length=500),
    CleanText(r"^[^\x00]*[^\s\x00][^\x00]*$"),
    AfterValidator(_trimmed_not_blank),
]
Username = Annotated[str, StringConstraints(max_length=150), CleanText()]
ReminderDays = Annotated[list[Annotated[int, Field(ge=0, le=365)]], Field(max_length=5)]
StatusName = Literal["open", "done", "cancelled"]


class TaskIn(Strict):
    title: TaskTitle
    due_on: IsoDate
    details: LongText = ""
    # A username of staff who can open the case; none leaves the task unassigned.
    assigned_to: Username | None = None
    reminder_days: ReminderDays = Field(default_factory=lambda: [7, 1])


class TaskPatch(Strict):
    """Fields left out stay as they are; `assigned_to: null` unassigns."""

    title: TaskTitle | None = None
    due_on: IsoDate | None = None
    details: LongText | None = None
    assigned_to: Username | None = None
    reminder_days: ReminderDays | None = None
    status: StatusName | None = None


class TaskOut(Out):
    id: uuid.UUID
    case_id: uuid.UUID
    case_reference: str
    title: str
    details: str
    due_on: datetime.date
    assigned_to: str | None
    status: StatusName
    reminder_days: list[int]
    # Blank for tasks made by hand; a stable key for automatic ones.
    source: str
    created_at: datetime.datetime
    completed_at: datetime.datetime | None


class TaskPage(Page):
    items: list[TaskOut]


class MyTaskFilters(PageParams):
    status: StatusName | None = None


def _task_out(task: Task) -> dict[str, Any]:
    return {
        "id": task.pk,
        "case_id": task.case_id,
        "case_reference": task.case.reference,
        "title": task.title,
        "details": task.details,
        "due_on": task.due_on,
        "assigned_to": task.assigned_to.get_username() if task.assigned_to else None,
        "status": task.status,
        "reminder_days": list(task.reminders),
        "source": task.source,
        "created_at": task.created_at,
        "completed_at": task.completed_at,
    }


def _task_for(user: Any, task_id: str) -> Task:
    return get_visible(access.visible_tasks(user).select_related("case", "assigned_to"), task_id)


def _invalid(problem: services.InvalidTask) -> ValidationError:
    return ValidationError(
        [{"loc": ["body", problem.field], "msg": str(problem), "type": "value_error"}]
    )


@router.get("/cases/{case_id}/tasks", response={200: list[TaskOut], **Errors})
def list_case_tasks(request: HttpRequest, case_id: str) -> Any:
    case = access.get_case_for(case_staff(request), case_id)
    return [_task_out(task) for task in case.tasks.select_related("case", "assigned_to")]


@router.post("/cases/{case_id}/tasks", response={201: TaskOut, 409: ErrorOut, **Errors})
def create_task(request: HttpRequest, case_id: str, payload: TaskIn) -> Any:
    case = access.get_case_for(case_staff(request), case_id)
    data = payload.model_dump(exclude={"assigned_to"})
    try:
        task = services.add_task(
            actor_of(request), case, data, assigned_to=staff_who_can_open(case, payload.assigned_to)
        )
    except services.InvalidTask as problem:
        raise _invalid(problem) from None
    return Status(201, _task_out(task))


@router.get("/tasks", response={200: TaskPage, **Errors})
def list_my_tasks(request: HttpRequest, filters: Query[MyTaskFilters]) -> Any:
    """The caller's tasks on cases they can open, by due date (open ones unless
    a status is asked for)."""
    user = case_staff(request, "status", "limit", "offset")
    tasks = (
        access.visible_tasks(user)
        .filter(assigned_to=user, status=filters.status or TaskStatus.OPEN)
        .select_related("case", "assigned_to")
        .order_by("due_on", "created_at", "pk")
    )
    limit, offset = filters.limit, filters.offset
    return {
        "count": tasks.count(),
        "limit": limit,
        "offset": offset,
        "items": [_task_out(task) for task in tasks[offset : offset + limit]],
    }


@router.get("/tasks/{task_id}", response={200: TaskOut, **Errors})
def get_task(request: HttpRequest, task_id: str) -> Any:
    return _task_out(_task_for(case_staff(request), task_id))


STATUS_CHANGES = {
    TaskStatus.OPEN: services.reopen_task,
    TaskStatus.DONE: services.complete_task,
    TaskStatus.CANCELLED: services.cancel_task,
}


@router.patch("/tasks/{task_id}", response={200: TaskOut, 409: ErrorOut, **Errors})
def update_task(request: HttpRequest, task_id: str, payload: TaskPatch) -> Any:
    task = _task_for(case_staff(request), task_id)
    given = payload.model_dump(exclude_unset=True)
    changes = {
        key: value
        for key, value in given.items()
        if key in services.TASK_FIELDS and value is not None
    }
    extra: dict[str, Any] = {}
    if "assigned_to" in given:
        extra["assigned_to"] = staff_who_can_open(task.case, given["assigned_to"])
    actor = actor_of(request)
    try:
        with transaction.atomic():
            services.update_task(actor, task, changes, **extra)
            if given.get("status"):
                STATUS_CHANGES[TaskStatus(given["status"])](actor, task)
    except services.InvalidTask as problem:
        raise _invalid(problem) from None
    return _task_out(task)
