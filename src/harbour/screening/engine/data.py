"""The screening engine's inputs and outputs: plain dataclasses, no behaviour.

Answers and facts go in; a `Reading` comes out. Per-reading objects are slotted,
mutable dataclasses because frozen ones cost several times more to build and a
reading builds about a hundred of them: treat a Reading as read-only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, is_dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from harbour.screening.engine.law_first import LawFirstReading

# --- input --------------------------------------------------------------------------


class AnswerValue(StrEnum):
    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"
    DECLINED = "declined"


ANSWER_VALUES: frozenset[str] = frozenset(v.value for v in AnswerValue)


@dataclass(frozen=True, slots=True)
class Answer:
    """One indicator's answer, with the evidence behind it and who gave it."""

    indicator_id: str
    value: AnswerValue | str
    evidence: str = ""
    given_by: str = ""


@dataclass(frozen=True, slots=True)
class Facts:
    """Facts that are not indicators but that some rules and elements need."""

    under_18: bool | None = None
    came_to_canada_from_abroad: bool | None = None
    # The person was made to provide, or offer, sexual services: the list for
    # sexual exploitation applies (for adults and children alike).
    sexual_exploitation: bool | None = None


class ScreeningInputError(ValueError):
    """Answers the catalogue cannot read; the message names every bad entry."""

    def __init__(
        self,
        unknown_ids: Iterable[str] = (),
        bad_values: Iterable[tuple[str, object]] = (),
        duplicate_ids: Iterable[str] = (),
        catalogue_version: str = "",
    ) -> None:
        self.unknown_ids = tuple(unknown_ids)
        self.bad_values = tuple(bad_values)
        self.duplicate_ids = tuple(duplicate_ids)
        self.catalogue_version = catalogue_version
        parts: list[str] = []
        if self.unknown_ids:
            where = f" in catalogue {catalogue_version}" if catalogue_version else ""
            parts.append(f"unknown indicator id(s){where}: {', '.join(self.unknown_ids)}")
        if self.bad_values:
            listed = ", ".join(f"{i}={v!r}" for i, v in self.bad_values)
            parts.append(
                f"bad answer value(s): {listed} (expected one of yes, no, unknown, declined)"
            )
        if self.duplicate_ids:
            parts.append(f"indicator(s) answered more than once: {', '.join(self.duplicate_ids)}")
        super().__init__("; ".join(parts))


# --- output -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    en: str
    fr: str


class ReadingCode(StrEnum):
    TRAFFICKING_INDICATED = "trafficking_indicated"
    FORCED_LABOUR_INDICATORS = "forced_labour_indicators"
    EXPLOITATIVE_CONDITIONS_ONLY = "exploitative_conditions_only"
    NOT_ENOUGH_INFORMATION = "not_enough_information"
    NO_INDICATORS_IDENTIFIED = "no_indicators_identified"


class ElementStatus(StrEnum):
    SUPPORTED = "supported"
    NOT_SUPPORTED = "not_supported"
    UNKNOWN = "unknown"


class NextEffect(StrEnum):
    CHANGES_READING = "changes_reading"
    MAKES_DIMENSION_POSITIVE = "makes_dimension_positive"
    BUILDS_NEEDED_DIMENSION = "builds_needed_dimension"
    SUPPORTS_LEGAL_ELEMENT = "supports_legal_element"
    BUILDS_DIMENSION = "builds_dimension"
    SUPPORTS_LEGAL_FACTOR = "supports_legal_factor"


@dataclass(frozen=True, slots=True)
class IndicatorInfo:
    """An indicator as the catalogue describes it (shared by every reading)."""

    id: str
    list_id: str
    dimension_id: str
    grade: str
    label: Text
    question: Text
    help: Text
    verified: bool


@dataclass(slots=True)
class DimensionResult:
    key: str  # "<list>.<dimension>"
    list_id: str
    dimension_id: str
    title: Text
    kind: str
    positive: bool
    rule: str | None  # the combination that was met, e.g. "three_medium"
    decided_by: tuple[str, ...]  # the fewest indicators present that meet `rule`
    present: tuple[str, ...]  # every indicator answered yes, in catalogue order
    strong: int
    medium: int
    weak: int
    open: int  # indicators with no answer or "unknown"
    declined: int
    explanation: Text


@dataclass(slots=True)
class RequirementResult:
    id: str
    label: Text
    any_of: tuple[str, ...]
    met: bool
    met_by: tuple[str, ...]


