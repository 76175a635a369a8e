"""Pathway endpoints: evaluate facts without storing them, a case's pathways from
its records, and the rules with their sources. With an intruder and an analyst."""

from __future__ import annotations

from typing import Any

import pytest

from harbour.audit.models import AuditEvent
from harbour.pathways.models import CaseFacts
from harbour.pathways.rules import load_pathways
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db

LOST_STATUS = {
    "in_canada": True,
    "province": "ON",
    "status": "out_of_status",
    "status_lost_on": "2026-11-01",
}


def test_evaluating_facts_returns_every_pathway_and_stores_nothing(
    api_as: Any, caseworker: Any
) -> None:
    client = api_as(caseworker)  # issuing the token is audited; evaluating is not
    before = AuditEvent.objects.count()
    response = client.post(
        "/api/v1/pathways/evaluate", {"facts": LOST_STATUS, "as_of": "2026-11-29"}
    )
    assert response.status_code == 200, response.content
    result = response.json()["result"]
    assert result["as_of"] == "2026-11-29"
    assert {p["id"] for p in result["pathways"]} == {p.id for p in load_pathways()}
    restoration = next(p for p in result["pathways"] if p["id"] == "restoration_of_status")
    deadline = next(d for d in restoration["dates"] if d["kind"] == "deadline")
    assert deadline["date"] == "2027-01-30"
    assert deadline["rule"]["url"].startswith("https://")
    assert not CaseFacts.objects.exists()
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("facts", "field"),
    [
        ({"status": "martian"}, "status"),
        ({"status_lost_on": "2026-02-30"}, "status_lost_on"),
        ({"in_canada": "maybe"}, "in_canada"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
    ],
)
def test_a_bad_fact_is_refused_with_422_naming_it(
    api_as: Any, caseworker: Any, facts: dict[str, Any], field: str
) -> None:
    response = api_as(caseworker).post("/api/v1/pathways/evaluate", {"facts": facts})
    assert response.status_code == 422
    assert field in str(response.json())


def test_a_cases_pathways_use_its_records_and_are_audited(
    api_as: Any, caseworker: Any, case: Any
) -> None:
    response = api_as(caseworker).get(f"/api/v1/cases/{case.pk}/pathways", as_of="2026-11-29")
    assert response.status_code == 200
    assert response.json()["result"]["facts"]["province"] == "ON"
    assert AuditEvent.objects.filter(action="pathways.view", object_id=str(case.pk)).exists()


def test_an_intruder_gets_404_for_our_cases_pathways(api_as: Any, intruder: Any, case: Any) -> None:
    response = api_as(intruder).get(f"/api/v1/cases/{case.pk}/pathways")
    assert response.status_code == 404
    assert b"Rosa" not in response.content


def test_every_account_reads_the_rules_with_their_sources(api_as: Any, analyst: Any) -> None:
    client = api_as(analyst)
    listing = client.get("/api/v1/pathways/rules")
    assert listing.status_code == 200
    assert {p["id"] for p in listing.json()} == {p.id for p in load_pathways()}
    vtip = client.get("/api/v1/pathways/rules/vtip_trp").json()
    validity = [d for d in vtip["durations"] if d["id"] == "initial_validity"]
    assert [d["valid_from"] for d in validity] == ["2007-12-31", "2025-02-04"]
    assert all(d["source"]["ref"] for d in validity)
    assert client.get("/api/v1/pathways/rules/no_such_pathway").status_code == 422


@pytest.mark.parametrize("path", ["/api/v1/pathways/rules", "/api/v1/pathways/rules/vtip_trp"])
def test_the_rules_need_a_token(path: str) -> None:
    assert ApiClient(None).get(path).status_code == 401


def test_a_citizen_gets_not_applicable_with_the_reason_and_no_criteria_asked(
    api_as: Any, caseworker: Any
) -> None:
    facts = {"status": "citizen", "in_canada": True, "province": "ON"}
    response = api_as(caseworker).post(
        "/api/v1/pathways/evaluate", {"facts": facts, "as_of": "2026-06-01"}
    )
    result = response.json()["result"]
    trp = next(p for p in result["pathways"] if p["id"] == "vtip_trp")
    assert trp["status"] == "not_applicable" and trp["not_applicable_on"] == ["status"]
    assert {c["role"] for c in trp["criteria"]} == {"applicability"}
    assert not [n for n in result["ask_next"] if "vtip_trp" in n["pathways"]]


def test_statuses_caps_not_yet_review_and_provenance_are_in_the_result(
    api_as: Any, caseworker: Any
) -> None:
    facts = {
        "status": "temporary_resident",
        "permit_type": "temporary_resident_permit",
        "trp_issued_on": "2022-06-01",
        "inadmissibility": "other",
        "inadmissible_since_permit": False,
        "province": "ON",
        "works_or_worked_in_canada": True,
    }
    provenance = {
        "trp_issued_on": {"source": "documented", "document": "a-permit-scan"},
        "province": {"source": "stated"},
    }
    response = api_as(caseworker).post(
        "/api/v1/pathways/evaluate",
        {"facts": facts, "provenance": provenance, "as_of": "2026-12-01"},
    )
    assert response.status_code == 200, response.content
    result = response.json()["result"]
    by_id = {p["id"]: p for p in result["pathways"]}
    pr = by_id["pr_permit_holders"]
    assert pr["status"] == "not_yet" and pr["eligible_on"] == "2027-06-01"
    period = next(c for c in pr["criteria"] if c["id"] == "residence_period")
    assert {"fact": "trp_issued_on", "source": "documented", "document": "a-permit-scan"} in (
        period["provenance"]
    )
    esa = by_id["on_esa_claim"]
    assert esa["status"] == "possibly_eligible"
    assert [c["id"] for c in esa["capped_by"]] == ["works_in_province", "worker"]
    assert esa["review_overdue"] is True
    assert result["provenance"]["province"] == {"source": "stated", "document": None}


@pytest.mark.parametrize(
    "origin",
    [{"source": "documented"}, {"source": "stated", "document": "x"}, {"source": "rumour"}],
)
def test_a_bad_provenance_is_refused_with_422_naming_the_fact(
    api_as: Any, caseworker: Any, origin: dict[str, Any]
) -> None:
    response = api_as(caseworker).post(
        "/api/v1/pathways/evaluate",
        {"facts": {"in_canada": True}, "provenance": {"in_canada": origin}},
    )
    assert response.status_code == 422
    assert "in_canada" in str(response.json())
