"""The law-first path in the pages: a child's interview and a sexual-exploitation
interview say which list applies, that it is pending, and ask the law's own
elements; the result leads with the law-first reading. With an intruder from
another organisation, who sees none of it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils.html import escape

from harbour.audit.models import AuditEvent
from harbour.audit.services import Actor
from harbour.cases.models import Case
from harbour.screening import services
from harbour.screening.models import Assessment

CHILD_STORY = {
    "law.act.held_or_housed": "yes",
    "law.act.controlled_movements": "yes",
}
EXPLOITATION = {
    "law.exploitation.labour_or_service": "yes",
    "law.exploitation.threat_to_someone_known": "yes",
    "law.purpose.to_exploit": "yes",
}


def start(user: Any, case: Case, **facts: Any) -> Assessment:
    return services.start_assessment(Actor(user=user, ip_address="127.0.0.1"), case, **facts)


def step_url(assessment: Assessment, step: int) -> str:
    return reverse("screening:assessment_step", args=[assessment.case_id, assessment.pk, step])


def result_url(assessment: Assessment) -> str:
    return reverse("screening:assessment_result", args=[assessment.case_id, assessment.pk])


def post(answers: dict[str, str], action: str = "next") -> dict[str, str]:
    return {**{f"answer:{i}": v for i, v in answers.items()}, "action": action}


@pytest.fixture
def child(caseworker, case) -> Assessment:
    return start(caseworker, case, under_18=True, came_to_canada_from_abroad=False)


def test_a_childs_interview_names_the_pending_child_list_and_asks_the_law_first_questions(
    signed_in, caseworker, child, intruder
):
    page = signed_in(caseworker).get(step_url(child, 1)).content.decode()
    assert escape("The list that applies is “Children: trafficking for labour exploitation”") in (
        page
    )
    assert "pending verification" in page
    assert "s. 279.011 applies" in page
    assert "What was done to the person" in page
    assert "adult_labour" not in page  # the adult list is never asked in its place
    assert "Step 1 of 3" in page  # act, exploitation, means: no entry questions
    assert "Criminal Code, s. 279.01(1)" in page


def test_law_first_answers_are_saved_and_the_result_leads_with_the_law_first_reading(
    signed_in, caseworker, child, intruder
):
    client = signed_in(caseworker)
    assert client.post(step_url(child, 1), post(CHILD_STORY)).status_code == 302
    assert client.post(step_url(child, 2), post(EXPLOITATION, "result")).status_code == 302
    saved = dict(child.answers.values_list("indicator_id", "value"))
    assert saved == {**CHILD_STORY, **EXPLOITATION}
    page = client.get(result_url(child)).content.decode()
    assert "Answers support every element of trafficking in persons" in page
    assert "Trafficking of a person under 18 (Criminal Code, s. 279.011)" in page
    assert "ILO/EC indicators, for information" in page
    assert page.index("law-first-title") < page.index("reading-title")
    events = AuditEvent.objects.filter(action="assessment.answer", object_id=str(child.case_id))
    assert events.count() == 2


def test_sexual_exploitation_recorded_in_the_facts_switches_the_interview_to_the_law(
    signed_in, caseworker, case, intruder
):
    client = signed_in(caseworker)
    assessment = start(caseworker, case, under_18=False, came_to_canada_from_abroad=True)
    assert "adult_labour" in client.get(step_url(assessment, 1)).content.decode()
    facts_url = reverse("screening:assessment_facts", args=[case.pk, assessment.pk])
    response = client.post(
        facts_url,
        {"under_18": "no", "came_to_canada_from_abroad": "yes", "sexual_exploitation": "yes"},
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.sexual_exploitation is True
    page = client.get(step_url(assessment, 1)).content.decode()
    assert escape("“Adults: trafficking for sexual exploitation”") in page
    assert "adult_labour" not in page
    assert "Step 1 of 4" in page


def test_the_start_form_takes_sexual_exploitation_from_the_case(
    signed_in, caseworker, case, intruder
):
    case.forms = ["sexual_exploitation"]
    case.save()
    page = signed_in(caseworker).get(reverse("screening:assessment_start", args=[case.pk]))
    html = page.content.decode()
    assert "Was the person made to provide or offer sexual services?" in html
    assert re.search(r'<input[^>]*name="sexual_exploitation"[^>]*value="yes"[^>]*checked', html)
    assert not re.search(
        r'<input[^>]*name="sexual_exploitation"[^>]*value="unknown"[^>]*checked', html
    )


def test_a_french_caseworker_reads_the_child_notices_in_french(
    signed_in, caseworker, child, intruder
):
    french = {"HTTP_ACCEPT_LANGUAGE": "fr-CA,fr;q=0.9"}
    page = signed_in(caseworker).get(step_url(child, 1), **french).content.decode()
    assert escape("« Enfants : traite à des fins d'exploitation par le travail »") in page
    assert "Ce qui a été fait à la personne" in page
    assert "Code criminel, art. 279.01(1)" in page


def test_an_intruder_finds_neither_the_law_first_steps_nor_the_reading(
    signed_in, caseworker, child, intruder
):
    client = signed_in(intruder)
    assert client.get(step_url(child, 1)).status_code == 404
    assert client.post(step_url(child, 1), post(CHILD_STORY)).status_code == 404
    assert client.get(result_url(child)).status_code == 404
    assert not child.answers.exists()
