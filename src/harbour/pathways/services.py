"""The navigator's changes and reads of a case, each audited.

Eligibility itself is the engine's (`pathways.engine.evaluate`); these functions
keep a case's confirmed facts, assemble the facts an evaluation uses, turn the
deadlines it computes into case tasks, and audit every read and export.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from harbour.audit.services import Actor, record
from harbour.cases.models import Case
from harbour.cases.services import DeadlineTask, add_deadline_tasks, require_case_role
from harbour.pathways import engine
from harbour.pathways.facts import Prefill, facts_from_case
from harbour.pathways.models import CaseFacts
from harbour.pathways.rules import FACT_NAMES, load_pathways
from harbour.screening.services import latest_completed
from harbour.screening.templatetags.screening_text import in_language

# Which computed dates become case tasks: the last day to act. Validity ends and
# waiting periods are shown on the page but are not things to do by a date.
TASK_KINDS = ("deadline",)


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime.date) else value


@dataclass(frozen=True)
class CaseFactsView:
    """The facts an evaluation of this case uses, and where each came from."""

    facts: engine.Facts
    prefill: Prefill
    confirmed: frozenset[str]
    updated_at: datetime.datetime | None

    def origins(self) -> dict[str, str]:
        """Where each known fact came from: a record, or staff."""
        entered = str(_("entered by staff"))
        return {**self.prefill.origins, **dict.fromkeys(self.confirmed, entered)}


def _prefill(case: Case) -> Prefill:
    latest = latest_completed(case)
    return facts_from_case(case, latest.reading_code if latest else None)


def facts_for_case(case: Case) -> CaseFactsView:
    """Records first, then what staff confirmed on top: a confirmed value wins."""
    prefill = _prefill(case)
    saved = CaseFacts.objects.filter(case=case).first()
    confirmed = {k: v for k, v in (saved.values if saved else {}).items() if v is not None}
    # Facts saved under an older vocabulary are dropped, not fatal: the rules
    # may retire a fact, and the page then asks again.
    merged = {**prefill.values, **{k: v for k, v in confirmed.items() if k in FACT_NAMES}}
    try:
        facts = engine.Facts.from_mapping({k: _json_value(v) for k, v in merged.items()})
    except engine.FactsError:
        facts = engine.Facts.from_mapping({k: _json_value(v) for k, v in prefill.values.items()})
    return CaseFactsView(facts, prefill, frozenset(confirmed), saved.updated_at if saved else None)


def save_case_facts(actor: Actor, case: Case, facts: engine.Facts) -> CaseFacts:
    """Keep the facts staff entered. Values equal to what the records already say
    are not stored, so a later correction of the record shows through."""
    require_case_role(actor, case)
    prefill = _prefill(case).values
    entered = {
        name: _json_value(value)
        for name, value in facts.known().items()
        if prefill.get(name) != value
    }
    with transaction.atomic():
        saved, _created = CaseFacts.objects.select_for_update().get_or_create(case=case)
        before = saved.values
        saved.values = entered
        saved.updated_by = actor.user_or_none
        saved.save()
        changed = sorted(k for k in set(before) | set(entered) if before.get(k) != entered.get(k))
        record(actor, "pathways.facts", case, detail={"changed": changed})
    return saved


def evaluate_case(case: Case, as_of: datetime.date) -> tuple[CaseFactsView, engine.Result]:
    view = facts_for_case(case)
    return view, engine.evaluate(load_pathways(), view.facts, as_of)


def record_navigator_view(actor: Actor, case: Case) -> None:
    require_case_role(actor, case)
    record(actor, "pathways.view", case)


@dataclass(frozen=True)
class DeadlineChoice:
    """A computed deadline that can become a task on the case (only dated ones can)."""

    key: str
    pathway: engine.PathwayResult
    date: engine.ComputedDate
    due_on: datetime.date


def deadline_choices(result: engine.Result) -> list[DeadlineChoice]:
    """Deadlines still ahead, of pathways that may be open to the person."""
    open_statuses = (engine.Status.LIKELY_ELIGIBLE, engine.Status.POSSIBLY_ELIGIBLE)
    choices = [
        DeadlineChoice(f"pathway:{pathway.id}:{date.id}", pathway, date, date.date)
        for pathway in result.pathways
        if pathway.status in open_statuses
        for date in pathway.dates
        if date.kind in TASK_KINDS and date.date is not None and date.date >= result.as_of
    ]
    return sorted(choices, key=lambda choice: (choice.due_on, choice.key))


def add_deadlines_to_case(
    actor: Actor, case: Case, result: engine.Result, keys: Iterable[str]
) -> list[Any]:
    """Make the chosen deadlines case tasks; choosing one twice moves, never doubles it."""
    require_case_role(actor, case)
    wanted = set(keys)
    chosen = [choice for choice in deadline_choices(result) if choice.key in wanted]
    unknown = wanted - {choice.key for choice in chosen}
    if unknown:
        raise ValueError(
            _("These deadlines are not open for this case: %(keys)s")
            % {"keys": ", ".join(sorted(unknown))}
        )
    tasks = [
        DeadlineTask(
            source=choice.key,
            title=f"{in_language(choice.pathway.title)}: {in_language(choice.date.label)}",
            due_on=choice.due_on,
        )
        for choice in chosen
    ]
    return add_deadline_tasks(actor, case, tasks)


def record_letter_export(actor: Actor, case: Case, *, letter: str, language: str) -> None:
    """A letter leaving Harbour is a read of the case file: audit it."""
    require_case_role(actor, case)
    record(actor, "pathways.letter", case, detail={"letter": letter, "language": language})


__all__ = [
    "CaseFactsView",
    "DeadlineChoice",
    "add_deadlines_to_case",
    "deadline_choices",
    "evaluate_case",
    "facts_for_case",
    "record_letter_export",
    "record_navigator_view",
    "save_case_facts",
]
