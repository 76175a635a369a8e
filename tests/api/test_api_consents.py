"""Consent over the API: list, record, withdraw; within the caller's organisation."""

from __future__ import annotations

from harbour.audit.services import Actor
from harbour.cases import services
from harbour.cases.consent import has_consent
from harbour.cases.models import Consent


def test_recording_listing_and_withdrawing(api_as, caseworker, case, intruder):
    client = api_as(caseworker)
    url = f"/api/v1/people/{case.person.pk}/consents"
    created = client.post(url, {"purpose": "network_linkage", "method": "interpreter"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["purpose"], body["method"], body["in_force"], body["recorded_by"]) == (
        "network_linkage",
        "interpreter",
        True,
        "casey",
    )
    again = client.post(url, {"purpose": "network_linkage", "method": "written"})
    assert again.status_code == 409
    withdrawn = client.post(f"/api/v1/consents/{body['id']}/withdraw", {})
    assert withdrawn.status_code == 200
    assert withdrawn.json()["in_force"] is False
    assert not has_consent(case.person, "network_linkage")  # at once
    listed = client.get(url).json()
    assert [c["in_force"] for c in listed] == [False]


def test_a_future_date_is_a_409_and_saves_nothing(api_as, caseworker, case, intruder):
    response = api_as(caseworker).post(
        f"/api/v1/people/{case.person.pk}/consents",
        {"purpose": "research", "method": "spoken", "given_on": "2999-01-01"},
    )
    assert response.status_code == 409
    assert not Consent.objects.exists()


def test_an_unknown_purpose_is_a_422(api_as, caseworker, case, intruder):
    response = api_as(caseworker).post(
        f"/api/v1/people/{case.person.pk}/consents", {"purpose": "gossip", "method": "spoken"}
    )
    assert response.status_code == 422


def test_another_organisations_consents_answer_404(api_as, caseworker, intruder, case, other_case):
    theirs = services.record_consent(
        Actor(user=intruder), other_case.person, "research", method="spoken"
    )
    client = api_as(caseworker)
    assert client.get(f"/api/v1/people/{other_case.person.pk}/consents").status_code == 404
    assert client.post(f"/api/v1/consents/{theirs.pk}/withdraw", {}).status_code == 404
    response = client.post(
        f"/api/v1/people/{other_case.person.pk}/consents",
        {"purpose": "research", "method": "spoken"},
    )
    assert response.status_code == 404
    assert has_consent(other_case.person, "research")
    assert Consent.objects.count() == 1
