"""Every change to people, cases and notes goes through these functions.

Each runs in one transaction with its audit event, so a failure half-way
leaves neither a half-saved record nor an event for a change that never was.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from harbour.accounts.models import Membership, Organisation, Role
from harbour.audit.services import Actor, record
from harbour.cases import documents as case_documents
from harbour.cases import export as case_export
from harbour.cases import zipaes
from harbour.cases.access import visible_cases
from harbour.cases.image_metadata import without_metadata
from harbour.cases.models import (
    MAX_REMINDER_DAYS,
    PERSON_FIELDS,
    CalendarFeed,
    Case,
    CaseStatus,
    ClosureRequest,
    ClosureStatus,
    Consent,
    ConsentMethod,
    ConsentPurpose,
    Document,
    LegalHold,
    Need,
    NeedDomain,
    NeedPriority,
    NeedStatus,
    NeedStatusChange,
    Note,
    PermitType,
    Person,
    ReminderDigest,
    RetentionPeriod,
    Task,
    TaskStatus,
    document_index_for,
    format_reminder_days,
    parse_reminder_days,
    phone_index_for,
)
from harbour.reports.services import refresh_statistics_profile

CASE_FIELDS = ("status", "province", "sector", "summary", "opened_on", "closed_on")


class NotAllowed(Exception):
    """The actor's role does not allow this change."""


def _require_case_role(actor: Actor) -> Membership:
    membership: Membership | None = getattr(actor.user_or_none, "membership", None)
    if membership is None or not membership.can_open_cases:
        raise NotAllowed(_("Only caseworkers, supervisors and organisation admins handle cases."))
    return membership


def require_case_role(actor: Actor, record_of: Person | Case | None = None) -> Membership:
    """The actor handles cases, and (if given) the record is their organisation's.

    Other apps' services (screening, referrals…) build on case records and
    check through this one function.
    """
    membership = _require_case_role(actor)
    if record_of is not None:
        _require_same_organisation(membership, record_of)
    return membership


def _require_same_organisation(membership: Membership, obj: Person | Case) -> None:
    # Views and the API look objects up through the access layer first; this
    # keeps a service from ever changing another organisation's record anyway.
    if obj.organisation_id != membership.organisation_id:
        raise NotAllowed(_("Records of another organisation cannot be changed."))


def apply_fields(instance: Model, data: Mapping[str, Any], allowed: tuple[str, ...]) -> list[str]:
    """Set the allowed fields that changed; return their names (never values)."""
    changed = []
    for name in allowed:
        if name in data and getattr(instance, name) != data[name]:
            setattr(instance, name, data[name])
            changed.append(name)
    return changed


def next_reference(organisation: Organisation, opened_on: datetime.date) -> str:
    """The organisation's next case reference (locks its counter until commit).
    Also used when a transferred case joins the receiving organisation."""
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    number = locked.next_case_number
    locked.next_case_number = number + 1
    locked.save(update_fields=["next_case_number"])
    return f"HB-{opened_on.year}-{number:04d}"


def register_person(actor: Actor, data: Mapping[str, Any]) -> Person:
    membership = _require_case_role(actor)
    with transaction.atomic():
        person = Person(organisation_id=membership.organisation_id, created_by=actor.user_or_none)
        changed = apply_fields(person, data, PERSON_FIELDS)
        person.save()
        record(actor, "person.create", person, detail={"fields": changed})
        refresh_statistics_profile(person)
        sync_permit_deadlines(actor, person)
    return person


def update_person(actor: Actor, person: Person, data: Mapping[str, Any]) -> list[str]:
    _require_same_organisation(_require_case_role(actor), person)
    with transaction.atomic():
        changed = apply_fields(person, data, PERSON_FIELDS)
        if changed:
            person.save()
            record(actor, "person.update", person, detail={"fields": changed})
            refresh_statistics_profile(person)
        if {"permit_expiry", "permit_type"} & set(changed):
            sync_permit_deadlines(actor, person)
    return changed


def open_case(
    actor: Actor,
    person: Person,
    data: Mapping[str, Any],
    *,
    forms: list[str] | None = None,
    assigned_to: list[Any] | None = None,
) -> Case:
    """Open a case for a person; the opener is assigned unless others are named."""
    membership = _require_case_role(actor)
    if person.organisation_id != membership.organisation_id:
        raise NotAllowed(_("A case can only be opened for a person of the same organisation."))
    with transaction.atomic():
        opened_on = data.get("opened_on") or timezone.localdate()
        case = Case(
            organisation_id=membership.organisation_id,
            person=person,
            province=data.get("province") or membership.organisation.province,
            opened_on=opened_on,
            reference=next_reference(membership.organisation, opened_on),
        )
        changed = apply_fields(case, {**data, "opened_on": opened_on}, CASE_FIELDS)
        case.forms = forms or []
        case.save()
        staff = assigned_to if assigned_to else [actor.user_or_none]
        case.assigned_to.set(_same_organisation_staff(membership, staff))
        record(actor, "case.create", case, detail={"fields": changed, "forms": case.forms})
        refresh_statistics_profile(person)
        if person.permit_expiry:
            sync_permit_deadlines(actor, person)
    return case


