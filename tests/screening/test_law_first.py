"""The law-first path: questions on the Criminal Code's own elements, the interview
plan that chooses it, and how it sits inside the full reading.

No database: the engine is pure Python.
"""

from __future__ import annotations

import datetime

import pytest

from harbour.screening import (
    ElementStatus,
    Facts,
    LawFirstCode,
    ScreeningInputError,
    evaluate,
    load_catalogue,
)
from harbour.screening.engine import evaluate_law_first, plan_interview

CATALOGUE = load_catalogue()
ADULT = Facts(under_18=False, came_to_canada_from_abroad=True, sexual_exploitation=False)
CHILD = Facts(under_18=True, came_to_canada_from_abroad=False)
TRAFFICKING = {
    "law.act.recruited": "yes",
    "law.exploitation.labour_or_service": "yes",
    "law.exploitation.threat_to_person": "yes",
    "law.purpose.to_exploit": "yes",
}


def law(answers, facts=ADULT, **kwargs):
    reading = evaluate_law_first(CATALOGUE, answers, facts, **kwargs)
    assert reading is not None
    return reading


# --- the interview plan --------------------------------------------------------------


def test_an_adult_labour_interview_asks_the_ilo_list_and_then_the_law_first_questions():
    plan = plan_interview(CATALOGUE, ADULT)
    assert plan.asked_lists == ("adult_labour",)
    assert plan.path == "ilo_list"
    assert plan.law_first_sections == ("act", "exploitation", "means", "entry")


def test_a_child_is_never_asked_the_adult_list_and_is_told_which_list_applies():
    plan = plan_interview(CATALOGUE, CHILD)
    assert plan.asked_lists == ()
    assert plan.applicable_lists == ("child_labour",)
    assert plan.pending_lists == ("child_labour",)
    assert plan.path == "law_first"
    text = " ".join(n.en for n in plan.notices)
    assert "The list that applies is “Children: trafficking for labour exploitation”" in text
    assert "pending verification" in text
    assert "s. 279.011 applies" in text
    french = " ".join(n.fr for n in plan.notices)
    assert "« Enfants : traite à des fins d'exploitation par le travail »" in french


def test_adult_sexual_exploitation_runs_the_law_first_path_because_its_list_is_pending():
    plan = plan_interview(CATALOGUE, Facts(under_18=False, sexual_exploitation=True))
    assert plan.asked_lists == () and plan.pending_lists == ("adult_sexual",)
    assert plan.path == "law_first" and plan.law_first
    assert "“Adults: trafficking for sexual exploitation”" in " ".join(n.en for n in plan.notices)


def test_a_child_in_sexual_exploitation_is_told_the_child_sexual_list_applies():
    plan = plan_interview(CATALOGUE, Facts(under_18=True, sexual_exploitation=True))
    assert plan.pending_lists == ("child_sexual",) and plan.path == "law_first"


def test_the_entry_questions_are_left_out_when_the_person_did_not_come_from_abroad():
    plan = plan_interview(CATALOGUE, CHILD)
    assert "entry" not in plan.law_first_sections
    assert "entry" in plan_interview(CATALOGUE, Facts(under_18=True)).law_first_sections


def test_an_assessment_made_with_the_first_legal_file_keeps_its_old_interview():
    old = load_catalogue(legal_version="ca-trafficking-elements.v1")
    assert plan_interview(old, CHILD).law_first_sections == ()
    reading = evaluate(old, {}, CHILD)
    assert reading.law_first is None and reading.path == "ilo_list"


# --- elements ------------------------------------------------------------------------


def test_every_element_of_trafficking_supported_for_an_adult_with_the_facts_behind_it():
    reading = law(TRAFFICKING)
    assert reading.code is LawFirstCode.ALL_ELEMENTS_SUPPORTED
    assert reading.offence("cc_279_01").status is ElementStatus.SUPPORTED
    exploitation = reading.element("cc_279_04.exploitation")
    assert exploitation.status is ElementStatus.SUPPORTED
    assert exploitation.supporting == (
        "law.exploitation.labour_or_service",
        "law.exploitation.threat_to_person",
    )
    assert "Someone recruited the person" in reading.element("cc_279_01.act").reason.en
    assert exploitation.citation.en == "Criminal Code, s. 279.04(1)"
    assert exploitation.citation.fr == "Code criminel, art. 279.04(1)"
    assert "not a legal finding" in reading.summary.en


def test_sexual_services_are_labour_or_a_service():
    answers = {**TRAFFICKING, "law.exploitation.labour_or_service": "unknown"}
    answers["law.exploitation.sexual_services"] = "yes"
    assert law(answers).element("cc_279_04.exploitation").status is ElementStatus.SUPPORTED


