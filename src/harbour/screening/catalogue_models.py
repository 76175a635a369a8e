"""The pydantic models of the screening knowledge files, and the Catalogue that
holds one checked set of them. Pure: no I/O (the loader is `catalogue.py`).

Three kinds of file: `indicator_catalogue` (ILO/EC operational indicators),
`forced_labour_indicators` (the ILO's eleven and Harbour's mapping) and
`legal_elements` (Criminal Code and IRPA elements; from v2 also the law-first
path: questions on the statute's own elements, asked directly).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import Field, model_validator

from harbour.knowledge.models import (
    SLUG_PATTERN,
    IsoDate,
    NonEmpty,
    Slug,
    Strict,
    Text,
    Verifiable,
)

_VERSION = re.compile(r"^[a-z0-9][a-z0-9-]*\.v([1-9][0-9]*)$")
_SLUG = SLUG_PATTERN

Grade = Literal["strong", "medium", "weak"]
GRADES: tuple[Grade, ...] = ("strong", "medium", "weak")
Fact = Literal["under_18", "came_to_canada_from_abroad"]
FACTS: tuple[Fact, ...] = ("under_18", "came_to_canada_from_abroad")
READING_CODES = (
    "trafficking_indicated",
    "forced_labour_indicators",
    "exploitative_conditions_only",
    "not_enough_information",
    "no_indicators_identified",
)


VersionId = Annotated[str, Field(pattern=_VERSION.pattern)]
_Strict = Strict
_Verifiable = Verifiable


class Source(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
    title: NonEmpty
    publisher: str | None = None
    edition: str | None = None
    reference: str | None = None
    url: NonEmpty
    note: str | None = None


class SourceRef(_Strict):
    ref: NonEmpty
    page: int | None = None
    note: str | None = None


class Indicator(_Verifiable):
    id: NonEmpty
    dimension: Slug
    grade: Grade
    label: Text
    question: Text
    help: Text
    source: SourceRef


class Dimension(_Strict):
    id: Slug
    kind: Literal["recruitment", "exploitation", "destination"]
    expected_indicator_count: int | None = None
    title: Text
    description: Text


class Threshold(_Strict):
    """One way for a dimension to be positive: minimum counts of indicators present."""

    id: Slug
    strong: int = Field(default=0, ge=0)
    medium: int = Field(default=0, ge=0)
    weak: int = Field(default=0, ge=0)
    medium_or_weak: int = Field(default=0, ge=0)
    label: Text


class DimensionRule(_Verifiable):
    id: NonEmpty
    description: Text
    positive_if: list[Threshold] = Field(min_length=1)
    source: SourceRef


class Requirement(_Strict):
    id: Slug
    any_of: list[Slug] = Field(min_length=1)
    label: Text


class ListRule(_Verifiable):
    id: NonEmpty
    description: Text
    requires: list[Requirement] = Field(min_length=1)
    source: SourceRef


class IndicatorList(_Verifiable):
    id: Slug
    title: Text
    subject: Literal["adult", "child"]
    form: Literal["labour", "sexual"]
    form_label: Text
    status: Literal["available", "pending_verification"]
    source: SourceRef
    dimensions: list[Dimension]
    rule: ListRule | None
    indicators: list[Indicator]

    @property
    def available(self) -> bool:
        return self.status == "available"


class ReadingText(_Strict):
    title: Text
    text: Text


class ReadingTexts(_Strict):
    trafficking_indicated: ReadingText
    forced_labour_indicators: ReadingText
    exploitative_conditions_only: ReadingText
    not_enough_information: ReadingText
    no_indicators_identified: ReadingText

    @model_validator(mode="after")
    def _forms_placeholder_only_where_used(self) -> ReadingTexts:
        for code in READING_CODES:
            reading: ReadingText = getattr(self, code)
            for language in ("en", "fr"):
                text = getattr(reading.text, language)
                wants = code == "trafficking_indicated"
                if ("{forms}" in text) != wants or text.count("{") != int(wants):
                    raise ValueError(
                        f"{code}.text.{language} must contain "
                        + ("exactly one {forms} placeholder" if wants else "no {placeholder}")
                    )
        return self


class IndicatorCatalogueFile(_Strict):
    kind: Literal["indicator_catalogue"]
    version: VersionId
    title: Text
    valid_from: IsoDate
    valid_from_note: str | None = None
    valid_until: IsoDate | None = None
    sources: list[Source] = Field(min_length=1)
    answer_guidance: Text
    dimension_rule: DimensionRule
    readings: ReadingTexts
    lists: list[IndicatorList] = Field(min_length=1)


class ForcedLabourMapping(_Strict):
    by: Literal["harbour"]
    reviewed: bool
    note: Text


class ForcedLabourIndicator(_Strict):
    id: NonEmpty
    role: Literal["means", "conditions"]
    title: Text
    help: Text
    evidenced_by: list[NonEmpty] = Field(min_length=1)


class ForcedLabourFile(_Verifiable):
    kind: Literal["forced_labour_indicators"]
    version: VersionId
    catalogue: VersionId
    title: Text
    valid_from: IsoDate
    valid_from_note: str | None = None
    valid_until: IsoDate | None = None
    sources: list[Source] = Field(min_length=1)
    scoring_note: Text
    mapping: ForcedLabourMapping
    indicators: list[ForcedLabourIndicator] = Field(min_length=1)


class LegalSource(_Strict):
    id: Slug
    title: NonEmpty
    short_title: Text
    url: NonEmpty
    note: str | None = None


class StatuteRef(_Strict):
    statute: Slug
    section: NonEmpty


class LegalGroup(_Strict):
    id: Slug
    title: Text


class LegalElement(_Verifiable):
    id: NonEmpty
    groups: list[Slug] = Field(min_length=1)
    kind: Literal["element", "factor"]
    source: StatuteRef
    quote: str | None = None
    title: Text
    summary: Text
    notes: Text | None = None
    valid_from: IsoDate
    valid_until: IsoDate | None = None
    requires_fact: Fact | None = None
    supported_by: list[NonEmpty]

    @model_validator(mode="after")
    def _has_some_basis(self) -> LegalElement:
        if not self.supported_by and self.requires_fact is None:
            raise ValueError("needs supported_by indicators, a requires_fact, or both")
        return self


class LawFirstSection(_Strict):
    """One step of the law-first interview: the questions on one part of the law."""

    id: Slug
    title: Text
    description: Text
    # A section that only matters when a fact holds (IRPA s. 118 needs the person to
    # have come to Canada from abroad) is left out when that fact is recorded false.
    skip_when_false: Fact | None = None


class LawFirstQuestion(_Verifiable):
    """A question on the statute's own words, citing the section it bears on."""

    id: NonEmpty
    section: Slug
    source: StatuteRef
    label: Text
    question: Text
    help: Text
    valid_from: IsoDate
    valid_until: IsoDate | None = None