def open_case_for_new_person(
    actor: Actor,
    person_data: Mapping[str, Any],
    case_data: Mapping[str, Any],
    *,
    forms: list[str] | None = None,
    assigned_to: list[Any] | None = None,
) -> Case:
    with transaction.atomic():
        person = register_person(actor, person_data)
        return open_case(actor, person, case_data, forms=forms, assigned_to=assigned_to)


def _same_organisation_staff(membership: Membership, users: list[Any]) -> list[Any]:
    allowed = {Role.CASEWORKER, Role.SUPERVISOR, Role.ORG_ADMIN}
    result = []
    for user in users:
        other: Membership | None = getattr(user, "membership", None)
        if other is None or other.organisation_id != membership.organisation_id:
            raise NotAllowed(_("Cases can only be assigned to staff of the same organisation."))
        if other.role not in allowed:
            raise NotAllowed(_("Cases can only be assigned to staff who handle cases."))
        result.append(user)
    return result


def update_case(
    actor: Actor,
    case: Case,
    data: Mapping[str, Any],
    *,
    forms: list[str] | None = None,
    assigned_to: list[Any] | None = None,
) -> list[str]:
    membership = _require_case_role(actor)
    _require_same_organisation(membership, case)
    was_closed = case.status == CaseStatus.CLOSED
    closing = data.get("status", case.status) == CaseStatus.CLOSED and not was_closed
    if closing:
        _require_closure_approver(membership)
    with transaction.atomic():
        changed = apply_fields(case, data, CASE_FIELDS)
        if case.status == CaseStatus.CLOSED and case.closed_on is None:
            case.closed_on = timezone.localdate()
            changed.append("closed_on")
        if was_closed and case.status != CaseStatus.CLOSED and "closed_on" not in data:
            # Reopened: the retention clock starts again at the next closure.
            case.closed_on = None
            changed.append("closed_on")
        if forms is not None and sorted(set(forms)) != case.forms:
            case.forms = forms
            changed.append("exploitation_forms")
        if changed:
            case.save()
        if assigned_to is not None:
            new_staff = set(_same_organisation_staff(membership, assigned_to))
            if new_staff != set(case.assigned_to.all()):
                case.assigned_to.set(new_staff)
                changed.append("assigned_to")
        if changed:
            record(actor, "case.update", case, detail={"fields": changed})
            refresh_statistics_profile(case.person)
        if closing:
            _approved_at_once(actor, case, "")
        if "status" in changed and case.status != CaseStatus.CLOSED and case.person.permit_expiry:
            # A case opened again needs its permit warnings again.
            sync_permit_deadlines(actor, case.person)
    return changed


def add_note(actor: Actor, case: Case, body: str) -> Note:
    _require_same_organisation(_require_case_role(actor), case)
    with transaction.atomic():
        note = Note.objects.create(case=case, author=actor.user_or_none, body=body)
        record(actor, "note.create", case, detail={"note": str(note.pk)})
    return note


def record_case_view(actor: Actor, case: Case, *, via: str = "web") -> None:
    """A read of a case file is an event too (ASVS 16.3.2)."""
    record(actor, "case.view", case, detail={"via": via})


def record_person_view(actor: Actor, person: Person, *, via: str = "web") -> None:
    record(actor, "person.view", person, detail={"via": via})


def find_cases_by_identifier(actor: Actor, kind: str, value: str) -> QuerySet[Case]:
    """Exact match on a phone or document number through the blind index.

    The search itself is audited (without the value): looking people up by
    phone number is exactly what a coerced insider would do.
    """
    record(actor, "case.search_identifier", detail={"kind": kind})
    if kind == "phone":
        digest = phone_index_for(value)
        match = Q(person__phone_index=digest)
    else:
        digest = document_index_for(value)
        match = Q(person__document_index=digest) | Q(person__permit_index=digest)
    if not digest:
        return Case.objects.none()
    return visible_cases(actor.user).filter(match).select_related("person")


# --- Tasks and deadlines ---------------------------------------------------------------

TASK_FIELDS = ("title", "details", "due_on", "reminder_days")
PERMIT_WARNING_DAYS = (90, 30, 7)
PERMIT_SOURCE = "permit_expiry:{days}"


@dataclass(frozen=True)
class DeadlineTask:
    """A deadline another part of Harbour (the pathways navigator, the permit
    dates) wants on a case as a task."""

    source: str  # stable key, e.g. "pathway:trp_trafficking:initial_validity_end"
    title: str  # already translated, no personal data
    due_on: datetime.date
    reminder_days: tuple[int, ...] = (30, 7, 1)


def can_open_case(user: Any, case: Case) -> bool:
    """Whether this member of staff may open the case (the rule of cases.access)."""
    membership: Membership | None = getattr(user, "membership", None)
    if membership is None or not membership.can_open_cases or not user.is_active:
        return False
    if membership.organisation_id != case.organisation_id:
        return False
    return membership.sees_whole_organisation or case.assigned_to.filter(pk=user.pk).exists()


def _require_task_assignee(case: Case, user: Any) -> Any:
    """A task goes to someone who can open its case, or to nobody."""
    if user is None:
        return None
    if not can_open_case(user, case):
        raise NotAllowed(_("A task can only be assigned to staff who can open its case."))
    return user


def _default_assignee(actor: Actor, case: Case) -> Any:
    """Automatic tasks go to the actor if they work on the case, else to the
    first assigned member of staff."""
    user = actor.user_or_none
    assigned = list(case.assigned_to.order_by("username"))
    if user is not None and user in assigned:
        return user
    return assigned[0] if assigned else None


