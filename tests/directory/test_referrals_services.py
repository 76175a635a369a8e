"""Referral services: consent decides what is shared, each step is audited,
and only the right side may take each step."""

from __future__ import annotations

import pytest

from harbour.audit.models import AuditEvent
from harbour.audit.services import Actor
from harbour.cases import services as case_services
from harbour.cases.services import NotAllowed
from harbour.directory import services
from harbour.directory.models import ReferralStatus, ServiceProvider
from harbour.directory.sharing import NON_IDENTIFYING, PERSONAL, shared_view
from tests.directory.conftest import give_sharing_consent, refer, service_data


def test_a_referral_without_consent_shares_only_non_identifying_fields(
    caseworker, case, receiver_organisation, intruder
):
    referral = refer(caseworker, case, receiver_organisation, note="Needs a bed tonight.")
    view = shared_view(referral)
    assert view.level == NON_IDENTIFYING
    assert view.personal == [] and view.personal_raw == {}
    assert referral.province == case.province and referral.sender_reference == case.reference
    assert referral.case.organisation == case.organisation  # ownership stays


def test_asking_to_share_personal_details_without_consent_is_refused(
    caseworker, case, receiver_organisation, intruder
):
    with pytest.raises(services.InvalidReferral) as refused:
        refer(caseworker, case, receiver_organisation, share_personal=True)
    assert refused.value.field == "share_personal"
    assert not case.referrals.exists()


def test_with_consent_the_personal_fields_are_shared(
    caseworker, case, receiver_organisation, intruder
):
    give_sharing_consent(caseworker, case)
    referral = refer(caseworker, case, receiver_organisation, share_personal=True)
    view = shared_view(referral)
    assert view.level == PERSONAL
    assert view.personal_raw["legal_name"] == "Rosa Example"
    assert view.personal_raw["phone"] == "416-555-0142"
    # Never shared: document numbers, the summary, notes.
    assert "identity_document_number" not in view.personal_raw
    assert "summary" not in view.personal_raw


def test_withdrawing_the_sharing_consent_hides_the_personal_fields_at_once(
    caseworker, case, receiver_organisation, intruder
):
    consent = give_sharing_consent(caseworker, case)
    referral = refer(caseworker, case, receiver_organisation, share_personal=True)
    assert shared_view(referral).level == PERSONAL
    case_services.withdraw_consent(Actor(user=caseworker), consent)
    assert shared_view(referral).level == NON_IDENTIFYING


def test_a_closed_referral_shares_nothing_personal(
    caseworker, case, receiver, receiver_organisation, intruder
):
    give_sharing_consent(caseworker, case)
    referral = refer(caseworker, case, receiver_organisation, share_personal=True)
    services.revoke_referral(Actor(user=caseworker), referral)
    assert shared_view(referral).level == NON_IDENTIFYING


def test_a_case_cannot_be_referred_to_its_own_organisation(caseworker, case, organisation):
    with pytest.raises(services.InvalidReferral) as refused:
        refer(caseworker, case, organisation)
    assert refused.value.field == "to_organisation"


def test_a_service_of_the_directory_leads_to_its_organisation(
    caseworker, supervisor, case, receiver_organisation, intruder
):
    service = services.add_service(Actor(user=supervisor), "Riverside", service_data())
    ServiceProvider.objects.filter(pk=service.provider_id).update(
        organisation=receiver_organisation
    )
    service.refresh_from_db()
    referral = refer(caseworker, case, None, service=service)
    assert referral.to_organisation == receiver_organisation
    with pytest.raises(services.InvalidReferral):
        refer(caseworker, case, intruder.membership.organisation, service=service)


def test_the_receiver_accepts_then_completes_and_each_step_is_audited(
    caseworker, case, receiver, receiver_organisation, intruder
):
    referral = refer(caseworker, case, receiver_organisation)
    services.accept_referral(Actor(user=receiver), referral)
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.answered_by == receiver and referral.answered_at is not None
    services.complete_referral(Actor(user=receiver), referral)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED and referral.completed_by == receiver
    actions = list(
        AuditEvent.objects.filter(object_type="case", object_id=str(case.pk))
        .filter(action__startswith="referral.")
        .values_list("action", flat=True)
    )
    assert actions == ["referral.create", "referral.accept", "referral.complete"]
    # Field names and ids, never the note or a name.
    assert all("Rosa" not in str(event.detail) for event in AuditEvent.objects.all())


def test_declining_needs_a_reason_and_keeps_it_encrypted(
    caseworker, case, receiver, receiver_organisation, intruder
):
    referral = refer(caseworker, case, receiver_organisation)
    with pytest.raises(services.InvalidReferral) as refused:
        services.decline_referral(Actor(user=receiver), referral, "  ")
    assert refused.value.field == "reason"
    services.decline_referral(Actor(user=receiver), referral, "No beds this week.")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.DECLINED
    assert referral.decline_reason == "No beds this week."
    assert AuditEvent.objects.filter(action="referral.decline").count() == 1


def test_only_the_receiver_answers_and_only_the_owner_revokes(
    caseworker, case, receiver, receiver_organisation, intruder
):
    referral = refer(caseworker, case, receiver_organisation)
    for answer in (services.accept_referral, services.complete_referral):
        with pytest.raises(NotAllowed):
            answer(Actor(user=caseworker), referral)
        with pytest.raises(NotAllowed):
            answer(Actor(user=intruder), referral)
    with pytest.raises(NotAllowed):
        services.revoke_referral(Actor(user=receiver), referral)
    with pytest.raises(NotAllowed):
        services.revoke_referral(Actor(user=intruder), referral)
    services.revoke_referral(Actor(user=caseworker), referral)
    assert referral.status == ReferralStatus.REVOKED and referral.revoked_by == caseworker


def test_a_step_that_no_longer_applies_is_refused_and_changes_nothing(
    caseworker, case, receiver, receiver_organisation, intruder
):
    referral = refer(caseworker, case, receiver_organisation)
    services.revoke_referral(Actor(user=caseworker), referral)
    before = AuditEvent.objects.count()
    for step in (services.accept_referral, services.complete_referral):
        with pytest.raises(services.InvalidReferral):
            step(Actor(user=receiver), referral)
    with pytest.raises(services.InvalidReferral):
        services.revoke_referral(Actor(user=caseworker), referral)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REVOKED
    assert AuditEvent.objects.count() == before


def test_an_analyst_cannot_refer(analyst, case, receiver_organisation, intruder):
    with pytest.raises(NotAllowed):
        refer(analyst, case, receiver_organisation)


def test_the_note_is_encrypted_at_rest(caseworker, case, receiver_organisation, intruder):
    from django.db import connection

    referral = refer(caseworker, case, receiver_organisation, note="Secret plan for Rosa")
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM directory_referral WHERE id = %s", [referral.pk.hex])
        rows = cursor.fetchall()
        if not rows:  # PostgreSQL stores the uuid natively
            cursor.execute("SELECT note FROM directory_referral WHERE id = %s", [str(referral.pk)])
            rows = cursor.fetchall()
    assert rows and "Secret plan" not in str(rows[0][0])
