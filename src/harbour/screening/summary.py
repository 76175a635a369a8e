"""The screening reading a case relies on, as plain data for other capabilities.

Support letters (pathways) and other apps need "what did the screening find"
without knowing which reading exists: the ILO/EC-list reading (adult labour),
the law-first reading (the Criminal Code's own elements: for a child, for sexual
exploitation, or asked beside the list), or both. `latest_reading_for_case`
answers with frozen dataclasses and bilingual texts, no model objects.

It reads the case's latest completed assessment against the catalogue versions
it was made with. It writes no audit event: the caller's own read of the case
is the one to audit.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from harbour.cases.models import Case
from harbour.screening import services
from harbour.screening.catalogue import Catalogue
from harbour.screening.engine import ElementStatus, Reading, Text
from harbour.screening.engine.law_first import compile_law_first


@dataclass(frozen=True)
class SummaryElement:
    id: str  # e.g. "cc_279_01.act", "cc_279_04.exploitation", "irpa_118.organized_entry"
    citation: Text  # "Criminal Code, s. 279.01(1)" / "Code criminel, art. 279.01(1)"
    title: Text
    kind: str  # "element" or "factor"
    status: str  # "supported", "not_supported" or "unknown"
    because: Text  # the rule and the facts behind the status
    facts: tuple[Text, ...]  # the answers behind it: labels of what was answered yes
    verified: bool  # False: the legal data is not yet verified (say so where it is used)


@dataclass(frozen=True)
class ScreeningSummary:
    assessment_id: str
    completed_on: datetime.date | None
    kind: str  # "ilo_list", "law_first" or "both": which readings exist
    subject: str  # "adult" or "child"
    reading_code: str | None  # the ILO/EC-list reading, when a list applied
    law_first_code: str | None  # the law-first reading, when it exists
    title: Text  # the headline of the reading that leads
    summary: Text  # one paragraph; never a legal finding
    elements: tuple[SummaryElement, ...]  # law-first elements when that reading exists
    supported: tuple[SummaryElement, ...]  # those of `elements` that are supported
    notices: tuple[Text, ...]


def reading_kind(reading: Reading) -> str:
    """Which readings exist: the list's when a list for the person is available,
    the law-first one when it leads or when its questions were answered."""
    law = reading.law_first
    if reading.path == "law_first" and law is not None:
        return "law_first"
    if law is not None and law.answered:
        return "both"
    return "ilo_list"


def summarise(reading: Reading, catalogue: Catalogue) -> tuple[str, tuple[SummaryElement, ...]]:
    """The kind of reading and the legal elements to show for it."""
    kind = reading_kind(reading)
    law = reading.law_first
    if kind != "ilo_list" and law is not None:
        compiled = compile_law_first(catalogue)
        labels = {q.id: q.label for q in compiled.questions} if compiled else {}
        return kind, tuple(
            SummaryElement(
                id=e.id,
                citation=e.citation,
                title=e.title,
                kind=e.kind,
                status=e.status.value,
                because=e.reason,
                facts=tuple(labels[i] for i in e.supporting),
                verified=e.element.verified,
            )
            for e in law.elements
        )
    indicators = {
        i.id: Text(i.label.en, i.label.fr) for lst in catalogue.lists for i in lst.indicators
    }
    return kind, tuple(
        SummaryElement(
            id=e.id,
            citation=e.citation,
            title=e.title,
            kind=e.kind,
            status=e.status.value,
            because=e.reason,
            facts=tuple(indicators[i] for i in e.supporting),
            verified=e.element.verified,
        )
        for e in reading.legal_elements
    )


def latest_reading_for_case(case: Case) -> ScreeningSummary | None:
    """The reading of the case's latest completed assessment, or None."""
    assessment = services.latest_completed(case)
    if assessment is None:
        return None
    catalogue = services.catalogue_for(assessment)
    reading = services.evaluate_assessment(assessment, with_next_questions=False)
    kind, elements = summarise(reading, catalogue)
    law = reading.law_first
    leads_law = kind == "law_first" and law is not None
    return ScreeningSummary(
        assessment_id=str(assessment.pk),
        completed_on=timezone.localdate(assessment.completed_at)
        if assessment.completed_at
        else None,
        kind=kind,
        subject=reading.subject,
        reading_code=reading.code.value if kind != "law_first" else None,
        law_first_code=law.code.value if law is not None and kind != "ilo_list" else None,
        title=law.title if leads_law and law is not None else reading.title,
        summary=law.summary if leads_law and law is not None else reading.summary,
        elements=elements,
        supported=tuple(e for e in elements if e.status == ElementStatus.SUPPORTED.value),
        notices=reading.notices,
    )


__all__ = ["ScreeningSummary", "SummaryElement", "latest_reading_for_case", "reading_kind"]
