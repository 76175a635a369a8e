"""Application endpoints: list and record a case's applications, read one,
record and correct its decision; malformed input is a 422 naming the field,
well-formed input that the case's dates refuse a 409 naming it, reads
are audited, another organisation's case or application is a 404 and an
analyst gets 403."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from harbour.audit.models import AuditEvent
from harbour.pathways.models import Application, Decision

pytestmark = pytest.mark.django_db

REFERENCE = "W307-556-881"


def today() -> datetime.date:
    return timezone.localdate()


def iso(days: int) -> str:
    return (today() + datetime.timedelta(days=days)).isoformat()


def application_body(**changes: Any) -> dict[str, Any]:
    return {
        "pathway_id": "vtip_trp",
        "submitted_on": iso(-10),
        "submitted_by": "lawyer",
        "reference_number": REFERENCE,
        "documents_sent": "Support letter",
        **changes,
    }


def cases_url(case: Any) -> str:
    return f"/api/v1/cases/{case.pk}/applications"


def test_an_application_is_recorded_listed_and_decided_through_the_api(
    api_as: Any, caseworker: Any, case: Any, intruder: Any
) -> None:
    client = api_as(caseworker)
    created = client.post(cases_url(case), application_body())
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["reference_number"] == REFERENCE and body["decision"] is None
    assert case.tasks.filter(source=f"application:{body['id']}:follow_up").exists()

    ends = iso(200)
    decided = client.put(
        f"/api/v1/applications/{body['id']}/decision",
        {"outcome": "granted", "decided_on": iso(0), "valid_until": ends, "conditions": "None"},
    )
    assert decided.status_code == 200, decided.content
    assert decided.json()["decision"]["valid_until"] == ends
    assert case.tasks.filter(source__startswith=f"application:{body['id']}:renewal:").count() == 3

    listed = client.get(cases_url(case))
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()] == [body["id"]]
    assert listed.json()[0]["decision"]["outcome"] == "granted"
    one = client.get(f"/api/v1/applications/{body['id']}")
    assert one.json()["reference_number"] == REFERENCE
    reads = AuditEvent.objects.filter(
        action__in=["pathways.application.list", "pathways.application.view"]
    )
    assert [event.detail["via"] for event in reads.order_by("id")] == ["api", "api"]


@pytest.mark.parametrize(
    ("changes", "field", "status"),
    [
        ({"pathway_id": "no_such_pathway"}, "pathway_id", 422),
        ({"submitted_on": "2026-02-30"}, "submitted_on", 422),
        ({"submitted_on": iso(5)}, "submitted_on", 409),
        ({"submitted_by": "neighbour"}, "submitted_by", 422),
        ({"reference_number": "x" * 101}, "reference_number", 422),
        ({"colour": "blue"}, "colour", 422),
    ],
)
def test_a_bad_application_is_refused_naming_the_field_and_nothing_is_saved(
    api_as: Any, caseworker: Any, case: Any, intruder: Any, changes: Any, field: str, status: int
) -> None:
    response = api_as(caseworker).post(cases_url(case), application_body(**changes))
    assert response.status_code == status, response.content
    assert field in str(response.json())
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("decision", "field", "words", "status"),
    [
        (
            {"outcome": "refused", "decided_on": iso(-11)},
            "decided_on",
            "before the application",
            409,
        ),
        (
            {"outcome": "granted", "decided_on": iso(0), "valid_until": iso(0)},
            "valid_until",
            "after",
            409,
        ),
        (
            {"outcome": "withdrawn", "decided_on": iso(0), "valid_until": iso(9)},
            "valid_until",
            "",
            409,
        ),
        ({"outcome": "lost", "decided_on": iso(0)}, "outcome", "", 422),
    ],
)
def test_a_decision_out_of_order_is_refused_naming_the_field_and_nothing_is_saved(
    api_as: Any,
    caseworker: Any,
    case: Any,
    intruder: Any,
    decision: Any,
    field: str,
    words: str,
    status: int,
) -> None:
    client = api_as(caseworker)
    created = client.post(cases_url(case), application_body()).json()
    response = client.put(f"/api/v1/applications/{created['id']}/decision", decision)
    assert response.status_code == status, response.content
    assert field in str(response.json()) and words in str(response.json())
    assert not Decision.objects.exists()


def test_an_intruder_gets_404_and_an_analyst_403(
    api_as: Any, caseworker: Any, analyst: Any, case: Any, intruder: Any
) -> None:
    created = api_as(caseworker).post(cases_url(case), application_body()).json()
    outsider = api_as(intruder)
    decision = {"outcome": "refused", "decided_on": iso(0)}
    assert outsider.get(cases_url(case)).status_code == 404
    assert outsider.post(cases_url(case), application_body()).status_code == 404
    assert outsider.get(f"/api/v1/applications/{created['id']}").status_code == 404
    assert (
        outsider.put(f"/api/v1/applications/{created['id']}/decision", decision).status_code == 404
    )
    assert outsider.get("/api/v1/applications/not-a-uuid").status_code == 404
    reader = api_as(analyst)
    assert reader.get(cases_url(case)).status_code == 403
    assert reader.get(f"/api/v1/applications/{created['id']}").status_code == 403
    assert Application.objects.count() == 1 and not Decision.objects.exists()


def test_the_openapi_document_lists_the_application_endpoints_and_pathway_ids(
    api_as: Any, caseworker: Any, intruder: Any
) -> None:
    from harbour.api.api import api

    schema = api.get_openapi_schema()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/cases/{case_id}/applications"])
    assert "put" in paths["/api/v1/applications/{application_id}/decision"]
    text = str(schema["components"]["schemas"])
    assert "vtip_trp" in text and "withdrawn" in text
