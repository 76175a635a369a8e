"""A case's timeline: every event of the case in order, from its records and
from the audit trail.

Records give what they hold (a note's text is shown on the case page anyway);
audit events give what no record keeps (a status change, an assignment, a
deleted document, an export, a referral's steps) by their action name and
the names of the fields changed, never a value.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from harbour.audit.models import AuditEvent
from harbour.cases.models import Case, ClosureStatus, NeedStatusChange

KINDS = {
    "case": _("Case"),
    "status": _("Status"),
    "note": _("Notes"),
    "assessment": _("Screening"),
    "task": _("Tasks"),
    "need": _("Needs and plan"),
    "consent": _("Consent"),
    "document": _("Documents"),
    "referral": _("Referrals"),
    "supervision": _("Supervision"),
}

# Audit actions shown as events of their own (records hold no trace of them).
AUDIT_EVENTS = {
    "case.assign": ("supervision", _("Staff assigned to the case changed")),
    "document.delete": ("document", _("Document deleted")),
    "case.export": ("supervision", _("Case file exported")),
    "legal_hold.set": ("supervision", _("Legal hold set")),
    "legal_hold.clear": ("supervision", _("Legal hold lifted")),
}


@dataclass(frozen=True)
class Entry:
    at: datetime.datetime
    kind: str
    title: Any
    who: str = ""
    text: str = ""  # narrative the record itself holds (a note), shown to case staff

    @property
    def kind_label(self) -> Any:
        return KINDS.get(self.kind, self.kind)


def _name(user: Any) -> str:
    return user.get_username() if user is not None else ""


def _records(case: Case) -> list[Entry]:
    entries = [Entry(case.created_at, "case", _("Case opened"))]
    for note in case.notes.select_related("author"):
        entries.append(
            Entry(note.created_at, "note", _("Note added"), _name(note.author), note.body)
        )
    for assessment in case.assessments.select_related("created_by"):
        entries.append(
            Entry(
                assessment.created_at,
                "assessment",
                _("Screening started"),
                _name(assessment.created_by),
            )
        )
        if assessment.completed_at:
            entries.append(Entry(assessment.completed_at, "assessment", _("Screening completed")))
    for task in case.tasks.select_related("created_by", "completed_by").defer("details"):
        entries.append(
            Entry(
                task.created_at,
                "task",
                _("Task created: %(title)s") % {"title": task.title},
                _name(task.created_by),
            )
        )
        if task.completed_at:
            entries.append(
                Entry(
                    task.completed_at,
                    "task",
                    _("Task done: %(title)s") % {"title": task.title},
                    _name(task.completed_by),
                )
            )
    seen_needs: set[Any] = set()
    changes = NeedStatusChange.objects.filter(need__case=case).select_related("need", "changed_by")
    for change in changes.defer("need__note").order_by("changed_at", "id"):
        domain = change.need.get_domain_display()
        if change.need_id not in seen_needs:
            seen_needs.add(change.need_id)
            title = _("Need identified: %(need)s (%(status)s)")
        else:
            title = _("Need %(need)s: %(status)s")
        entries.append(
            Entry(
                change.changed_at,
                "need",
                title % {"need": domain, "status": change.get_status_display()},
                _name(change.changed_by),
            )
        )
    for consent in case.person.consents.select_related("recorded_by", "withdrawn_by"):
        purpose = consent.get_purpose_display()
        entries.append(
            Entry(
                consent.recorded_at,
                "consent",
                _("Consent recorded: %(purpose)s") % {"purpose": purpose},
                _name(consent.recorded_by),
            )
        )
        if consent.withdrawn_at:
            entries.append(
                Entry(
                    consent.withdrawn_at,
                    "consent",
                    _("Consent withdrawn: %(purpose)s") % {"purpose": purpose},
                    _name(consent.withdrawn_by),
                )
            )
    for document in case.documents.select_related("uploaded_by"):
        entries.append(
            Entry(
                document.uploaded_at,
                "document",
                _("Document added: %(name)s") % {"name": document.original_name},
                _name(document.uploaded_by),
            )
        )
    for request in case.closure_requests.select_related("requested_by", "decided_by"):
        entries.append(
            Entry(
                request.requested_at,
                "status",
                _("Closure requested"),
                _name(request.requested_by),
                request.reason,
            )
        )
        if request.decided_at:
            title = (
                _("Closure approved")
                if request.status == ClosureStatus.APPROVED
                else _("Closure declined")
            )
            entries.append(
                Entry(
                    request.decided_at,
                    "status",
                    title,
                    _name(request.decided_by),
                    request.decision_note,
                )
            )
    return entries


def _audit(case: Case) -> list[Entry]:
    entries = []
    events = AuditEvent.objects.filter(object_type="case", object_id=str(case.pk)).order_by("id")
    for event in events.only("at", "action", "actor_name", "detail"):
        detail = event.detail if isinstance(event.detail, dict) else {}
        if event.action == "case.update" and "status" in detail.get("fields", []):
            entries.append(Entry(event.at, "status", _("Status changed"), event.actor_name))
        elif event.action in AUDIT_EVENTS:
            kind, title = AUDIT_EVENTS[event.action]
            entries.append(Entry(event.at, kind, title, event.actor_name))
        elif event.action.startswith(("referral.", "transfer.")):
            # Referrals (the directory app) record their steps on the case.
            step = event.action.split(".", 1)[1].replace("_", " ")
            title = (
                _("Referral: %(step)s")
                if event.action.startswith("referral.")
                else _("Transfer: %(step)s")
            )
            entries.append(Entry(event.at, "referral", title % {"step": step}, event.actor_name))
    return entries


def timeline(case: Case, kind: str = "") -> list[Entry]:
    """Every event of the case, oldest first; `kind` keeps one kind only."""
    entries = _records(case) + _audit(case)
    if kind:
        entries = [entry for entry in entries if entry.kind == kind]
    return sorted(entries, key=lambda entry: entry.at)