def test_exploitation_needs_both_the_service_and_the_conduct():
    reading = law({"law.exploitation.sexual_services": "yes"})
    element = reading.element("cc_279_04.exploitation")
    assert element.status is ElementStatus.UNKNOWN
    assert "conduct that could make the person fear" in element.reason.en
    assert reading.code is LawFirstCode.NO_ELEMENT_SUPPORTED


def test_every_question_of_a_part_answered_no_makes_the_element_not_supported():
    reading = law(
        {
            "law.exploitation.threat_to_person": "no",
            "law.exploitation.threat_to_someone_known": "no",
        }
    )
    element = reading.element("cc_279_04.exploitation")
    assert element.status is ElementStatus.NOT_SUPPORTED
    assert "was answered no" in element.reason.en


def test_a_child_reading_uses_s_279_011_and_not_the_adult_offence():
    reading = law(TRAFFICKING, CHILD)
    assert reading.subject == "child"
    assert reading.offence("cc_279_011").status is ElementStatus.SUPPORTED
    assert reading.offence("cc_279_011").applies and not reading.offence("cc_279_01").applies
    assert reading.code is LawFirstCode.ALL_ELEMENTS_SUPPORTED
    assert "s. 279.011" in reading.summary.en


def test_an_unrecorded_age_leaves_the_child_offence_unknown_not_unsupported():
    reading = law(TRAFFICKING, Facts())
    assert reading.element("cc_279_011.under_18").status is ElementStatus.UNKNOWN
    assert reading.offence("cc_279_011").status is ElementStatus.UNKNOWN
    assert reading.offence("cc_279_01").status is ElementStatus.SUPPORTED


def test_irpa_118_needs_the_person_to_have_come_from_abroad():
    answers = {"law.entry.fraud_or_deception": "yes"}
    assert law(answers).element("irpa_118.organized_entry").status is ElementStatus.SUPPORTED
    recorded_no = law(answers, Facts(came_to_canada_from_abroad=False))
    assert recorded_no.element("irpa_118.organized_entry").status is ElementStatus.NOT_SUPPORTED
    assert "not having come to Canada" in recorded_no.element("irpa_118.organized_entry").reason.en


def test_a_related_offence_never_leads_the_reading():
    # documents withheld supports s. 279.03's element, but that offence also needs a
    # purpose the screening does not record: the headline stays "some elements".
    reading = law({"law.means.documents_withheld": "yes"})
    assert reading.offence("cc_279_03").status is ElementStatus.SUPPORTED
    assert reading.code is LawFirstCode.SOME_ELEMENTS_SUPPORTED


def test_elements_not_yet_in_force_on_the_date_are_left_out():
    reading = law(TRAFFICKING, as_of=datetime.date(2008, 1, 1))
    ids = {e.id for e in reading.elements}
    assert "cc_279_01.act" in ids and "cc_279_04.exploitation" not in ids
    assert "cc_279_01" not in {o.id for o in reading.offences}


def test_next_questions_put_the_trafficking_elements_before_the_factors():
    reading = law({})
    assert reading.next_questions[0] == "law.act.recruited"
    factors = reading.next_questions.index("law.means.deception")
    assert factors > reading.next_questions.index("law.purpose.to_exploit")


# --- inside the full reading ------------------------------------------------------------


def test_the_full_reading_carries_the_law_first_reading_and_which_one_leads():
    reading = evaluate(CATALOGUE, dict(TRAFFICKING), CHILD)
    assert reading.path == "law_first"
    assert reading.law_first is not None
    assert reading.law_first.code is LawFirstCode.ALL_ELEMENTS_SUPPORTED
    data = reading.to_dict()
    assert data["path"] == "law_first"
    assert data["law_first"]["code"] == "all_elements_supported"


def test_bad_indicator_and_law_first_answers_are_all_named_at_once():
    with pytest.raises(ScreeningInputError) as caught:
        evaluate(
            CATALOGUE,
            {
                "law.act.recruited": "maybe",
                "law.act.nonsense": "yes",
                "adult_labour.nonsense": "yes",
            },
            ADULT,
        )
    message = str(caught.value)
    assert "law.act.nonsense" in message and "adult_labour.nonsense" in message
    assert "law.act.recruited='maybe'" in message


def test_the_factors_are_suggested_before_the_related_offences():
    reading = law(TRAFFICKING)
    asked = reading.next_questions
    assert asked.index("law.means.deception") < asked.index("law.means.organ_removed")
    assert asked.index("law.means.abuse_of_position") < asked.index("law.means.benefit_received")
