"""The public site's texts and self-check, as knowledge: models and a strict loader.

`knowledge/public/selfcheck.yaml` holds the questions and how each answer maps onto
the screening catalogue's indicators and the pathways facts; `knowledge/public/pages.yaml`
holds the page texts. Both are read with the shared strict loader (duplicate or
unknown keys, bad dates: a KnowledgeError naming file and entry) and cross-checked
at load: an indicator id the catalogue does not have, a fact the pathways engine does
not read, a value a fact cannot take, a pathway id that does not exist, a phone
number that differs from the pathways knowledge: each is a KnowledgeError.

Every text is a `LocalText`: English is required, the seven other languages are
optional; a missing one falls back to English and says so.

No Django here: this module is data, like the engines' rule loaders.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from harbour.knowledge.loader import (
    KNOWLEDGE_ROOT,
    KnowledgeError,
    display_path,
    find_duplicates,
    load_yaml_strict,
    parse_model,
)
from harbour.knowledge.models import IsoDate, NonEmpty, Slug, Strict
from harbour.pathways.rules import FACT_SPECS, Pathway, load_pathways
from harbour.screening import Catalogue, ReadingCode, indicator_ids, load_catalogue

PUBLIC_DIR = KNOWLEDGE_ROOT / "public"
SELFCHECK_FILE = PUBLIC_DIR / "selfcheck.yaml"
PAGES_FILE = PUBLIC_DIR / "pages.yaml"

ANSWER_IDS = ("yes", "no", "dont_know", "rather_not_say")
FactValue = bool | str


class LocalText(Strict):
    """One text in every language of the public site; English is required."""

    en: NonEmpty
    fr: NonEmpty | None = None
    es: NonEmpty | None = None
    tl: NonEmpty | None = None
    pa: NonEmpty | None = None
    zh_hans: NonEmpty | None = Field(default=None, alias="zh-hans")
    vi: NonEmpty | None = None
    ar: NonEmpty | None = None

    def get(self, language: str) -> Localised:
        value = getattr(self, language.replace("-", "_"), None)
        if value:
            return Localised(value, language, translated=True)
        return Localised(self.en, "en", translated=language == "en")


@dataclasses.dataclass(frozen=True, slots=True)
class Localised:
    """A text as shown: its words, the language they are in, and whether that is the
    language asked for (templates mark English fallbacks with `lang="en"`)."""

    text: str
    language: str
    translated: bool

    def __str__(self) -> str:
        return self.text


# --- the self-check -------------------------------------------------------------------


class Option(Strict):
    id: NonEmpty
    label: LocalText
    facts: dict[Slug, FactValue] = Field(min_length=1)


class Question(Strict):
    id: Slug
    kind: Literal["yes_no", "choice"]
    text: LocalText
    help: LocalText | None = None
    urgent: bool = False
    indicators: list[NonEmpty] = []
    # yes_no only: the pathways facts each answer sets ("yes" / "no").
    facts: dict[Literal["yes", "no"], dict[Slug, FactValue]] = {}
    options: list[Option] = []

    @model_validator(mode="after")
    def _shape(self) -> Question:
        if self.kind == "choice":
            if len(self.options) < 2:
                raise ValueError("a choice question needs at least two options")
            if self.indicators or self.facts:
                raise ValueError("a choice question sets facts through its options only")
            if self.urgent:
                raise ValueError("urgent applies to yes/no questions")
        else:
            if self.options:
                raise ValueError("a yes/no question has no options")
            if not self.indicators and not self.facts:
                raise ValueError("maps to no indicator and no fact: it would change nothing")
        return self

    def answer_ids(self) -> tuple[str, ...]:
        if self.kind == "choice":
            return (*(option.id for option in self.options), "dont_know", "rather_not_say")
        return ANSWER_IDS

    def facts_for(self, answer: str) -> dict[str, FactValue]:
        if self.kind == "choice":
            return next((dict(o.facts) for o in self.options if o.id == answer), {})
        return dict(self.facts.get(answer, {}))  # type: ignore[call-overload]


class SelfCheck(Strict):
    version: NonEmpty
    screening_catalogue: NonEmpty
    valid_from: IsoDate
    review_by: IsoDate
    answers: dict[Literal["yes", "no", "dont_know", "rather_not_say"], LocalText]
    questions: list[Question] = Field(min_length=10, max_length=20)
    protections: list[Slug] = Field(min_length=1)

    @model_validator(mode="after")
    def _every_answer_labelled(self) -> SelfCheck:
        missing = [a for a in ANSWER_IDS if a not in self.answers]
        if missing:
            raise ValueError(f"answers: missing label(s) for {', '.join(missing)}")
        return self

    def question(self, question_id: str) -> Question:
        return next(q for q in self.questions if q.id == question_id)


def _check_fact(file: str, entry: str, name: str, value: FactValue) -> None:
    if name not in FACT_SPECS:
        raise KnowledgeError(file, entry, f"sets unknown pathways fact {name!r}")
    kind, allowed = FACT_SPECS[name]
    if kind == "bool" and not isinstance(value, bool):
        raise KnowledgeError(file, entry, f"{name} is true or false, not {value!r}")
    if kind == "choice" and value not in allowed:
        raise KnowledgeError(
            file, entry, f"{value!r} is not a value of {name} (one of {', '.join(allowed)})"
        )
    if kind == "date":
        raise KnowledgeError(file, entry, f"{name} is a date: the self-check cannot set it")


def check_selfcheck(
    selfcheck: SelfCheck, catalogue: Catalogue, pathways: tuple[Pathway, ...], file: str
) -> SelfCheck:
    """Cross-checks against the screening catalogue and the pathways knowledge."""
    duplicates = find_duplicates(q.id for q in selfcheck.questions)
    if duplicates:
        raise KnowledgeError(file, duplicates[0], "question id used twice")
    if catalogue.version != selfcheck.screening_catalogue:
        raise KnowledgeError(
            file,
            selfcheck.version,
            f"written for catalogue {selfcheck.screening_catalogue}, "
            f"but {catalogue.version} was loaded",
        )
    known_indicators = set(indicator_ids(catalogue))
    # A fact set by two questions must mean the same thing in both, or an answer to
    # one would silently overrule the other.
    set_by: dict[str, tuple[str, FactValue]] = {}
    asked_by: dict[str, str] = {}
    for question in selfcheck.questions:
        duplicates = find_duplicates(question.indicators)
        if duplicates:
            raise KnowledgeError(file, question.id, f"indicator listed twice: {duplicates[0]}")
        for indicator in question.indicators:
            if indicator in asked_by:
                raise KnowledgeError(
                    file,
                    question.id,
                    f"indicator {indicator} is already asked by {asked_by[indicator]}",
                )
            asked_by[indicator] = question.id
            if indicator not in known_indicators:
                raise KnowledgeError(
                    file,
                    question.id,
                    f"unknown indicator {indicator!r} in catalogue {catalogue.version}",
                )
        option_ids = [o.id for o in question.options]
        duplicates = find_duplicates(option_ids)
        if duplicates or set(option_ids) & {"dont_know", "rather_not_say"}:
            raise KnowledgeError(file, question.id, "option ids must be unique and not reserved")
        for answer in question.answer_ids():
            for name, value in question.facts_for(answer).items():
                _check_fact(file, question.id, name, value)
                if question.kind == "yes_no":
                    earlier = set_by.get(name)
                    if earlier and earlier[0] != question.id and earlier[1] != value:
                        raise KnowledgeError(
                            file,
                            question.id,
                            f"sets {name}={value!r}, but {earlier[0]} sets it to {earlier[1]!r}",
                        )
                    set_by.setdefault(name, (question.id, value))
    pathway_ids = {p.id for p in pathways}
    for pathway_id in selfcheck.protections:
        if pathway_id not in pathway_ids:
            raise KnowledgeError(file, "protections", f"unknown pathway {pathway_id!r}")
    return selfcheck


def load_selfcheck_file(
    path: Path | str, catalogue: Catalogue, pathways: tuple[Pathway, ...]
) -> SelfCheck:
    file = display_path(path)
    model = parse_model(SelfCheck, load_yaml_strict(path), file)
    return check_selfcheck(model, catalogue, pathways, file)


# --- the page texts -------------------------------------------------------------------


class Channel(Strict):
    id: Slug
    text: LocalText
    verified: bool
    verification_note: str | None = None
    source: NonEmpty

    @model_validator(mode="after")
    def _unverified_needs_a_note(self) -> Channel:
        if not self.verified and not (self.verification_note or "").strip():
            raise ValueError("verified is false, so verification_note must say what to check")
        return self


class Line(Strict):
    """A phone line from the pathways knowledge (the hotline, the tip line)."""

    pathway: Slug
    number: NonEmpty
    name: LocalText
    website: NonEmpty
    channels: list[Channel] = []
    text: LocalText | None = None


class Word(Strict):
    id: Slug
    term: LocalText
    meaning: LocalText


class SignsSection(Strict):
    id: Slug
    title: LocalText
    items: list[LocalText] = Field(min_length=1)


class Signs(Strict):
    intro: LocalText
    sections: list[SignsSection] = Field(min_length=1)
    words: list[Word] = Field(min_length=1)


class Home(Strict):
    intro: LocalText
    safety: LocalText


class PlainProtection(Strict):
    """A protection in plain words; `title` replaces a legal name that labels the reader."""

    title: LocalText | None = None
    text: LocalText


class Rights(Strict):
    intro: LocalText
    deadline_note: LocalText
    protections: dict[Slug, PlainProtection]
    plain_provincial: LocalText


class ReadingText(Strict):
    title: LocalText
    text: LocalText


class Pages(Strict):
    version: NonEmpty
    hotline: Line
    tip_line: Line
    emergency: LocalText
    home: Home
    signs: Signs
    rights: Rights
    readings: dict[str, ReadingText]


def check_pages(pages: Pages, pathways: tuple[Pathway, ...], file: str) -> Pages:
    by_id = {p.id: p for p in pathways}
    for key, line in (("hotline", pages.hotline), ("tip_line", pages.tip_line)):
        pathway = by_id.get(line.pathway)
        if pathway is None:
            raise KnowledgeError(file, key, f"unknown pathway {line.pathway!r}")
        # The number must be the one the pathways knowledge gives, never retyped.
        written = [pathway.summary.en, *(b.text.en for b in pathway.benefits)]
        if not any(line.number in text for text in written):
            raise KnowledgeError(
                file, key, f"number {line.number} is not the one in pathway {pathway.id}"
            )
    for pathway_id in pages.rights.protections:
        if pathway_id not in by_id:
            raise KnowledgeError(file, "rights.protections", f"unknown pathway {pathway_id!r}")
    codes = {code.value for code in ReadingCode}
    if set(pages.readings) != codes:
        missing = sorted(codes - set(pages.readings))
        extra = sorted(set(pages.readings) - codes)
        raise KnowledgeError(
            file, "readings", f"must name every reading code; missing {missing}, unknown {extra}"
        )
    return pages


def load_pages_file(path: Path | str, pathways: tuple[Pathway, ...]) -> Pages:
    file = display_path(path)
    return check_pages(parse_model(Pages, load_yaml_strict(path), file), pathways, file)


@dataclasses.dataclass(frozen=True)
class Knowledge:
    """Everything the public site reads, loaded and checked together."""

    selfcheck: SelfCheck
    pages: Pages
    catalogue: Catalogue
    pathways: tuple[Pathway, ...]


@functools.lru_cache(maxsize=2)
def load_public_knowledge(
    selfcheck_path: Path = SELFCHECK_FILE, pages_path: Path = PAGES_FILE
) -> Knowledge:
    """The self-check and page texts with the catalogue and pathways they name (cached)."""
    pathways = load_pathways()
    data = load_yaml_strict(selfcheck_path)
    version = data.get("screening_catalogue") if isinstance(data, dict) else None
    catalogue = load_catalogue(version if isinstance(version, str) else None)
    selfcheck = load_selfcheck_file(selfcheck_path, catalogue, pathways)
    pages = load_pages_file(pages_path, pathways)
    return Knowledge(selfcheck, pages, catalogue, pathways)