class LawFirstRequirement(_Strict):
    """Part of an element: supported by a "yes" to any of these questions."""

    id: Slug
    label: Text
    any_of: list[NonEmpty] = Field(min_length=1)


class LawFirstElement(_Verifiable):
    id: NonEmpty
    groups: list[Slug] = Field(min_length=1)
    kind: Literal["element", "factor"]
    source: StatuteRef
    quote: str | None = None
    title: Text
    summary: Text
    notes: Text | None = None
    valid_from: IsoDate
    valid_until: IsoDate | None = None
    requires_fact: Fact | None = None
    requires: list[LawFirstRequirement]

    @model_validator(mode="after")
    def _has_some_basis(self) -> LawFirstElement:
        if not self.requires and self.requires_fact is None:
            raise ValueError("needs requires (questions), a requires_fact, or both")
        return self


class LawFirstOffence(_Strict):
    """The elements that together make up one offence, for the reading's headline."""

    id: Slug
    title: Text
    subject: Literal["adult", "child", "any"]
    # The reading's headline ("every element supported") is decided by the
    # trafficking offences only: the related offences need more than a screening
    # records (a purpose, what someone knew), so they never lead the reading.
    headline: bool
    elements: list[NonEmpty] = Field(min_length=1)


class LawFirstReadingText(_Strict):
    title: Text
    text: Text


class LawFirstReadingTexts(_Strict):
    all_elements_supported: LawFirstReadingText
    some_elements_supported: LawFirstReadingText
    no_element_supported: LawFirstReadingText


class LawFirstPath(_Verifiable):
    """Questions on the Criminal Code's and IRPA's own elements, for any form of
    exploitation and any age; needs no ILO/EC list."""

    title: Text
    description: Text
    readings: LawFirstReadingTexts
    offences: list[LawFirstOffence] = Field(min_length=1)
    sections: list[LawFirstSection] = Field(min_length=1)
    questions: list[LawFirstQuestion] = Field(min_length=1)
    elements: list[LawFirstElement] = Field(min_length=1)


class LegalElementsFile(_Strict):
    kind: Literal["legal_elements"]
    version: VersionId
    catalogue: VersionId
    title: Text
    sources: list[LegalSource] = Field(min_length=1)
    interpretation_note: Text
    groups: list[LegalGroup] = Field(min_length=1)
    elements: list[LegalElement] = Field(min_length=1)
    law_first: LawFirstPath | None = None


KnowledgeFile = IndicatorCatalogueFile | ForcedLabourFile | LegalElementsFile


@dataclass(frozen=True, eq=False)
class Catalogue:
    """The three files of one catalogue, checked against each other.

    Compared and hashed by identity, so that the engine can cache what it
    precomputes for each loaded catalogue.
    """

    indicators: IndicatorCatalogueFile
    forced_labour: ForcedLabourFile
    legal: LegalElementsFile

    @property
    def version(self) -> str:
        return self.indicators.version

    @property
    def versions(self) -> dict[str, str]:
        return {
            "catalogue": self.indicators.version,
            "forced_labour": self.forced_labour.version,
            "legal_elements": self.legal.version,
        }

    @property
    def lists(self) -> list[IndicatorList]:
        return self.indicators.lists

    def indicator(self, indicator_id: str) -> Indicator:
        for indicator_list in self.indicators.lists:
            for indicator in indicator_list.indicators:
                if indicator.id == indicator_id:
                    return indicator
        raise KeyError(indicator_id)

    def indicator_ids(self) -> list[str]:
        return [i.id for lst in self.indicators.lists for i in lst.indicators]
