"""Referral pages: the case's referrals with the refer, transfer and outside
forms, the inbox, and the receiver's page that shows only what is shared."""

from __future__ import annotations

from django.urls import reverse

from harbour.audit.models import AuditEvent
from harbour.audit.services import Actor
from harbour.cases import services as case_services
from harbour.directory.models import OutsideReferral, Referral, ReferralStatus
from tests.directory.conftest import give_sharing_consent, refer


def referrals_url(case):
    return reverse("directory:case_referrals", args=[case.pk])


def detail_url(referral):
    return reverse("directory:referral_detail", args=[referral.pk])


def test_a_caseworker_refers_a_case_from_its_referrals_page(
    signed_in, caseworker, case, receiver_organisation, intruder
):
    client = signed_in(caseworker)
    page = client.get(referrals_url(case))
    assert page.status_code == 200
    assert b"Riverside Shelter" in page.content
    assert b"Elsewhere Legal Clinic" in page.content  # every other organisation on Harbour
    response = client.post(
        reverse("directory:referral_create", args=[case.pk]),
        {
            "refer-to_organisation": receiver_organisation.pk,
            "refer-need": "housing",
            "refer-urgency": "urgent",
            "refer-languages": ["es", "en"],
            "refer-note": "A bed for two weeks.",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.language_list == ["en", "es"] and referral.urgency == "urgent"
    assert not referral.share_personal


def test_asking_for_personal_details_without_consent_shows_the_form_again(
    signed_in, caseworker, case, receiver_organisation, intruder
):
    response = signed_in(caseworker).post(
        reverse("directory:referral_create", args=[case.pk]),
        {
            "refer-to_organisation": receiver_organisation.pk,
            "refer-need": "legal",
            "refer-urgency": "routine",
            "refer-share_personal": "on",
        },
    )
    assert response.status_code == 400
    assert b"has not consented to sharing" in response.content
    assert not Referral.objects.exists()


def test_a_transfer_without_consent_is_refused_on_the_page(
    signed_in, caseworker, case, receiver_organisation, intruder
):
    response = signed_in(caseworker).post(
        reverse("directory:transfer_create", args=[case.pk]),
        {"transfer-to_organisation": receiver_organisation.pk, "transfer-urgency": "routine"},
    )
    assert response.status_code == 400
    assert b"consent to sharing" in response.content
    assert not Referral.objects.exists()


def test_the_receiver_sees_only_the_shared_fields(
    signed_in, caseworker, case, receiver, receiver_organisation, intruder
):
    case_services.add_note(Actor(user=caseworker), case, "Private note about the employer.")
    give_sharing_consent(caseworker, case)
    referral = refer(
        caseworker, case, receiver_organisation, share_personal=True, note="Needs a lawyer."
    )
    page = signed_in(receiver).get(detail_url(referral))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Rosa Example" in content and "416-555-0142" in content and "Needs a lawyer." in content
    for secret in ("Passport held by the employer.", "Private note", "AB 123 456"):
        assert secret not in content
    assert AuditEvent.objects.filter(action="referral.view", object_id=str(referral.pk)).exists()


def test_withdrawing_the_consent_hides_the_personal_fields_from_the_receiver_at_once(
    signed_in, caseworker, case, receiver, receiver_organisation, intruder
):
    consent = give_sharing_consent(caseworker, case)
    referral = refer(caseworker, case, receiver_organisation, share_personal=True)
    client = signed_in(receiver)
    assert b"Rosa Example" in client.get(detail_url(referral)).content
    signed_in(caseworker).post(reverse("cases:consent_withdraw", args=[case.person_id, consent.pk]))
    page = client.get(detail_url(referral))
    assert b"Rosa Example" not in page.content and b"416-555-0142" not in page.content
    assert b"withdrawn consent" in page.content


def test_the_receiver_accepts_declines_with_a_reason_and_completes(
    signed_in, caseworker, case, receiver, receiver_organisation, intruder
):
    first = refer(caseworker, case, receiver_organisation)
    second = refer(caseworker, case, receiver_organisation, need="legal")
    client = signed_in(receiver)
    status_url = reverse("directory:referral_status", args=[first.pk])
    assert client.post(status_url, {"action": "accept"}).status_code == 302
    assert client.post(status_url, {"action": "complete"}).status_code == 302
    first.refresh_from_db()
    assert first.status == ReferralStatus.COMPLETED
    decline_url = reverse("directory:referral_status", args=[second.pk])
    empty = client.post(decline_url, {"action": "decline", "reason": ""})
    assert empty.status_code == 400
    client.post(decline_url, {"action": "decline", "reason": "Full until spring."})
    second.refresh_from_db()
    assert second.status == ReferralStatus.DECLINED
    sender_view = signed_in(caseworker).get(detail_url(second))
    assert b"Full until spring." in sender_view.content


def test_the_receiver_cannot_revoke_and_the_sender_cannot_accept(
    signed_in, caseworker, case, receiver, receiver_organisation, intruder
):
    referral = refer(caseworker, case, receiver_organisation)
    status_url = reverse("directory:referral_status", args=[referral.pk])
    assert signed_in(receiver).post(status_url, {"action": "revoke"}).status_code == 403
    assert signed_in(caseworker).post(status_url, {"action": "accept"}).status_code == 403
    assert signed_in(caseworker).post(status_url, {"action": "revoke"}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REVOKED


def test_the_inbox_lists_incoming_and_outgoing_referrals_without_personal_data(
    signed_in, caseworker, case, receiver, receiver_organisation, intruder
):
    give_sharing_consent(caseworker, case)
    refer(caseworker, case, receiver_organisation, share_personal=True)
    incoming = signed_in(receiver).get(reverse("directory:inbox"))
    assert b"Home Workers Centre" in incoming.content
    assert b"Rosa" not in incoming.content and b"Birch" not in incoming.content
    outgoing = signed_in(caseworker).get(reverse("directory:inbox"))
    assert case.reference.encode() in outgoing.content
    assert b"Riverside Shelter" in outgoing.content


def test_an_intruder_sees_no_referral_of_ours(
    signed_in, caseworker, case, receiver_organisation, intruder
):
    referral = refer(caseworker, case, receiver_organisation)
    client = signed_in(intruder)
    assert client.get(detail_url(referral)).status_code == 404
    assert client.get(referrals_url(case)).status_code == 404
    assert b"Riverside" not in client.get(reverse("directory:inbox")).content


def test_an_unassigned_caseworker_does_not_see_the_sent_referral(
    signed_in, make_user, organisation, caseworker, case, receiver_organisation, intruder
):
    from harbour.accounts.models import Role

    colin = make_user("colin", Role.CASEWORKER, organisation)
    referral = refer(caseworker, case, receiver_organisation)
    assert signed_in(colin).get(detail_url(referral)).status_code == 404


def test_an_analyst_gets_403(signed_in, analyst, case, intruder):
    client = signed_in(analyst)
    assert client.get(reverse("directory:inbox")).status_code == 403
    assert client.get(referrals_url(case)).status_code == 403


def test_staff_track_a_referral_outside_harbour(signed_in, caseworker, case, intruder):
    client = signed_in(caseworker)
    response = client.post(
        reverse("directory:outside_create", args=[case.pk]),
        {"outside-name": "Lakeside food bank", "outside-need": "income"},
    )
    assert response.status_code == 302
    outside = OutsideReferral.objects.get()
    client.post(
        reverse("directory:outside_status", args=[case.pk, outside.pk]), {"status": "contacted"}
    )
    outside.refresh_from_db()
    assert outside.status == "contacted" and outside.status_changed_by == caseworker
    assert AuditEvent.objects.filter(action="referral.outside_contacted").count() == 1
    empty = client.post(reverse("directory:outside_create", args=[case.pk]), {})
    assert empty.status_code == 400
    assert OutsideReferral.objects.count() == 1


def test_the_case_page_section_lists_the_referrals(caseworker, case, receiver_organisation):
    from django.template import Context, Template

    refer(caseworker, case, receiver_organisation)
    html = Template("{% load directory_referrals %}{% case_referrals case %}").render(
        Context({"case": case})
    )
    assert "Riverside Shelter" in html and referrals_url(case) in html
