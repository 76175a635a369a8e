"""Whichever reading exists, for the evidence summary and for other capabilities
(support letters): the ILO/EC-list reading, the law-first reading, or both. With an
intruder from another organisation, whose screenings never answer for our case."""

from __future__ import annotations

import io
from typing import Any

from docx import Document

from harbour.audit.services import Actor
from harbour.cases.models import Case
from harbour.screening import services
from harbour.screening.documents import build_evidence_summary, evidence_summary_docx
from harbour.screening.models import Assessment
from harbour.screening.services import AnswerInput
from harbour.screening.summary import latest_reading_for_case

L = "adult_labour."
CHILD_ANSWERS = [
    AnswerInput("law.act.held_or_housed", "yes", "Lives above the restaurant, uncle keeps keys."),
    AnswerInput("law.exploitation.labour_or_service", "yes"),
    AnswerInput("law.exploitation.threat_to_someone_known", "yes"),
    AnswerInput("law.purpose.to_exploit", "yes"),
]
LIST_ANSWERS = [
    AnswerInput(L + "deceptive_recruitment.nature_of_job", "yes"),
    AnswerInput(L + "coercion_at_destination.confiscation_of_documents", "yes"),
]


def screen(user: Any, case: Case, answers: list[AnswerInput], **facts: Any) -> Assessment:
    actor = Actor(user=user, ip_address="127.0.0.1")
    assessment = services.start_assessment(actor, case, **facts)
    services.record_answers(actor, assessment, answers)
    services.complete_assessment(actor, assessment)
    return assessment


def docx_text(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def test_a_case_with_no_completed_screening_has_no_reading(caseworker, case, intruder):
    actor = Actor(user=caseworker, ip_address="127.0.0.1")
    services.start_assessment(actor, case, under_18=True)  # in progress: may still change
    assert latest_reading_for_case(case) is None


def test_a_childs_screening_gives_the_law_first_reading_to_the_letters(caseworker, case, intruder):
    screen(caseworker, case, CHILD_ANSWERS, under_18=True, came_to_canada_from_abroad=False)
    summary = latest_reading_for_case(case)
    assert summary is not None
    assert summary.kind == "law_first" and summary.subject == "child"
    assert summary.reading_code is None
    assert summary.law_first_code == "all_elements_supported"
    supported = {e.id: e for e in summary.supported}
    assert {"cc_279_011.under_18", "cc_279_01.act", "cc_279_04.exploitation"} <= set(supported)
    act = supported["cc_279_01.act"]
    assert act.citation.en == "Criminal Code, s. 279.01(1)"
    assert [f.en for f in act.facts] == ["Someone received, held, hid or housed the person"]
    assert act.verified is False
    assert "Evidence" not in repr(summary) and "keeps keys" not in repr(summary)


def test_an_adult_list_screening_gives_the_list_reading_and_its_elements(
    caseworker, case, intruder
):
    screen(caseworker, case, LIST_ANSWERS, under_18=False, came_to_canada_from_abroad=True)
    summary = latest_reading_for_case(case)
    assert summary is not None
    assert summary.kind == "ilo_list" and summary.law_first_code is None
    assert summary.reading_code == "forced_labour_indicators"
    assert any(e.id == "cc_279_03.documents" for e in summary.supported)


def test_list_and_law_first_answers_together_give_both_readings(caseworker, case, intruder):
    screen(
        caseworker,
        case,
        LIST_ANSWERS + CHILD_ANSWERS,
        under_18=False,
        came_to_canada_from_abroad=True,
    )
    summary = latest_reading_for_case(case)
    assert summary is not None and summary.kind == "both"
    assert summary.reading_code == "forced_labour_indicators"
    assert summary.law_first_code == "all_elements_supported"
    assert any(e.id == "cc_279_04.exploitation" for e in summary.supported)


def test_another_organisations_screening_never_answers_for_our_case(
    caseworker, case, intruder, other_case
):
    screen(intruder, other_case, CHILD_ANSWERS, under_18=True)
    assert latest_reading_for_case(case) is None


def test_the_evidence_summary_of_a_child_leads_with_the_law_first_reading(
    caseworker, case, intruder
):
    assessment = screen(
        caseworker, case, CHILD_ANSWERS, under_18=True, came_to_canada_from_abroad=False
    )
    reading = services.evaluate_assessment(assessment, with_next_questions=False)
    summary = build_evidence_summary(assessment, reading, services.catalogue_for(assessment))
    assert summary.kind == "law_first"
    assert summary.reading_title == "Answers support every element of trafficking in persons"
    labels = [f.label for f in summary.findings]
    assert "Someone received, held, hid or housed the person" in labels
    finding = next(f for f in summary.findings if f.law_first)
    assert finding.grade.startswith("Criminal Code, s. ")
    assert any(line.citation == "Criminal Code, s. 279.011(1)" for line in summary.legal_supported)
    assert any("Children: trafficking for labour exploitation" in n for n in summary.notices)
    text = docx_text(evidence_summary_docx(summary))
    assert "Answers support every element of trafficking in persons" in text
    assert "Lives above the restaurant, uncle keeps keys." in text
    assert "Criminal Code, s. 279.011(1)" in text
