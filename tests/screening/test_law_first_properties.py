"""Properties of the law-first reading that hold for every set of answers (hypothesis).

No database: the engine is pure Python.
"""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harbour.screening import Answer, ElementStatus, Facts, evaluate, load_catalogue
from harbour.screening.engine import evaluate_law_first
from harbour.screening.engine.law_first import compile_law_first

CATALOGUE = load_catalogue()
LAW = compile_law_first(CATALOGUE)
assert LAW is not None
IDS = LAW.ids
VALUES = ("yes", "no", "unknown", "declined")
NOT_NO = ("unknown", "declined")
FACTS = st.builds(
    Facts,
    under_18=st.sampled_from([None, False, True]),
    came_to_canada_from_abroad=st.sampled_from([None, False, True]),
    sexual_exploitation=st.sampled_from([None, False, True]),
)
ANSWERS = st.dictionaries(st.sampled_from(IDS), st.sampled_from(VALUES), max_size=len(IDS))
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def read(answers, facts):
    reading = evaluate_law_first(CATALOGUE, answers, facts)
    assert reading is not None
    return reading


@SETTINGS
@given(st.dictionaries(st.sampled_from(IDS), st.sampled_from(NOT_NO)), FACTS)
def test_unknown_and_declined_answers_never_make_an_element_not_supported(answers, facts):
    for element in read(answers, facts).elements:
        if element.status is ElementStatus.NOT_SUPPORTED:
            # only a fact recorded false can do it, never an answer
            assert element.fact_value is False, element.id


@SETTINGS
@given(ANSWERS, FACTS, st.sampled_from(IDS), st.sampled_from(NOT_NO))
def test_turning_any_answer_into_unknown_never_creates_a_not_supported(
    answers, facts, question_id, value
):
    before = {e.id: e.status for e in read(answers, facts).elements}
    changed = {**answers, question_id: value}
    for element in read(changed, facts).elements:
        if element.status is ElementStatus.NOT_SUPPORTED:
            assert before[element.id] is ElementStatus.NOT_SUPPORTED, element.id


@SETTINGS
@given(ANSWERS, FACTS, st.randoms(use_true_random=False))
def test_the_reading_does_not_depend_on_the_order_of_the_answers(answers, facts, rnd):
    listed = [Answer(i, v) for i, v in answers.items()]
    shuffled = listed[:]
    random.Random(rnd.random()).shuffle(shuffled)
    assert read(listed, facts) == read(shuffled, facts)
    assert read(answers, facts) == read(dict(reversed(list(answers.items()))), facts)


@SETTINGS
@given(ANSWERS, FACTS)
def test_an_element_is_supported_only_with_a_yes_for_every_part_and_its_fact_true(answers, facts):
    for element in read(answers, facts).elements:
        if element.status is ElementStatus.SUPPORTED:
            assert all(r.met for r in element.requirements)
            for requirement in element.requirements:
                assert any(answers.get(q) == "yes" for q in requirement.any_of)
            if element.element.requires_fact is not None:
                assert element.fact_value is True


@SETTINGS
@given(ANSWERS, FACTS)
def test_the_law_first_reading_inside_the_full_reading_is_the_same(answers, facts):
    assert evaluate(CATALOGUE, answers, facts).law_first == read(answers, facts)


@SETTINGS
@given(ANSWERS, FACTS)
def test_next_questions_are_open_and_never_declined(answers, facts):
    for question_id in read(answers, facts).next_questions:
        assert answers.get(question_id) in (None, "unknown")


@SETTINGS
@given(ANSWERS, FACTS)
def test_every_form_and_every_age_gets_a_law_first_reading_with_the_right_sections(answers, facts):
    reading = read(answers, facts)
    applying = {o.id for o in reading.offences if o.applies}
    if facts.under_18 is True:
        assert "cc_279_011" in applying and "cc_279_01" not in applying
    elif facts.under_18 is False:
        assert "cc_279_01" in applying and "cc_279_011" not in applying
    else:
        assert {"cc_279_01", "cc_279_011"} <= applying
