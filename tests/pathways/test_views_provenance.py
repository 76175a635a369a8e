"""The navigator from a case: facts the records imply, each with its provenance;
facts staff enter, stated, documented (with one of the case's documents) or
assumed; the stored document's versions; and the results page showing
applicability, caps, not-yet dates and provenance. With an intruder from
another organisation."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.urls import reverse

from harbour.audit.services import Actor
from harbour.cases import services as case_services
from harbour.cases.models import Case, ImmigrationStatus, PermitType
from harbour.pathways import engine, services
from harbour.pathways.facts import stored_facts
from harbour.pathways.models import CaseFacts
from tests.conftest import open_demo_case

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2026, 11, 29)
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\nwork permit\n%%EOF\n"


@pytest.fixture(autouse=True)
def document_root(tmp_path: Any, settings: Any) -> Any:
    settings.DOCUMENT_ROOT = tmp_path / "documents"
    return settings.DOCUMENT_ROOT


def navigator_url(case: Case) -> str:
    return reverse("pathways:case_navigator", args=[case.pk]) + f"?as_of={AS_OF.isoformat()}"


def worker_case(user: Any) -> Case:
    return open_demo_case(
        user,
        immigration_status=ImmigrationStatus.TEMPORARY_WORKER,
        permit_type=PermitType.EMPLOYER_SPECIFIC,
        permit_expiry=datetime.date(2027, 3, 1),
    )


def test_a_temporary_worker_with_an_employer_specific_permit_is_in_canada_and_works_here(
    caseworker: Any,
) -> None:
    view = services.facts_for_case(worker_case(caseworker))
    assert view.facts.in_canada is True
    assert view.facts.works_or_worked_in_canada is True
    assert view.facts.status == "temporary_resident"
    assert view.facts.province == "ON"
    # The demo case records labour trafficking: abuse at work, from the record.
    assert view.facts.abuse_at_work is True
    assert {view.sources[n].source for n in ("in_canada", "abuse_at_work", "status")} == {"record"}


def test_a_citizen_or_permanent_resident_on_record_makes_immigration_pathways_not_applicable(
    caseworker: Any, signed_in: Any
) -> None:
    case = open_demo_case(caseworker, immigration_status=ImmigrationStatus.CITIZEN_OR_PR)
    page = signed_in(caseworker).get(navigator_url(case))
    groups = {g.status.value: g for g in page.context["groups"]}
    not_applicable = {p.id for p in groups["not_applicable"].pathways}
    assert {"vtip_trp", "owp_vulnerable_workers", "pr_permit_holders"} <= not_applicable
    assert "vtip_trp" not in {p.id for p in groups["not_eligible"].pathways}


def test_other_provinces_are_one_collapsed_line_naming_the_persons_province(
    caseworker: Any, signed_in: Any
) -> None:
    page = signed_in(caseworker).get(navigator_url(worker_case(caseworker)))
    group = next(g for g in page.context["groups"] if g.status.value == "not_applicable")
    elsewhere = {p.id for p in group.other_provinces}
    assert {"employment_standards_ab", "qc_cnesst", "bc_tfwpa"} <= elsewhere
    assert not elsewhere & {p.id for p in group.pathways}
    content = page.content.decode()
    assert content.count('id="other-provinces"') == 1
    assert "not applicable — the person works in Ontario" in content
    assert 'id="pathway-employment_standards_ab"' not in content


def test_provenance_is_shown_beside_each_criterion(caseworker: Any, signed_in: Any) -> None:
    page = signed_in(caseworker).get(navigator_url(worker_case(caseworker)))
    content = page.content.decode()
    assert "Is the person in Canada? — from the record" in content
    owp = page.context["result"].pathway("owp_vulnerable_workers")
    assert dict(owp.criterion("in_canada").provenance)["in_canada"].source == "record"


def test_a_fact_documented_by_a_case_document_is_stored_with_the_document(
    caseworker: Any, signed_in: Any
) -> None:
    case = worker_case(caseworker)
    document = case_services.upload_document(Actor(user=caseworker), case, PDF, "permit.pdf")
    client = signed_in(caseworker)
    response = client.post(
        navigator_url(case),
        {
            "as_of": AS_OF.isoformat(),
            "last_worked_on": "2026-10-15",
            "last_worked_on__source": "stated",
            "in_canada": "yes",
            "in_canada__source": "stated",
            "permit_type": "employer_specific_work_permit",
            "permit_type__document": str(document.pk),
        },
    )
    assert response.status_code == 302
    saved = stored_facts(CaseFacts.objects.get(case=case).values)
    assert saved.sources["last_worked_on"] == engine.Provenance("stated")
    # Same value as the record, kept because a document now shows it.
    assert saved.sources["permit_type"] == engine.Provenance("documented", str(document.pk))
    page = client.get(navigator_url(case))
    content = page.content.decode()
    assert "documented: permit.pdf" in content
    assert "Is the person in Canada? — stated by the person" in content
    esa = page.context["result"].pathway("on_esa_claim")
    assert esa.date("claim_limit").date == datetime.date(2028, 10, 15)


def test_documented_without_a_document_is_refused_and_nothing_is_saved(
    caseworker: Any, signed_in: Any
) -> None:
    case = worker_case(caseworker)
    case_services.upload_document(Actor(user=caseworker), case, PDF, "permit.pdf")
    response = signed_in(caseworker).post(
        navigator_url(case),
        {"as_of": AS_OF.isoformat(), "in_canada": "yes", "in_canada__source": "documented"},
    )
    assert response.status_code == 400
    assert "in_canada__document" in response.context["form"].errors


def test_without_documents_on_the_case_documented_is_not_offered(
    caseworker: Any, signed_in: Any
) -> None:
    case = worker_case(caseworker)
    form = signed_in(caseworker).get(navigator_url(case)).context["form"]
    assert "in_canada__document" not in form.fields
    assert "documented" not in dict(form.fields["in_canada__source"].choices)
    assert not CaseFacts.objects.filter(case=case).exists()


def test_a_document_of_another_case_cannot_be_named(caseworker: Any) -> None:
    case, other = worker_case(caseworker), open_demo_case(caseworker, pseudonym="Spruce")
    document = case_services.upload_document(Actor(user=caseworker), other, PDF, "other.pdf")
    with pytest.raises(ValueError, match="not one of this case's documents"):
        services.save_case_facts(
            Actor(user=caseworker),
            case,
            engine.Facts(in_canada=True),
            {"in_canada": engine.Provenance("documented", str(document.pk))},
        )
    assert not CaseFacts.objects.filter(case=case).exists()


def test_a_version_1_document_still_loads_its_facts_as_assumed(caseworker: Any) -> None:
    case = worker_case(caseworker)
    saved = CaseFacts(case=case)
    saved.facts_json = json.dumps({"status_lost_on": "2026-11-01", "retired_fact": True})
    saved.save()
    view = services.facts_for_case(case)
    assert view.facts.status_lost_on == datetime.date(2026, 11, 1)
    assert view.sources["status_lost_on"] == engine.Provenance("assumed")
    assert view.origins()["status_lost_on"] == "assumed by staff"


def test_the_results_show_caps_and_not_yet_dates(caseworker: Any, signed_in: Any) -> None:
    case = open_demo_case(
        caseworker,
        immigration_status=ImmigrationStatus.TRP_HOLDER,
        permit_type=PermitType.TRP,
    )
    client = signed_in(caseworker)
    client.post(
        navigator_url(case),
        {
            "as_of": AS_OF.isoformat(),
            "trp_issued_on": "2022-12-01",
            "trp_issued_on__source": "stated",
            "inadmissibility": "other",
            "inadmissible_since_permit": "no",
        },
    )
    page = client.get(navigator_url(case))
    result = page.context["result"]
    assert result.pathway("pr_permit_holders").status is engine.Status.NOT_YET
    content = page.content.decode()
    assert "Every unmet criterion is met on" in content
    assert "Capped at possibly eligible" in content  # the Ontario ESA rules are secondary


def test_an_intruder_cannot_save_provenance_on_our_case(
    intruder: Any, caseworker: Any, signed_in: Any
) -> None:
    case = worker_case(caseworker)
    response = signed_in(intruder).post(
        navigator_url(case), {"as_of": AS_OF.isoformat(), "in_canada__source": "stated"}
    )
    assert response.status_code == 404
    assert not CaseFacts.objects.filter(case=case).exists()


def _letter_text(content: bytes) -> str:
    import io

    from docx import Document

    document = Document(io.BytesIO(content))
    return "\n".join(p.text for p in document.paragraphs)


def test_a_letter_asserts_stated_and_documented_facts_only(caseworker: Any, signed_in: Any) -> None:
    case = worker_case(caseworker)
    client = signed_in(caseworker)
    client.post(
        navigator_url(case),
        {
            "as_of": AS_OF.isoformat(),
            "in_canada": "yes",
            "in_canada__source": "stated",
            "abuse_at_work": "yes",
            "abuse_at_work__source": "assumed",
        },
    )
    url = reverse("pathways:case_letter", args=[case.pk, "owp-vulnerable-workers"])
    text = _letter_text(client.get(url, {"as_of": AS_OF.isoformat(), "language": "en"}).content)
    lines = text.splitlines()
    # Stated by the person: asserted as it is.
    assert any(line.startswith("The worker is in Canada (") for line in lines)
    # Assumed by staff, or only in Harbour's records: to confirm, saying why.
    assert any(
        line.startswith("[To confirm before sending:") and "assumed by staff" in line
        for line in lines
    )
    assert any("Immigration status: from the record" in line for line in lines)
    # The rules' review date has passed on the day of the letter: it says so.
    assert "These rules were due for review by" in text
    assert "Harbour's reading on these facts:" in text
