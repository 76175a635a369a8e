"""The law-first reading's data: what the knowledge file states (infos) and what a
reading finds (results). Plain dataclasses; the reading itself is `law_first.py`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from harbour.screening.engine.data import Answer, ElementStatus, Text


class LawFirstCode(StrEnum):
    ALL_ELEMENTS_SUPPORTED = "all_elements_supported"
    SOME_ELEMENTS_SUPPORTED = "some_elements_supported"
    NO_ELEMENT_SUPPORTED = "no_element_supported"


@dataclass(frozen=True, slots=True)
class LawFirstQuestionInfo:
    """A law-first question as the knowledge file states it. `grade` is None: the
    law's elements are not graded like the ILO/EC indicators."""

    id: str
    section_id: str
    citation: Text
    label: Text
    question: Text
    help: Text
    valid_from: str
    verified: bool
    verification_note: str | None
    grade: None = None


@dataclass(frozen=True, slots=True)
class LawFirstSectionInfo:
    id: str
    title: Text
    description: Text
    skip_when_false: str | None
    question_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LawFirstElementInfo:
    id: str
    groups: tuple[str, ...]
    kind: str  # "element" or "factor"
    citation: Text
    title: Text
    summary: Text
    notes: Text | None
    quote: str | None
    requires_fact: str | None
    valid_from: str
    valid_until: str | None
    verified: bool
    verification_note: str | None


@dataclass(slots=True)
class LawFirstRequirementResult:
    id: str
    label: Text
    any_of: tuple[str, ...]
    met: bool
    ruled_out: bool  # every question of it answered "no"
    met_by: tuple[str, ...]  # its questions answered "yes"


@dataclass(slots=True)
class LawFirstElementResult:
    id: str
    status: ElementStatus
    supporting: tuple[str, ...]  # questions answered "yes" that bear on it
    open: int  # its questions with no answer, "unknown" or "declined"
    fact_value: bool | None
    reason: Text
    requirements: tuple[LawFirstRequirementResult, ...]
    element: LawFirstElementInfo

    @property
    def kind(self) -> str:
        return self.element.kind

    @property
    def title(self) -> Text:
        return self.element.title

    @property
    def citation(self) -> Text:
        return self.element.citation


@dataclass(slots=True)
class OffenceResult:
    id: str
    title: Text
    headline: bool
    applies: bool  # to this person's age group (both when the age is not recorded)
    status: ElementStatus
    elements: tuple[str, ...]


@dataclass(slots=True)
class LawFirstReading:
    version: str
    code: LawFirstCode
    subject: str  # "adult" or "child"
    answered: bool  # at least one law-first question has an answer
    title: Text
    summary: Text
    because: Text
    offences: tuple[OffenceResult, ...]
    elements: tuple[LawFirstElementResult, ...]
    next_questions: tuple[str, ...]  # open questions that could support an element
    answer_counts: dict[str, int]
    evidence: dict[str, Answer]

    def element(self, element_id: str) -> LawFirstElementResult:
        for element in self.elements:
            if element.id == element_id:
                return element
        raise KeyError(element_id)

    def offence(self, offence_id: str) -> OffenceResult:
        for offence in self.offences:
            if offence.id == offence_id:
                return offence
        raise KeyError(offence_id)

    @property
    def supported(self) -> tuple[LawFirstElementResult, ...]:
        return tuple(e for e in self.elements if e.status is ElementStatus.SUPPORTED)