@dataclass(slots=True)
class ListResult:
    list_id: str
    title: Text
    subject: str
    form: str
    status: str
    verified: bool
    verification_note: str | None
    applies: bool  # the list is for this person's age group
    rule_met: bool | None  # None when the list has no rule (pending verification)
    requirements: tuple[RequirementResult, ...]
    dimensions: tuple[DimensionResult, ...]


@dataclass(slots=True)
class ForcedLabourResult:
    id: str
    title: Text
    role: str
    present: bool
    evidenced_by: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LegalElementInfo:
    """A legal element as the legal-elements file states it (shared by every reading)."""

    id: str
    groups: tuple[str, ...]
    kind: str  # "element" or "factor" (s. 279.04(2): the court may consider)
    citation: Text  # "Criminal Code, s. 279.01(1)" / "Code criminel, art. 279.01(1)"
    title: Text
    summary: Text
    notes: Text | None
    quote: str | None  # short English statutory words
    requires_fact: str | None
    supported_by: tuple[str, ...]
    valid_from: str
    valid_until: str | None
    verified: bool
    verification_note: str | None


@dataclass(slots=True)
class LegalElementResult:
    id: str
    status: ElementStatus
    supporting: tuple[str, ...]  # supporting indicators answered yes
    open: int  # supporting indicators with no answer, "unknown" or "declined"
    fact_value: bool | None  # the fact the element requires, as recorded
    reason: Text
    element: LegalElementInfo

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
class NextQuestion:
    rank: int
    indicator_id: str
    effect: NextEffect
    explanation: Text
    indicator: IndicatorInfo


@dataclass(slots=True)
class Reading:
    catalogue_version: str
    forced_labour_version: str
    legal_elements_version: str
    code: ReadingCode
    forms: tuple[str, ...]  # "labour", "sexual" when trafficking is indicated
    subject: str  # "adult" or "child": whose lists can give a trafficking reading
    title: Text
    summary: Text
    because: Text
    lists: tuple[ListResult, ...]
    forced_labour: tuple[ForcedLabourResult, ...]
    legal_elements: tuple[LegalElementResult, ...]
    next_questions: tuple[NextQuestion, ...]
    notices: tuple[Text, ...]
    answer_counts: dict[str, int]
    evidence: dict[str, Answer]  # the answers that carried an evidence note or source
    # "ilo_list" when a list for this person's age group and form is available;
    # "law_first" when it is pending and the law-first reading carries the result.
    path: str = "ilo_list"
    law_first: LawFirstReading | None = None  # None when the legal file has no law-first path

    def dimension(self, key: str) -> DimensionResult:
        for lst in self.lists:
            for dimension in lst.dimensions:
                if dimension.key == key:
                    return dimension
        raise KeyError(key)

    @property
    def positive_dimensions(self) -> tuple[str, ...]:
        return tuple(d.key for lst in self.lists for d in lst.dimensions if d.positive)

    def element(self, element_id: str) -> LegalElementResult:
        for element in self.legal_elements:
            if element.id == element_id:
                return element
        raise KeyError(element_id)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (enums as their values, tuples as lists)."""
        result = _plain(self)
        if not isinstance(result, dict):  # pragma: no cover - a dataclass gives a dict
            raise TypeError("Reading did not convert to a dict")
        return result


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


_PRECEDENCE = {
    ReadingCode.TRAFFICKING_INDICATED: 4,
    ReadingCode.FORCED_LABOUR_INDICATORS: 3,
    ReadingCode.EXPLOITATIVE_CONDITIONS_ONLY: 2,
    ReadingCode.NOT_ENOUGH_INFORMATION: 1,
    ReadingCode.NO_INDICATORS_IDENTIFIED: 1,
}


def reading_precedence(code: ReadingCode) -> int:
    """How far a reading goes (4 = trafficking ... 1); adding a "yes" never lowers it."""
    return _PRECEDENCE[code]


AnswersInput = Iterable[Answer] | Mapping[str, AnswerValue | str]


def _reading_code(
    forms: tuple[str, ...],
    means_present: bool,
    exploitation_positive: bool,
    all_answered_no: bool,
) -> ReadingCode:
    if forms:
        return ReadingCode.TRAFFICKING_INDICATED
    if means_present:
        return ReadingCode.FORCED_LABOUR_INDICATORS
    if exploitation_positive:
        return ReadingCode.EXPLOITATIVE_CONDITIONS_ONLY
    if all_answered_no:
        return ReadingCode.NO_INDICATORS_IDENTIFIED
    return ReadingCode.NOT_ENOUGH_INFORMATION
