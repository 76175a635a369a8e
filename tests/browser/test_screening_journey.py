"""A screening interview in a real browser, with axe-core looking at every page.

A caseworker starts a screening from a case, answers enough for "indicators
consistent with trafficking" (adult, labour exploitation) while skipping
questions and recording "don't know" and "prefers not to say", stops and
resumes, reads the result, completes it, opens the printable evidence summary
and downloads the Word version; then a second screening is held in French.
A second journey screens a sixteen-year-old: the child list is pending, so the
interview says so and asks the law's own elements (s. 279.011), and the result
and the summary lead with that reading. An intruder from another organisation
finds none of it.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import expect

from harbour.audit.models import AuditEvent
from harbour.screening.catalogue import load_catalogue
from harbour.screening.models import Answer, Assessment, AssessmentStatus
from tests.browser.conftest import SCREENSHOTS
from tests.conftest import open_demo_case

pytestmark = pytest.mark.browser

CATALOGUE = load_catalogue()
L = "adult_labour."
EVIDENCE = "Employer keeps her passport in the office safe since arrival."


def question(page, indicator_id: str, language: str = "en"):
    """The group of one question, found by its text in the interview language."""
    text = getattr(CATALOGUE.indicator(indicator_id).question, language)
    return page.get_by_role("group", name=text)


def answer(page, indicator_id: str, choice: str, language: str = "en") -> None:
    question(page, indicator_id, language).get_by_label(choice, exact=True).check()


def add_evidence(page, indicator_id: str, note: str, given_by: str) -> None:
    group = question(page, indicator_id)
    group.get_by_text("Evidence note and who gave it").click()
    group.get_by_label("Evidence note", exact=True).fill(note)
    group.get_by_label("Who gave this information", exact=True).fill(given_by)


def test_caseworker_holds_a_screening_interview_and_hands_on_the_evidence(
    page, caseworker, intruder, with_authenticator, sign_in_through_the_browser, look_at
):
    case = open_demo_case(caseworker, pseudonym="Willow")
    with_authenticator(caseworker)
    sign_in_through_the_browser(page, caseworker)

    page.goto(f"/cases/{case.pk}/")
    screening = page.locator("section", has=page.get_by_role("heading", name="Screening"))
    expect(screening.get_by_text("No screening yet.")).to_be_visible()
    screening.get_by_role("link", name="Start a new screening").click()

    # The start page: language of the interview and two facts.
    expect(page.get_by_role("heading", level=1, name="New screening")).to_be_visible()
    look_at(page, "screening-start")
    look_at(page, "screening-start-phone", phone=True)
    expect(page.get_by_role("radio", name="English")).to_be_checked()
    page.get_by_role("group", name="Is the person under 18?").get_by_label("No", exact=True).check()
    page.get_by_role("group", name="Did the person come to Canada from abroad?").get_by_label(
        "Yes", exact=True
    ).check()
    page.get_by_role("button", name="Start the interview").click()

    # Step 1: deceptive recruitment. Yes, yes, don't know, prefers not to say; the rest skipped.
    expect(page.get_by_role("heading", level=1, name="Deceptive recruitment")).to_be_visible()
    expect(page.get_by_text("Step 1 of 10")).to_be_visible()
    expect(page.get_by_text("Unverified").first).to_be_visible()
    answer(page, L + "deceptive_recruitment.nature_of_job", "Yes")
    add_evidence(
        page,
        L + "deceptive_recruitment.nature_of_job",
        "Recruited for a hotel in Toronto; put to work on a farm.",
        "The person",
    )
    answer(page, L + "deceptive_recruitment.wages", "Yes")
    answer(page, L + "deceptive_recruitment.contract", "Don't know")
    answer(page, L + "deceptive_recruitment.housing", "Prefers not to say")
    look_at(page, "screening-step-1")
    look_at(page, "screening-step-1-phone", phone=True)
    page.get_by_role("button", name="Save and continue").click()

    # Step 2 is skipped as a whole.
    expect(page.get_by_text("Step 2 of 10")).to_be_visible()
    look_at(page, "screening-step-2")
    page.get_by_role("button", name="Save and continue").click()

    # Step 3: one answer, then stop for today.
    expect(page.get_by_text("Step 3 of 10")).to_be_visible()
    answer(page, L + "recruitment_abuse_of_vulnerability.economic_reasons", "Yes")
    page.get_by_role("button", name="Save and finish later").click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    expect(page.get_by_role("status")).to_contain_text("Answers saved.")
    # Read now: one means of coercion (abuse of vulnerability) is already present.
    expect(screening.get_by_text("Indicators consistent with forced labour")).to_be_visible()
    look_at(page, "screening-case-in-progress")
    assessment = Assessment.objects.get(case=case)
    values = dict(assessment.answers.values_list("indicator_id", "value"))
    assert values == {
        L + "deceptive_recruitment.nature_of_job": "yes",
        L + "deceptive_recruitment.wages": "yes",
        L + "deceptive_recruitment.contract": "unknown",
        L + "deceptive_recruitment.housing": "declined",
        L + "recruitment_abuse_of_vulnerability.economic_reasons": "yes",
    }

    # Resume where the work stopped, with the answers in place.
    screening.get_by_role("link", name="Continue interview").click()
    expect(page.get_by_text("Step 3 of 10")).to_be_visible()
    expect(
        question(page, L + "recruitment_abuse_of_vulnerability.economic_reasons").get_by_label(
            "Yes", exact=True
        )
    ).to_be_checked()
    # Go back through the step list to check step 1 kept its evidence.
    page.get_by_role("navigation", name="Steps").get_by_role(
        "button", name="Deceptive recruitment"
    ).click()
    expect(page.get_by_text("Step 1 of 10")).to_be_visible()
    expect(
        question(page, L + "deceptive_recruitment.housing").get_by_label(
            "Prefers not to say", exact=True
        )
    ).to_be_checked()
    expect(
        question(page, L + "deceptive_recruitment.nature_of_job").get_by_label(
            "Evidence note", exact=True
        )
    ).to_have_value("Recruited for a hotel in Toronto; put to work on a farm.")
    page.get_by_role("navigation", name="Steps").get_by_role(
        "button", name="Exploitative conditions of work"
    ).click()

    # Step 4: exploitative conditions. Step 5: coercion at destination, with evidence.
    expect(page.get_by_text("Step 4 of 10")).to_be_visible()
    answer(page, L + "exploitative_conditions.excessive_working_days_or_hours", "Yes")
    answer(page, L + "exploitative_conditions.low_or_no_salary", "Yes")
    answer(page, L + "exploitative_conditions.hazardous_work", "No")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Step 5 of 10")).to_be_visible()
    answer(page, L + "coercion_at_destination.confiscation_of_documents", "Yes")
    add_evidence(
        page, L + "coercion_at_destination.confiscation_of_documents", EVIDENCE, "The person"
    )
    answer(page, L + "coercion_at_destination.isolation_confinement_or_surveillance", "Yes")
    answer(page, L + "coercion_at_destination.violence", "Prefers not to say")
    look_at(page, "screening-step-5")
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Step 6 of 10")).to_be_visible()
    look_at(page, "screening-step-6")
    # The law's own elements follow the ILO/EC list; this reading needs none of them.
    page.get_by_role("button", name="Save and see the reading so far").click()

    # The reading, explained.
    expect(
        page.get_by_role("heading", level=1, name=re.compile("Screening reading"))
    ).to_be_visible()
    expect(
        page.get_by_role("heading", level=2, name="Indicators consistent with trafficking")
    ).to_be_visible()
    expect(page.get_by_role("note")).to_contain_text("not a legal finding")
    expect(page.get_by_role("heading", name="What to ask next", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Legal elements", exact=True)).to_be_visible()
    look_at(page, "screening-result")
    look_at(page, "screening-result-phone", phone=True)

    page.get_by_role("button", name="Complete assessment").click()
    expect(page.get_by_role("status")).to_contain_text("Assessment completed.")
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.COMPLETED
    assert assessment.reading_code == "trafficking_indicated"
    expect(page.get_by_role("button", name="Complete assessment")).to_have_count(0)
    look_at(page, "screening-result-completed")
    # A completed interview can be read again, not changed.
    page.get_by_role("link", name="Read the interview").click()
    expect(page.get_by_role("status")).to_contain_text("This assessment is completed")
    expect(
        question(page, L + "deceptive_recruitment.nature_of_job").get_by_label("Yes", exact=True)
    ).to_be_disabled()
    expect(page.get_by_role("button", name="Save and continue")).to_have_count(0)
    look_at(page, "screening-step-1-completed")
    page.get_by_role("link", name="Back to the reading").click()

    # The printable evidence summary: pseudonym and reference, never the legal name.
    page.get_by_role("link", name="Evidence summary").click()
    expect(page.get_by_role("heading", level=1, name="Screening evidence summary")).to_be_visible()
    expect(page.get_by_text(EVIDENCE)).to_be_visible()
    expect(page.get_by_text("Willow").first).to_be_visible()
    assert "Rosa Example" not in page.content()
    look_at(page, "screening-summary")
    look_at(page, "screening-summary-phone", phone=True)
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation")).to_be_hidden()
    page.screenshot(path=str(SCREENSHOTS / "screening-summary-print.png"), full_page=True)
    page.emulate_media(media="screen")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as an editable Word document").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"screening-summary-{case.reference}-")
    document = Document(io.BytesIO(Path(download.path()).read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert EVIDENCE in text
    assert "Rosa Example" not in text
    assert AuditEvent.objects.filter(action="assessment.export", actor=caseworker).exists()

    # A second screening, held in French: the questions are French, the rest stays English.
    page.get_by_role("link", name="Back to the reading").click()
    page.get_by_role("link", name=case.reference).click()
    expect(screening.get_by_text("Indicators consistent with trafficking")).to_be_visible()
    screening.get_by_role("link", name="Start a new screening").click()
    page.get_by_role("radio", name="Français").check()
    page.get_by_role("group", name="Is the person under 18?").get_by_label("No", exact=True).check()
    page.get_by_role("button", name="Start the interview").click()
    expect(page.get_by_text("Step 1 of 10")).to_be_visible()
    nature = CATALOGUE.indicator(L + "deceptive_recruitment.nature_of_job")
    french_question = page.locator('span[lang="fr"]', has_text=nature.question.fr)
    expect(french_question).to_be_visible()
    expect(page.get_by_text(nature.question.en)).to_have_count(0)
    expect(page.get_by_text(nature.label.en)).to_be_visible()
    expect(page.get_by_text("Interview language: French")).to_be_visible()
    answer(page, L + "deceptive_recruitment.wages", "Yes", language="fr")
    look_at(page, "screening-step-1-fr")
    page.get_by_role("button", name="Save and finish later").click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    second = Assessment.objects.exclude(pk=assessment.pk).get(case=case)
    assert second.interview_language == "fr"
    assert Answer.objects.filter(assessment=second).count() == 1

    # The case shows both readings, newest first.
    rows = screening.get_by_role("row")
    expect(rows).to_have_count(3)
    expect(rows.nth(1)).to_contain_text("Indicators consistent with forced labour")
    expect(rows.nth(2)).to_contain_text("Indicators consistent with trafficking")
    look_at(page, "screening-case-history")
    look_at(page, "screening-case-history-phone", phone=True)

    # French staff read the same reading in French; the questions stay in the
    # language of each interview.
    page.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.goto(f"/cases/{case.pk}/screening/{assessment.pk}/")
    expect(
        page.get_by_role("heading", level=2, name="Indicateurs compatibles avec la traite")
    ).to_be_visible()
    look_at(page, "screening-result-fr")
    page.goto(f"/cases/{case.pk}/screening/{second.pk}/step/1/")
    expect(page.get_by_text("Étape 1 sur 10")).to_be_visible()
    expect(page.locator('span[lang="fr"]', has_text=nature.question.fr)).to_be_visible()
    look_at(page, "screening-step-1-fr-staff")


def test_an_intruder_from_another_organisation_finds_no_screening(
    page, caseworker, intruder, with_authenticator, sign_in_through_the_browser, look_at
):
    from harbour.audit.services import Actor
    from harbour.screening.services import start_assessment

    case = open_demo_case(caseworker, pseudonym="Willow")
    assessment = start_assessment(Actor(user=caseworker), case)
    with_authenticator(intruder)
    sign_in_through_the_browser(page, intruder)
    response = page.goto(f"/cases/{case.pk}/screening/{assessment.pk}/")
    assert response is not None and response.status == 404
    expect(page.get_by_text("Willow")).to_have_count(0)
    look_at(page, "screening-not-found")


def law_question(page, question_id: str):
    from harbour.screening.engine.law_first import compile_law_first

    law = compile_law_first(CATALOGUE)
    assert law is not None
    text = next(q.question.en for q in law.questions if q.id == question_id)
    return page.get_by_role("group", name=text)


def test_a_child_is_screened_on_the_law_first_path(
    page, caseworker, intruder, with_authenticator, sign_in_through_the_browser, look_at
):
    case = open_demo_case(caseworker, pseudonym="Aspen")
    with_authenticator(caseworker)
    sign_in_through_the_browser(page, caseworker)
    page.goto(f"/cases/{case.pk}/screening/new/")
    page.get_by_role("group", name="Is the person under 18?").get_by_label(
        "Yes", exact=True
    ).check()
    page.get_by_role("group", name="Did the person come to Canada from abroad?").get_by_label(
        "No", exact=True
    ).check()
    page.get_by_role("button", name="Start the interview").click()

    # Step 1 says which list applies, that it is pending, and asks the law's own elements.
    expect(page.get_by_role("heading", level=1, name="What was done to the person")).to_be_visible()
    expect(page.get_by_text("Step 1 of 3")).to_be_visible()
    plan = page.get_by_role("region", name="Which questions this interview asks")
    expect(plan).to_contain_text("Children: trafficking for labour exploitation")
    expect(plan).to_contain_text("pending verification")
    expect(plan).to_contain_text("s. 279.011 applies")
    law_question(page, "law.act.held_or_housed").get_by_label("Yes", exact=True).check()
    law_question(page, "law.act.controlled_movements").get_by_label("Yes", exact=True).check()
    law_question(page, "law.act.recruited").get_by_label("Don't know", exact=True).check()
    look_at(page, "screening-child-step-1")
    look_at(page, "screening-child-step-1-phone", phone=True)
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_text("Step 2 of 3")).to_be_visible()
    for question_id in (
        "law.exploitation.labour_or_service",
        "law.exploitation.threat_to_someone_known",
        "law.purpose.to_exploit",
    ):
        law_question(page, question_id).get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_text("Step 3 of 3")).to_be_visible()
    law_question(page, "law.means.abuse_of_position").get_by_label("Yes", exact=True).check()
    look_at(page, "screening-child-step-3")
    page.get_by_role("button", name="Save and see the reading").click()

    # The result leads with the law-first reading.
    expect(
        page.get_by_role(
            "heading", level=2, name="Answers support every element of trafficking in persons"
        )
    ).to_be_visible()
    offences = page.locator("ul.offences")
    expect(offences).to_contain_text("Trafficking of a person under 18 (Criminal Code, s. 279.011)")
    expect(page.get_by_text("ILO/EC indicators, for information")).to_be_visible()
    look_at(page, "screening-child-result")
    look_at(page, "screening-child-result-phone", phone=True)
    page.get_by_role("button", name="Complete assessment").click()
    expect(page.get_by_role("status")).to_contain_text("Assessment completed.")

    page.get_by_role("link", name="Evidence summary").click()
    expect(
        page.get_by_text("Answers support every element of trafficking in persons")
    ).to_be_visible()
    expect(
        page.get_by_text("Someone received, held, hid or housed the person", exact=True)
    ).to_be_visible()
    look_at(page, "screening-child-summary")
    look_at(page, "screening-child-summary-phone", phone=True)
    assessment = Assessment.objects.get(case=case)
    assert assessment.answers.filter(indicator_id__startswith="adult_labour").count() == 0

    # The intruder finds neither the interview nor the reading.
    page.context.clear_cookies()
    with_authenticator(intruder)
    sign_in_through_the_browser(page, intruder)
    response = page.goto(f"/cases/{case.pk}/screening/{assessment.pk}/")
    assert response is not None and response.status == 404
