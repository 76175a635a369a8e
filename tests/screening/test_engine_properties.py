"""Properties of the screening engine that hold for every set of answers (hypothesis).

No database: the engine is pure Python.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harbour.screening import (
    Answer,
    Facts,
    NextEffect,
    ReadingCode,
    evaluate,
    indicator_ids,
    indicator_info,
    load_catalogue,
)
from harbour.screening.engine import reading_precedence

CATALOGUE = load_catalogue()
IDS = indicator_ids(CATALOGUE)
VALUES = ("yes", "no", "unknown", "declined")
FACTS = st.builds(
    Facts,
    under_18=st.sampled_from([None, False, True]),
    came_to_canada_from_abroad=st.sampled_from([None, False, True]),
)
ANSWERS = st.dictionaries(st.sampled_from(IDS), st.sampled_from(VALUES), max_size=len(IDS))
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def published_rule(strong: int, medium: int, weak: int) -> bool:
    """The ILO/EC combination rule, written out independently of the catalogue data."""
    return (
        strong >= 2
        or (strong >= 1 and medium + weak >= 1)
        or medium >= 3
        or (medium >= 2 and weak >= 1)
    )


@SETTINGS
@given(ANSWERS, FACTS)
def test_a_dimension_is_positive_exactly_when_the_published_rule_says_so(answers, facts):
    reading = evaluate(CATALOGUE, answers, facts)
    for lst in reading.lists:
        for dimension in lst.dimensions:
            grades = [
                indicator_info(CATALOGUE, i).grade
                for i, v in answers.items()
                if v == "yes" and i.startswith(dimension.key + ".")
            ]
            counts = (grades.count("strong"), grades.count("medium"), grades.count("weak"))
            assert (dimension.strong, dimension.medium, dimension.weak) == counts
            assert dimension.positive is published_rule(*counts)


@SETTINGS
@given(ANSWERS, FACTS, st.sampled_from(IDS))
def test_adding_a_yes_never_turns_a_positive_dimension_negative(answers, facts, extra):
    before = evaluate(CATALOGUE, answers, facts)
    after = evaluate(CATALOGUE, {**answers, extra: "yes"}, facts)
    assert set(before.positive_dimensions) <= set(after.positive_dimensions)


@SETTINGS
@given(ANSWERS, FACTS, st.sampled_from(IDS))
def test_adding_a_yes_never_weakens_the_overall_reading(answers, facts, extra):
    before = evaluate(CATALOGUE, answers, facts)
    after = evaluate(CATALOGUE, {**answers, extra: "yes"}, facts)
    assert reading_precedence(after.code) >= reading_precedence(before.code)
    assert set(before.forms) <= set(after.forms)


@SETTINGS
@given(ANSWERS, FACTS, st.randoms(use_true_random=False))
def test_the_result_never_depends_on_the_order_of_the_answers(answers, facts, rng):
    listed = [Answer(i, v, evidence=f"note on {i}") for i, v in answers.items()]
    shuffled = list(listed)
    rng.shuffle(shuffled)
    assert evaluate(CATALOGUE, listed, facts).to_dict() == (
        evaluate(CATALOGUE, shuffled, facts).to_dict()
    )


@SETTINGS
@given(ANSWERS, FACTS)
def test_unknown_declined_and_unanswered_never_count_as_yes(answers, facts):
    only_firm = {i: v for i, v in answers.items() if v in ("yes", "no")}
    full, firm = evaluate(CATALOGUE, answers, facts), evaluate(CATALOGUE, only_firm, facts)
    assert full.positive_dimensions == firm.positive_dimensions
    assert full.forms == firm.forms
    assert [f.present for f in full.forced_labour] == [f.present for f in firm.forced_labour]
    if firm.code is not ReadingCode.NO_INDICATORS_IDENTIFIED:
        assert full.code is firm.code


@SETTINGS
@given(ANSWERS, FACTS)
def test_the_same_answers_always_give_the_same_reading(answers, facts):
    assert evaluate(CATALOGUE, answers, facts).to_dict() == (
        evaluate(CATALOGUE, dict(answers), facts).to_dict()
    )


@SETTINGS
@given(ANSWERS, FACTS)
def test_next_questions_are_only_open_questions_and_never_declined_ones(answers, facts):
    suggested = [q.indicator_id for q in evaluate(CATALOGUE, answers, facts).next_questions]
    assert len(suggested) == len(set(suggested))
    for indicator_id in suggested:
        assert answers.get(indicator_id, "unknown") == "unknown"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANSWERS, FACTS)
def test_exactly_the_questions_whose_yes_changes_the_reading_are_marked_so(answers, facts):
    reading = evaluate(CATALOGUE, answers, facts)
    marked = {
        q.indicator_id for q in reading.next_questions if q.effect is NextEffect.CHANGES_READING
    }
    for indicator_id in IDS:
        if answers.get(indicator_id, "unknown") != "unknown":
            continue
        after = evaluate(CATALOGUE, {**answers, indicator_id: "yes"}, facts)
        changes = after.code is not reading.code or after.forms != reading.forms
        assert changes is (indicator_id in marked), indicator_id


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ANSWERS, FACTS)
def test_a_question_said_to_make_its_dimension_positive_does_so(answers, facts):
    reading = evaluate(CATALOGUE, answers, facts)
    for question in reading.next_questions:
        if question.effect is NextEffect.MAKES_DIMENSION_POSITIVE:
            key = f"{question.indicator.list_id}.{question.indicator.dimension_id}"
            after = evaluate(CATALOGUE, {**answers, question.indicator_id: "yes"}, facts)
            assert not reading.dimension(key).positive and after.dimension(key).positive


@SETTINGS
@given(ANSWERS, FACTS)
def test_next_questions_come_in_tier_then_grade_order(answers, facts):
    tiers = {
        NextEffect.CHANGES_READING: 0,
        NextEffect.MAKES_DIMENSION_POSITIVE: 1,
        NextEffect.BUILDS_NEEDED_DIMENSION: 2,
        NextEffect.SUPPORTS_LEGAL_ELEMENT: 3,
        NextEffect.BUILDS_DIMENSION: 4,
        NextEffect.SUPPORTS_LEGAL_FACTOR: 5,
    }
    keys = [tiers[q.effect] for q in evaluate(CATALOGUE, answers, facts).next_questions]
    assert keys == sorted(keys)
