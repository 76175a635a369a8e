"""Referral and transfer endpoints: consent decides what is shared, the
receiver answers, a transfer takes the case away from the sender."""

from __future__ import annotations

import pytest

from harbour.accounts.models import Province, Role
from harbour.accounts.services import create_organisation
from harbour.audit.models import AuditEvent
from harbour.audit.services import Actor
from harbour.cases import services as case_services
from harbour.directory.models import Referral
from tests.directory.conftest import give_sharing_consent


@pytest.fixture
def receiver_organisation(db):
    return create_organisation(Actor.system("test"), "Riverside Shelter", Province.ON)


@pytest.fixture
def receiver(make_user, receiver_organisation):
    return make_user("rita", Role.CASEWORKER, receiver_organisation)


def refer(client, case, organisation, **body):
    return client.post(
        f"/api/v1/cases/{case.pk}/referrals",
        {"to_organisation": organisation.pk, "need": "housing", **body},
    )


def test_a_referral_without_consent_shares_no_personal_data(
    api_as, caseworker, case, receiver, receiver_organisation, intruder
):
    response = refer(api_as(caseworker), case, receiver_organisation, note="Bed needed.")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["shared_level"] == "non_identifying" and body["person"] is None
    seen = api_as(receiver).get(f"/api/v1/referrals/{body['id']}").json()
    assert seen["note"] == "Bed needed." and seen["person"] is None
    assert seen["case_id"] is None  # the receiver is not the case's owner
    assert b"Rosa" not in api_as(receiver).get("/api/v1/referrals").content


def test_personal_details_without_consent_are_a_409(
    api_as, caseworker, case, receiver_organisation, intruder
):
    response = refer(api_as(caseworker), case, receiver_organisation, share_personal=True)
    assert response.status_code == 409
    assert not Referral.objects.exists()


def test_with_consent_the_receiver_sees_the_person_until_it_is_withdrawn(
    api_as, caseworker, case, receiver, receiver_organisation, intruder
):
    consent = give_sharing_consent(caseworker, case)
    created = refer(api_as(caseworker), case, receiver_organisation, share_personal=True).json()
    client = api_as(receiver)
    seen = client.get(f"/api/v1/referrals/{created['id']}").json()
    assert seen["person"]["legal_name"] == "Rosa Example"
    assert "identity_document_number" not in seen["person"]
    case_services.withdraw_consent(Actor(user=caseworker), consent)
    seen = client.get(f"/api/v1/referrals/{created['id']}").json()
    assert seen["person"] is None and seen["shared_level"] == "non_identifying"


def test_the_receiver_accepts_declines_and_completes(
    api_as, caseworker, case, receiver, receiver_organisation, intruder
):
    sender = api_as(caseworker)
    first = refer(sender, case, receiver_organisation).json()["id"]
    second = refer(sender, case, receiver_organisation).json()["id"]
    client = api_as(receiver)
    assert client.post(f"/api/v1/referrals/{first}/accept", {}).json()["status"] == "accepted"
    assert client.post(f"/api/v1/referrals/{first}/accept", {}).status_code == 409
    assert client.post(f"/api/v1/referrals/{first}/complete", {}).json()["status"] == "completed"
    assert client.post(f"/api/v1/referrals/{second}/decline", {"reason": " "}).status_code == 422
    declined = client.post(f"/api/v1/referrals/{second}/decline", {"reason": "Full."}).json()
    assert declined["status"] == "declined" and declined["answered_by"] == "rita"
    assert sender.post(f"/api/v1/referrals/{first}/accept", {}).status_code == 403
    assert client.post(f"/api/v1/referrals/{second}/revoke", {}).status_code == 403


def test_a_transfer_needs_consent_and_takes_the_case_from_the_sender(
    api_as, caseworker, case, receiver, receiver_organisation, intruder
):
    sender = api_as(caseworker)
    body = {"to_organisation": receiver_organisation.pk}
    assert sender.post(f"/api/v1/cases/{case.pk}/transfers", body).status_code == 409
    give_sharing_consent(caseworker, case)
    created = sender.post(f"/api/v1/cases/{case.pk}/transfers", body)
    assert created.status_code == 201 and created.json()["kind"] == "transfer"
    accepted = api_as(receiver).post(f"/api/v1/referrals/{created.json()['id']}/accept", {})
    assert accepted.json()["receiver_reference"]
    assert accepted.json()["case_id"] == str(case.pk)  # now the receiver's case
    assert sender.get(f"/api/v1/cases/{case.pk}").status_code == 404
    assert sender.get(f"/api/v1/people/{case.person_id}").status_code == 404
    assert sender.get(f"/api/v1/cases/{case.pk}/referrals").status_code == 404
    assert api_as(receiver).get(f"/api/v1/cases/{case.pk}").status_code == 200


def test_an_intruder_gets_404_and_an_analyst_403(
    api_as, caseworker, analyst, case, receiver_organisation, intruder
):
    referral = refer(api_as(caseworker), case, receiver_organisation).json()["id"]
    client = api_as(intruder)
    assert client.get(f"/api/v1/referrals/{referral}").status_code == 404
    assert client.post(f"/api/v1/referrals/{referral}/accept", {}).status_code == 404
    assert client.get("/api/v1/referrals").json()["count"] == 0
    assert api_as(analyst).get("/api/v1/referrals").status_code == 403


def test_outside_referrals_are_tracked_by_status(api_as, caseworker, case, intruder):
    client = api_as(caseworker)
    created = client.post(
        f"/api/v1/cases/{case.pk}/outside-referrals", {"name": "Food bank", "need": "income"}
    )
    assert created.status_code == 201
    outside = created.json()["id"]
    changed = client.patch(f"/api/v1/outside-referrals/{outside}", {"status": "accepted"})
    assert changed.json()["status"] == "accepted" and changed.json()["status_changed_by"] == "casey"
    assert client.post(f"/api/v1/cases/{case.pk}/outside-referrals", {}).status_code == 409
    assert (
        api_as(intruder)
        .patch(f"/api/v1/outside-referrals/{outside}", {"status": "declined"})
        .status_code
        == 404
    )
    assert AuditEvent.objects.filter(action="referral.outside_accepted").count() == 1


def test_inbox_filters_by_direction(
    api_as, caseworker, case, receiver, receiver_organisation, intruder
):
    refer(api_as(caseworker), case, receiver_organisation)
    client = api_as(receiver)
    assert client.get("/api/v1/referrals", direction="incoming").json()["count"] == 1
    assert client.get("/api/v1/referrals", direction="outgoing").json()["count"] == 0
    assert client.get("/api/v1/referrals", nonsense="1").status_code == 422