def _task_event(actor: Actor, action: str, task: Task, **detail: Any) -> None:
    # The event hangs on the case, so the case's history shows it; it names the
    # task and the changed fields, never a title or a date.
    record(actor, action, task.case, detail={"task": str(task.pk), **detail})


def _clean_reminders(value: Any) -> str:
    if isinstance(value, str):
        days = parse_reminder_days(value)
    else:
        days = parse_reminder_days(",".join(str(int(day)) for day in value))
    return format_reminder_days(days)


def _task_data(data: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = dict(data)
    if "reminder_days" in cleaned:
        try:
            cleaned["reminder_days"] = _clean_reminders(cleaned["reminder_days"])
        except ValueError as problem:
            raise InvalidTask("reminder_days", str(problem)) from None
    if "title" in cleaned:
        cleaned["title"] = str(cleaned["title"]).strip()
        if not cleaned["title"]:
            raise InvalidTask("title", _("A task needs a title."))
    if "due_on" in cleaned and not isinstance(cleaned["due_on"], datetime.date):
        raise InvalidTask("due_on", _("A task needs a due date."))
    return cleaned


class InvalidTask(ValueError):
    """Task data that cannot be saved; names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def add_task(
    actor: Actor,
    case: Case,
    data: Mapping[str, Any],
    *,
    assigned_to: Any = None,
    need: Need | None = None,
) -> Task:
    """Add a task; with `need`, the task is an action of the case plan."""
    require_case_role(actor, case)
    if need is not None and need.case_id != case.pk:
        raise NotAllowed(_("An action can only serve a need of the same case."))
    cleaned = _task_data(data)
    for required in ("title", "due_on"):
        if required not in cleaned:
            raise InvalidTask(required, _("This field is required."))
    with transaction.atomic():
        task = Task(
            case=case,
            created_by=actor.user_or_none,
            assigned_to=_require_task_assignee(case, assigned_to),
            need=need,
        )
        changed = apply_fields(task, cleaned, TASK_FIELDS)
        task.save()
        extra = {"need": str(need.pk)} if need is not None else {}
        _task_event(actor, "task.create", task, fields=changed, **extra)
    return task


def update_task(
    actor: Actor, task: Task, data: Mapping[str, Any], *, assigned_to: Any = ...
) -> list[str]:
    """Change a task's fields (and, if given, its assignee); returns the names changed."""
    require_case_role(actor, task.case)
    cleaned = _task_data(data)
    with transaction.atomic():
        changed = apply_fields(task, cleaned, TASK_FIELDS)
        if assigned_to is not ... and assigned_to != task.assigned_to:
            task.assigned_to = _require_task_assignee(task.case, assigned_to)
            changed.append("assigned_to")
        if changed:
            task.save()
            _task_event(actor, "task.update", task, fields=changed)
    return changed


def reassign_task(actor: Actor, task: Task, user: Any) -> bool:
    return bool(update_task(actor, task, {}, assigned_to=user))


def _set_task_status(actor: Actor, task: Task, status: str, action: str) -> bool:
    require_case_role(actor, task.case)
    if task.status == status:
        return False  # already so: nothing changes, nothing is recorded
    with transaction.atomic():
        task.status = status
        if status == TaskStatus.DONE:
            task.completed_by = actor.user_or_none
            task.completed_at = timezone.now()
        else:
            task.completed_by = None
            task.completed_at = None
        task.save()
        _task_event(actor, action, task)
    return True


def complete_task(actor: Actor, task: Task) -> bool:
    return _set_task_status(actor, task, TaskStatus.DONE, "task.complete")


def reopen_task(actor: Actor, task: Task) -> bool:
    return _set_task_status(actor, task, TaskStatus.OPEN, "task.reopen")


def cancel_task(actor: Actor, task: Task) -> bool:
    return _set_task_status(actor, task, TaskStatus.CANCELLED, "task.cancel")


def _ensure_deadline(
    actor: Actor, case: Case, deadline: DeadlineTask, *, revive_closed: bool
) -> Task | None:
    """Create the deadline's task, or move the existing one; None if unchanged."""
    task = case.tasks.filter(source=deadline.source).first()
    reminders = format_reminder_days(deadline.reminder_days)
    if task is None:
        task = Task.objects.create(
            case=case,
            source=deadline.source,
            title=deadline.title,
            due_on=deadline.due_on,
            reminder_days=reminders,
            assigned_to=_default_assignee(actor, case),
            created_by=actor.user_or_none,
        )
        _task_event(actor, "task.create", task, automatic=True)
        return task
    if task.due_on == deadline.due_on:
        return None
    if task.status != TaskStatus.OPEN and not revive_closed:
        return None
    changed = ["due_on"]
    task.due_on = deadline.due_on
    task.title = deadline.title
    task.reminder_days = reminders
    if task.status != TaskStatus.OPEN:
        task.status = TaskStatus.OPEN
        task.completed_by = None
        task.completed_at = None
        changed.append("status")
    task.save()
    _task_event(actor, "task.update", task, fields=changed, automatic=True)
    return task


def add_deadline_tasks(actor: Actor, case: Case, deadlines: Sequence[DeadlineTask]) -> list[Task]:
    """Creates the missing ones; an existing open task with the same source gets
    the new due date; returns the tasks created or moved.

    A done or cancelled task with the same source is left as it is: someone
    dealt with that deadline already.
    """
    require_case_role(actor, case)
    result = []
    with transaction.atomic():
        for deadline in deadlines:
            if not deadline.source:
                raise InvalidTask("source", "An automatic task needs a source key.")
            task = _ensure_deadline(actor, case, deadline, revive_closed=False)
            if task is not None:
                result.append(task)
    return result


def _permit_title(person: Person, days: int) -> str:
    if person.permit_type == PermitType.TRP:
        return _("Temporary resident permit expires in %(days)d days: plan what comes next") % {
            "days": days
        }
    return _("Permit expires in %(days)d days: plan a renewal or another status") % {"days": days}


def sync_permit_deadlines(actor: Actor, person: Person) -> list[Task]:
    """Keep the 90/30/7-day permit (or TRP) expiry tasks of each open case of
    the person in step with the permit expiry; returns the tasks changed.

    A new expiry date moves the tasks, and reopens ones done for the old date
    (a renewed permit expires again). Warnings whose date has already passed
    are not made, except the last one; without an expiry, open ones are
    cancelled.
    """
    require_case_role(actor, person)
    today = timezone.localdate()
    expiry = person.permit_expiry
    changed: list[Task] = []
    with transaction.atomic():
        for case in person.cases.exclude(status=CaseStatus.CLOSED):
            for days in PERMIT_WARNING_DAYS:
                source = PERMIT_SOURCE.format(days=days)
                due = expiry - datetime.timedelta(days=days) if expiry else None
                late = due is not None and due < today and days != min(PERMIT_WARNING_DAYS)
                if due is None or late:
                    existing = case.tasks.filter(source=source, status=TaskStatus.OPEN).first()
                    if existing is not None and existing.due_on != due:
                        _set_task_status(actor, existing, TaskStatus.CANCELLED, "task.cancel")
                        changed.append(existing)
                    continue
                deadline = DeadlineTask(source, _permit_title(person, days), due, (7, 1))
                task = _ensure_deadline(actor, case, deadline, revive_closed=True)
                if task is not None:
                    changed.append(task)
    return changed


def tasks_reminding_on(tasks: QuerySet[Task], day: datetime.date) -> list[Task]:
    """The open tasks whose reminder falls on `day` (due date minus a reminder day)."""
    window_end = day + datetime.timedelta(days=MAX_REMINDER_DAYS)
    candidates = tasks.filter(status=TaskStatus.OPEN, due_on__gte=day, due_on__lte=window_end)
    return [task for task in candidates.defer("title", "details") if task.reminds_on(day)]


# --- Needs and case plan ---------------------------------------------------------------

NEED_FIELDS = ("domain", "priority", "status", "note", "identified_on")
# The domain is what a need is: a need in the wrong domain is marked "no
# longer needed" and the right one identified, so that actions never change
# domain under their owner's feet.
NEED_UPDATE_FIELDS = ("priority", "status", "note")


class InvalidNeed(ValueError):
    """A need or plan action that cannot be saved as asked; names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _need_data(data: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = dict(data)
    choices = {
        "domain": (NeedDomain.values, _("Choose one of the listed needs.")),
        "priority": (NeedPriority.values, _("Choose one of the listed priorities.")),
        "status": (NeedStatus.values, _("Choose one of the listed statuses.")),
    }
    for name, (allowed, message) in choices.items():
        if name in cleaned and cleaned[name] not in allowed:
            raise InvalidNeed(name, message)
    if "note" in cleaned:
        cleaned["note"] = str(cleaned["note"] or "").strip()
        if len(cleaned["note"]) > 20_000:
            raise InvalidNeed("note", _("A note can be at most 20,000 characters long."))
    if "identified_on" in cleaned:
        day = cleaned["identified_on"]
        if not isinstance(day, datetime.date):
            raise InvalidNeed("identified_on", _("Give the day the need was identified."))
        if day > timezone.localdate():
            raise InvalidNeed("identified_on", _("A need cannot be identified in the future."))
    return cleaned


def _need_event(actor: Actor, action: str, need: Need, fields: list[str]) -> None:
    # On the case, so its history shows it; the need's id and the names of the
    # fields changed, never the domain, the status or the note.
    record(actor, action, need.case, detail={"need": str(need.pk), "fields": fields})


def _active_need_exists(case: Case, domain: str, exclude: Any = None) -> bool:
    others = Need.objects.filter(
        case=case, domain=domain, status__in=[NeedStatus.IDENTIFIED, NeedStatus.IN_PROGRESS]
    )
    if exclude is not None:
        others = others.exclude(pk=exclude)
    return others.exists()


def identify_need(actor: Actor, case: Case, data: Mapping[str, Any]) -> Need:
    """Put a need on the case plan (identified today unless a past day is given)."""
    require_case_role(actor, case)
    cleaned = _need_data(data)
    if "domain" not in cleaned:
        raise InvalidNeed("domain", _("Choose one of the listed needs."))
    cleaned.setdefault("identified_on", timezone.localdate())
    cleaned.setdefault("status", NeedStatus.IDENTIFIED)
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        if NeedStatus(cleaned["status"]) in (
            NeedStatus.IDENTIFIED,
            NeedStatus.IN_PROGRESS,
        ) and _active_need_exists(case, cleaned["domain"]):
            raise InvalidNeed("domain", _("This need is already on the plan: update it instead."))
        need = Need(case=case, identified_by=actor.user_or_none)
        changed = apply_fields(need, cleaned, NEED_FIELDS)
        need.save()
        NeedStatusChange.objects.create(
            need=need, status=need.status, changed_by=actor.user_or_none
        )
        _need_event(actor, "need.identify", need, changed)
    return need


def update_need(actor: Actor, need: Need, data: Mapping[str, Any]) -> list[str]:
    """Change a need's priority, status or note; returns the names changed.
    A new status is kept in the need's history."""
    require_case_role(actor, need.case)
    unknown = set(data) - set(NEED_UPDATE_FIELDS)
    if unknown:
        field = sorted(unknown)[0]
        raise InvalidNeed(field, _("This field cannot be changed on a need."))
    cleaned = _need_data(data)
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=need.case_id).first()
        reviving = (
            cleaned.get("status")
            in (
                NeedStatus.IDENTIFIED,
                NeedStatus.IN_PROGRESS,
            )
            and not need.is_active
        )
        if reviving and _active_need_exists(need.case, need.domain, exclude=need.pk):
            raise InvalidNeed("status", _("Another need of this kind is already open on the plan."))
        changed = apply_fields(need, cleaned, NEED_UPDATE_FIELDS)
        if changed:
            need.save()
            _need_event(actor, "need.update", need, changed)
        if "status" in changed:
            NeedStatusChange.objects.create(
                need=need, status=need.status, changed_by=actor.user_or_none
            )
    return changed


