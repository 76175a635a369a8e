"""The law-first reading: the Criminal Code's and IRPA's own elements, asked
directly, for any form of exploitation (sexual services included) and any age.

It needs no ILO/European Commission list, so it gives a reading where the list
that would apply is still pending verification (adult sexual exploitation,
children). Each element is made of requirements; a requirement is met by a "yes"
to any of its questions. An element is:

- supported when every requirement is met and the fact it needs (under 18, came
  to Canada from abroad), if any, is recorded true;
- not supported when the fact it needs is recorded false, or when every question
  of one requirement was answered "no";
- unknown otherwise. "Don't know", "prefers not to say" and no answer never make
  an element "not supported" (tests/screening/test_law_first_properties.py).

The reading names the offences whose elements are all supported; it is never a
verdict. Pure: no Django, no I/O; the same answers in any order give the same
reading.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from harbour.screening.catalogue import Catalogue, LawFirstPath
from harbour.screening.catalogue import Text as TextModel
from harbour.screening.engine.data import (
    Answer,
    AnswersInput,
    ElementStatus,
    Facts,
    ScreeningInputError,
    Text,
)
from harbour.screening.engine.law_first_data import (
    LawFirstCode,
    LawFirstElementInfo,
    LawFirstElementResult,
    LawFirstQuestionInfo,
    LawFirstReading,
    LawFirstRequirementResult,
    LawFirstSectionInfo,
    OffenceResult,
)

_VALUES = {"yes": 0, "no": 1, "unknown": 2, "declined": 3}


# --- compiled once per catalogue ----------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Element:
    info: LawFirstElementInfo
    valid_from: datetime.date
    valid_until: datetime.date | None
    requirements: tuple[tuple[str, Text, tuple[str, ...], int], ...]  # id, label, ids, mask
    mask: int


@dataclass(frozen=True, slots=True)
class _Offence:
    id: str
    title: Text
    subject: str
    headline: bool
    elements: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LawFirstCompiled:
    version: str
    ids: tuple[str, ...]
    index: Mapping[str, int]
    questions: tuple[LawFirstQuestionInfo, ...]
    sections: tuple[LawFirstSectionInfo, ...]
    elements: tuple[_Element, ...]
    offences: tuple[_Offence, ...]
    readings: Mapping[LawFirstCode, tuple[Text, Text]]
    # Readings with no law-first answer, by facts and date: the common case
    # when only the ILO/EC list was asked, so it costs one lookup.
    unanswered: dict[tuple[Any, ...], LawFirstReading]
    # An element's result depends only on its own questions' yes/no bits and its
    # fact: a small key space, so results (and their sentences) are built once.
    element_results: dict[tuple[int, int, int, bool | None], LawFirstElementResult]
    because: dict[tuple[Any, ...], Text]
    in_force: dict[datetime.date | None, tuple[tuple[int, _Element, str | None], ...]]
    headlines: dict[tuple[Any, ...], tuple[tuple[OffenceResult, ...], LawFirstCode, Text]]
    section_masks: Mapping[str, int]
    requirement_positions: Mapping[str, tuple[tuple[int, ...], ...]]  # per element id


def _text(model: TextModel) -> Text:
    return Text(model.en, model.fr)


@functools.lru_cache(maxsize=32)
def compile_law_first(catalogue: Catalogue) -> LawFirstCompiled | None:
    """The catalogue's law-first path, precomputed; None when its legal file has none."""
    law: LawFirstPath | None = catalogue.legal.law_first
    if law is None:
        return None
    statutes = {s.id: _text(s.short_title) for s in catalogue.legal.sources}

    def cite(statute: str, section: str) -> Text:
        return Text(
            f"{statutes[statute].en}, s. {section}", f"{statutes[statute].fr}, art. {section}"
        )

    ids = tuple(q.id for q in law.questions)
    index = {question_id: i for i, question_id in enumerate(ids)}
    questions = tuple(
        LawFirstQuestionInfo(
            id=q.id,
            section_id=q.section,
            citation=cite(q.source.statute, q.source.section),
            label=_text(q.label),
            question=_text(q.question),
            help=_text(q.help),
            valid_from=q.valid_from.isoformat(),
            verified=q.verified,
            verification_note=q.verification_note,
        )
        for q in law.questions
    )
    sections = tuple(
        LawFirstSectionInfo(
            s.id,
            _text(s.title),
            _text(s.description),
            s.skip_when_false,
            tuple(q.id for q in law.questions if q.section == s.id),
        )
        for s in law.sections
    )
    elements: list[_Element] = []
    for e in law.elements:
        requirements = tuple(
            (r.id, _text(r.label), tuple(r.any_of), sum(1 << index[q] for q in r.any_of))
            for r in e.requires
        )
        mask = 0
        for requirement in requirements:
            mask |= requirement[3]
        elements.append(
            _Element(
                info=LawFirstElementInfo(
                    id=e.id,
                    groups=tuple(e.groups),
                    kind=e.kind,
                    citation=cite(e.source.statute, e.source.section),
                    title=_text(e.title),
                    summary=_text(e.summary),
                    notes=_text(e.notes) if e.notes is not None else None,
                    quote=e.quote,
                    requires_fact=e.requires_fact,
                    valid_from=e.valid_from.isoformat(),
                    valid_until=e.valid_until.isoformat() if e.valid_until else None,
                    verified=e.verified,
                    verification_note=e.verification_note,
                ),
                valid_from=e.valid_from,
                valid_until=e.valid_until,
                requirements=requirements,
                mask=mask,
            )
        )
    return LawFirstCompiled(
        version=catalogue.legal.version,
        ids=ids,
        index=index,
        questions=questions,
        sections=sections,
        elements=tuple(elements),
        offences=tuple(
            _Offence(o.id, _text(o.title), o.subject, o.headline, tuple(o.elements))
            for o in law.offences
        ),
        readings={
            code: (
                _text(getattr(law.readings, code.value).title),
                _text(getattr(law.readings, code.value).text),
            )
            for code in LawFirstCode
        },
        unanswered={},
        element_results={},
        because={},
        in_force={},
        headlines={},
        section_masks={
            section.id: sum(1 << index[q] for q in section.question_ids) for section in sections
        },
        requirement_positions={
            e.info.id: tuple(tuple(index[q] for q in r[2]) for r in e.requirements)
            for e in elements
        },
    )


