"""Transfers: ownership of the case and the person moves to the receiver when
it accepts; the sender loses access at once (404 on every page and the API);
the transfer needs the sharing consent in force."""

from __future__ import annotations

import pytest
from django.urls import reverse

from harbour.audit.models import AuditEvent
from harbour.audit.services import Actor
from harbour.cases import services as case_services
from harbour.cases.services import NotAllowed
from harbour.directory import services
from harbour.directory.models import ReferralStatus
from tests.conftest import open_demo_case
from tests.directory.conftest import give_sharing_consent


def transfer(user, case, to, **options):
    return services.request_transfer(Actor(user=user), case, to, **options)


def test_a_transfer_without_the_sharing_consent_is_refused(
    caseworker, case, receiver_organisation, intruder
):
    with pytest.raises(services.InvalidReferral) as refused:
        transfer(caseworker, case, receiver_organisation)
    assert refused.value.field == "consent"
    assert not case.referrals.exists()


def test_a_withdrawal_before_acceptance_stops_the_transfer(
    caseworker, case, receiver, receiver_organisation, intruder
):
    consent = give_sharing_consent(caseworker, case)
    pending = transfer(caseworker, case, receiver_organisation)
    case_services.withdraw_consent(Actor(user=caseworker), consent)
    with pytest.raises(services.InvalidReferral):
        services.accept_referral(Actor(user=receiver), pending)
    case.refresh_from_db()
    pending.refresh_from_db()
    assert case.organisation_id != receiver_organisation.pk
    assert pending.status == ReferralStatus.PENDING


def test_accepting_moves_the_case_and_the_person_to_the_receiver(
    caseworker, supervisor, case, receiver, receiver_organisation, intruder
):
    give_sharing_consent(caseworker, case)
    task = case_services.add_task(
        Actor(user=caseworker),
        case,
        {"title": "Call", "due_on": case.opened_on},
        assigned_to=caseworker,
    )
    old_reference = case.reference
    pending = transfer(caseworker, case, receiver_organisation, note="Moving to Riverside.")
    assert case.organisation_id != receiver_organisation.pk  # nothing moves before acceptance
    services.accept_referral(Actor(user=receiver), pending)
    case.refresh_from_db()
    assert case.organisation_id == receiver_organisation.pk
    assert case.person.organisation_id == receiver_organisation.pk
    assert list(case.assigned_to.all()) == [receiver]
    receiver_organisation.refresh_from_db()
    assert receiver_organisation.next_case_number == 2  # the receiver's first number
    pending.refresh_from_db()
    assert pending.sender_reference == old_reference
    assert pending.receiver_reference == case.reference
    assert pending.status == ReferralStatus.ACCEPTED and pending.answered_by == receiver
    task.refresh_from_db()
    assert task.assigned_to is None
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"transfer.create", "transfer.accept", "case.transfer", "person.transfer"} <= actions


def test_the_sender_loses_access_at_once_and_the_receiver_gets_the_file(
    signed_in, api_as, caseworker, supervisor, case, receiver, receiver_organisation, intruder
):
    give_sharing_consent(caseworker, case)
    pending = transfer(caseworker, case, receiver_organisation)
    sender_pages = signed_in(supervisor)
    case_url = reverse("cases:case_detail", args=[case.pk])
    person_url = reverse("cases:person_detail", args=[case.person_id])
    referrals_url = reverse("directory:case_referrals", args=[case.pk])
    transfer_url = reverse("directory:referral_detail", args=[pending.pk])
    assert sender_pages.get(case_url).status_code == 200
    sender_api = api_as(supervisor)
    services.accept_referral(Actor(user=receiver), pending)

    for url in (case_url, person_url, referrals_url, transfer_url):
        assert sender_pages.get(url).status_code == 404, url
        assert signed_in(caseworker).get(url).status_code == 404, url
    assert sender_api.get(f"/api/v1/cases/{case.pk}").status_code == 404
    assert sender_api.get(f"/api/v1/people/{case.person_id}").status_code == 404
    assert sender_api.get(f"/api/v1/referrals/{pending.pk}").status_code == 404

    receiver_pages = signed_in(receiver)
    page = receiver_pages.get(case_url)
    assert page.status_code == 200
    assert b"Passport held by the employer." in page.content  # the whole file
    assert receiver_pages.get(person_url).status_code == 200
    assert api_as(receiver).get(f"/api/v1/cases/{case.pk}").status_code == 200


def test_an_intruder_sees_nothing_of_a_transfer(
    signed_in, caseworker, case, receiver, receiver_organisation, intruder
):
    give_sharing_consent(caseworker, case)
    pending = transfer(caseworker, case, receiver_organisation)
    client = signed_in(intruder)
    assert client.get(reverse("directory:referral_detail", args=[pending.pk])).status_code == 404
    response = client.post(
        reverse("directory:referral_status", args=[pending.pk]), {"action": "accept"}
    )
    assert response.status_code == 404
    assert b"Rosa" not in client.get(reverse("directory:inbox")).content
    pending.refresh_from_db()
    assert pending.status == ReferralStatus.PENDING


def test_a_transfer_can_be_declined_or_revoked_before_acceptance_only(
    caseworker, case, receiver, receiver_organisation, intruder
):
    give_sharing_consent(caseworker, case)
    first = transfer(caseworker, case, receiver_organisation)
    with pytest.raises(services.InvalidReferral):  # one waiting transfer at a time
        transfer(caseworker, case, receiver_organisation)
    services.decline_referral(Actor(user=receiver), first, "We do not cover that region.")
    second = transfer(caseworker, case, receiver_organisation)
    services.revoke_referral(Actor(user=caseworker), second)
    third = transfer(caseworker, case, receiver_organisation)
    services.accept_referral(Actor(user=receiver), third)
    with pytest.raises(NotAllowed):  # the sender no longer owns the case
        services.revoke_referral(Actor(user=caseworker), third)
    with pytest.raises(services.InvalidReferral):  # accepted transfers are final
        services.revoke_referral(Actor(user=receiver), third)
    with pytest.raises(services.InvalidReferral):  # a transfer is not "completed"
        services.complete_referral(Actor(user=receiver), third)
    case.refresh_from_db()
    assert case.organisation_id == receiver_organisation.pk


def test_a_person_with_other_cases_here_cannot_be_transferred(
    caseworker, case, receiver_organisation, intruder
):
    give_sharing_consent(caseworker, case)
    case_services.open_case(Actor(user=caseworker), case.person, {"province": "ON"})
    with pytest.raises(services.InvalidReferral) as refused:
        transfer(caseworker, case, receiver_organisation)
    assert refused.value.field == "case"


def test_open_referrals_to_the_new_owner_are_completed_by_the_transfer(
    caseworker, case, receiver, receiver_organisation, intruder
):
    give_sharing_consent(caseworker, case)
    referral = services.refer_case(
        Actor(user=caseworker), case, receiver_organisation, need="housing"
    )
    services.accept_referral(
        Actor(user=receiver), transfer(caseworker, case, receiver_organisation)
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED


def test_the_new_reference_follows_the_receivers_numbering(
    caseworker, case, receiver, receiver_organisation, intruder
):
    open_demo_case(receiver, pseudonym="Aspen")  # the receiver's own first case
    give_sharing_consent(caseworker, case)
    pending = transfer(caseworker, case, receiver_organisation)
    services.accept_referral(Actor(user=receiver), pending)
    case.refresh_from_db()
    assert case.reference.endswith("-0002")
