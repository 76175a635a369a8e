"""Runs the caseworker-readable worked cases (selfcheck_cases.yaml) through the
screening and pathways engines, and through the answer page posted without JavaScript."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Literal

import pytest
from django.test import Client
from django.urls import reverse
from pydantic import BaseModel, ConfigDict

from harbour.knowledge.loader import load_yaml_strict, parse_model
from harbour.public.content import load_public_knowledge
from harbour.public.selfcheck import parse_answers, read_answers
from tests.public.pages import read

CASES_FILE = Path(__file__).parent / "selfcheck_cases.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class Expected(_Strict):
    reading: str
    hotline_first: bool
    emergency: bool
    protections: list[str]
    says: list[str] = []
    never_says: list[str] = []


class Case(_Strict):
    id: str
    title: str
    as_of: str
    language: Literal["en", "fr"]
    answers: dict[str, str]
    expect: Expected


class Cases(_Strict):
    cases: list[Case]


def cases() -> list[Case]:
    data = {"cases": load_yaml_strict(CASES_FILE)}
    return parse_model(Cases, data, CASES_FILE.name).cases


CASES = [pytest.param(case, id=case.id) for case in cases()]


@pytest.mark.parametrize("case", CASES)
def test_the_engines_read_the_answers_as_the_case_says(case: Case):
    knowledge = load_public_knowledge()
    answers = parse_answers(knowledge, case.answers)
    advice = read_answers(knowledge, answers, datetime.date.fromisoformat(case.as_of))
    assert advice.reading.code.value == case.expect.reading
    assert advice.hotline_first is case.expect.hotline_first
    assert advice.show_emergency is case.expect.emergency
    assert [p.id for p in advice.protections] == case.expect.protections


@pytest.mark.parametrize("case", CASES)
def test_the_answer_page_says_what_the_case_says(case: Case):
    url = reverse("public:selfcheck", kwargs={"language_code": case.language})
    response = Client().post(url, case.answers)
    assert response.status_code == 200
    page = read(response.content)
    text = page.main_text
    for words in case.expect.says:
        assert words in text, f"{case.id}: the page does not say {words!r}"
    for words in case.expect.never_says:
        assert words.lower() not in text.lower(), f"{case.id}: the page says {words!r}"
    headings = [e.attrs.get("id", "") for e in page.all("h3")]
    assert headings == [f"p-{pathway}" for pathway in case.expect.protections]
    # The hotline comes before the services when it is named first.
    first = text.index("Who to contact first" if case.language == "en" else "Qui contacter")
    hotline = text.index("1-833-900-1010", first)
    services = text.index("services near you" if case.language == "en" else "services près", first)
    assert (hotline < services) is case.expect.hotline_first


def test_every_question_of_the_self_check_is_used_by_some_worked_case():
    asked = {question for case in cases() for question in case.answers}
    every = {q.id for q in load_public_knowledge().selfcheck.questions}
    assert asked == every