def add_plan_action(
    actor: Actor, need: Need, data: Mapping[str, Any], *, owner: Any = None
) -> Task:
    """An action of the plan: a task serving the need, with an owner (the
    actor unless someone else who can open the case is named) and a due date.
    Being a task, it shows in deadlines, reminders and the calendar feed."""
    require_case_role(actor, need.case)
    if not need.is_active:
        raise InvalidNeed(
            "need", _("This need is met or no longer needed: reopen it to plan more.")
        )
    return add_task(actor, need.case, data, assigned_to=owner or actor.user_or_none, need=need)


# --- Reminder e-mails -------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderDigestPlan:
    user: Any
    task_count: int


def reminder_digests_due(day: datetime.date) -> list[ReminderDigestPlan]:
    """Who gets a reminder e-mail for `day`, and for how many tasks: active
    case staff with an e-mail address, tasks assigned to them on cases they
    can open, not yet sent that day."""
    already = set(ReminderDigest.objects.filter(sent_on=day).values_list("user_id", flat=True))
    counts: dict[Any, int] = {}
    tasks = (
        Task.objects.filter(assigned_to__isnull=False, assigned_to__is_active=True)
        .exclude(assigned_to_id__in=already)
        .select_related("case", "assigned_to__membership")
    )
    for task in tasks_reminding_on(tasks, day):
        user = task.assigned_to
        if user is None or not user.email or not can_open_case(user, task.case):
            continue
        counts[user] = counts.get(user, 0) + 1
    return [
        ReminderDigestPlan(user, count)
        for user, count in sorted(counts.items(), key=lambda item: item[0].username)
    ]


