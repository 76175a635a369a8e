"""The public self-check, read by the screening and pathways engines.

Pure Python: no Django, no I/O. `read_answers` turns the visitor's answers (question id
-> answer id) into what the engines take: screening answers on the catalogue's
indicators (yes, no, unknown for "I don't know", declined for "I'd rather not say")
and pathways facts; then asks `harbour.screening.evaluate` for the reading and
`harbour.pathways.evaluate` for every protection, with the reading as the pathways'
`screening_reading` fact, exactly as a caseworker's navigator does. Nothing here
decides eligibility or a reading: it only chooses which of the engines' results the
answer page shows and in what order.

The answers are never stored; the result is built, shown and forgotten.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass

from harbour import pathways, screening
from harbour.public.content import FactValue, Knowledge

# What the public answers mean to the screening engine.
SCREENING_VALUE = {
    "yes": screening.AnswerValue.YES,
    "no": screening.AnswerValue.NO,
    "dont_know": screening.AnswerValue.UNKNOWN,
    "rather_not_say": screening.AnswerValue.DECLINED,
}
# Readings whose answers put the hotline first: signs of coercion, not only of
# poor conditions.
SERIOUS_READINGS = frozenset(
    {screening.ReadingCode.TRAFFICKING_INDICATED, screening.ReadingCode.FORCED_LABOUR_INDICATORS}
)
OPEN_STATUSES = (pathways.Status.LIKELY_ELIGIBLE, pathways.Status.POSSIBLY_ELIGIBLE)


class SelfCheckInputError(ValueError):
    """Answers that name no question or no answer of it; the message names each one."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(problems))


@dataclass(frozen=True, slots=True)
class Advice:
    """What the answer page shows: the engines' reading and the protections open."""

    reading: screening.Reading
    protections: tuple[pathways.PathwayResult, ...]
    hotline_first: bool
    urgent: bool  # an answer marked urgent (violence, confinement, threats) was yes
    province: str | None
    answered: int
    facts: pathways.Facts

    @property
    def show_emergency(self) -> bool:
        """Say "call 911" after an urgent answer, unless the person is not in Canada."""
        return self.urgent and self.facts.in_canada is not False


def is_provincial(result: pathways.PathwayResult) -> bool:
    """A recourse of one province: one of its criteria reads the province."""
    return any("province" in criterion.facts for criterion in result.criteria)


def parse_answers(knowledge: Knowledge, data: Mapping[str, str]) -> dict[str, str]:
    """Keep the answers to known questions; refuse unknown answer ids, name them.

    Unrelated form fields (the submit button) are ignored; an empty answer is no answer.
    """
    answers: dict[str, str] = {}
    problems: list[str] = []
    for question in knowledge.selfcheck.questions:
        value = data.get(question.id, "")
        if not value:
            continue
        if value not in question.answer_ids():
            problems.append(f"{question.id}: {value!r} is not one of its answers")
            continue
        answers[question.id] = value
    if problems:
        raise SelfCheckInputError(problems)
    return answers


def read_answers(knowledge: Knowledge, answers: Mapping[str, str], as_of: datetime.date) -> Advice:
    """The engines' reading of the answers (already checked by `parse_answers`)."""
    indicator_answers: dict[str, screening.AnswerValue] = {}
    facts: dict[str, FactValue] = {}
    urgent = False
    for question in knowledge.selfcheck.questions:
        answer = answers.get(question.id)
        if answer is None:
            continue
        if question.kind == "yes_no":
            for indicator in question.indicators:
                indicator_answers[indicator] = SCREENING_VALUE[answer]
            urgent = urgent or (question.urgent and answer == "yes")
        facts.update(question.facts_for(answer))
    reading = screening.evaluate(knowledge.catalogue, indicator_answers, with_next_questions=False)
    facts["screening_reading"] = reading.code.value
    person = pathways.Facts.from_mapping(facts)
    result = pathways.evaluate(knowledge.pathways, person, as_of)
    wanted = knowledge.selfcheck.protections
    open_ones = [p for p in result.pathways if p.id in wanted and p.status in OPEN_STATUSES]
    if person.province is None:
        # Without a province every province's recourse is "possibly open": thirteen
        # lines that say nothing. The page points to the rights by province instead.
        open_ones = [p for p in open_ones if not is_provincial(p)]
    open_ones.sort(key=lambda p: (OPEN_STATUSES.index(p.status), wanted.index(p.id)))
    return Advice(
        reading=reading,
        protections=tuple(open_ones),
        hotline_first=urgent or reading.code in SERIOUS_READINGS,
        urgent=urgent,
        province=person.province,
        answered=len(answers),
        facts=person,
    )


def protections_in(
    knowledge: Knowledge, province: str | None, as_of: datetime.date
) -> tuple[pathways.PathwayResult, ...]:
    """The protections of the self-check's list that may be open to a worker in Canada
    in `province` (None: the federal ones only), as the pathways engine reads them."""
    facts = pathways.Facts(province=province, in_canada=True, works_or_worked_in_canada=True)
    result = pathways.evaluate(knowledge.pathways, facts, as_of)
    wanted = knowledge.selfcheck.protections
    shown = [p for p in result.pathways if p.id in wanted and p.status in OPEN_STATUSES]
    if province is None:
        shown = [p for p in shown if not is_provincial(p)]
    return tuple(sorted(shown, key=lambda p: wanted.index(p.id)))
