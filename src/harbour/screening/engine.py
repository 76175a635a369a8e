"""The screening engine: answers in, an explained reading out.

Pure Python: no Django, no I/O, no clock. Given the same catalogue, answers and
facts it returns the same reading, whatever the order of the answers.

What it computes, each step explained in the result:

1. Each dimension of each available indicator list is positive or not by the
   published combination rule (kept in the catalogue: at least 2 strong; 1 strong
   with 1 medium or weak; 3 medium; 2 medium with 1 weak). Only "yes" counts;
   "no", "unknown" and "declined" never do.
2. Each list's rule (for adult labour: a recruitment dimension AND exploitative
   conditions AND coercion or abuse of vulnerability at destination). Only the
   lists for the person's age group can give a trafficking reading.
3. The ILO forced-labour indicators present, through Harbour's mapping.
4. One overall reading, by precedence: trafficking indicated; forced-labour
   indicators; exploitative conditions only; no indicator identified (every
   question answered "no"); otherwise not enough information. The wording never
   claims a legal finding.
5. Which legal elements the answers (and two facts: under 18, came to Canada from
   abroad) support, do not support, or leave unknown.
6. What to ask next: open indicators whose "yes" could change the reading, a
   dimension or a legal element, the most decisive first.

Speed: everything that depends only on the catalogue is precomputed once per
loaded catalogue (`_compile`, cached by catalogue identity): a full reading takes well
under a tenth of a millisecond (bench/bench_screening.py). Answers become bit
masks over the catalogue's indicators, so counting a dimension is a popcount and a
legal element is a mask intersection. The static parts of the output (indicator
texts, titles) are shared, immutable objects; the per-reading objects are plain
slotted dataclasses, because frozen dataclasses cost several times more to build
and a reading builds about a hundred of them. Treat a Reading as read-only.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, is_dataclass
from enum import StrEnum
from itertools import product
from typing import Any, NoReturn

from harbour.screening.catalogue import GRADES, Catalogue
from harbour.screening.catalogue import Text as TextModel

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


# --- precomputed per catalogue ------------------------------------------------------

_VALUE_CODE = {"yes": 0, "no": 1, "unknown": 2, "declined": 3}


def _text(model: TextModel) -> Text:
    return Text(model.en, model.fr)


def _byte_tables(
    ids: tuple[str, ...],
) -> tuple[tuple[tuple[tuple[int, ...], ...], ...], tuple[tuple[tuple[str, ...], ...], ...]]:
    """For byte k of a mask and its value b: the positions (and ids) of its set bits.

    Reading masks a byte at a time through these tables turns "which indicators are
    in this mask" into a few tuple concatenations instead of a loop per bit.
    """
    positions = tuple(
        tuple(
            tuple(8 * k + j for j in range(8) if b >> j & 1 and 8 * k + j < len(ids))
            for b in range(256)
        )
        for k in range((len(ids) + 7) // 8)
    )
    names = tuple(tuple(tuple(ids[i] for i in row) for row in table) for table in positions)
    return positions, names


def _names(mask: int, table: tuple[tuple[tuple[str, ...], ...], ...]) -> tuple[str, ...]:
    return tuple(_from_bytes(mask, table))


def _from_bytes(mask: int, table: tuple[tuple[tuple[Any, ...], ...], ...]) -> list[Any]:
    out: list[Any] = []
    k = ((mask & -mask).bit_length() - 1) >> 3 if mask else 0
    mask >>= 8 * k
    while mask:
        byte = mask & 255
        if byte:
            out += table[k][byte]
        mask >>= 8
        k += 1
    return out


@dataclass(frozen=True, slots=True)
class _Dimension:
    key: int
    qualified: str
    list_key: int
    list_id: str
    id: str
    title: Text
    kind: str
    mask: int
    grade_masks: tuple[int, int, int]
    explain_positive: tuple[Text, ...]  # per threshold, {s} {m} {w} to fill
    explain_negative: Text
    next_texts: Mapping[NextEffect, Text]


@dataclass(frozen=True, slots=True)
class _Requirement:
    id: str
    label: Text
    dimensions: tuple[int, ...]
    dimension_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _List:
    key: int
    id: str
    title: Text
    subject: str
    form: str
    form_label: Text
    status: str
    available: bool
    verified: bool
    verification_note: str | None
    dimensions: tuple[int, ...]
    requirements: tuple[_Requirement, ...]


@dataclass(frozen=True, slots=True)
class _Element:
    key: int
    id: str
    kind: str
    requires_fact: str | None
    mask: int
    valid_from: datetime.date
    valid_until: datetime.date | None
    next_text: Text
    info: LegalElementInfo


@dataclass(frozen=True, slots=True)
class _Compiled:
    versions: tuple[str, str, str]
    ids: tuple[str, ...]
    index: Mapping[str, int]
    infos: tuple[IndicatorInfo, ...]
    available_mask: int
    means_mask: int
    dimensions: tuple[_Dimension, ...]
    lists: tuple[_List, ...]
    thresholds: tuple[tuple[str, int, int, int, int], ...]  # id, s, m, w, m_or_w
    positive_table: Mapping[tuple[int, int, int], int]  # counts -> threshold met, or -1
    caps: tuple[int, int, int]  # the largest counts in the table
    forced_labour: tuple[tuple[str, Text, str, int], ...]  # id, title, role, mask
    elements: tuple[_Element, ...]
    indicator_elements: tuple[tuple[_Element, ...], ...]  # per indicator: elements, factors
    readings: Mapping[ReadingCode, tuple[Text, Text]]  # title, text
    changes_reading_texts: Mapping[ReadingCode, Text]
    notices_base: tuple[Text, ...]
    # Memo tables filled as readings are made; their keys are small and bounded.
    byte_positions: tuple[tuple[tuple[int, ...], ...], ...]
    byte_ids: tuple[tuple[tuple[str, ...], ...], ...]
    explanations: dict[tuple[int, int, int, int, int], Text]
    notices: dict[bool | None, tuple[Text, ...]]
    because: dict[tuple[ReadingCode, str, int, int], Text]

    def positive(self, s: int, m: int, w: int) -> int:
        """Which threshold (s strong, m medium, w weak present) meets, or -1."""
        found = self.positive_table.get((s, m, w))
        if found is None:
            return _threshold_met(self.thresholds, s, m, w)
        return found


def _threshold_met(
    thresholds: tuple[tuple[str, int, int, int, int], ...], s: int, m: int, w: int
) -> int:
    for index, (_id, need_s, need_m, need_w, need_mw) in enumerate(thresholds):
        if s >= need_s and m >= need_m and w >= need_w and m + w >= need_mw:
            return index
    return -1


def _escape(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


@functools.lru_cache(maxsize=32)
def _compile(catalogue: Catalogue) -> _Compiled:
    rule = catalogue.indicators.dimension_rule
    thresholds = tuple(
        (t.id, t.strong, t.medium, t.weak, t.medium_or_weak) for t in rule.positive_if
    )
    # Every count a dimension can reach (no dimension has more indicators of a grade
    # than the largest dimension), so "is it positive, and by which combination" is
    # one dictionary lookup. `positive` clamps, for counts from outside this range.
    most = [0, 0, 0]
    for lst in catalogue.indicators.lists:
        for dimension in lst.dimensions:
            for g, grade in enumerate(GRADES):
                n = sum(
                    1 for i in lst.indicators if i.dimension == dimension.id and i.grade == grade
                )
                most[g] = max(most[g], n)
    caps = (most[0] + 1, most[1] + 1, most[2] + 1)
    table = {
        (s, m, w): _threshold_met(thresholds, s, m, w)
        for s, m, w in product(range(caps[0] + 1), range(caps[1] + 1), range(caps[2] + 1))
    }

    ids: list[str] = []
    infos: list[IndicatorInfo] = []
    dimensions: list[_Dimension] = []
    lists: list[_List] = []
    available_mask = 0
    for list_key, lst in enumerate(catalogue.indicators.lists):
        dimension_keys: dict[str, int] = {}
        first_dimension = len(dimensions)
        grade_masks: dict[str, list[int]] = {d.id: [0, 0, 0] for d in lst.dimensions}
        for indicator in lst.indicators:
            bit = 1 << len(ids)
            grade_masks[indicator.dimension][GRADES.index(indicator.grade)] |= bit
            if lst.available:
                available_mask |= bit
            ids.append(indicator.id)
            infos.append(
                IndicatorInfo(
                    id=indicator.id,
                    list_id=lst.id,
                    dimension_id=indicator.dimension,
                    grade=indicator.grade,
                    label=_text(indicator.label),
                    question=_text(indicator.question),
                    help=_text(indicator.help),
                    verified=indicator.verified,
                )
            )
        for offset, dimension in enumerate(lst.dimensions):
            key = first_dimension + offset
            dimension_keys[dimension.id] = key
            title = _text(dimension.title)
            masks = grade_masks[dimension.id]
            dimensions.append(
                _Dimension(
                    key=key,
                    qualified=f"{lst.id}.{dimension.id}",
                    list_key=list_key,
                    list_id=lst.id,
                    id=dimension.id,
                    title=title,
                    kind=dimension.kind,
                    mask=masks[0] | masks[1] | masks[2],
                    grade_masks=(masks[0], masks[1], masks[2]),
                    explain_positive=tuple(
                        Text(
                            f"Positive by the combination “{_escape(t.label.en)}”: "
                            "{s} strong, {m} medium, {w} weak present.",
                            f"Positive selon la combinaison « {_escape(t.label.fr)} » : "
                            "{s} fort(s), {m} moyen(s), {w} faible(s) présents.",
                        )
                        for t in rule.positive_if
                    ),
                    explain_negative=Text(
                        "Not positive: {s} strong, {m} medium, {w} weak present; "
                        "no combination of the rule is met.",
                        "Non positive : {s} fort(s), {m} moyen(s), {w} faible(s) présents; "
                        "aucune combinaison de la règle n'est atteinte.",
                    ),
                    next_texts={
                        NextEffect.MAKES_DIMENSION_POSITIVE: Text(
                            f"A yes here would make the dimension “{title.en}” positive.",
                            f"Un oui ici rendrait positive la dimension « {title.fr} ».",
                        ),
                        NextEffect.BUILDS_NEEDED_DIMENSION: Text(
                            f"Could help make the dimension “{title.en}” positive, "
                            "which the overall rule still needs.",
                            "Pourrait contribuer à rendre positive la dimension "
                            f"« {title.fr} », dont la règle globale a encore besoin.",
                        ),
                        NextEffect.BUILDS_DIMENSION: Text(
                            f"Could help make the dimension “{title.en}” positive.",
                            f"Pourrait contribuer à rendre positive la dimension « {title.fr} ».",
                        ),
                    },
                )
            )
        requirements = tuple(
            _Requirement(
                id=r.id,
                label=_text(r.label),
                dimensions=tuple(dimension_keys[d] for d in r.any_of),
                dimension_ids=tuple(r.any_of),
            )
            for r in (lst.rule.requires if lst.rule is not None else ())
        )
        lists.append(
            _List(
                key=list_key,
                id=lst.id,
                title=_text(lst.title),
                subject=lst.subject,
                form=lst.form,
                form_label=_text(lst.form_label),
                status=lst.status,
                available=lst.available,
                verified=lst.verified,
                verification_note=lst.verification_note,
                dimensions=tuple(dimension_keys.values()),
                requirements=requirements,
            )
        )

    index = {indicator_id: i for i, indicator_id in enumerate(ids)}
    byte_positions, byte_ids = _byte_tables(tuple(ids))

    def mask_of(refs: Iterable[str]) -> int:
        mask = 0
        for ref in refs:
            mask |= 1 << index[ref]
        return mask

    forced_labour = tuple(
        (f.id, _text(f.title), f.role, mask_of(f.evidenced_by))
        for f in catalogue.forced_labour.indicators
    )
    means_mask = 0
    for _id, _title, role, mask in forced_labour:
        if role == "means":
            means_mask |= mask

    statutes = {source.id: _text(source.short_title) for source in catalogue.legal.sources}
    elements: list[_Element] = []
    for key, e in enumerate(catalogue.legal.elements):
        citation = Text(
            f"{statutes[e.source.statute].en}, s. {e.source.section}",
            f"{statutes[e.source.statute].fr}, art. {e.source.section}",
        )
        title = _text(e.title)
        article = "l'élément" if e.kind == "element" else "le facteur"
        elements.append(
            _Element(
                key=key,
                id=e.id,
                kind=e.kind,
                requires_fact=e.requires_fact,
                mask=mask_of(e.supported_by),
                valid_from=e.valid_from,
                valid_until=e.valid_until,
                info=LegalElementInfo(
                    id=e.id,
                    groups=tuple(e.groups),
                    kind=e.kind,
                    citation=citation,
                    title=title,
                    summary=_text(e.summary),
                    notes=_text(e.notes) if e.notes is not None else None,
                    quote=e.quote,
                    requires_fact=e.requires_fact,
                    supported_by=tuple(e.supported_by),
                    valid_from=e.valid_from.isoformat(),
                    valid_until=e.valid_until.isoformat() if e.valid_until else None,
                    verified=e.verified,
                    verification_note=e.verification_note,
                ),
                next_text=Text(
                    f"A yes here would support the legal {e.kind} “{title.en}” "
                    f"({citation.en}), which is still unknown.",
                    f"Un oui ici appuierait {article} juridique « {title.fr} » "
                    f"({citation.fr}), encore inconnu.",
                ),
            )
        )
    ordered_elements = sorted(elements, key=lambda e: (e.kind != "element", e.key))
    indicator_elements = tuple(
        tuple(e for e in ordered_elements if e.mask >> i & 1) for i in range(len(ids))
    )

    readings = {
        code: (
            _text(getattr(catalogue.indicators.readings, code.value).title),
            _text(getattr(catalogue.indicators.readings, code.value).text),
        )
        for code in ReadingCode
    }

    notices: list[Text] = []
    for compiled_list in lists:
        if compiled_list.available and not compiled_list.verified:
            notices.append(
                Text(
                    f"The indicators of the list “{compiled_list.title.en}” are not yet verified "
                    "against the ILO/European Commission publication; read the results with "
                    "that in mind.",
                    f"Les indicateurs de la liste « {compiled_list.title.fr} » ne sont pas encore "
                    "vérifiés par rapport à la publication de l'OIT et de la Commission "
                    "européenne; lisez les résultats en conséquence.",
                )
            )
    if not catalogue.forced_labour.mapping.reviewed:
        notices.append(
            Text(
                "Which operational indicators evidence each forced-labour indicator is "
                "Harbour's mapping, not the ILO's, and has not yet been reviewed.",
                "Le lien entre indicateurs opérationnels et indicateurs du travail forcé est "
                "établi par Harbour, et non par l'OIT, et n'a pas encore été révisé.",
            )
        )

    return _Compiled(
        versions=(
            catalogue.indicators.version,
            catalogue.forced_labour.version,
            catalogue.legal.version,
        ),
        ids=tuple(ids),
        index=index,
        infos=tuple(infos),
        available_mask=available_mask,
        means_mask=means_mask,
        dimensions=tuple(dimensions),
        lists=tuple(lists),
        thresholds=thresholds,
        positive_table=table,
        caps=caps,
        forced_labour=forced_labour,
        elements=tuple(elements),
        indicator_elements=indicator_elements,
        readings=readings,
        changes_reading_texts={
            code: Text(
                f"A yes here would change the reading to: {readings[code][0].en}.",
                f"Un oui ici changerait la lecture en : {readings[code][0].fr}.",
            )
            for code in ReadingCode
        },
        notices_base=tuple(notices),
        byte_positions=byte_positions,
        byte_ids=byte_ids,
        explanations={},
        notices={},
        because={},
    )


def indicator_ids(catalogue: Catalogue) -> tuple[str, ...]:
    """Every indicator id the engine accepts for this catalogue, in catalogue order."""
    return _compile(catalogue).ids


def indicator_info(catalogue: Catalogue, indicator_id: str) -> IndicatorInfo:
    """The question, help and grade of one indicator (KeyError if unknown)."""
    c = _compile(catalogue)
    return c.infos[c.index[indicator_id]]


# --- evaluation ---------------------------------------------------------------------

AnswersInput = Iterable[Answer] | Mapping[str, AnswerValue | str]


@dataclass(slots=True)
class _Masks:
    yes: int = 0
    no: int = 0
    unknown: int = 0
    declined: int = 0


def _normalise(c: _Compiled, answers: AnswersInput) -> tuple[_Masks, dict[str, Answer]]:
    masks = [0, 0, 0, 0]
    details: dict[str, Answer] = {}
    index = c.index
    codes = _VALUE_CODE
    if isinstance(answers, Mapping):
        # The common path (services pass a mapping): no duplicates are possible.
        try:
            for indicator_id, value in answers.items():
                masks[codes[value]] |= 1 << index[indicator_id]
        except (KeyError, TypeError):
            _raise_input_error(c, ((k, v, None) for k, v in answers.items()))
        return _Masks(*masks), details
    answered = 0
    listed = list(answers)
    for answer in listed:
        position = index.get(answer.indicator_id) if isinstance(answer.indicator_id, str) else None
        code = codes.get(answer.value) if isinstance(answer.value, str) else None
        if position is None or code is None or answered >> position & 1:
            _raise_input_error(c, ((a.indicator_id, a.value, a) for a in listed))
        bit = 1 << position
        answered |= bit
        masks[code] |= bit
        if answer.evidence or answer.given_by:
            details[answer.indicator_id] = answer
    return _Masks(*masks), dict(sorted(details.items()))


def _raise_input_error(
    c: _Compiled, pairs: Iterable[tuple[object, object, Answer | None]]
) -> NoReturn:
    """Collect every problem in the answers, not just the first, and raise."""
    unknown: set[str] = set()
    bad: list[tuple[str, object]] = []
    seen: set[str] = set()
    duplicates: set[str] = set()
    for indicator_id, value, _answer in pairs:
        if not isinstance(indicator_id, str) or indicator_id not in c.index:
            unknown.add(str(indicator_id))
        elif not isinstance(value, str) or value not in _VALUE_CODE:
            bad.append((indicator_id, value))
        elif indicator_id in seen:
            duplicates.add(indicator_id)
        else:
            seen.add(indicator_id)
    raise ScreeningInputError(
        sorted(unknown),
        sorted(bad, key=lambda pair: (pair[0], repr(pair[1]))),
        sorted(duplicates),
        c.versions[0],
    )


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


def _join(words: list[str], conjunction: str) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def evaluate(
    catalogue: Catalogue,
    answers: AnswersInput,
    facts: Facts | None = None,
    *,
    as_of: datetime.date | None = None,
    with_next_questions: bool = True,
) -> Reading:
    """Read a set of answers against a catalogue.

    `answers` is either `Answer` objects or a mapping of indicator id to value
    ("yes", "no", "unknown", "declined"); indicators not mentioned count as
    unanswered. Unknown ids, bad values and an indicator answered twice raise
    `ScreeningInputError`, naming each of them.

    `facts.under_18` chooses the lists that can give a trafficking reading (child
    lists when True, adult lists otherwise). `as_of` picks the legal elements in
    force on that date (by valid_from / valid_until); by default, those with no end.
    """
    c = _compile(catalogue)
    facts = facts or Facts()
    masks, evidence = _normalise(c, answers)
    yes = masks.yes
    subject = "child" if facts.under_18 is True else "adult"

    counts: list[tuple[int, int, int]] = []
    met_threshold: list[int] = []
    table = c.positive_table  # holds every count a dimension of this catalogue can reach
    for dimension in c.dimensions:
        gm = dimension.grade_masks
        s = (yes & gm[0]).bit_count()
        m = (yes & gm[1]).bit_count()
        w = (yes & gm[2]).bit_count()
        counts.append((s, m, w))
        met_threshold.append(table[(s, m, w)])

    forms: list[str] = []
    rule_met: dict[int, bool] = {}
    exploitation_positive = False
    for lst in c.lists:
        if not lst.available:
            continue
        met = all(
            any(met_threshold[d] >= 0 for d in requirement.dimensions)
            for requirement in lst.requirements
        )
        rule_met[lst.key] = met
        if met and lst.subject == subject and lst.form not in forms:
            forms.append(lst.form)
        for d in lst.dimensions:
            if met_threshold[d] >= 0 and c.dimensions[d].kind == "exploitation":
                exploitation_positive = True
    forms_tuple = tuple(sorted(forms))
    means_present = bool(yes & c.means_mask)
    all_answered_no = masks.no == c.available_mask and c.available_mask != 0
    code = _reading_code(forms_tuple, means_present, exploitation_positive, all_answered_no)

    dimension_results = _dimension_results(c, masks, counts, met_threshold)
    list_results = tuple(
        _list_result(c, lst, subject, rule_met.get(lst.key), met_threshold, dimension_results)
        for lst in c.lists
    )
    forced_labour = tuple(
        ForcedLabourResult(
            fl_id,
            title,
            role,
            bool(yes & mask),
            _names(yes & mask, c.byte_ids) if yes & mask else (),
        )
        for fl_id, title, role, mask in c.forced_labour
    )
    legal = _legal_results(c, masks, facts, as_of)
    next_questions: tuple[NextQuestion, ...] = ()
    if with_next_questions:
        next_questions = _next_questions(
            c,
            masks,
            counts,
            met_threshold,
            rule_met,
            subject,
            forms_tuple,
            means_present,
            exploitation_positive,
            code,
            legal,
        )

    title, text = c.readings[code]
    if code is ReadingCode.TRAFFICKING_INDICATED:
        labels: dict[tuple[str, str], Text] = {}
        for lst in c.lists:
            if lst.available and lst.form in forms_tuple:
                labels.setdefault((lst.form_label.en, lst.form_label.fr), lst.form_label)
        text = Text(
            text.en.replace("{forms}", _join([t.en for t in labels.values()], "and")),
            text.fr.replace("{forms}", _join([t.fr for t in labels.values()], "et")),
        )

    answered = masks.yes | masks.no | masks.unknown | masks.declined
    return Reading(
        catalogue_version=c.versions[0],
        forced_labour_version=c.versions[1],
        legal_elements_version=c.versions[2],
        code=code,
        forms=forms_tuple,
        subject=subject,
        title=title,
        summary=text,
        because=_because_memo(c, code, subject, met_threshold, yes, list_results, forced_labour),
        lists=list_results,
        forced_labour=forced_labour,
        legal_elements=legal,
        next_questions=next_questions,
        notices=_notices(c, facts.under_18),
        answer_counts={
            "yes": masks.yes.bit_count(),
            "no": masks.no.bit_count(),
            "unknown": masks.unknown.bit_count(),
            "declined": masks.declined.bit_count(),
            "unanswered": len(c.ids) - answered.bit_count(),
        },
        evidence=evidence,
    )


def _dimension_results(
    c: _Compiled,
    masks: _Masks,
    counts: list[tuple[int, int, int]],
    met_threshold: list[int],
) -> tuple[DimensionResult, ...]:
    results: list[DimensionResult] = []
    yes = masks.yes
    not_open = yes | masks.no | masks.declined
    for dimension in c.dimensions:
        s, m, w = counts[dimension.key]
        threshold = met_threshold[dimension.key]
        decided_by: tuple[str, ...] = ()
        if threshold >= 0:
            _id, need_s, need_m, need_w, need_mw = c.thresholds[threshold]
            gm = dimension.grade_masks
            strong = _names(yes & gm[0], c.byte_ids)
            medium = _names(yes & gm[1], c.byte_ids)
            weak = _names(yes & gm[2], c.byte_ids)
            chosen = strong[:need_s] + medium[:need_m] + weak[:need_w]
            shortfall = need_mw - min(need_m, len(medium)) - min(need_w, len(weak))
            if shortfall > 0:
                chosen += (medium[need_m:] + weak[need_w:])[:shortfall]
            decided_by = chosen
        key = (dimension.key, threshold, s, m, w)
        explanation = c.explanations.get(key)
        if explanation is None:
            template = (
                dimension.explain_positive[threshold]
                if threshold >= 0
                else dimension.explain_negative
            )
            explanation = Text(template.en.format(s=s, m=m, w=w), template.fr.format(s=s, m=m, w=w))
            c.explanations[key] = explanation
        results.append(
            DimensionResult(  # positional: keywords cost a third more, in the hot path
                dimension.qualified,
                dimension.list_id,
                dimension.id,
                dimension.title,
                dimension.kind,
                threshold >= 0,  # positive
                c.thresholds[threshold][0] if threshold >= 0 else None,  # rule
                decided_by,
                _names(yes & dimension.mask, c.byte_ids),  # present
                s,
                m,
                w,
                (dimension.mask & ~not_open).bit_count(),  # open
                (masks.declined & dimension.mask).bit_count(),  # declined
                explanation,
            )
        )
    return tuple(results)


def _list_result(
    c: _Compiled,
    lst: _List,
    subject: str,
    met: bool | None,
    met_threshold: list[int],
    dimension_results: tuple[DimensionResult, ...],
) -> ListResult:
    requirements = tuple(
        RequirementResult(
            r.id,
            r.label,
            r.dimension_ids,
            any(met_threshold[d] >= 0 for d in r.dimensions),
            tuple(c.dimensions[d].id for d in r.dimensions if met_threshold[d] >= 0),
        )
        for r in lst.requirements
    )
    return ListResult(
        lst.id,
        lst.title,
        lst.subject,
        lst.form,
        lst.status,
        lst.verified,
        lst.verification_note,
        lst.subject == subject,
        met,
        requirements,
        tuple(dimension_results[d] for d in lst.dimensions),
    )


def _because_memo(
    c: _Compiled,
    code: ReadingCode,
    subject: str,
    met_threshold: list[int],
    yes: int,
    lists: tuple[ListResult, ...],
    forced_labour: tuple[ForcedLabourResult, ...],
) -> Text:
    """`_because` depends only on the code, the subject, which dimensions are
    positive and which forced-labour indicators are present; memoise on those."""
    positive = 0
    for d, threshold in enumerate(met_threshold):
        if threshold >= 0:
            positive |= 1 << d
    present = 0
    for f, (_id, _title, _role, mask) in enumerate(c.forced_labour):
        if yes & mask:
            present |= 1 << f
    key = (code, subject, positive, present)
    text = c.because.get(key)
    if text is None:
        text = _because(code, lists, forced_labour, subject)
        c.because[key] = text
    return text


def _met_requirement(label: str, met_by: list[str]) -> str:
    # "Exploitative conditions of work (Exploitative conditions of work)" says
    # nothing twice: name the dimensions only where they add to the label.
    return label if met_by == [label] else f"{label} ({', '.join(met_by)})"


def _because(
    code: ReadingCode,
    lists: tuple[ListResult, ...],
    forced_labour: tuple[ForcedLabourResult, ...],
    subject: str,
) -> Text:
    """Which rule and which facts produced the reading, in one sentence or two."""
    if code is ReadingCode.TRAFFICKING_INDICATED:
        en: list[str] = []
        fr: list[str] = []
        for lst in lists:
            if lst.applies and lst.rule_met:
                titles = {d.dimension_id: d.title for d in lst.dimensions}
                met_en = "; ".join(
                    _met_requirement(r.label.en, [titles[d].en for d in r.met_by])
                    for r in lst.requirements
                )
                met_fr = "; ".join(
                    _met_requirement(r.label.fr, [titles[d].fr for d in r.met_by])
                    for r in lst.requirements
                )
                en.append(f"Every requirement of “{lst.title.en}” is met: {met_en}.")
                fr.append(f"Toutes les exigences de « {lst.title.fr} » sont remplies : {met_fr}.")
        return Text(" ".join(en), " ".join(fr))
    if code is ReadingCode.FORCED_LABOUR_INDICATORS:
        means = [f for f in forced_labour if f.present and f.role == "means"]
        return Text(
            "Forced-labour indicators present: "
            + ", ".join(f.title.en for f in means)
            + ". No trafficking rule for this person's age group is met.",
            "Indicateurs du travail forcé présents : "
            + ", ".join(f.title.fr for f in means)
            + ". Aucune règle de traite pour le groupe d'âge de la personne n'est remplie.",
        )
    if code is ReadingCode.EXPLOITATIVE_CONDITIONS_ONLY:
        dims = [
            d for lst in lists for d in lst.dimensions if d.positive and d.kind == "exploitation"
        ]
        return Text(
            "Positive: "
            + ", ".join(f"“{d.title.en}”" for d in dims)
            + ". No forced-labour indicator of means (such as threats, debt, retained "
            "documents or deception) is present.",
            "Positive : "
            + ", ".join(f"« {d.title.fr} »" for d in dims)
            + ". Aucun indicateur de moyens du travail forcé (menaces, dette, documents "
            "retenus ou tromperie, par exemple) n'est présent.",
        )
    if code is ReadingCode.NO_INDICATORS_IDENTIFIED:
        return Text(
            "Every question of the available lists was answered no.",
            "Toutes les questions des listes disponibles ont reçu la réponse non.",
        )
    if not any(lst.applies and lst.status == "available" for lst in lists):
        return Text(
            f"No indicator list for this age group ({subject}) is available yet, and no "
            "forced-labour indicator or exploitative dimension is present.",
            "Aucune liste d'indicateurs pour ce groupe d'âge "
            f"({'enfant' if subject == 'child' else 'adulte'}) n'est encore disponible, et "
            "aucun indicateur du travail forcé ni dimension d'exploitation n'est présent.",
        )
    return Text(
        "No rule is met by the answers recorded, and some questions are still open.",
        "Aucune règle n'est remplie par les réponses inscrites, et certaines questions "
        "restent ouvertes.",
    )


_CHILD_NOTICE = Text(
    "For a person under 18, the child lists apply; their rule is expected not to require the "
    "means (deception, coercion, abuse of vulnerability). The child lists are pending "
    "verification in this catalogue, so no trafficking reading can be given; the adult list "
    "is shown for information only.",
    "Pour une personne de moins de 18 ans, ce sont les listes pour enfants qui s'appliquent; "
    "leur règle ne devrait pas exiger les moyens (tromperie, contrainte, abus de "
    "vulnérabilité). Ces listes sont en attente de vérification dans ce catalogue : aucune "
    "lecture de traite ne peut donc être donnée; la liste pour adultes est présentée à titre "
    "indicatif seulement.",
)
_AGE_UNKNOWN_NOTICE = Text(
    "The person's age is not recorded, so the adult lists are used. If the person is under "
    "18, record it: other lists and rules apply.",
    "L'âge de la personne n'est pas inscrit; les listes pour adultes sont donc utilisées. Si "
    "la personne a moins de 18 ans, inscrivez-le : d'autres listes et règles s'appliquent.",
)


def _notices(c: _Compiled, under_18: bool | None) -> tuple[Text, ...]:
    cached = c.notices.get(under_18)
    if cached is not None:
        return cached
    subject = "child" if under_18 is True else "adult"
    notices: list[Text] = []
    if under_18 is None:
        notices.append(_AGE_UNKNOWN_NOTICE)
    pending = [lst for lst in c.lists if lst.subject == subject and not lst.available]
    if subject == "child" and not any(lst.available for lst in c.lists if lst.subject == "child"):
        notices.append(_CHILD_NOTICE)
    for lst in pending:
        notices.append(
            Text(
                f"The list “{lst.title.en}” is pending verification in catalogue "
                f"{c.versions[0]}: it has no indicators yet, so it cannot contribute to "
                "this reading.",
                f"La liste « {lst.title.fr} » est en attente de vérification dans le "
                f"catalogue {c.versions[0]} : elle ne compte encore aucun indicateur et ne "
                "peut donc pas contribuer à cette lecture.",
            )
        )
    notices.extend(c.notices_base)
    result = tuple(notices)
    c.notices[under_18] = result
    return result


@dataclass(frozen=True, slots=True)
class _FactWording:
    true: Text  # "the person is under 18"
    false: Text  # "the person is recorded as 18 or older"


_FACT_TEXT = {
    "under_18": _FactWording(
        Text("the person is under 18", "la personne a moins de 18 ans"),
        Text(
            "the person is recorded as 18 or older",
            "la personne est inscrite comme ayant 18 ans ou plus",
        ),
    ),
    "came_to_canada_from_abroad": _FactWording(
        Text(
            "the person came to Canada from abroad",
            "la personne est venue au Canada de l'étranger",
        ),
        Text(
            "the person is recorded as not having come to Canada from abroad",
            "la personne est inscrite comme n'étant pas venue au Canada de l'étranger",
        ),
    ),
}


@functools.lru_cache(maxsize=1024)
def _element_reason(
    fact: str | None, fact_value: bool | None, has_indicators: bool, n_yes: int, n_open: int
) -> tuple[ElementStatus, Text]:
    """Status and explanation of a legal element; small arguments, so memoised."""
    wording = _FACT_TEXT[fact] if fact is not None else None
    if wording is not None and fact_value is False:
        return ElementStatus.NOT_SUPPORTED, Text(
            f"Not supported: {wording.false.en}.", f"Non appuyé : {wording.false.fr}."
        )
    because = Text("", "")
    indicator_status = ElementStatus.SUPPORTED
    if has_indicators:
        if n_yes:
            because = Text(
                f"{n_yes} supporting indicator(s) answered yes",
                f"{n_yes} indicateur(s) à l'appui ont reçu la réponse oui",
            )
        elif not n_open:
            return ElementStatus.NOT_SUPPORTED, Text(
                "Not supported by the answers recorded: every supporting indicator was "
                "answered no.",
                "Non appuyé par les réponses inscrites : chaque indicateur à l'appui a reçu "
                "la réponse non.",
            )
        else:
            indicator_status = ElementStatus.UNKNOWN
            because = Text(
                f"{n_open} supporting indicator(s) without an answer yet",
                f"{n_open} indicateur(s) à l'appui encore sans réponse",
            )
    if wording is not None:
        if fact_value is None:
            return ElementStatus.UNKNOWN, Text(
                f"Unknown: depends on whether {wording.true.en}, which is not recorded"
                + (f" ({because.en})." if because.en else "."),
                f"Inconnu : dépend de la question de savoir si {wording.true.fr}, ce qui "
                "n'est pas inscrit" + (f" ({because.fr})." if because.fr else "."),
            )
        if indicator_status is ElementStatus.SUPPORTED:
            return ElementStatus.SUPPORTED, Text(
                f"Supported: {wording.true.en}" + (f", and {because.en}." if because.en else "."),
                f"Appuyé : {wording.true.fr}" + (f", et {because.fr}." if because.fr else "."),
            )
    if indicator_status is ElementStatus.SUPPORTED:
        return ElementStatus.SUPPORTED, Text(f"Supported: {because.en}.", f"Appuyé : {because.fr}.")
    return ElementStatus.UNKNOWN, Text(f"Unknown: {because.en}.", f"Inconnu : {because.fr}.")


def _legal_results(
    c: _Compiled, masks: _Masks, facts: Facts, as_of: datetime.date | None
) -> tuple[LegalElementResult, ...]:
    results: list[LegalElementResult] = []
    yes = masks.yes
    answered_yes_or_no = yes | masks.no
    for element in c.elements:
        if as_of is None:
            if element.valid_until is not None:
                continue
        elif element.valid_from > as_of or (
            element.valid_until is not None and as_of >= element.valid_until
        ):
            continue
        mask = element.mask
        supporting = yes & mask
        open_mask = mask & ~answered_yes_or_no
        fact_value: bool | None = None
        if element.requires_fact is not None:
            fact_value = getattr(facts, element.requires_fact)
        status, reason = _element_reason(
            element.requires_fact,
            fact_value,
            mask != 0,
            supporting.bit_count(),
            open_mask.bit_count(),
        )
        results.append(
            LegalElementResult(
                element.id,
                status,
                _names(supporting, c.byte_ids) if supporting else (),
                open_mask.bit_count(),
                fact_value,
                reason,
                element.info,
            )
        )
    return tuple(results)


def _next_questions(
    c: _Compiled,
    masks: _Masks,
    counts: list[tuple[int, int, int]],
    met_threshold: list[int],
    rule_met: Mapping[int, bool],
    subject: str,
    forms: tuple[str, ...],
    means_present: bool,
    exploitation_positive: bool,
    code: ReadingCode,
    legal: tuple[LegalElementResult, ...],
) -> tuple[NextQuestion, ...]:
    """Rank the open questions (no answer or "unknown"; never "declined").

    Tiers, most decisive first:
    0. a single yes would change the overall reading (the further the new reading
       goes, the earlier);
    1. a single yes would make its dimension positive;
    2. it builds towards a dimension that the person's rule still needs;
    3. it would support a legal element that is still unknown;
    4. it builds towards another dimension that is not yet positive;
    5. it would support a legal factor (s. 279.04(2)) that is still unknown.
    Within a tier: strong before medium before weak, then catalogue order.
    Questions in none of these tiers (their answer could change nothing) are left out.
    """
    open_mask = c.available_mask & ~(masks.yes | masks.no | masks.declined)
    if not open_mask:
        return ()
    # For each list that applies and is not met: the dimensions still needed, and
    # those whose turning positive alone would complete the rule.
    needed: set[int] = set()
    completing: dict[int, set[int]] = {}
    for lst in c.lists:
        if lst.available and lst.subject == subject and not rule_met.get(lst.key, False):
            unmet = [
                set(r.dimensions)
                for r in lst.requirements
                if not any(met_threshold[d] >= 0 for d in r.dimensions)
            ]
            for dimensions in unmet:
                needed |= dimensions
            if lst.form not in forms:
                completing[lst.key] = set.intersection(*unmet) if unmet else set()
    # Legal elements whose indicators are all still open or "no": a yes decides them.
    # (One already supported and waiting for a fact gains nothing from another yes.)
    open_elements = {
        result.id
        for result in legal
        if result.status is ElementStatus.UNKNOWN and not result.supporting
    }
    element_mask = 0
    for element in c.elements:
        if element.id in open_elements:
            element_mask |= element.mask
    rows: list[tuple[int, int, int, int, NextEffect, Text]] = []
    means_mask = c.means_mask
    positions = c.byte_positions
    table = c.positive_table  # covers every count reachable here (see _compile)
    for dimension in c.dimensions:
        in_dimension = open_mask & dimension.mask
        if not in_dimension:
            continue
        d = dimension.key
        positive = met_threshold[d] >= 0
        s, m, w = counts[d]
        gm = dimension.grade_masks
        reachable = not positive and (
            table[
                (
                    s + (in_dimension & gm[0]).bit_count(),
                    m + (in_dimension & gm[1]).bit_count(),
                    w + (in_dimension & gm[2]).bit_count(),
                )
            ]
            >= 0
        )
        if not reachable and not (in_dimension & (means_mask | element_mask)):
            continue  # nothing a yes here could change
        list_key = dimension.list_key
        for grade in (0, 1, 2):
            in_grade = in_dimension & gm[grade]
            if not in_grade:
                continue
            flips = reachable and (
                table[(s + (grade == 0), m + (grade == 1), w + (grade == 2))] >= 0
            )
            new_forms = forms
            if flips and d in completing.get(list_key, ()):
                new_forms = tuple(sorted((*forms, c.lists[list_key].form)))
            exploitation = exploitation_positive or (flips and dimension.kind == "exploitation")
            for means, group in ((True, in_grade & means_mask), (False, in_grade & ~means_mask)):
                if not group:
                    continue
                new_code = _reading_code(new_forms, means_present or means, exploitation, False)
                if new_code is not code or new_forms != forms:
                    text = c.changes_reading_texts[new_code]
                    precedence = -_PRECEDENCE[new_code]
                    effect = NextEffect.CHANGES_READING
                    rows.extend(
                        [
                            (0, precedence, grade, i, effect, text)
                            for i in _from_bytes(group, positions)
                        ]
                    )
                elif flips:
                    effect = NextEffect.MAKES_DIMENSION_POSITIVE
                    text = dimension.next_texts[effect]
                    rows.extend(
                        [(1, 0, grade, i, effect, text) for i in _from_bytes(group, positions)]
                    )
                elif reachable and d in needed:
                    effect = NextEffect.BUILDS_NEEDED_DIMENSION
                    text = dimension.next_texts[effect]
                    rows.extend(
                        [(2, 0, grade, i, effect, text) for i in _from_bytes(group, positions)]
                    )
                else:
                    if reachable:
                        effect = NextEffect.BUILDS_DIMENSION
                        text = dimension.next_texts[effect]
                        rows.extend(
                            [
                                (4, 0, grade, i, effect, text)
                                for i in _from_bytes(group & ~element_mask, positions)
                            ]
                        )
                    for i in _from_bytes(group & element_mask, positions):
                        element = next(e for e in c.indicator_elements[i] if e.id in open_elements)
                        if element.kind == "element":
                            effect, tier = NextEffect.SUPPORTS_LEGAL_ELEMENT, 3
                        elif reachable:
                            effect, tier = NextEffect.BUILDS_DIMENSION, 4
                        else:
                            effect, tier = NextEffect.SUPPORTS_LEGAL_FACTOR, 5
                        text = dimension.next_texts[effect] if tier == 4 else element.next_text
                        rows.append((tier, 0, grade, i, effect, text))
    rows.sort()  # the indicator position (row[3]) is unique: no tie reaches row[4]
    infos = c.infos
    return tuple(
        [
            NextQuestion(rank, infos[row[3]].id, row[4], row[5], infos[row[3]])
            for rank, row in enumerate(rows, start=1)
        ]
    )


def next_questions(
    catalogue: Catalogue,
    answers: AnswersInput,
    facts: Facts | None = None,
    *,
    limit: int | None = None,
) -> tuple[NextQuestion, ...]:
    """The questions worth asking next, most decisive first (see `evaluate`)."""
    questions = evaluate(catalogue, answers, facts).next_questions
    return questions if limit is None else questions[:limit]