def reminder_message(count: int, sign_in_url: str) -> tuple[str, str]:
    """Subject and body of a reminder e-mail: a count and a link, nothing that
    names a person or a case (mailboxes are read on phones and shared screens).

    Accounts carry no language preference, so the message is in English and
    French, like the federal notices staff are used to.
    """
    subjects, bodies = [], []
    for language in ("en", "fr"):
        with translation.override(language):
            subjects.append(_("Harbour: deadlines to check today"))
            bodies.append(
                ngettext(
                    "You have %(count)d task with a reminder today in Harbour.",
                    "You have %(count)d tasks with a reminder today in Harbour.",
                    count,
                )
                % {"count": count}
                + "\n"
                + _("Sign in to see them: %(url)s") % {"url": sign_in_url}
            )
    return " / ".join(dict.fromkeys(subjects)), "\n\n---\n\n".join(bodies) + "\n"


def send_reminder_digests(
    actor: Actor, day: datetime.date, sign_in_url: str
) -> list[ReminderDigestPlan]:
    """Send each due digest once, recording it with the send; returns what was sent."""
    sent = []
    for plan in reminder_digests_due(day):
        with transaction.atomic():
            _digest, created = ReminderDigest.objects.get_or_create(
                user=plan.user, sent_on=day, defaults={"task_count": plan.task_count}
            )
            if not created:
                continue  # another run sent it meanwhile
            subject, body = reminder_message(plan.task_count, sign_in_url)
            # Sent inside the transaction: if the mail server refuses, the
            # record rolls back and the next run tries again.
            send_mail(subject, body, None, [plan.user.email])
            record(actor, "reminder.send", plan.user, detail={"tasks": plan.task_count})
        sent.append(plan)
    return sent


# --- Calendar feed ----------------------------------------------------------------------


def _feed_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def create_calendar_feed(actor: Actor) -> str:
    """A new secret feed address for the actor (replacing any old one); the
    token is returned in clear this once and only its hash is kept."""
    _require_case_role(actor)
    user = actor.user_or_none
    raw = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeed.objects.filter(user=user).delete()
        feed = CalendarFeed.objects.create(user=user, token_hash=_feed_hash(raw))
        record(actor, "calendar_feed.create", feed)
    return raw


