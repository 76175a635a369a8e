"""The self-check as one plain page without JavaScript: every question with "I don't
know" and "I'd rather not say", posted, read by the engines, answered in plain words."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from harbour.public.content import load_public_knowledge
from tests.public.pages import SOME_ANSWERS, page_urls, read, visit_everything

pytestmark = pytest.mark.django_db


def selfcheck_url(language: str = "en") -> str:
    return reverse("public:selfcheck", kwargs={"language_code": language})


def test_the_form_shows_every_question_with_its_answers_on_one_page():
    page = read(Client().get(selfcheck_url()).content)
    questions = load_public_knowledge().selfcheck.questions
    assert len(page.all("fieldset")) == len(questions)
    assert len(page.all("legend")) == len(questions)
    radios = [e for e in page.all("input") if e.attrs.get("type") == "radio"]
    for question in questions:
        values = [r.attrs["value"] for r in radios if r.attrs["name"] == question.id]
        assert values == list(question.answer_ids()), question.id
        assert not any("checked" in r.attrs for r in radios), "no answer is chosen for anyone"
    text = page.main_text
    assert text.count("I don't know") == len(questions)
    assert text.count("I'd rather not say") == len(questions)
    buttons = [e for e in page.all("button") if e.attrs.get("type") == "submit"]
    assert len(buttons) == 1


def test_posting_the_form_shows_the_reading_the_protections_and_whom_to_call():
    response = Client().post(selfcheck_url(), SOME_ANSWERS)
    text = read(response.content).main_text
    assert "Your answers show serious warning signs" in text
    assert "This is not a decision about you." in text
    assert "Please call the hotline first" in text
    assert "Protections that may be open to you" in text
    assert "If your permit ties you to one employer" in text


def test_the_french_page_reads_the_same_answers_in_french():
    text = read(Client().post(selfcheck_url("fr"), SOME_ANSWERS).content).main_text
    assert "Vos réponses montrent des signes graves" in text
    assert "Appelez d'abord la ligne d'urgence" in text


def test_an_answer_the_form_does_not_offer_is_refused_plainly():
    response = Client().post(selfcheck_url(), {**SOME_ANSWERS, "where": "Mars"})
    assert response.status_code == 400
    assert "Some answers were not ones this form offers." in response.content.decode()
    assert "Mars" not in response.content.decode()


def test_other_methods_are_refused():
    assert Client().put(selfcheck_url()).status_code == 405
    assert Client().post(reverse("public:signs", kwargs={"language_code": "en"})).status_code == 405


def test_no_public_page_ever_labels_the_reader_a_victim(supervisor):
    for language, word in (("en", "victim"), ("fr", "victime")):
        for url, response in visit_everything(Client(), language):
            assert word not in read(response.content).main_text.lower(), url
        for url in page_urls(language):
            assert word not in read(Client().get(url).content).main_text.lower(), url
