"""The screening pages: start from a case, answer step by step, read the result,
complete it, and hand on an evidence summary. With an intruder from another
organisation and an analyst, who see none of it."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import escape
from docx import Document

from harbour.audit.models import AuditEvent
from harbour.audit.services import Actor
from harbour.cases.models import Case
from harbour.screening import services
from harbour.screening.catalogue import load_catalogue
from harbour.screening.forms import interview_steps
from harbour.screening.models import Answer, Assessment, AssessmentStatus
from tests.conftest import open_demo_case

CATALOGUE = load_catalogue()
STEPS = interview_steps(CATALOGUE)
L = "adult_labour."
# Enough for "indicators consistent with trafficking" (adult, labour): a positive
# recruitment dimension, exploitative conditions, and coercion at destination.
TRAFFICKING = {
    1: {L + "deceptive_recruitment.nature_of_job": "yes", L + "deceptive_recruitment.wages": "yes"},
    4: {
        L + "exploitative_conditions.excessive_working_days_or_hours": "yes",
        L + "exploitative_conditions.low_or_no_salary": "yes",
    },
    5: {
        L + "coercion_at_destination.confiscation_of_documents": "yes",
        L + "coercion_at_destination.isolation_confinement_or_surveillance": "yes",
    },
}
PASSPORT = L + "coercion_at_destination.confiscation_of_documents"
EVIDENCE = "Employer keeps her passport in the office safe since arrival."


def step_url(assessment: Assessment, step: int) -> str:
    return reverse("screening:assessment_step", args=[assessment.case_id, assessment.pk, step])


def url(name: str, assessment: Assessment) -> str:
    return reverse(f"screening:{name}", args=[assessment.case_id, assessment.pk])


def start(user: Any, case: Case, **facts: Any) -> Assessment:
    language = facts.pop("interview_language", "en")
    return services.start_assessment(
        Actor(user=user, ip_address="127.0.0.1"), case, interview_language=language, **facts
    )


def step_data(
    answers: dict[str, str],
    *,
    action: str = "next",
    evidence: dict[str, str] | None = None,
    given_by: dict[str, str] | None = None,
) -> dict[str, str]:
    data = {f"answer:{i}": value for i, value in answers.items()}
    data.update({f"evidence:{i}": note for i, note in (evidence or {}).items()})
    data.update({f"given_by:{i}": who for i, who in (given_by or {}).items()})
    data["action"] = action
    return data


def answer_everything_needed(client: Client, assessment: Assessment) -> None:
    for step, answers in TRAFFICKING.items():
        evidence = {PASSPORT: EVIDENCE} if PASSPORT in answers else None
        given_by = {PASSPORT: "The person, first interview"} if PASSPORT in answers else None
        response = client.post(
            step_url(assessment, step), step_data(answers, evidence=evidence, given_by=given_by)
        )
        assert response.status_code == 302, response.content.decode()[:2000]


@pytest.fixture
def assessment(caseworker, case) -> Assessment:
    return start(caseworker, case, under_18=False, came_to_canada_from_abroad=True)


@pytest.fixture
def their_assessment(intruder, other_case) -> Assessment:
    return start(intruder, other_case)


# --- Starting --------------------------------------------------------------------------------


def test_the_start_page_offers_the_interview_languages_and_the_two_facts(
    signed_in, caseworker, case, intruder
):
    response = signed_in(caseworker).get(reverse("screening:assessment_start", args=[case.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Language of the interview" in page
    assert "Français" in page and "English" in page
    assert "Is the person under 18?" in page
    assert "Did the person come to Canada from abroad?" in page


def test_a_caseworker_starts_a_screening_with_its_language_and_facts(
    signed_in, caseworker, case, intruder
):
    response = signed_in(caseworker).post(
        reverse("screening:assessment_start", args=[case.pk]),
        {"interview_language": "fr", "under_18": "no", "came_to_canada_from_abroad": "unknown"},
    )
    assessment = Assessment.objects.get(case=case)
    assert response.status_code == 302
    assert response["Location"] == step_url(assessment, 1)
    assert assessment.interview_language == "fr"
    assert assessment.under_18 is False
    assert assessment.came_to_canada_from_abroad is None
    assert assessment.catalogue_version == CATALOGUE.version
    assert AuditEvent.objects.filter(action="assessment.create", object_id=str(case.pk)).exists()


def test_a_language_that_is_not_offered_is_refused_and_nothing_starts(
    signed_in, caseworker, case, intruder
):
    response = signed_in(caseworker).post(
        reverse("screening:assessment_start", args=[case.pk]),
        {"interview_language": "xx", "under_18": "no", "came_to_canada_from_abroad": "no"},
    )
    assert response.status_code == 400
    assert not Assessment.objects.exists()


# --- The interview ---------------------------------------------------------------------------


def test_a_step_shows_one_dimension_with_questions_in_the_interview_language(
    signed_in, caseworker, case, intruder
):
    assessment = start(caseworker, case, interview_language="fr")
    response = signed_in(caseworker).get(step_url(assessment, 1))
    assert response.status_code == 200
    page = response.content.decode()
    first = STEPS[0]
    indicator = first.indicators[0]
    assert first.dimension.title.en in page
    assert first.dimension.description.en in page
    assert f"Step 1 of {len(STEPS)}" in page
    # The question in French, marked as French; the label and help for staff in English.
    assert 'lang="fr"' in page
    assert escape(indicator.question.fr) in page
    assert escape(indicator.question.en) not in page
    assert indicator.label.en in page
    for choice in ("Yes", "No", "Don&#x27;t know", "Prefers not to say", "Skip for now"):
        assert choice in page
    assert "Save and finish later" in page


def test_answers_are_saved_at_each_step_and_shown_again_when_the_step_reopens(
    signed_in, caseworker, assessment, intruder
):
    client = signed_in(caseworker)
    nature = L + "deceptive_recruitment.nature_of_job"
    response = client.post(
        step_url(assessment, 1),
        step_data(
            {nature: "yes"},
            evidence={nature: "Promised hotel work, put on a farm."},
            given_by={nature: "The person"},
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == step_url(assessment, 2)
    saved = Answer.objects.get(assessment=assessment, indicator_id=nature)
    assert (saved.value, saved.evidence, saved.given_by) == (
        "yes",
        "Promised hotel work, put on a farm.",
        "The person",
    )
    page = client.get(step_url(assessment, 1)).content.decode()
    assert re.search(rf'<input[^>]*name="answer:{re.escape(nature)}" value="yes"[^>]*checked', page)
    assert "Promised hotel work, put on a farm." in page
    assert "1 of 10 answered" in page


def test_a_question_left_unanswered_is_skipped(signed_in, caseworker, assessment, intruder):
    response = signed_in(caseworker).post(step_url(assessment, 2), {"action": "next"})
    assert response.status_code == 302
    assert response["Location"] == step_url(assessment, 3)
    assert not assessment.answers.exists()
    assert not AuditEvent.objects.filter(action="assessment.answer").exists()


def test_choosing_skip_removes_an_earlier_answer(signed_in, caseworker, assessment, intruder):
    client = signed_in(caseworker)
    wages = L + "deceptive_recruitment.wages"
    client.post(step_url(assessment, 1), step_data({wages: "no"}))
    client.post(step_url(assessment, 1), step_data({wages: ""}))
    assert not assessment.answers.filter(indicator_id=wages).exists()


def test_unknown_and_declined_are_recorded_as_answers(signed_in, caseworker, assessment, intruder):
    client = signed_in(caseworker)
    violence = L + "coercive_recruitment.violence"
    debt = L + "coercive_recruitment.debt_bondage"
    client.post(step_url(assessment, 2), step_data({violence: "declined", debt: "unknown"}))
    values = dict(assessment.answers.values_list("indicator_id", "value"))
    assert values == {violence: "declined", debt: "unknown"}
    reading = services.evaluate_assessment(assessment)
    assert reading.answer_counts["declined"] == 1
    assert reading.answer_counts["unknown"] == 1
    # A declined question is never suggested again; a "don't know" may be.
    suggested = {q.indicator_id for q in reading.next_questions}
    assert violence not in suggested


def test_an_indicator_that_is_not_on_the_page_is_refused_and_nothing_is_saved(
    signed_in, caseworker, assessment, intruder
):
    nature = L + "deceptive_recruitment.nature_of_job"
    data = step_data({nature: "yes", "adult_labour.deceptive_recruitment.invented": "yes"})
    response = signed_in(caseworker).post(step_url(assessment, 1), data)
    assert response.status_code == 400
    assert "adult_labour.deceptive_recruitment.invented" in response.content.decode()
    assert "Nothing was saved" in response.content.decode()
    assert not assessment.answers.exists()


def test_a_question_of_another_step_is_refused_and_nothing_is_saved(
    signed_in, caseworker, assessment, intruder
):
    data = step_data(
        {L + "deceptive_recruitment.nature_of_job": "yes", PASSPORT: "yes"}  # step 1 and step 5
    )
    response = signed_in(caseworker).post(step_url(assessment, 1), data)
    assert response.status_code == 400
    assert not assessment.answers.exists()


def test_an_answer_that_is_not_one_of_the_choices_is_refused(
    signed_in, caseworker, assessment, intruder
):
    data = step_data({L + "deceptive_recruitment.nature_of_job": "maybe"})
    response = signed_in(caseworker).post(step_url(assessment, 1), data)
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not assessment.answers.exists()


def test_an_evidence_note_needs_an_answer(signed_in, caseworker, assessment, intruder):
    wages = L + "deceptive_recruitment.wages"
    data = step_data({}, evidence={wages: "Paid half of what was promised."})
    response = signed_in(caseworker).post(step_url(assessment, 1), data)
    assert response.status_code == 400
    assert "Choose an answer to keep this note" in response.content.decode()
    # What was typed is still there to fix.
    assert "Paid half of what was promised." in response.content.decode()
    assert not assessment.answers.exists()


def test_previous_next_and_the_step_list_move_through_the_interview(
    signed_in, caseworker, assessment, intruder
):
    client = signed_in(caseworker)
    assert client.post(step_url(assessment, 3), {"action": "previous"})["Location"] == (
        step_url(assessment, 2)
    )
    assert client.post(step_url(assessment, 3), {"action": "next"})["Location"] == (
        step_url(assessment, 4)
    )
    assert client.post(step_url(assessment, 3), {"goto": "6"})["Location"] == (
        step_url(assessment, 6)
    )
    last = len(STEPS)
    assert client.post(step_url(assessment, last), {"action": "next"})["Location"] == (
        url("assessment_result", assessment)
    )
    assert client.post(step_url(assessment, 2), {"action": "result"})["Location"] == (
        url("assessment_result", assessment)
    )


def test_save_and_finish_later_returns_to_the_case_where_the_interview_resumes(
    signed_in, caseworker, assessment, intruder
):
    client = signed_in(caseworker)
    first = STEPS[0]
    data = step_data(dict.fromkeys(first.indicator_ids, "no"), action="later")
    response = client.post(step_url(assessment, 1), data)
    assert response["Location"] == reverse("cases:case_detail", args=[assessment.case_id])
    page = client.get(response["Location"]).content.decode()
    assert "Answers saved." in page
    # Step 1 is complete, so the interview continues at step 2.
    assert step_url(assessment, 2) in page
    assert "Continue interview" in page


@pytest.mark.parametrize("step", [0, len(STEPS) + 1])
def test_a_step_outside_the_interview_is_not_found(
    signed_in, caseworker, assessment, intruder, step
):
    assert signed_in(caseworker).get(step_url(assessment, step)).status_code == 404


def test_unverified_indicators_and_lists_carry_a_badge_with_their_note(
    signed_in, caseworker, assessment, intruder
):
    page = signed_in(caseworker).get(step_url(assessment, 1)).content.decode()
    indicator = STEPS[0].indicators[0]
    assert not indicator.verified
    assert "wording and grade not yet checked against the publication" in page
    assert escape(indicator.verification_note) in page
    assert escape(STEPS[0].indicator_list.verification_note) in page


def test_the_facts_can_be_corrected_during_the_interview(
    signed_in, caseworker, assessment, intruder
):
    client = signed_in(caseworker)
    assert client.get(url("assessment_facts", assessment)).status_code == 200
    response = client.post(
        url("assessment_facts", assessment),
        {"under_18": "unknown", "came_to_canada_from_abroad": "no"},
    )
    assert response["Location"] == url("assessment_result", assessment)
    assessment.refresh_from_db()
    assert (assessment.under_18, assessment.came_to_canada_from_abroad) == (None, False)
    assert AuditEvent.objects.filter(action="assessment.facts").exists()


# --- The reading -----------------------------------------------------------------------------


def test_the_result_explains_a_reading_of_trafficking_for_labour_exploitation(
    signed_in, caseworker, assessment, intruder
):
    client = signed_in(caseworker)
    answer_everything_needed(client, assessment)
    response = client.get(url("assessment_result", assessment))
    assert response.status_code == 200
    page = response.content.decode()
    reading = services.evaluate_assessment(assessment)
    assert reading.code.value == "trafficking_indicated"
    assert reading.title.en in page
    assert reading.summary.en in page
    assert "not a legal finding" in page
    # Each list's dimensions, positive or not, and the indicators that decided them.
    assert "Deceptive recruitment" in page and "positive" in page
    nature = CATALOGUE.indicator(L + "deceptive_recruitment.nature_of_job")
    assert "Decided by" in page and nature.label.en in page
    # Legal elements with their citation and date, and forced-labour indicators.
    documents = reading.element("cc_279_03.documents")
    assert documents.status.value == "supported"
    assert escape(documents.title.en) in page
    assert documents.citation.en in page
    assert date_format(date.fromisoformat(documents.element.valid_from), "DATE_FORMAT") in page
    assert "ILO forced-labour indicators present" in page
    present = [f for f in reading.forced_labour if f.present]
    assert present and present[0].title.en in page
    assert "Complete assessment" in page
    assert "Continue interview" in page


def test_the_result_lists_what_to_ask_next_in_the_interview_language(
    signed_in, caseworker, case, intruder
):
    assessment = start(caseworker, case, interview_language="fr", under_18=False)
    client = signed_in(caseworker)
    client.post(step_url(assessment, 1), step_data({L + "deceptive_recruitment.wages": "yes"}))
    page = client.get(url("assessment_result", assessment)).content.decode()
    reading = services.evaluate_assessment(assessment)
    first = reading.next_questions[0]
    assert "What to ask next" in page
    assert escape(first.indicator.question.fr) in page
    assert escape(first.explanation.en) in page


def test_completing_keeps_the_reading_and_the_case_shows_it(
    signed_in, caseworker, assessment, intruder
):
    client = signed_in(caseworker)
    answer_everything_needed(client, assessment)
    response = client.post(url("assessment_complete", assessment))
    assert response["Location"] == url("assessment_result", assessment)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.COMPLETED
    assert assessment.reading_code == "trafficking_indicated"
    assert assessment.completed_at is not None
    assert AuditEvent.objects.filter(action="assessment.complete").exists()
    page = client.get(reverse("cases:case_detail", args=[assessment.case_id])).content.decode()
    assert "Indicators consistent with trafficking" in page
    assert "Completed" in page


def test_completing_twice_keeps_the_first_reading(signed_in, caseworker, assessment, intruder):
    client = signed_in(caseworker)
    client.post(url("assessment_complete", assessment))
    client.post(url("assessment_complete", assessment))
    assert AuditEvent.objects.filter(action="assessment.complete").count() == 1


def test_a_completed_assessment_can_be_read_but_its_answers_do_not_change(
    signed_in, caseworker, assessment, intruder
):
    client = signed_in(caseworker)
    client.post(url("assessment_complete", assessment))
    page = client.get(step_url(assessment, 1))
    assert page.status_code == 200
    assert "This assessment is completed" in page.content.decode()
    response = client.post(
        step_url(assessment, 1), step_data({L + "deceptive_recruitment.wages": "yes"})
    )
    assert response.status_code == 409
    assert not assessment.answers.exists()
    facts = client.post(
        url("assessment_facts", assessment),
        {"under_18": "yes", "came_to_canada_from_abroad": "yes"},
    )
    assert facts.status_code == 409
    assessment.refresh_from_db()
    assert assessment.under_18 is False


def test_the_case_shows_every_screening_so_the_change_of_reading_is_visible(
    signed_in, caseworker, case, intruder
):
    client = signed_in(caseworker)
    earlier = start(caseworker, case, under_18=False)
    answer_everything_needed(client, earlier)
    client.post(url("assessment_complete", earlier))
    later = start(caseworker, case, under_18=False)
    page = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "Screening" in page
    assert "Start a new screening" in page
    assert "Indicators consistent with trafficking" in page
    assert "Not enough information yet" in page  # the new one, read now
    assert page.count(CATALOGUE.version) >= 2
    assert url("assessment_result", earlier) in page
    assert step_url(later, 1) in page


# --- Audit -----------------------------------------------------------------------------------


def test_reading_the_interview_and_the_result_is_audited(
    signed_in, caseworker, assessment, intruder
):
    client = signed_in(caseworker)
    client.get(step_url(assessment, 1))
    client.get(url("assessment_result", assessment))
    client.get(url("assessment_summary", assessment))
    views = AuditEvent.objects.filter(action="assessment.view", object_id=str(assessment.case_id))
    assert sorted(e.detail["via"] for e in views) == ["interview", "result", "summary"]
    assert all(e.actor == caseworker for e in views)
    assert all(e.detail["assessment"] == str(assessment.pk) for e in views)


def test_answers_are_audited_by_indicator_without_the_evidence(
    signed_in, caseworker, assessment, intruder
):
    signed_in(caseworker).post(
        step_url(assessment, 5),
        step_data({PASSPORT: "yes"}, evidence={PASSPORT: EVIDENCE}),
    )
    event = AuditEvent.objects.get(action="assessment.answer")
    assert event.detail["indicators"] == [PASSPORT]
    assert EVIDENCE not in str(event.detail)


# --- The evidence summary --------------------------------------------------------------------


def test_the_printable_summary_has_the_evidence_and_the_pseudonym_but_not_the_legal_name(
    signed_in, caseworker, assessment, intruder
):
    client = signed_in(caseworker)
    answer_everything_needed(client, assessment)
    response = client.get(url("assessment_summary", assessment))
    assert response.status_code == 200
    page = response.content.decode()
    case = assessment.case
    assert case.reference in page
    assert "Birch" in page
    assert EVIDENCE in page
    assert "The person, first interview" in page
    assert "Indicators consistent with trafficking" in page
    assert "Criminal Code" in page  # a supported element's citation, and a source
    assert "Operational indicators of trafficking in human beings" in page
    assert CATALOGUE.version in page
    for identifying in ("Rosa Example", "416-555-0142", "AB 123 456"):
        assert identifying not in page
    assert 'class="site-header"' not in page  # its own printable page
    assert "@media print" not in page  # the print rules live in the stylesheet


def test_the_docx_summary_is_an_audited_attachment_named_after_the_case_reference(
    signed_in, caseworker, assessment, intruder
):
    client = signed_in(caseworker)
    answer_everything_needed(client, assessment)
    response = client.get(url("assessment_docx", assessment))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert assessment.case.reference in disposition
    assert "Birch" not in disposition and "Rosa" not in disposition
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="assessment.export")
    assert event.actor == caseworker
    assert event.detail == {"assessment": str(assessment.pk), "format": "docx"}

    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    assert EVIDENCE in text
    assert "The person, first interview" in text
    assert "Birch" in text and assessment.case.reference in text
    assert "Indicators consistent with trafficking" in text
    for identifying in ("Rosa Example", "416-555-0142", "AB 123 456"):
        assert identifying not in text
    assert document.core_properties.author == "Harbour"


def test_the_summary_follows_the_staff_language(signed_in, caseworker, assessment, intruder):
    client = signed_in(caseworker)
    answer_everything_needed(client, assessment)
    page = client.get(
        url("assessment_summary", assessment), HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9"
    ).content.decode()
    assert '<html lang="fr">' in page
    assert "Indicateurs compatibles avec la traite" in page


# --- Who may see it --------------------------------------------------------------------------

PAGES = [
    ("GET", "assessment_result"),
    ("GET", "assessment_facts"),
    ("POST", "assessment_facts"),
    ("GET", "assessment_step"),
    ("POST", "assessment_step"),
    ("POST", "assessment_complete"),
    ("GET", "assessment_summary"),
    ("GET", "assessment_docx"),
]


def _visit(client: Client, method: str, name: str, assessment: Assessment) -> Any:
    target = step_url(assessment, 1) if name == "assessment_step" else url(name, assessment)
    return client.get(target) if method == "GET" else client.post(target, {"action": "next"})


@pytest.mark.parametrize(("method", "name"), PAGES)
def test_an_intruder_finds_no_screening_of_another_organisation(
    signed_in, intruder, assessment, method, name
):
    response = _visit(signed_in(intruder), method, name, assessment)
    assert response.status_code == 404
    assert b"Birch" not in response.content
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.IN_PROGRESS
    assert not AuditEvent.objects.filter(action__startswith="assessment.", actor=intruder).exists()


def test_an_intruder_cannot_start_a_screening_on_another_organisations_case(
    signed_in, intruder, case
):
    client = signed_in(intruder)
    start_url = reverse("screening:assessment_start", args=[case.pk])
    assert client.get(start_url).status_code == 404
    response = client.post(start_url, {"interview_language": "en", "under_18": "no"})
    assert response.status_code == 404
    assert not Assessment.objects.exists()


def test_an_assessment_is_only_found_through_its_own_case(
    signed_in, caseworker, case, assessment, their_assessment, intruder
):
    client = signed_in(caseworker)
    # Their assessment through our case, and our assessment through another of our cases.
    theirs = reverse("screening:assessment_result", args=[case.pk, their_assessment.pk])
    assert client.get(theirs).status_code == 404
    another = open_demo_case(caseworker, pseudonym="Cedar")
    mixed = reverse("screening:assessment_result", args=[another.pk, assessment.pk])
    assert client.get(mixed).status_code == 404


@pytest.mark.parametrize(("method", "name"), PAGES)
def test_an_analyst_is_refused_every_screening_page(
    signed_in, analyst, assessment, intruder, method, name
):
    assert _visit(signed_in(analyst), method, name, assessment).status_code == 403


def test_french_staff_see_the_interview_and_the_reading_in_french(
    signed_in, caseworker, assessment, intruder
):
    client = signed_in(caseworker)
    answer_everything_needed(client, assessment)
    french = {"HTTP_ACCEPT_LANGUAGE": "fr-CA,fr;q=0.9"}
    step = client.get(step_url(assessment, 1), **french).content.decode()
    nature = CATALOGUE.indicator(L + "deceptive_recruitment.nature_of_job")
    assert f"Étape 1 sur {len(STEPS)}" in step
    assert escape(nature.label.fr) in step  # the caseworker's help follows the screen
    assert escape(nature.question.en) in step  # the question follows the interview
    assert "Enregistrer et continuer" in step
    assert "Préfère ne pas répondre" in step
    result = client.get(url("assessment_result", assessment), **french).content.decode()
    assert "Indicateurs compatibles avec la traite" in result
    assert "Éléments juridiques" in result
    assert "Terminer l'évaluation" in result