# --- reading ------------------------------------------------------------------------

_FACT_WORDS = {
    "under_18": (
        Text("the person is under 18", "la personne a moins de 18 ans"),
        Text(
            "the person is recorded as 18 or older",
            "la personne est inscrite comme ayant 18 ans ou plus",
        ),
    ),
    "came_to_canada_from_abroad": (
        Text(
            "the person came to Canada from abroad", "la personne est venue au Canada de l'étranger"
        ),
        Text(
            "the person is recorded as not having come to Canada from abroad",
            "la personne est inscrite comme n'étant pas venue au Canada de l'étranger",
        ),
    ),
}


def _masks(lf: LawFirstCompiled, answers: AnswersInput) -> tuple[list[int], dict[str, Answer]]:
    """Answers as four masks (yes, no, unknown, declined); every bad entry raises."""
    masks = [0, 0, 0, 0]
    evidence: dict[str, Answer] = {}
    pairs: Iterable[tuple[object, object, Answer | None]]
    if isinstance(answers, Mapping):
        index = lf.index
        try:  # the common path: known ids, good values, no evidence to keep
            for question_id, value in answers.items():
                masks[_VALUES[value]] |= 1 << index[question_id]
            return masks, evidence
        except (KeyError, TypeError):
            masks = [0, 0, 0, 0]
        pairs = [(k, v, None) for k, v in answers.items()]
    else:
        pairs = [(a.indicator_id, a.value, a) for a in answers]
    unknown: list[str] = []
    bad: list[tuple[str, object]] = []
    duplicates: list[str] = []
    seen = 0
    for question_id, value, answer in pairs:
        position = lf.index.get(question_id) if isinstance(question_id, str) else None
        if position is None:
            unknown.append(str(question_id))
            continue
        code = _VALUES.get(value) if isinstance(value, str) else None
        if code is None:
            bad.append((str(question_id), value))
            continue
        if seen >> position & 1:
            duplicates.append(str(question_id))
            continue
        seen |= 1 << position
        masks[code] |= 1 << position
        if answer is not None and (answer.evidence or answer.given_by):
            evidence[answer.indicator_id] = answer
    if unknown or bad or duplicates:
        raise ScreeningInputError(
            sorted(set(unknown)),
            sorted(bad, key=lambda pair: (pair[0], repr(pair[1]))),
            sorted(set(duplicates)),
            lf.version,
        )
    return masks, dict(sorted(evidence.items()))


