"""Applications made for a pathway and their decisions: recorded, corrected and
read through these functions, each in one transaction with its audit event.

What follows an application is work on the case, so each change keeps the
case's tasks in step (through the cases task machinery and its stable
`source` keys, which make every step idempotent):

- while an application waits for its decision, one task asks staff to check
  its status, due `FOLLOW_UP_DAYS` after it was submitted (never before the
  day it is recorded). Processing times differ widely between pathways and
  are not in the knowledge, so one status check a month after submission is
  the default; staff move the task's date or add more as they learn more;
- a decision completes that task;
- a granted decision with an end of validity (a TRP, an open work permit)
  gets tasks to prepare the renewal `RENEWAL_WARNING_DAYS` days before it
  ends, the way permit expiry warnings are made; a changed end moves them,
  and a decision that is no longer a grant with an end cancels them.

The audit events name the case, the application and the fields that changed,
never a value: the reference number, documents and conditions say who the
person is and what happened to them.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from harbour.audit.services import Actor, record
from harbour.cases.models import Case, TaskStatus
from harbour.cases.services import (
    DeadlineTask,
    add_deadline_tasks,
    cancel_task,
    complete_task,
    require_case_role,
)
from harbour.pathways.models import (
    Application,
    ApplicationOutcome,
    Decision,
    SubmittedBy,
)
from harbour.pathways.rules import Pathway, load_pathways
from harbour.screening.templatetags.screening_text import in_language

FOLLOW_UP_DAYS = 30
RENEWAL_WARNING_DAYS = (90, 30, 7)
# Task sources are `application:<id>:follow_up` and `application:<id>:renewal:<days>`.
APPLICATION_FIELDS = (
    "pathway_id",
    "submitted_on",
    "submitted_by",
    "reference_number",
    "documents_sent",
)
DECISION_FIELDS = ("outcome", "decided_on", "valid_until", "conditions")
# Long enough for any real reference or list, short enough to refuse a paste
# of a whole file into a field meant for a line.
TEXT_LIMITS = {"reference_number": 100, "documents_sent": 5000, "conditions": 5000}


class InvalidApplication(ValueError):
    """Application or decision data that cannot be saved; names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def pathways_by_id() -> dict[str, Pathway]:
    return {pathway.id: pathway for pathway in load_pathways()}


def pathway_title(pathway_id: str) -> str:
    """The pathway's title in the current language; its id if the knowledge
    no longer has it (history outlives a retired pathway)."""
    pathway = pathways_by_id().get(pathway_id)
    return in_language(pathway.title) if pathway is not None else pathway_id


def _optional_date(data: Mapping[str, Any], name: str) -> datetime.date | None:
    value = data.get(name)
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise InvalidApplication(name, _("Enter a date as YYYY-MM-DD."))
    return value


def _required_date(data: Mapping[str, Any], name: str) -> datetime.date:
    value = _optional_date(data, name)
    if value is None:
        raise InvalidApplication(name, _("This field is required."))
    return value


def _text(data: Mapping[str, Any], name: str) -> str:
    value = data.get(name) or ""
    if not isinstance(value, str):
        raise InvalidApplication(name, _("Enter text."))
    value = value.strip()
    if len(value) > TEXT_LIMITS[name]:
        raise InvalidApplication(
            name,
            _("At most %(limit)d characters, please.") % {"limit": TEXT_LIMITS[name]},
        )
    return value


def _not_in_future(name: str, day: datetime.date, today: datetime.date) -> None:
    if day > today:
        raise InvalidApplication(name, _("This date is in the future; record it once it happened."))


def clean_application(data: Mapping[str, Any], *, today: datetime.date) -> dict[str, Any]:
    """Every field of an application checked, or the first wrong one named."""
    pathway_id = data.get("pathway_id")
    if not pathway_id:
        raise InvalidApplication("pathway_id", _("Choose the pathway applied for."))
    if pathway_id not in pathways_by_id():
        raise InvalidApplication(
            "pathway_id",
            _("%(pathway)s is not a pathway Harbour knows.") % {"pathway": str(pathway_id)[:80]},
        )
    submitted_on = _required_date(data, "submitted_on")
    _not_in_future("submitted_on", submitted_on, today)
    if data.get("submitted_by") not in SubmittedBy.values:
        raise InvalidApplication("submitted_by", _("Choose who submitted the application."))
    return {
        "pathway_id": pathway_id,
        "submitted_on": submitted_on,
        "submitted_by": data["submitted_by"],
        "reference_number": _text(data, "reference_number"),
        "documents_sent": _text(data, "documents_sent"),
    }