def revoke_calendar_feed(actor: Actor) -> bool:
    user = actor.user_or_none
    with transaction.atomic():
        feeds = list(CalendarFeed.objects.filter(user=user))
        for feed in feeds:
            record(actor, "calendar_feed.revoke", feed)
        CalendarFeed.objects.filter(pk__in=[feed.pk for feed in feeds]).delete()
    return bool(feeds)


def user_for_calendar_token(raw: str) -> Any:
    """The active case-staff user whose feed this is, or None."""
    if not raw or len(raw) > 100:
        return None
    feed = (
        CalendarFeed.objects.select_related("user", "user__membership")
        .filter(token_hash=_feed_hash(raw))
        .first()
    )
    if feed is None or not feed.user.is_active:
        return None
    membership: Membership | None = getattr(feed.user, "membership", None)
    if membership is None or not membership.can_open_cases:
        return None
    now = timezone.now()
    if feed.last_used_at is None or now - feed.last_used_at > datetime.timedelta(minutes=5):
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
    return feed.user


# --- Consent per purpose ----------------------------------------------------------------


class InvalidConsent(ValueError):
    """A consent that cannot be recorded or withdrawn as asked; names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def record_consent(
    actor: Actor,
    person: Person,
    purpose: str,
    *,
    given_on: datetime.date | None = None,
    method: str,
) -> Consent:
    """Record that the person consents to one purpose (from `given_on`, today by default)."""
    require_case_role(actor, person)
    today = timezone.localdate()
    given_on = given_on or today
    if purpose not in ConsentPurpose.values:
        raise InvalidConsent("purpose", _("Choose one of the listed purposes."))
    if method not in ConsentMethod.values:
        raise InvalidConsent("method", _("Choose how the consent was given."))
    if given_on > today:
        raise InvalidConsent("given_on", _("A consent cannot be recorded for a future date."))
    with transaction.atomic():
        current = (
            Consent.objects.select_for_update()
            .filter(person=person, purpose=purpose, withdrawn_on__isnull=True)
            .exists()
        )
        if current:
            raise InvalidConsent(
                "purpose", _("This consent is already recorded; withdraw it first to change it.")
            )
        consent = Consent.objects.create(
            person=person,
            purpose=purpose,
            given_on=given_on,
            method=method,
            recorded_by=actor.user_or_none,
        )
        record(
            actor,
            "consent.record",
            person,
            detail={
                "consent": str(consent.pk),
                "purpose": purpose,
                "fields": ["given_on", "method"],
            },
        )
    return consent


def withdraw_consent(
    actor: Actor, consent: Consent, *, withdrawn_on: datetime.date | None = None
) -> bool:
    """Withdraw a consent, in force from today (or the given past day) on;
    False if it was withdrawn already. The record stays, as history."""
    require_case_role(actor, consent.person)
    today = timezone.localdate()
    withdrawn_on = withdrawn_on or today
    if withdrawn_on > today:
        raise InvalidConsent("withdrawn_on", _("A withdrawal takes effect at once, not later."))
    if withdrawn_on < consent.given_on:
        raise InvalidConsent(
            "withdrawn_on", _("A consent cannot be withdrawn before it was given.")
        )
    with transaction.atomic():
        locked = Consent.objects.select_for_update().get(pk=consent.pk)
        if locked.withdrawn_on is not None:
            consent.refresh_from_db()
            return False
        consent.withdrawn_on = withdrawn_on
        consent.withdrawn_by = actor.user_or_none
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_on", "withdrawn_by", "withdrawn_at"])
        record(
            actor,
            "consent.withdraw",
            consent.person,
            detail={"consent": str(consent.pk), "purpose": consent.purpose},
        )
    return True


# --- Documents --------------------------------------------------------------------------


def _clean_file_name(name: str) -> str:
    # Only the last part of a path, without control characters; the name is
    # kept encrypted and only ever shown to staff who can open the case.
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(char for char in base if char.isprintable()).strip()
    return cleaned[:255] or "document"


def upload_document(
    actor: Actor, case: Case, data: bytes, filename: str, *, description: str = ""
) -> Document:
    """Keep a file on the case: checked (size, real kind), encrypted, stored
    under a random name. Raises documents.DocumentRefused with a clear message."""
    require_case_role(actor, case)
    kind = case_documents.check_upload(data, filename)
    data = without_metadata(data, kind.code)  # photos: no GPS or device kept
    storage_name = case_documents.store(data)
    try:
        with transaction.atomic():
            document = Document.objects.create(
                case=case,
                storage_name=storage_name,
                original_name=_clean_file_name(filename),
                description=description.strip()[:2000],
                kind=kind.code,
                size=len(data),
                uploaded_by=actor.user_or_none,
            )
            record(
                actor,
                "document.upload",
                case,
                detail={"document": str(document.pk), "kind": kind.code, "size": len(data)},
            )
    except BaseException:
        case_documents.remove(storage_name)
        raise
    return document


def read_document(actor: Actor, document: Document, *, via: str = "web") -> bytes:
    """The file's bytes; reading a document is an audited read of the case file."""
    require_case_role(actor, document.case)
    data = case_documents.read(document.storage_name)
    record(
        actor, "document.download", document.case, detail={"document": str(document.pk), "via": via}
    )
    return data


