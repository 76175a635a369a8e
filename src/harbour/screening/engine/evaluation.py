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
    ElementStatus,
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
from harbour.screening.engine.law_first import (
    LawFirstCompiled,
    LawFirstReading,
    compile_law_first,
    read_law_first,
    read_law_first_masks,
)
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
    read = _joint_masks(c, lf, answers) if isinstance(answers, Mapping) else None
    law_reading: LawFirstReading | None = None
    if read is not None:  # the common path: a mapping with nothing wrong in it
        masks, law_masks = read
        evidence: dict[str, Answer] = {}
        if lf is not None:
            law_reading = read_law_first_masks(lf, law_masks, {}, facts, as_of)
    else:
        masks, evidence, law_reading = _read_answers(c, lf, answers, facts, as_of)
    yes = masks.yes
    subject = "child" if facts.under_18 is True else "adult"

    counts: list[tuple[int, int, int]] = []
    met_threshold: list[int] = []
    positive = 0  # the positive dimensions, as bits of their keys
    table = c.positive_table  # holds every count a dimension of this catalogue can reach
    for dimension in c.dimensions:
        gm = dimension.grade_masks
        counted = (
            (yes & gm[0]).bit_count(),
            (yes & gm[1]).bit_count(),
            (yes & gm[2]).bit_count(),
        )
        counts.append(counted)
        threshold = table[counted]
        met_threshold.append(threshold)
        if threshold >= 0:
            positive |= 1 << dimension.key

    forms: list[str] = []
    rule_met: dict[int, bool] = {}
    for lst in c.lists:
        if not lst.available:
            continue
        met = True
        for requirement in lst.requirements:
            if not positive & requirement.mask:
                met = False
                break
        rule_met[lst.key] = met
        if met and lst.subject == subject and lst.form not in forms:
            forms.append(lst.form)
    exploitation_positive = bool(positive & c.exploitation_dimensions)
    forms_tuple = tuple(sorted(forms))
    means_present = bool(yes & c.means_mask)
    all_answered_no = masks.no == c.available_mask and c.available_mask != 0
    code = _reading_code(forms_tuple, means_present, exploitation_positive, all_answered_no)

    dimension_results = _dimension_results(c, masks, counts, met_threshold)
    list_results = tuple(
        [
            _list_result(lst, subject, rule_met.get(lst.key), positive, dimension_results)
            for lst in c.lists
        ]
    )
    by_bit = c.by_bit
    forced: list[ForcedLabourResult] = []
    present = 0  # the forced-labour indicators present, as bits of their order
    for f, (fl_id, fl_title, role, mask) in enumerate(c.forced_labour):
        hit = yes & mask
        if hit:
            present |= 1 << f
            forced.append(ForcedLabourResult(fl_id, fl_title, role, True, _names(hit, by_bit)))
        else:
            forced.append(ForcedLabourResult(fl_id, fl_title, role, False, ()))
    forced_labour = tuple(forced)
    legal, element_mask, open_keys = _legal_results(c, masks, facts, as_of)
    next_questions: tuple[NextQuestion, ...] = ()
    if with_next_questions:
        next_questions = _next_questions(
            c,
            masks,
            counts,
            met_threshold,
            positive,
            rule_met,
            subject,
            forms_tuple,
            means_present,
            exploitation_positive,
            code,
            element_mask,
            open_keys,
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
    if lf is None:
        notices, path = _notices(c, facts.under_18), "ilo_list"
    else:
        plan = plan_interview(catalogue, facts)
        notices, path = plan.notices + c.notices_base, plan.path
    return Reading(  # positional, in field order: keywords cost more in the hot path
        c.versions[0],
        c.versions[1],
        c.versions[2],
        code,
        forms_tuple,
        subject,
        title,
        text,
        _because_memo(c, code, subject, positive, present, list_results, forced_labour),
        list_results,
        forced_labour,
        legal,
        next_questions,
        notices,
        {
            "yes": masks.yes.bit_count(),
            "no": masks.no.bit_count(),
            "unknown": masks.unknown.bit_count(),
            "declined": masks.declined.bit_count(),
            "unanswered": len(c.ids) - answered.bit_count(),
        },
        evidence,
        path,
        law_reading,
    )


def _joint_masks(
    c: _Compiled, lf: LawFirstCompiled | None, answers: Mapping[str, AnswerValue | str]
) -> tuple[_Masks, list[int]] | None:
    """Indicator and law-first answers as masks, in one pass over the mapping; None
    when anything in it is wrong (`_read_answers` then names every problem)."""
    joint = c.joint
    if not joint:  # law-first ids win a clash, as in `_split`
        joint.update(c.index)
        if lf is not None:
            n = len(c.ids)
            for question_id, position in lf.index.items():
                joint[question_id] = n + position
    masks = [0, 0, 0, 0]
    codes = _VALUE_CODE
    try:
        for key, value in answers.items():
            masks[codes[value]] |= 1 << joint[key]
    except (KeyError, TypeError):
        return None
    ours = c.indicators_mask
    n = len(c.ids)
    return (
        _Masks(masks[0] & ours, masks[1] & ours, masks[2] & ours, masks[3] & ours),
        [masks[0] >> n, masks[1] >> n, masks[2] >> n, masks[3] >> n],
    )


def _read_answers(
    c: _Compiled,
    lf: LawFirstCompiled | None,
    answers: AnswersInput,
    facts: Facts,
    as_of: datetime.date | None,
) -> tuple[_Masks, dict[str, Answer], LawFirstReading | None]:
    """Answers of any form, checked: every bad entry, of either kind, is named."""
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
    return masks, evidence, law_reading


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
    declined = masks.declined
    not_open = yes | masks.no | declined
    by_bit = c.by_bit
    explanations = c.explanations
    thresholds = c.thresholds
    for dimension in c.dimensions:
        key = dimension.key
        s, m, w = counts[key]
        threshold = met_threshold[key]
        dimension_mask = dimension.mask
        present = yes & dimension_mask
        names = _names(present, by_bit) if present else ()
        decided_by: tuple[str, ...] = ()
        rule: str | None = None
        if threshold >= 0:
            rule, need_s, need_m, need_w, need_mw = thresholds[threshold]
            gm = dimension.grade_masks
            strong = _names(yes & gm[0], by_bit)
            medium = _names(yes & gm[1], by_bit)
            weak = _names(yes & gm[2], by_bit)
            chosen = strong[:need_s] + medium[:need_m] + weak[:need_w]
            shortfall = need_mw - min(need_m, len(medium)) - min(need_w, len(weak))
            if shortfall > 0:
                chosen += (medium[need_m:] + weak[need_w:])[:shortfall]
            decided_by = chosen
        memo_key = (key, threshold, s, m, w)
        explanation = explanations.get(memo_key)
        if explanation is None:
            template = (
                dimension.explain_positive[threshold]
                if threshold >= 0
                else dimension.explain_negative
            )
            explanation = Text(template.en.format(s=s, m=m, w=w), template.fr.format(s=s, m=m, w=w))
            explanations[memo_key] = explanation
        results.append(
            DimensionResult(  # positional: keywords cost a third more, in the hot path
                dimension.qualified,
                dimension.list_id,
                dimension.id,
                dimension.title,
                dimension.kind,
                threshold >= 0,  # positive
                rule,
                decided_by,
                names,  # present
                s,
                m,
                w,
                (dimension_mask & ~not_open).bit_count(),  # open
                (declined & dimension_mask).bit_count(),  # declined
                explanation,
            )
        )
    return tuple(results)


def _list_result(
    lst: _List,
    subject: str,
    met: bool | None,
    positive: int,
    dimension_results: tuple[DimensionResult, ...],
) -> ListResult:
    requirements = tuple(
        [
            RequirementResult(
                r.id, r.label, r.dimension_ids, bool(positive & r.mask), r.met_by[positive & r.mask]
            )
            for r in lst.requirements
        ]
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
        tuple([dimension_results[d] for d in lst.dimensions]),
    )


def _legal_results(
    c: _Compiled, masks: _Masks, facts: Facts, as_of: datetime.date | None
) -> tuple[tuple[LegalElementResult, ...], int, int]:
    """The elements in force, and those still unknown with no "yes" (a yes decides
    them) for asking next: their indicators, and their keys as bits. Those two match
    by id, so an element with the same id in force at another date counts too."""
    in_force = c.legal_in_force.get(as_of)
    if in_force is None:
        in_force = tuple(
            [
                element
                for element in c.elements
                if (
                    element.valid_until is None
                    if as_of is None
                    else element.valid_from <= as_of
                    and (element.valid_until is None or as_of < element.valid_until)
                )
            ]
        )
        c.legal_in_force[as_of] = in_force
    results: list[LegalElementResult] = []
    yes = masks.yes
    answered_yes_or_no = yes | masks.no
    by_bit = c.by_bit
    same_id = c.same_id
    element_mask = 0
    open_keys = 0
    unknown = ElementStatus.UNKNOWN
    for element in in_force:
        mask = element.mask
        supporting = yes & mask
        n_open = (mask & ~answered_yes_or_no).bit_count()
        fact_value: bool | None = None
        if element.requires_fact is not None:
            fact_value = getattr(facts, element.requires_fact)
        status, reason = _element_reason(
            element.requires_fact, fact_value, mask != 0, supporting.bit_count(), n_open
        )
        if status is unknown and not supporting:
            keys, indicators = same_id[element.key]
            open_keys |= keys
            element_mask |= indicators
        results.append(
            LegalElementResult(
                element.id,
                status,
                _names(supporting, by_bit) if supporting else (),
                n_open,
                fact_value,
                reason,
                element.info,
            )
        )
    return tuple(results), element_mask, open_keys


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
