"""The evidence summary of a screening, as data and as an editable Word document.

It may leave the organisation, so it names the case by its reference and the
person by their pseudonym only. With an intruder from another organisation,
whose case must never leak into ours."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.utils import translation
from docx import Document

from harbour.audit.services import Actor
from harbour.cases.models import Case
from harbour.screening import services
from harbour.screening.catalogue import load_catalogue
from harbour.screening.documents import (
    EvidenceSummary,
    build_evidence_summary,
    evidence_summary_docx,
    summary_filename,
)
from harbour.screening.models import Assessment
from harbour.screening.services import AnswerInput

CATALOGUE = load_catalogue()
L = "adult_labour."
PASSPORT = L + "coercion_at_destination.confiscation_of_documents"
IDENTIFYING = ("Rosa Example", "416-555-0142", "AB 123 456")


def screen(user: Any, case: Case, answers: list[AnswerInput], **facts: Any) -> Assessment:
    actor = Actor(user=user, ip_address="127.0.0.1")
    assessment = services.start_assessment(actor, case, **facts)
    services.record_answers(actor, assessment, answers)
    return assessment


def summary_of(assessment: Assessment) -> EvidenceSummary:
    reading = services.evaluate_assessment(assessment, with_next_questions=False)
    return build_evidence_summary(assessment, reading, services.catalogue_for(assessment))


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    parts += [p.text for section in document.sections for p in section.footer.paragraphs]
    return "\n".join(parts)


@pytest.fixture
def assessment(caseworker, case) -> Assessment:
    return screen(
        caseworker,
        case,
        [
            AnswerInput(
                L + "deceptive_recruitment.nature_of_job", "yes", "Farm, not hotel.", "Her"
            ),
            AnswerInput(L + "deceptive_recruitment.wages", "yes"),
            AnswerInput(L + "exploitative_conditions.excessive_working_days_or_hours", "yes"),
            AnswerInput(L + "exploitative_conditions.low_or_no_salary", "yes"),
            AnswerInput(PASSPORT, "yes", "Passport in the employer's safe.", "The person"),
            AnswerInput(L + "coercion_at_destination.isolation_confinement_or_surveillance", "yes"),
            AnswerInput(L + "coercion_at_destination.violence", "declined", "Did not want to say."),
            AnswerInput(L + "coercion_at_destination.debt_bondage", "no", "Owes nothing."),
            AnswerInput(L + "coercion_at_destination.forced_to_lie", "unknown"),
        ],
        under_18=False,
        came_to_canada_from_abroad=True,
    )


def test_the_summary_names_the_case_by_reference_and_pseudonym_only(assessment, intruder):
    summary = summary_of(assessment)
    assert summary.reference == assessment.case.reference
    assert summary.pseudonym == "Birch"
    for identifying in IDENTIFYING:
        assert identifying not in repr(summary)


def test_the_summary_lists_only_indicators_answered_yes_with_their_evidence(assessment, intruder):
    summary = summary_of(assessment)
    found = {finding.indicator_id: finding for finding in summary.findings}
    assert len(found) == 6
    assert L + "coercion_at_destination.violence" not in found  # declined
    assert L + "coercion_at_destination.debt_bondage" not in found  # no
    assert found[PASSPORT].evidence == "Passport in the employer's safe."
    assert found[PASSPORT].given_by == "The person"
    assert found[PASSPORT].label == CATALOGUE.indicator(PASSPORT).label.en
    assert found[PASSPORT].grade == "strong indicator"
    assert found[PASSPORT].dimension == "Coercion at destination"
    assert "Did not want to say." not in repr(summary)


def test_the_summary_gives_the_reading_the_supported_elements_and_the_sources(assessment, intruder):
    summary = summary_of(assessment)
    assert summary.reading_code == "trafficking_indicated"
    assert summary.reading_title == "Indicators consistent with trafficking"
    citations = {line.citation for line in summary.legal_supported}
    assert "Criminal Code, s. 279.03" in citations  # the retained passport
    assert "Criminal Code, s. 279.011(1)" not in citations  # recorded as an adult
    assert all(line.valid_from for line in summary.legal_supported)
    sources = " ".join(source.text for source in summary.sources)
    assert "Operational indicators of trafficking in human beings" in sources
    assert "Criminal Code" in sources and "Immigration and Refugee Protection Act" in sources
    assert summary.catalogue_version == CATALOGUE.version
    assert "6 yes, 1 no, 1 don't know, 1 prefers not to say" in summary.answer_counts
    assert "not a legal finding" in summary.not_a_legal_finding


def test_the_word_document_holds_the_evidence_and_no_identifying_field(assessment, intruder):
    content = evidence_summary_docx(summary_of(assessment))
    text = docx_text(content)
    assert "Screening evidence summary" in text
    assert assessment.case.reference in text and "Birch" in text
    assert "Passport in the employer's safe." in text
    assert "The person" in text
    assert "Indicators consistent with trafficking" in text
    assert "Criminal Code, s. 279.03" in text
    assert "not a legal finding" in text
    for identifying in IDENTIFYING:
        assert identifying not in text


def test_the_word_document_carries_no_user_name_in_its_properties(assessment, caseworker, intruder):
    document = Document(io.BytesIO(evidence_summary_docx(summary_of(assessment))))
    properties = document.core_properties
    assert properties.author == "Harbour"
    assert properties.last_modified_by == "Harbour"
    assert caseworker.get_username() not in f"{properties.title}{properties.comments}"


def test_a_french_summary_is_written_in_french(assessment, intruder):
    with translation.override("fr"):
        summary = summary_of(assessment)
        text = docx_text(evidence_summary_docx(summary))
    assert summary.reading_title == "Indicateurs compatibles avec la traite"
    assert "Résumé des éléments de preuve du dépistage" in text
    assert "Code criminel, art. 279.03" in text


def test_the_file_name_is_built_from_the_case_reference_only(assessment, intruder):
    name = summary_filename(assessment)
    assert name.startswith(f"screening-summary-{assessment.case.reference}-")
    assert name.endswith(".docx")
    assessment.case.reference = 'HB/2026 "7"\r\n'
    assert summary_filename(assessment).startswith("screening-summary-HB-2026-7-")


def test_one_case_summary_holds_nothing_of_another_organisations_case(
    assessment, intruder, other_case
):
    theirs = screen(
        intruder, other_case, [AnswerInput(PASSPORT, "yes", "Their secret note.", "Their source")]
    )
    ours = repr(summary_of(assessment)) + docx_text(evidence_summary_docx(summary_of(assessment)))
    assert "Their secret note." not in ours
    assert "Spruce" not in ours
    assert other_case.reference not in ours or other_case.reference == assessment.case.reference
    assert "Their secret note." in repr(summary_of(theirs))
