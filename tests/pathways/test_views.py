"""The protection navigator pages: from a case (facts filled from the records,
saved, evaluated, deadlines added as tasks, letters drafted) and on their own,
and the knowledge page. With an intruder from another organisation and an
analyst, who see none of a case."""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from docx import Document

from harbour.audit.models import AuditEvent
from harbour.audit.services import Actor
from harbour.cases.models import Case, ImmigrationStatus, PermitType
from harbour.pathways import services
from harbour.pathways.facts import stored_facts
from harbour.pathways.models import CaseFacts
from harbour.pathways.rules import load_pathways
from harbour.screening import services as screening_services
from tests.conftest import open_demo_case

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 11, 29)
# Out of status in Ontario since 1 Nov 2026, with indicators of trafficking:
# restoration (90 days) and the TRP are open.
LOST_STATUS = {
    "as_of": AS_OF.isoformat(),
    "in_canada": "yes",
    "province": "ON",
    "status": "out_of_status",
    "status_lost_on": "2026-11-01",
    "status_lost_reason": "work_conditions",
    "screening_reading": "trafficking_indicated",
    "prior_refugee_claim": "no",
    "designated_foreign_national": "no",
}


def navigator_url(case: Case, **query: str) -> str:
    url = reverse("pathways:case_navigator", args=[case.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def completed_screening(user: Any, case: Case) -> None:
    actor = Actor(user=user, ip_address="127.0.0.1")
    assessment = screening_services.start_assessment(actor, case, interview_language="en")
    labour = "adult_labour."
    answers = [
        (
            labour + "deceptive_recruitment.nature_of_job",
            "yes",
            "Promised farm work, sent elsewhere.",
        ),
        (labour + "deceptive_recruitment.wages", "yes", ""),
        (labour + "exploitative_conditions.excessive_working_days_or_hours", "yes", ""),
        (labour + "exploitative_conditions.low_or_no_salary", "yes", ""),
        (
            labour + "coercion_at_destination.confiscation_of_documents",
            "yes",
            "Passport in the safe.",
        ),
        (labour + "coercion_at_destination.isolation_confinement_or_surveillance", "yes", ""),
    ]
    screening_services.record_answers(
        actor,
        assessment,
        [screening_services.AnswerInput(i, v, e, "the person") for i, v, e in answers],
    )
    screening_services.complete_assessment(actor, assessment)


# --- From a case ---------------------------------------------------------------------------


def test_it_fills_facts_from_the_person_the_case_and_the_latest_screening(
    caseworker: Any, signed_in: Any
) -> None:
    case = open_demo_case(
        caseworker,
        immigration_status=ImmigrationStatus.TEMPORARY_WORKER,
        permit_type=PermitType.EMPLOYER_SPECIFIC,
        permit_expiry=datetime.date(2027, 3, 1),
    )
    completed_screening(caseworker, case)
    response = signed_in(caseworker).get(navigator_url(case, as_of=AS_OF.isoformat()))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["status"].value() == "temporary_resident"
    assert form["permit_type"].value() == "employer_specific_work_permit"
    assert form["screening_reading"].value() == "trafficking_indicated"
    assert form["province"].value() == "ON"
    assert "From: latest completed screening" in response.content.decode()


def test_saving_facts_keeps_them_encrypted_and_shows_the_pathways(
    caseworker: Any, case: Case, signed_in: Any
) -> None:
    client = signed_in(caseworker)
    response = client.post(navigator_url(case), LOST_STATUS)
    assert response.status_code == 302
    assert response["Location"].endswith(f"?as_of={AS_OF.isoformat()}#results")
    assert "2026-11-01" not in response["Location"]  # facts never travel in the URL
    saved = stored_facts(CaseFacts.objects.get(case=case).values)
    assert saved.values["status_lost_on"] == "2026-11-01"
    assert saved.sources["status_lost_on"].source == "assumed"  # nobody said how it is known
    assert "province" not in saved.values  # the case already says so
    page = client.get(navigator_url(case, as_of=AS_OF.isoformat()))
    groups = {g.status.value: [p.id for p in g.pathways] for g in page.context["groups"]}
    assert "restoration_of_status" in groups["likely_eligible"] + groups["possibly_eligible"]
    assert "vtip_trp" in groups["likely_eligible"] + groups["possibly_eligible"]
    content = page.content.decode()
    assert "Rules in force on" in content


def test_the_raw_database_never_holds_the_saved_facts(
    caseworker: Any, case: Case, signed_in: Any
) -> None:
    from django.db import connection

    signed_in(caseworker).post(navigator_url(case), LOST_STATUS)
    with connection.cursor() as cursor:
        cursor.execute("SELECT facts_json FROM pathways_casefacts")
        (raw,) = cursor.fetchone()
    assert "2026-11-01" not in raw and "out_of_status" not in raw


def test_a_bad_fact_is_named_and_nothing_is_saved(
    caseworker: Any, case: Case, signed_in: Any
) -> None:
    response = signed_in(caseworker).post(
        navigator_url(case), {**LOST_STATUS, "status_lost_on": "2026-13-45", "status": "martian"}
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert "status_lost_on" in form.errors and "status" in form.errors
    assert not CaseFacts.objects.filter(case=case).exists()


def test_what_to_ask_next_lists_unknown_facts_most_decisive_first(
    caseworker: Any, case: Case, signed_in: Any
) -> None:
    page = signed_in(caseworker).get(navigator_url(case, as_of=AS_OF.isoformat()))
    items = page.context["next_facts"]
    assert items, "with almost nothing known, some fact must decide something"
    decides = [item.fact.decides for item in items]
    assert decides == sorted(decides, reverse=True)
    assert all(item.label and item.label != item.fact.fact for item in items)


def test_every_view_of_the_navigator_is_audited(
    caseworker: Any, case: Case, signed_in: Any
) -> None:
    signed_in(caseworker).get(navigator_url(case))
    assert AuditEvent.objects.filter(action="pathways.view", object_id=str(case.pk)).exists()


def test_adding_deadlines_makes_case_tasks_once(
    caseworker: Any, case: Case, signed_in: Any
) -> None:
    client = signed_in(caseworker)
    client.post(navigator_url(case), LOST_STATUS)
    page = client.get(navigator_url(case, as_of=AS_OF.isoformat()))
    keys = [choice.key for choice in page.context["deadline_choices"]]
    assert "pathway:restoration_of_status:restoration_deadline" in keys
    url = reverse("pathways:case_deadlines", args=[case.pk])
    data = {"as_of": AS_OF.isoformat(), "deadlines": keys}
    assert client.post(url, data).status_code == 302
    tasks = case.tasks.filter(source__startswith="pathway:")
    restoration = tasks.get(source="pathway:restoration_of_status:restoration_deadline")
    assert restoration.due_on == datetime.date(2027, 1, 30)  # 90 days after 1 Nov 2026
    assert client.post(url, data).status_code == 302
    assert case.tasks.filter(source__startswith="pathway:").count() == tasks.count()


def test_a_deadline_that_is_not_open_is_refused(
    caseworker: Any, case: Case, signed_in: Any
) -> None:
    client = signed_in(caseworker)
    url = reverse("pathways:case_deadlines", args=[case.pk])
    response = client.post(
        url, {"as_of": AS_OF.isoformat(), "deadlines": ["pathway:vtip_trp:not_a_deadline"]}
    )
    assert response.status_code == 302
    assert not case.tasks.filter(source__startswith="pathway:").exists()


def test_an_intruder_cannot_open_save_or_add_deadlines_to_our_case(
    intruder: Any, case: Case, signed_in: Any
) -> None:
    client = signed_in(intruder)
    assert client.get(navigator_url(case)).status_code == 404
    assert client.post(navigator_url(case), LOST_STATUS).status_code == 404
    deadlines = reverse("pathways:case_deadlines", args=[case.pk])
    assert client.post(deadlines, {"as_of": "2026-11-29"}).status_code == 404
    letter = reverse("pathways:case_letter", args=[case.pk, "vtip-trp"])
    assert client.get(letter).status_code == 404
    assert not CaseFacts.objects.exists()


def test_an_analyst_never_sees_a_case_navigator(analyst: Any, case: Case, signed_in: Any) -> None:
    assert signed_in(analyst).get(navigator_url(case)).status_code == 403


# --- Letters -------------------------------------------------------------------------------


def _letter_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


@pytest.mark.parametrize("letter", ["vtip-trp", "owp-vulnerable-workers"])
def test_a_support_letter_is_an_editable_draft_without_identifying_data(
    letter: str, caseworker: Any, signed_in: Any
) -> None:
    case = open_demo_case(caseworker, date_of_birth=datetime.date(1990, 5, 4))
    completed_screening(caseworker, case)
    client = signed_in(caseworker)
    client.post(navigator_url(case), LOST_STATUS)
    url = reverse("pathways:case_letter", args=[case.pk, letter])
    response = client.get(url, {"as_of": AS_OF.isoformat(), "language": "en"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert case.reference in response["Content-Disposition"]
    text = _letter_text(response.content)
    assert case.reference in text
    assert "[full legal name]" in text
    for secret in ("Rosa Example", "416-555-0142", "AB 123 456", "1990"):
        assert secret not in text
        assert secret not in response["Content-Disposition"]
    assert "Passport in the safe." in text  # the screening's evidence, reviewed by staff
    assert "Immigration and Refugee Protection" in text
    assert AuditEvent.objects.filter(action="pathways.letter", object_id=str(case.pk)).exists()


def test_a_letter_in_french_is_written_in_french(
    caseworker: Any, case: Case, signed_in: Any
) -> None:
    client = signed_in(caseworker)
    url = reverse("pathways:case_letter", args=[case.pk, "vtip-trp"])
    text = _letter_text(client.get(url, {"language": "fr"}).content)
    assert "Madame, Monsieur" in text or "À l'agent" in text
    assert re.search(r"Permis de séjour temporaire", text, re.IGNORECASE)


def test_a_letter_without_screening_asks_the_caseworker_to_describe_what_they_saw(
    caseworker: Any, case: Case, signed_in: Any
) -> None:
    url = reverse("pathways:case_letter", args=[case.pk, "owp-vulnerable-workers"])
    text = _letter_text(signed_in(caseworker).get(url, {"language": "en"}).content)
    assert "No completed screening is recorded" in text


def test_an_unknown_letter_is_not_found(caseworker: Any, case: Case, signed_in: Any) -> None:
    url = reverse("pathways:case_letter", args=[case.pk, "eviction-notice"])
    assert signed_in(caseworker).get(url).status_code == 404


# --- Standalone and knowledge ----------------------------------------------------------------


def test_the_standalone_navigator_evaluates_without_storing(
    caseworker: Any, signed_in: Any
) -> None:
    client: Client = signed_in(caseworker)
    assert client.get(reverse("pathways:navigator")).status_code == 200
    response = client.post(reverse("pathways:navigator"), LOST_STATUS)
    assert response.status_code == 200
    assert response.context["result"].as_of == AS_OF
    assert not CaseFacts.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="pathways.").exists()


def test_the_standalone_navigator_names_a_bad_date(caseworker: Any, signed_in: Any) -> None:
    response = signed_in(caseworker).post(
        reverse("pathways:navigator"), {**LOST_STATUS, "as_of": "tomorrow"}
    )
    assert response.status_code == 400
    assert "as_of" in response.context["form"].errors


def test_the_knowledge_page_lists_every_rule_with_its_source_and_dates(
    analyst: Any, signed_in: Any
) -> None:
    response = signed_in(analyst).get(reverse("pathways:knowledge"))
    assert response.status_code == 200
    content = response.content.decode()
    pathways = load_pathways()
    total = sum(1 for p in pathways for _ in p.dated_entries())
    assert response.context["total_rules"] == total
    for pathway in pathways:
        assert f'id="rules-{pathway.id}"' in content
        for source in pathway.sources:
            assert source.url.replace("&", "&amp;") in content
    assert "Unverified" in content


def test_the_knowledge_page_flags_pathways_past_their_review_date(
    analyst: Any, signed_in: Any
) -> None:
    response = signed_in(analyst).get(reverse("pathways:knowledge"))
    overdue = {r.pathway.id for r in response.context["overdue"]}
    today = response.context["today"]
    assert overdue == {p.id for p in load_pathways() if p.review_by < today}


def test_services_refuse_another_organisations_case(intruder: Any, case: Case) -> None:
    from harbour.cases.services import NotAllowed
    from harbour.pathways import engine

    with pytest.raises(NotAllowed):
        services.save_case_facts(Actor(user=intruder), case, engine.Facts(in_canada=True))
