"""The navigator's changes and reads of a case, each audited.

Eligibility itself is the engine's (`pathways.engine.evaluate`); these functions
keep a case's confirmed facts, assemble the facts an evaluation uses, turn the
deadlines it computes into case tasks, and audit every read and export.
"""

from __future__ import annotations

import datetime
import importlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from harbour.audit.services import Actor, record
from harbour.cases.models import Case
from harbour.cases.services import DeadlineTask, add_deadline_tasks, require_case_role
from harbour.pathways import engine
from harbour.pathways.facts import (
    PROVENANCE_LABELS,
    Prefill,
    facts_document,
    facts_from_case,
    stored_facts,
)
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
    # Provenance of every known fact: the records' own, or what staff said.
    sources: dict[str, engine.Provenance] = field(default_factory=dict)

    def origins(self) -> dict[str, str]:
        """Where each known fact came from, in words: the record that gave it, or
        how staff know it (stated, documented, assumed)."""
        entered = {
            name: str(PROVENANCE_LABELS[self.sources[name].source])
            for name in self.confirmed
            if name in self.sources
        }
        return {**self.prefill.origins, **entered}


def _screening_summary_module() -> ModuleType | None:
    """The screening's reading of either kind (ILO list or law-first), where this
    build has it; otherwise the ILO-list reading code alone is read."""
    try:
        return importlib.import_module("harbour.screening.summary")
    except ImportError:
        return None


def _screening_reading(case: Case) -> str | None:
    module = _screening_summary_module()
    if module is None:
        latest = latest_completed(case)
        return latest.reading_code if latest else None
    summary = module.latest_reading_for_case(case)
    if summary is None:
        return None
    if summary.reading_code:
        return str(summary.reading_code)
    # A law-first reading (no ILO list applied: a child, sexual exploitation)
    # that supports every element of the offence is an indication of trafficking;
    # a partial one says nothing either way, so the fact stays unknown.
    if summary.law_first_code == "all_elements_supported":
        return "trafficking_indicated"
    return None


def _prefill(case: Case) -> Prefill:
    return facts_from_case(case, _screening_reading(case))


def facts_for_case(case: Case) -> CaseFactsView:
    """Records first, then what staff confirmed on top: a confirmed value wins."""
    prefill = _prefill(case)
    saved = CaseFacts.objects.filter(case=case).first()
    stored = stored_facts(saved.values if saved else {})
    confirmed = {k: v for k, v in stored.values.items() if k in FACT_NAMES}
    merged = {**prefill.values, **confirmed}
    try:
        facts = engine.Facts.from_mapping({k: _json_value(v) for k, v in merged.items()})
    except engine.FactsError:
        # A value saved under an older vocabulary: the records alone, and the page asks again.
        facts = engine.Facts.from_mapping({k: _json_value(v) for k, v in prefill.values.items()})
        confirmed = {}
    sources = {**prefill.sources, **{k: stored.sources[k] for k in confirmed}}
    return CaseFactsView(
        facts, prefill, frozenset(confirmed), saved.updated_at if saved else None, sources
    )


def save_case_facts(
    actor: Actor,
    case: Case,
    facts: engine.Facts,
    sources: Mapping[str, engine.Provenance] | None = None,
) -> CaseFacts:
    """Keep the facts staff entered, each with how it is known (`sources`; a fact
    without one is kept as assumed by staff). A value equal to what the records
    already say is not stored unless staff gave it a provenance of its own (a
    document, say), so a later correction of the record shows through."""
    require_case_role(actor, case)
    given = dict(sources or {})
    documents = {d.document for d in given.values() if d.document}
    if documents:
        own = {
            str(pk) for pk in case.documents.filter(pk__in=documents).values_list("pk", flat=True)
        }
        if documents - own:
            raise ValueError(_("A document named as evidence is not one of this case's documents."))
    prefill = _prefill(case).values
    entered = {
        name: _json_value(value)
        for name, value in facts.known().items()
        if prefill.get(name) != value or name in given
    }
    document = facts_document(entered, given)
    with transaction.atomic():
        saved, _created = CaseFacts.objects.select_for_update().get_or_create(case=case)
        before = stored_facts(saved.values)
        saved.values = document
        saved.updated_by = actor.user_or_none
        saved.save()
        after = stored_facts(document)
        changed = sorted(
            k
            for k in set(before.values) | set(after.values)
            if before.values.get(k) != after.values.get(k)
            or before.sources.get(k) != after.sources.get(k)
        )
        record(actor, "pathways.facts", case, detail={"changed": changed})
    return saved


def evaluate_case(case: Case, as_of: datetime.date) -> tuple[CaseFactsView, engine.Result]:
    view = facts_for_case(case)
    return view, engine.evaluate(load_pathways(), view.facts, as_of, provenance=view.sources)


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
    open_statuses = (
        engine.Status.LIKELY_ELIGIBLE,
        engine.Status.POSSIBLY_ELIGIBLE,
        engine.Status.NOT_YET,
    )
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