def _labels(lf: LawFirstCompiled, mask: int) -> list[LawFirstQuestionInfo]:
    return [q for i, q in enumerate(lf.questions) if mask >> i & 1]


def _element_result(
    lf: LawFirstCompiled, element: _Element, yes: int, no: int, facts: Facts
) -> LawFirstElementResult:
    info = element.info
    fact_value: bool | None = None
    if info.requires_fact is not None:
        fact_value = getattr(facts, info.requires_fact)
    requirements = tuple(
        LawFirstRequirementResult(
            rid,
            label,
            any_of,
            bool(yes & mask),
            mask & ~no == 0,
            tuple(q.id for q in _labels(lf, yes & mask)),
        )
        for rid, label, any_of, mask in element.requirements
    )
    supporting = tuple(q.id for q in _labels(lf, yes & element.mask))
    open_count = (element.mask & ~(yes | no)).bit_count()
    facts_en = [f"{q.label.en}" for q in _labels(lf, yes & element.mask)]
    facts_fr = [f"{q.label.fr}" for q in _labels(lf, yes & element.mask)]
    wording = _FACT_WORDS.get(info.requires_fact or "")
    if wording is not None and fact_value is False:
        status = ElementStatus.NOT_SUPPORTED
        reason = Text(f"Not supported: {wording[1].en}.", f"Non appuyé : {wording[1].fr}.")
    elif any(r.ruled_out for r in requirements):
        ruled = [r for r in requirements if r.ruled_out]
        status = ElementStatus.NOT_SUPPORTED
        reason = Text(
            "Not supported by the answers recorded: every question on "
            + "; ".join(r.label.en for r in ruled)
            + " was answered no.",
            "Non appuyé par les réponses inscrites : chaque question sur "
            + "; ".join(r.label.fr for r in ruled)
            + " a reçu la réponse non.",
        )
    elif all(r.met for r in requirements) and (wording is None or fact_value is True):
        status = ElementStatus.SUPPORTED
        parts_en = ([wording[0].en] if wording else []) + facts_en
        parts_fr = ([wording[0].fr] if wording else []) + facts_fr
        reason = Text(
            "Supported: " + "; ".join(parts_en) + ".", "Appuyé : " + "; ".join(parts_fr) + "."
        )
    else:
        status = ElementStatus.UNKNOWN
        missing_en = [r.label.en for r in requirements if not r.met]
        missing_fr = [r.label.fr for r in requirements if not r.met]
        if wording is not None and fact_value is None:
            missing_en.insert(0, f"whether {wording[0].en} (not recorded)")
            missing_fr.insert(0, f"la question de savoir si {wording[0].fr} (non inscrit)")
        reason = Text(
            "Unknown: still open: " + "; ".join(missing_en) + ".",
            "Inconnu : reste ouvert : " + "; ".join(missing_fr) + ".",
        )
    return LawFirstElementResult(
        info.id, status, supporting, open_count, fact_value, reason, requirements, info
    )


def _in_force(element: _Element, as_of: datetime.date | None) -> bool:
    if as_of is None:
        return element.valid_until is None
    return element.valid_from <= as_of and (
        element.valid_until is None or as_of < element.valid_until
    )


