"""Evaluating answers against a compiled catalogue: dimensions, list rules,
forced-labour indicators, legal elements, and the one overall reading."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from typing import NoReturn

from harbour.screening.catalogue import Catalogue
from harbour.screening.engine.ask_next import _next_questions
from harbour.screening.engine.compiled import (
    _VALUE_CODE,
    _compile,
    _Compiled,
    _List,
    _Masks,
    _names,
)
from harbour.screening.engine.data import (
    Answer,
    AnswersInput,
    AnswerValue,
    DimensionResult,
    Facts,
    ForcedLabourResult,
    LegalElementResult,
    ListResult,
    NextQuestion,
    Reading,
    ReadingCode,
    RequirementResult,
    ScreeningInputError,
    Text,
    _reading_code,
)
from harbour.screening.engine.explain import _because_memo, _element_reason, _join, _notices
from harbour.screening.engine.law_first import LawFirstReading, compile_law_first, read_law_first
from harbour.screening.engine.plan import plan_interview


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

    Answers may also hold the law-first questions of the catalogue's legal file
    (ids `law.…`): they are read by `law_first.read_law_first`, and the reading
    carries that result in `law_first`, with `path` saying which reading leads.
    """
    c = _compile(catalogue)
    facts = facts or Facts()
    lf = compile_law_first(catalogue)
    law_answers: AnswersInput = ()
    if lf is not None:
        answers, law_answers = _split(answers, lf.index)
    law_error: ScreeningInputError | None = None
    law_reading: LawFirstReading | None = None
    if lf is not None:
        try:
            law_reading = read_law_first(lf, law_answers, facts, as_of)
        except ScreeningInputError as error:
            law_error = error
    try:
        masks, evidence = _normalise(c, answers)
    except ScreeningInputError as error:
        raise _merged(error, law_error) from None
    if law_error is not None:
        raise law_error
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
        notices=_notices(c, facts.under_18)
        if lf is None
        else plan_interview(catalogue, facts).notices + c.notices_base,
        answer_counts={
            "yes": masks.yes.bit_count(),
            "no": masks.no.bit_count(),
            "unknown": masks.unknown.bit_count(),
            "declined": masks.declined.bit_count(),
            "unanswered": len(c.ids) - answered.bit_count(),
        },
        evidence=evidence,
        path=plan_interview(catalogue, facts).path if lf is not None else "ilo_list",
        law_first=law_reading,
    )


def _split(answers: AnswersInput, law_ids: Mapping[str, int]) -> tuple[AnswersInput, AnswersInput]:
    """Indicator answers and law-first answers, apart. A mapping with no law-first
    id (the common case) is passed on as it is."""
    if isinstance(answers, Mapping):
        if law_ids.keys().isdisjoint(answers):
            return answers, {}
        indicators: dict[str, AnswerValue | str] = {}
        law: dict[str, AnswerValue | str] = {}
        for key, value in answers.items():
            (law if key in law_ids else indicators)[key] = value
        return indicators, law
    listed = list(answers)
    return (
        [a for a in listed if a.indicator_id not in law_ids],
        [a for a in listed if a.indicator_id in law_ids],
    )


def _merged(error: ScreeningInputError, other: ScreeningInputError | None) -> ScreeningInputError:
    """One error naming every bad entry, indicators and law-first questions alike."""
    if other is None:
        return error
    return ScreeningInputError(
        sorted({*error.unknown_ids, *other.unknown_ids}),
        sorted([*error.bad_values, *other.bad_values], key=lambda p: (p[0], repr(p[1]))),
        sorted({*error.duplicate_ids, *other.duplicate_ids}),
        error.catalogue_version,
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