def clean_decision(
    data: Mapping[str, Any], application: Application, *, today: datetime.date
) -> dict[str, Any]:
    if data.get("outcome") not in ApplicationOutcome.values:
        raise InvalidApplication("outcome", _("Choose the outcome: granted, refused or withdrawn."))
    decided_on = _required_date(data, "decided_on")
    _not_in_future("decided_on", decided_on, today)
    if decided_on < application.submitted_on:
        raise InvalidApplication(
            "decided_on",
            _("The decision cannot come before the application was submitted (%(day)s).")
            % {"day": application.submitted_on.isoformat()},
        )
    valid_until = _optional_date(data, "valid_until")
    if valid_until is not None:
        if data["outcome"] != ApplicationOutcome.GRANTED:
            raise InvalidApplication(
                "valid_until", _("Only a granted application has an end of validity.")
            )
        if valid_until <= decided_on:
            raise InvalidApplication(
                "valid_until", _("The end of validity must come after the decision date.")
            )
    return {
        "outcome": data["outcome"],
        "decided_on": decided_on,
        "valid_until": valid_until,
        "conditions": _text(data, "conditions"),
    }


def _changed(instance: Any, cleaned: Mapping[str, Any], names: tuple[str, ...]) -> list[str]:
    changed = []
    for name in names:
        if getattr(instance, name) != cleaned[name]:
            setattr(instance, name, cleaned[name])
            changed.append(name)
    return changed


def _event(actor: Actor, action: str, application: Application, fields: list[str]) -> None:
    # On the case, so its history shows it; ids and field names only.
    record(
        actor,
        action,
        application.case,
        detail={"application": str(application.pk), "fields": fields},
    )


def follow_up_dates(
    submitted_on: datetime.date,
    outcome: str | None,
    valid_until: datetime.date | None,
    today: datetime.date,
) -> dict[str, datetime.date]:
    """The follow-up tasks an application should have open, as {kind: due on}:
    `follow_up` while no decision (`outcome` None) has come, `renewal:<days>`
    for a grant with an end of validity.

    A follow-up whose day has passed falls due today. Renewal warnings already
    past are skipped except the last, kept even when late so that the end is
    never missed quietly; a validity already over (an old decision recorded
    now) gets none."""
    if outcome is None:
        return {"follow_up": max(submitted_on + datetime.timedelta(days=FOLLOW_UP_DAYS), today)}
    if outcome != ApplicationOutcome.GRANTED or valid_until is None or valid_until <= today:
        return {}
    wanted = {}
    for days in RENEWAL_WARNING_DAYS:
        due = valid_until - datetime.timedelta(days=days)
        if due >= today or days == min(RENEWAL_WARNING_DAYS):
            wanted[f"renewal:{days}"] = due
    return wanted


def _task_title(application: Application, kind: str) -> str:
    pathway = pathway_title(application.pathway_id)
    if kind == "follow_up":
        return _("Check the status of the application: %(pathway)s") % {"pathway": pathway}
    return _("%(pathway)s ends in %(days)d days: prepare the renewal or what comes next") % {
        "pathway": pathway,
        "days": int(kind.rsplit(":", 1)[-1]),
    }


def _sync_tasks(actor: Actor, application: Application, today: datetime.date) -> None:
    """Open the follow-up tasks the application should have; close the others:
    a follow-up a decision answered is done, a renewal no longer due cancelled."""
    decision = getattr(application, "decision", None)
    wanted = follow_up_dates(
        application.submitted_on,
        decision.outcome if decision else None,
        decision.valid_until if decision else None,
        today,
    )
    prefix = f"application:{application.pk}:"
    for task in application.case.tasks.filter(source__startswith=prefix, status=TaskStatus.OPEN):
        kind = task.source.removeprefix(prefix)
        if kind not in wanted:
            (complete_task if kind == "follow_up" else cancel_task)(actor, task)
    add_deadline_tasks(
        actor,
        application.case,
        [
            DeadlineTask(prefix + kind, _task_title(application, kind), due, (7, 1))
            for kind, due in wanted.items()
        ],
    )


