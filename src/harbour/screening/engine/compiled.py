"""Compiling a catalogue: everything that depends only on the knowledge files,
computed once per loaded catalogue and cached by its identity.

Answers become bit masks over the catalogue's indicators, so counting a dimension
is a popcount and a legal element is a mask intersection; the tables here make
those lookups. The static parts of every reading (indicator texts, titles,
explanation templates) are built here once and shared.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import product

from harbour.screening.catalogue import GRADES, Catalogue
from harbour.screening.catalogue import Text as TextModel
from harbour.screening.engine.data import (
    IndicatorInfo,
    LegalElementInfo,
    NextEffect,
    ReadingCode,
    Text,
)

# --- precomputed per catalogue ------------------------------------------------------

_VALUE_CODE = {"yes": 0, "no": 1, "unknown": 2, "declined": 3}


def _text(model: TextModel) -> Text:
    return Text(model.en, model.fr)


def _names(mask: int, by_bit: Mapping[int, str]) -> tuple[str, ...]:
    """The ids of the indicators in a mask, in catalogue order.

    Lowest bit first, one lookup per set bit: the masks read here hold a handful
    of indicators, so this beats any per-byte table (and the call stays cheap)."""
    out: list[str] = []
    while mask:
        low = mask & -mask
        out.append(by_bit[low])
        mask ^= low
    return tuple(out)


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
    mask: int  # its dimensions, as bits of their keys
    # For each subset of its dimensions that is positive (as bits of their keys):
    # the ids of those dimensions, in rule order. Built once: at most 2**len entries.
    met_by: Mapping[int, tuple[str, ...]]


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
    # The same table flat, at s * strides[0] + m * strides[1] + w: the hot loops add
    # ints instead of building tuple keys.
    positive_flat: tuple[int, ...]
    strides: tuple[int, int]
    # Per dimension key, per grade with indicators: (grade, its indicators that are
    # means, the others, the stride of one more of that grade).
    next_steps: tuple[tuple[tuple[int, int, int, int], ...], ...]
    forced_labour: tuple[tuple[str, Text, str, int], ...]  # id, title, role, mask
    elements: tuple[_Element, ...]
    # Per element key: the keys and the joint mask of every element with its id
    # (what asking next matches by id), as bits.
    same_id: tuple[tuple[int, int], ...]
    indicator_elements: tuple[tuple[_Element, ...], ...]  # per indicator: elements, factors
    readings: Mapping[ReadingCode, tuple[Text, Text]]  # title, text
    changes_reading_texts: Mapping[ReadingCode, Text]
    notices_base: tuple[Text, ...]
    # Memo tables filled as readings are made; their keys are small and bounded.
    by_bit: Mapping[int, str]  # 1 << position -> indicator id
    indicators_mask: int  # every indicator of the catalogue
    exploitation_dimensions: int  # available lists' exploitation dimensions, by key
    explanations: dict[tuple[int, int, int, int, int], Text]
    notices: dict[bool | None, tuple[Text, ...]]
    because: dict[tuple[ReadingCode, str, int, int], Text]
    legal_in_force: dict[datetime.date | None, tuple[_Element, ...]]  # by `as_of`
    # Indicator and law-first ids in one index (law-first positions after the
    # indicators'), so a mapping of answers is read in one pass; filled on first use.
    joint: dict[str, int]

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


def _requirement(
    requirement_id: str, label: Text, any_of: tuple[str, ...], keys: Mapping[str, int]
) -> _Requirement:
    dimensions = tuple(keys[d] for d in any_of)
    mask = 0
    for d in dimensions:
        mask |= 1 << d
    met_by: dict[int, tuple[str, ...]] = {}
    bits = mask
    while True:  # every subset of `mask`, as `positive & mask` can be
        met_by[bits] = tuple(any_of[n] for n, d in enumerate(dimensions) if bits >> d & 1)
        if not bits:
            break
        bits = (bits - 1) & mask
    return _Requirement(requirement_id, label, dimensions, any_of, mask, met_by)


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
            _requirement(r.id, _text(r.label), tuple(r.any_of), dimension_keys)
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

    strides = ((caps[1] + 1) * (caps[2] + 1), caps[2] + 1)
    strides_of = (strides[0], strides[1], 1)
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
        positive_flat=tuple(
            table[(s, m, w)]
            for s, m, w in product(range(caps[0] + 1), range(caps[1] + 1), range(caps[2] + 1))
        ),
        strides=strides,
        next_steps=tuple(
            tuple(
                (g, d.grade_masks[g] & means_mask, d.grade_masks[g] & ~means_mask, strides_of[g])
                for g in range(3)
                if d.grade_masks[g]
            )
            for d in dimensions
        ),
        same_id=tuple(
            (
                sum(1 << o.key for o in elements if o.id == e.id),
                functools.reduce(lambda a, b: a | b, (o.mask for o in elements if o.id == e.id)),
            )
            for e in elements
        ),
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
        by_bit={1 << i: indicator_id for i, indicator_id in enumerate(ids)},
        indicators_mask=(1 << len(ids)) - 1,
        exploitation_dimensions=sum(
            1 << d.key
            for d in dimensions
            if d.kind == "exploitation" and lists[d.list_key].available
        ),
        explanations={},
        notices={},
        because={},
        legal_in_force={},
        joint={},
    )


def indicator_ids(catalogue: Catalogue) -> tuple[str, ...]:
    """Every indicator id the engine accepts for this catalogue, in catalogue order."""
    return _compile(catalogue).ids


def indicator_info(catalogue: Catalogue, indicator_id: str) -> IndicatorInfo:
    """The question, help and grade of one indicator (KeyError if unknown)."""
    c = _compile(catalogue)
    return c.infos[c.index[indicator_id]]


@dataclass(slots=True)
class _Masks:
    """One set of answers as four bit masks over the catalogue's indicators."""

    yes: int = 0
    no: int = 0
    unknown: int = 0
    declined: int = 0
