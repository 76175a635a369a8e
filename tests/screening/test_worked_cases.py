"""Runs the lawyer-readable worked cases (worked_cases.yaml) through the engine.

No database: the engine is pure Python.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field

from harbour.knowledge.loader import load_yaml_strict, parse_model
from harbour.screening import (
    ElementStatus,
    Facts,
    LawFirstCode,
    ReadingCode,
    evaluate,
    indicator_ids,
    load_catalogue,
)
from harbour.screening.engine.law_first import compile_law_first

CASES_FILE = Path(__file__).parent / "worked_cases.yaml"
AnswerText = Literal["yes", "no", "unknown", "declined"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


# The file holds plain text; these two are read into the engine's enums.
Code = Annotated[ReadingCode, Field(strict=False)]
Status = Annotated[ElementStatus, Field(strict=False)]
LawCode = Annotated[LawFirstCode, Field(strict=False)]


class ExpectedLawFirst(_Strict):
    code: LawCode
    offences: dict[str, Status] = {}
    elements: dict[str, Status] = {}
    not_suggested: list[str] = []


class Expected(_Strict):
    reading: Code
    forms: list[str]
    positive_dimensions: list[str]
    legal: dict[str, Status] = {}
    first_next_question: str | None = None
    not_suggested: list[str] = []
    notices_mention: list[str] = []
    path: Literal["ilo_list", "law_first"] = "ilo_list"
    law_first: ExpectedLawFirst | None = None


class CaseFacts(_Strict):
    under_18: bool | None
    came_to_canada_from_abroad: bool | None
    sexual_exploitation: bool | None = None


class Case(_Strict):
    id: str
    title: str
    description: str
    facts: CaseFacts
    others: Literal["unanswered", "no"]
    answers: dict[str, AnswerText]
    expected: Expected


class CasesFile(_Strict):
    catalogue: str
    cases: list[Case]


CASES = parse_model(CasesFile, load_yaml_strict(CASES_FILE), CASES_FILE.name)
CATALOGUE = load_catalogue(CASES.catalogue)


def answers_for(case: Case) -> dict[str, str]:
    answers: dict[str, str] = {}
    if case.others == "no":
        answers = dict.fromkeys(indicator_ids(CATALOGUE), "no")
    answers.update(case.answers)
    return answers


@pytest.mark.parametrize("case", CASES.cases, ids=[c.id for c in CASES.cases])
def test_the_worked_case_reads_as_the_file_says(case: Case):
    facts = Facts(
        case.facts.under_18, case.facts.came_to_canada_from_abroad, case.facts.sexual_exploitation
    )
    reading = evaluate(CATALOGUE, answers_for(case), facts)
    expected = case.expected
    assert reading.code is expected.reading
    assert list(reading.forms) == expected.forms
    assert sorted(reading.positive_dimensions) == sorted(expected.positive_dimensions)
    for element_id, status in expected.legal.items():
        assert reading.element(element_id).status is status, element_id
    suggested = [q.indicator_id for q in reading.next_questions]
    if expected.first_next_question is not None:
        assert suggested[:1] == [expected.first_next_question]
    for indicator_id in expected.not_suggested:
        assert indicator_id not in suggested
    notices = " ".join(n.en for n in reading.notices)
    for phrase in expected.notices_mention:
        assert phrase in notices
    assert reading.path == expected.path
    law = reading.law_first
    assert law is not None
    if expected.law_first is not None:
        assert law.code is expected.law_first.code
        for offence_id, status in expected.law_first.offences.items():
            assert law.offence(offence_id).status is status, offence_id
        for element_id, status in expected.law_first.elements.items():
            assert law.element(element_id).status is status, element_id
        for question_id in expected.law_first.not_suggested:
            assert question_id not in law.next_questions, question_id


def test_the_worked_cases_cover_every_reading():
    assert {c.expected.reading for c in CASES.cases} == set(ReadingCode)
    assert len(CASES.cases) >= 10


def test_the_worked_cases_cover_every_law_first_reading_and_the_people_lists_leave_out():
    law_cases = [c for c in CASES.cases if c.expected.law_first is not None]
    assert {c.expected.law_first.code for c in law_cases if c.expected.law_first} == set(
        LawFirstCode
    )
    assert any(c.facts.under_18 for c in law_cases)  # a child
    assert any(c.facts.sexual_exploitation for c in law_cases)  # sexual exploitation
    assert any(c.facts.came_to_canada_from_abroad is False for c in law_cases)  # a citizen
    # an adult whom no ILO/EC rule matches but whose answers support the law's elements
    assert any(
        c.expected.reading is not ReadingCode.TRAFFICKING_INDICATED
        and c.expected.path == "ilo_list"
        and c.expected.law_first
        and c.expected.law_first.code is LawFirstCode.ALL_ELEMENTS_SUPPORTED
        for c in law_cases
    )


def test_worked_case_ids_are_unique_and_answers_name_real_indicators():
    assert len({c.id for c in CASES.cases}) == len(CASES.cases)
    law = compile_law_first(CATALOGUE)
    assert law is not None
    known = set(indicator_ids(CATALOGUE)) | set(law.ids)
    for case in CASES.cases:
        assert set(case.answers) <= known, case.id