def delete_document(actor: Actor, document: Document) -> None:
    require_case_role(actor, document.case)
    storage_name = document.storage_name
    with transaction.atomic():
        record(
            actor,
            "document.delete",
            document.case,
            detail={"document": str(document.pk), "kind": document.kind},
        )
        document.delete()
        transaction.on_commit(lambda: case_documents.remove(storage_name))


# --- Supervision: assignment and closure ------------------------------------------------


def _require_supervision(actor: Actor, case: Case | None = None) -> Membership:
    membership = require_case_role(actor, case)
    if not membership.sees_whole_organisation:
        raise NotAllowed(_("Only supervisors and organisation admins can do this."))
    return membership


def _require_closure_approver(membership: Membership) -> None:
    if not membership.sees_whole_organisation:
        raise NotAllowed(
            _("A caseworker asks for a case to be closed; a supervisor approves the closure.")
        )


def assign_case(actor: Actor, case: Case, staff: list[Any]) -> bool:
    """Supervisors and organisation admins set who works on a case; False if unchanged."""
    membership = _require_supervision(actor, case)
    if not staff:
        raise NotAllowed(_("A case needs at least one member of staff."))
    new_staff = set(_same_organisation_staff(membership, staff))
    with transaction.atomic():
        old_staff = set(case.assigned_to.all())
        if new_staff == old_staff:
            return False
        case.assigned_to.set(new_staff)
        record(
            actor,
            "case.assign",
            case,
            detail={
                "added": sorted(user.pk for user in new_staff - old_staff),
                "removed": sorted(user.pk for user in old_staff - new_staff),
            },
        )
    return True


class InvalidClosure(ValueError):
    """A closure request or decision that cannot be made; names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def pending_closure(case: Case) -> ClosureRequest | None:
    return case.closure_requests.filter(status=ClosureStatus.PENDING).first()


def request_closure(actor: Actor, case: Case, reason: str = "") -> ClosureRequest:
    """Ask for the case to be closed. Supervisors and organisation admins
    close at once (their request is approved by them); caseworkers wait."""
    membership = require_case_role(actor, case)
    if case.status == CaseStatus.CLOSED:
        raise InvalidClosure("status", _("This case is already closed."))
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        if pending_closure(case) is not None:
            raise InvalidClosure("status", _("A closure request is already waiting for approval."))
        request = ClosureRequest.objects.create(
            case=case, reason=reason.strip()[:5000], requested_by=actor.user_or_none
        )
        record(
            actor,
            "closure.request",
            case,
            detail={"closure": str(request.pk), "fields": ["reason"] if reason.strip() else []},
        )
        if membership.sees_whole_organisation:
            _decide(actor, case, request, approve=True, note="")
    return request


def _approved_at_once(actor: Actor, case: Case, reason: str) -> None:
    """A supervisor closed the case by editing it: the closure is on record as
    requested and approved by them."""
    request = ClosureRequest.objects.create(
        case=case,
        reason=reason,
        requested_by=actor.user_or_none,
        status=ClosureStatus.APPROVED,
        decided_by=actor.user_or_none,
        decided_at=timezone.now(),
    )
    record(actor, "closure.approve", case, detail={"closure": str(request.pk), "at_once": True})


def _decide(actor: Actor, case: Case, request: ClosureRequest, *, approve: bool, note: str) -> None:
    request.status = ClosureStatus.APPROVED if approve else ClosureStatus.DECLINED
    request.decided_by = actor.user_or_none
    request.decided_at = timezone.now()
    request.decision_note = note.strip()[:5000]
    request.save()
    action = "closure.approve" if approve else "closure.decline"
    record(actor, action, case, detail={"closure": str(request.pk)})
    if approve:
        case.status = CaseStatus.CLOSED
        case.closed_on = timezone.localdate()
        case.save(update_fields=["status", "closed_on", "updated_at"])
        record(actor, "case.update", case, detail={"fields": ["status", "closed_on"]})


def decide_closure(
    actor: Actor, request: ClosureRequest, *, approve: bool, note: str = ""
) -> ClosureRequest:
    """A supervisor or organisation admin approves (the case closes today) or declines."""
    case = request.case
    _require_supervision(actor, case)
    with transaction.atomic():
        locked = ClosureRequest.objects.select_for_update().get(pk=request.pk)
        if locked.status != ClosureStatus.PENDING:
            raise InvalidClosure("status", _("This closure request was already decided."))
        _decide(actor, case, request, approve=approve, note=note)
    return request


# --- Legal hold and retention -----------------------------------------------------------


def set_legal_hold(actor: Actor, case: Case, reason: str) -> LegalHold:
    """A case under legal hold is never shredded (a court order, a claim)."""
    _require_supervision(actor, case)
    if not reason.strip():
        raise InvalidClosure("reason", _("Say why the case is held."))
    with transaction.atomic():
        hold, created = LegalHold.objects.update_or_create(
            case=case, defaults={"reason": reason.strip()[:5000], "set_by": actor.user_or_none}
        )
        record(actor, "legal_hold.set", case, detail={"fields": ["reason"], "new": created})
    return hold


def clear_legal_hold(actor: Actor, case: Case, reason: str) -> bool:
    _require_supervision(actor, case)
    if not reason.strip():
        raise InvalidClosure("reason", _("Say why the hold is lifted."))
    with transaction.atomic():
        deleted, _rows = LegalHold.objects.filter(case=case).delete()
        if deleted:
            record(actor, "legal_hold.clear", case, detail={"fields": ["reason"]})
    return bool(deleted)


def retention_years(organisation_id: int) -> int:
    own = RetentionPeriod.objects.filter(organisation_id=organisation_id).first()
    return own.years if own else int(settings.RETENTION_YEARS)


def set_retention_years(actor: Actor, years: int) -> RetentionPeriod:
    """An organisation admin sets the organisation's own period (1 to 100 years)."""
    membership = require_case_role(actor)
    if membership.role != Role.ORG_ADMIN:
        raise NotAllowed(_("Only organisation admins set the retention period."))
    if not 1 <= years <= 100:
        raise InvalidClosure("years", _("The retention period is between 1 and 100 years."))
    with transaction.atomic():
        period, _created = RetentionPeriod.objects.update_or_create(
            organisation_id=membership.organisation_id,
            defaults={"years": years, "updated_by": actor.user_or_none},
        )
        record(actor, "retention.set", membership.organisation, detail={"years": years})
    return period