def evaluate_law_first(
    catalogue: Catalogue,
    answers: AnswersInput,
    facts: Facts | None = None,
    *,
    as_of: datetime.date | None = None,
) -> LawFirstReading | None:
    """Read law-first answers (question id -> yes/no/unknown/declined, or `Answer`s).

    None when the catalogue's legal file has no law-first path (v1). Unknown
    question ids, bad values and a question answered twice raise
    `ScreeningInputError`, naming each one.
    """
    lf = compile_law_first(catalogue)
    if lf is None:
        return None
    return read_law_first(lf, answers, facts or Facts(), as_of)


def read_law_first(
    lf: LawFirstCompiled, answers: AnswersInput, facts: Facts, as_of: datetime.date | None
) -> LawFirstReading:
    masks, evidence = _masks(lf, answers)
    return read_law_first_masks(lf, masks, evidence, facts, as_of)


def read_law_first_masks(
    lf: LawFirstCompiled,
    masks: list[int],
    evidence: dict[str, Answer],
    facts: Facts,
    as_of: datetime.date | None,
) -> LawFirstReading:
    """The reading of answers already read into masks (yes, no, unknown, declined):
    `evaluate` reads indicator and law-first answers in one pass."""
    key: tuple[Any, ...] | None = None
    if not any(masks):
        key = (facts, as_of)
        cached = lf.unanswered.get(key)
        if cached is not None:
            return cached
    yes, no = masks[0], masks[1]
    subject = "child" if facts.under_18 is True else "adult"
    results: list[LawFirstElementResult] = []
    memo = lf.element_results
    in_force = lf.in_force.get(as_of)
    if in_force is None:
        in_force = tuple(
            (i, e, e.info.requires_fact) for i, e in enumerate(lf.elements) if _in_force(e, as_of)
        )
        lf.in_force[as_of] = in_force
    for key_index, element, fact in in_force:
        fact_value = getattr(facts, fact) if fact is not None else None
        memo_key = (key_index, yes & element.mask, no & element.mask, fact_value)
        result = memo.get(memo_key)
        if result is None:
            result = _element_result(lf, element, yes, no, facts)
            memo[memo_key] = result
        results.append(result)
    elements = tuple(results)
    # Offences, the headline and its sentence depend only on the elements' statuses
    # and the age: memoised on those.
    headline_key = (as_of, facts.under_18, tuple(r.status for r in results))
    headline = lf.headlines.get(headline_key)
    if headline is None:
        headline = _headline(lf, elements, subject, facts)
        lf.headlines[headline_key] = headline
    offences, code, because = headline
    title, text = lf.readings[code]
    answered_mask = masks[0] | masks[1] | masks[2] | masks[3]
    reading = LawFirstReading(
        version=lf.version,
        code=code,
        subject=subject,
        answered=bool(answered_mask),
        title=title,
        summary=text,
        because=because,
        offences=offences,
        elements=elements,
        next_questions=_next(lf, elements, offences, masks, facts),
        answer_counts={
            "yes": masks[0].bit_count(),
            "no": masks[1].bit_count(),
            "unknown": masks[2].bit_count(),
            "declined": masks[3].bit_count(),
            "unanswered": len(lf.ids) - answered_mask.bit_count(),
        },
        evidence=evidence,
    )
    if key is not None:
        lf.unanswered[key] = reading
    return reading


