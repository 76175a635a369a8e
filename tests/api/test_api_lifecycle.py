"""Documents, timeline, closure and assignment through the API."""

from __future__ import annotations

import base64

from harbour.audit.models import AuditEvent
from harbour.cases.models import CaseStatus, Document

PDF = b"%PDF-1.7\n%%EOF\n"


def encoded(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_a_document_is_uploaded_listed_and_downloaded_with_an_audit(api_as, caseworker, case):
    client = api_as(caseworker)
    body = {"file_name": "slip.pdf", "content_base64": encoded(PDF)}
    created = client.post(f"/api/v1/cases/{case.pk}/documents", body)
    assert created.status_code == 201, created.content
    listed = client.get(f"/api/v1/cases/{case.pk}/documents").json()
    assert [item["file_name"] for item in listed] == ["slip.pdf"]
    fetched = client.get(f"/api/v1/documents/{created.json()['id']}").json()
    assert base64.b64decode(fetched["content_base64"]) == PDF
    event = AuditEvent.objects.get(action="document.download")
    assert event.detail["via"] == "api"


def test_a_refused_file_answers_409_with_the_reason(api_as, caseworker, case):
    body = {"file_name": "slip.pdf", "content_base64": encoded(b"MZ\x90\x00program")}
    response = api_as(caseworker).post(f"/api/v1/cases/{case.pk}/documents", body)
    assert response.status_code == 409
    assert "cannot be kept" in response.json()["detail"]
    assert not Document.objects.exists()


def test_another_organisations_document_is_not_found(api_as, caseworker, intruder, case):
    body = {"file_name": "slip.pdf", "content_base64": encoded(PDF)}
    created = api_as(caseworker).post(f"/api/v1/cases/{case.pk}/documents", body).json()
    assert api_as(intruder).get(f"/api/v1/documents/{created['id']}").status_code == 404


def test_the_timeline_filters_by_kind(api_as, caseworker, case):
    client = api_as(caseworker)
    everything = client.get(f"/api/v1/cases/{case.pk}/timeline").json()
    assert everything[0]["title"] == "Case opened"
    assert client.get(f"/api/v1/cases/{case.pk}/timeline", kind="note").json() == []
    assert client.get(f"/api/v1/cases/{case.pk}/timeline", kind="nope").status_code == 422


def test_a_caseworker_requests_and_a_supervisor_approves_closure(
    api_as, caseworker, supervisor, case
):
    requested = api_as(caseworker).post(f"/api/v1/cases/{case.pk}/closure-requests", {})
    assert requested.status_code == 201
    closure = requested.json()["id"]
    path = f"/api/v1/closure-requests/{closure}/decision"
    assert api_as(caseworker).post(path, {"approve": True}).status_code == 403
    decided = api_as(supervisor).post(path, {"approve": True})
    assert decided.json()["status"] == "approved"
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert api_as(supervisor).post(path, {"approve": True}).status_code == 409


def test_supervisors_assign_through_the_api(api_as, caseworker, supervisor, intruder, case):
    path = f"/api/v1/cases/{case.pk}/assignment"
    assert api_as(caseworker).put(path, {"staff": ["sue"]}).status_code == 403
    assert api_as(supervisor).put(path, {"staff": ["intruder"]}).status_code == 409
    response = api_as(supervisor).put(path, {"staff": ["sue", "casey"]})
    assert response.json()["assigned_staff"] == ["casey", "sue"]
    assert api_as(intruder).put(path, {"staff": ["intruder"]}).status_code == 404