def _years_later(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def shred_due_on(case: Case, years: int | None = None) -> datetime.date | None:
    if case.status != CaseStatus.CLOSED or case.closed_on is None:
        return None
    return _years_later(case.closed_on, years or retention_years(case.organisation_id))


@dataclass(frozen=True)
class ShredCandidate:
    case: Case
    due_on: datetime.date
    held: bool


def shredding_schedule(
    *, on: datetime.date | None = None, within_days: int = 0, organisation_id: int | None = None
) -> list[ShredCandidate]:
    """Closed cases whose retention ends by `on` + `within_days` (today by
    default), oldest first; held cases are listed, marked, and never shredded."""
    day = on or timezone.localdate()
    horizon = day + datetime.timedelta(days=within_days)
    cases = Case.objects.filter(status=CaseStatus.CLOSED, closed_on__isnull=False)
    if organisation_id is not None:
        cases = cases.filter(organisation_id=organisation_id)
    years_by_org: dict[int, int] = {}
    found = []
    for case in cases.select_related("person").defer("summary").order_by("closed_on", "pk"):
        years = years_by_org.setdefault(case.organisation_id, retention_years(case.organisation_id))
        due = shred_due_on(case, years)
        if due is not None and due <= horizon:
            found.append(ShredCandidate(case, due, LegalHold.objects.filter(case=case).exists()))
    return found


def cases_to_shred(on: datetime.date | None = None) -> list[ShredCandidate]:
    """What `harbour shred` removes on the day: due and not held."""
    return [item for item in shredding_schedule(on=on) if not item.held]


@dataclass(frozen=True)
class ShredReport:
    reference: str
    removed: dict[str, int]
    person_removed: bool


def shred_case(actor: Actor, case: Case, *, on: datetime.date | None = None) -> ShredReport:
    """Remove the personal data of one closed case past retention: the case
    and everything on it (notes, tasks, screenings with their answers and
    evidence, navigator facts, closure requests, documents and their files),
    and the person with their consents when no other case of theirs remains.

    The audit trail is kept: it never held values, only field names and ids,
    so nothing in it names the person; a `case.shred` event says what went.
    """
    due = shred_due_on(case)
    if due is None or due > (on or timezone.localdate()):
        raise NotAllowed(_("This case has not reached the end of its retention period."))
    with transaction.atomic():
        if LegalHold.objects.filter(case=case).exists():
            raise NotAllowed(_("This case is under legal hold and is not shredded."))
        person = case.person
        files = list(case.documents.values_list("storage_name", flat=True))
        removed = {
            "notes": case.notes.count(),
            "tasks": case.tasks.count(),
            "assessments": case.assessments.count(),
            "documents": len(files),
        }
        reference, case_id = case.reference, str(case.pk)
        case.delete()
        person_removed = not person.cases.exists()
        if person_removed:
            removed["consents"] = person.consents.count()
            person_id = str(person.pk)
            person.delete()
            record(actor, "person.shred", object_type="person", object_id=person_id)
        record(
            actor,
            "case.shred",
            object_type="case",
            object_id=case_id,
            detail={"reference": reference, "removed": removed, "person_removed": person_removed},
        )
        transaction.on_commit(lambda: _remove_files(files))
    return ShredReport(reference, removed, person_removed)


def _remove_files(storage_names: list[str]) -> None:
    for name in storage_names:
        case_documents.remove(name)


# --- Export for transfer outside Harbour -------------------------------------------------


class InvalidExport(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def export_case(actor: Actor, case: Case, password: str) -> bytes:
    """The whole case file as an AES-256 ZIP under the user's password, which
    is never stored. Supervisors and organisation admins only: an export is
    the one way a file leaves every control Harbour has."""
    _require_supervision(actor, case)
    minimum = int(settings.EXPORT_MIN_PASSWORD_LENGTH)
    if len(password) < minimum:
        raise InvalidExport(
            "password",
            _("The password must be at least %(count)d characters long.") % {"count": minimum},
        )
    files = case_export.case_files(case)
    archive = zipaes.write(password, files)
    record(
        actor,
        "case.export",
        case,
        detail={"format": "zip-aes256", "files": len(files), "documents": case.documents.count()},
    )
    return archive