def record_application(actor: Actor, case: Case, data: Mapping[str, Any]) -> Application:
    """A new application on the case, with its follow-up task."""
    require_case_role(actor, case)
    today = timezone.localdate()
    cleaned = clean_application(data, today=today)
    with transaction.atomic():
        application = Application(case=case, created_by=actor.user_or_none, **cleaned)
        application.save()
        _event(actor, "pathways.application.create", application, sorted(cleaned))
        _sync_tasks(actor, application, today)
    return application


def update_application(
    actor: Actor, application: Application, data: Mapping[str, Any]
) -> list[str]:
    """Correct an application; returns the names of the fields changed."""
    require_case_role(actor, application.case)
    today = timezone.localdate()
    cleaned = clean_application(data, today=today)
    decision = getattr(application, "decision", None)
    if decision is not None and decision.decided_on < cleaned["submitted_on"]:
        raise InvalidApplication(
            "submitted_on",
            _("The application cannot be submitted after its decision (%(day)s).")
            % {"day": decision.decided_on.isoformat()},
        )
    with transaction.atomic():
        changed = _changed(application, cleaned, APPLICATION_FIELDS)
        if changed:
            application.save()
            _event(actor, "pathways.application.update", application, changed)
            _sync_tasks(actor, application, today)
    return changed


def record_decision(actor: Actor, application: Application, data: Mapping[str, Any]) -> Decision:
    """The decision on an application (granted, refused or withdrawn), or a
    correction of the one recorded; the case's tasks follow it."""
    require_case_role(actor, application.case)
    today = timezone.localdate()
    cleaned = clean_decision(data, application, today=today)
    with transaction.atomic():
        decision = Decision.objects.select_for_update().filter(application=application).first()
        if decision is None:
            decision = Decision(application=application, recorded_by=actor.user_or_none, **cleaned)
            decision.save()
            application.decision = decision
            _event(actor, "pathways.decision.create", application, sorted(cleaned))
        else:
            changed = _changed(decision, cleaned, DECISION_FIELDS)
            if not changed:
                return decision
            decision.save()
            application.decision = decision
            _event(actor, "pathways.decision.update", application, changed)
        _sync_tasks(actor, application, today)
    return decision


def withdraw_application(
    actor: Actor, application: Application, on: datetime.date, *, note: str = ""
) -> Decision:
    """The person (or whoever submitted it) withdrew the application."""
    return record_decision(
        actor,
        application,
        {"outcome": ApplicationOutcome.WITHDRAWN, "decided_on": on, "conditions": note},
    )


def record_application_view(actor: Actor, application: Application, *, via: str = "web") -> None:
    """Reading an application shows its reference number and documents: audited."""
    require_case_role(actor, application.case)
    record(
        actor,
        "pathways.application.view",
        application.case,
        detail={"application": str(application.pk), "via": via},
    )


def record_applications_list(actor: Actor, case: Case, *, via: str) -> None:
    """A list of a case's applications with their numbers (the API's) is a read too."""
    require_case_role(actor, case)
    record(actor, "pathways.application.list", case, detail={"via": via})


def applications_of(case: Case) -> list[Application]:
    """The case's applications in the order they were submitted, with decisions."""
    return list(
        Application.objects.filter(case=case)
        .select_related("decision")
        .order_by("submitted_on", "created_at")
    )


__all__ = [
    "FOLLOW_UP_DAYS",
    "RENEWAL_WARNING_DAYS",
    "InvalidApplication",
    "applications_of",
    "clean_application",
    "clean_decision",
    "follow_up_dates",
    "pathway_title",
    "pathways_by_id",
    "record_application",
    "record_application_view",
    "record_applications_list",
    "record_decision",
    "update_application",
    "withdraw_application",
]