def _headline(
    lf: LawFirstCompiled,
    elements: tuple[LawFirstElementResult, ...],
    subject: str,
    facts: Facts,
) -> tuple[tuple[OffenceResult, ...], LawFirstCode, Text]:
    """Each offence's status, the reading's code and why."""
    by_id = {e.id: e for e in elements}
    offences: list[OffenceResult] = []
    for offence in lf.offences:
        if not all(e in by_id for e in offence.elements):
            continue  # an element of it is not in force on that date
        statuses = [by_id[e].status for e in offence.elements]
        if all(s is ElementStatus.SUPPORTED for s in statuses):
            status = ElementStatus.SUPPORTED
        elif ElementStatus.NOT_SUPPORTED in statuses:
            status = ElementStatus.NOT_SUPPORTED
        else:
            status = ElementStatus.UNKNOWN
        applies = offence.subject == "any" or offence.subject == subject or facts.under_18 is None
        offences.append(
            OffenceResult(
                offence.id, offence.title, offence.headline, applies, status, offence.elements
            )
        )
    supported_offences = [
        o for o in offences if o.headline and o.applies and o.status is ElementStatus.SUPPORTED
    ]
    supported = [e for e in elements if e.status is ElementStatus.SUPPORTED]
    if supported_offences:
        code = LawFirstCode.ALL_ELEMENTS_SUPPORTED
    elif supported:
        code = LawFirstCode.SOME_ELEMENTS_SUPPORTED
    else:
        code = LawFirstCode.NO_ELEMENT_SUPPORTED
    because_key = (
        code,
        tuple(o.id for o in supported_offences),
        tuple(e.id for e in supported),
    )
    because = lf.because.get(because_key)
    if because is None:
        because = _because(code, supported_offences, supported, by_id)
        lf.because[because_key] = because
    return tuple(offences), code, because


def _because(
    code: LawFirstCode,
    supported_offences: list[OffenceResult],
    supported: list[LawFirstElementResult],
    by_id: Mapping[str, LawFirstElementResult],
) -> Text:
    """Which offences' elements, or which elements, the answers support."""
    if code is LawFirstCode.ALL_ELEMENTS_SUPPORTED:
        return Text(
            "Every element of "
            + " and of ".join(f"“{o.title.en}”" for o in supported_offences)
            + " is supported by the answers: "
            + "; ".join(by_id[e].title.en for e in supported_offences[0].elements)
            + ".",
            "Chaque élément de "
            + " et de ".join(f"« {o.title.fr} »" for o in supported_offences)
            + " est appuyé par les réponses : "
            + "; ".join(by_id[e].title.fr for e in supported_offences[0].elements)
            + ".",
        )
    if code is LawFirstCode.SOME_ELEMENTS_SUPPORTED:
        return Text(
            "Supported: " + "; ".join(e.title.en for e in supported) + ".",
            "Appuyés : " + "; ".join(e.title.fr for e in supported) + ".",
        )
    return Text(
        "No element has every part of it supported by a yes yet.",
        "Aucun élément n'a encore chacune de ses parties appuyée par un oui.",
    )


def _next(
    lf: LawFirstCompiled,
    elements: tuple[LawFirstElementResult, ...],
    offences: tuple[OffenceResult, ...],
    masks: list[int],
    facts: Facts,
) -> tuple[str, ...]:
    """Open questions (no answer or "unknown"; never "declined") of requirements still
    unmet: the headline offences' elements first, then the factors, then the rest.
    Bit masks keep it cheap: it runs for every reading."""
    closed = masks[0] | masks[1] | masks[3]
    for section in lf.sections:
        if section.skip_when_false is not None and getattr(facts, section.skip_when_false) is False:
            closed |= lf.section_masks[section.id]  # a section not asked: nothing to suggest
    headline = {e for o in offences if o.headline and o.applies for e in o.elements}
    ranked = sorted(
        (e for e in elements if e.status is ElementStatus.UNKNOWN),
        # the trafficking offence's elements, then the s. 279.04(2) factors, then
        # the related offences (documents, benefit, organs), which never lead
        key=lambda e: 0 if e.id in headline else 1 if e.kind == "factor" else 2,
    )
    out: list[str] = []
    ids = lf.ids
    for element in ranked:
        for requirement, positions in zip(
            element.requirements, lf.requirement_positions[element.id], strict=True
        ):
            if requirement.met:
                continue
            for position in positions:
                if not closed >> position & 1:
                    closed |= 1 << position
                    out.append(ids[position])
    return tuple(out)


__all__ = [
    "LawFirstCode",
    "LawFirstCompiled",
    "LawFirstElementInfo",
    "LawFirstElementResult",
    "LawFirstQuestionInfo",
    "LawFirstReading",
    "LawFirstRequirementResult",
    "LawFirstSectionInfo",
    "OffenceResult",
    "compile_law_first",
    "evaluate_law_first",
    "read_law_first",
    "read_law_first_masks",
]
