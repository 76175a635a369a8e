"""Consent on the person page (record, withdraw) and on the case page."""

from __future__ import annotations

from django.urls import reverse

from harbour.audit.services import Actor
from harbour.cases import services
from harbour.cases.consent import has_consent
from harbour.cases.models import Consent


def test_the_person_page_records_and_withdraws_consent(signed_in, caseworker, case, intruder):
    client = signed_in(caseworker)
    person = case.person
    response = client.post(
        reverse("cases:consent_record", args=[person.pk]),
        {"consent-purpose": "statistics", "consent-method": "written", "consent-given_on": ""},
    )
    assert response.status_code == 302
    assert has_consent(person, "statistics")
    page = client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    assert "Anonymised statistics" in page
    given = Consent.objects.get()
    response = client.post(reverse("cases:consent_withdraw", args=[person.pk, given.pk]))
    assert response.status_code == 302
    assert not has_consent(person, "statistics")
    page = client.get(reverse("cases:person_detail", args=[person.pk])).content.decode()
    assert "withdrawn" in page


def test_a_bad_consent_form_is_shown_again_and_saves_nothing(signed_in, caseworker, case, intruder):
    response = signed_in(caseworker).post(
        reverse("cases:consent_record", args=[case.person.pk]),
        {"consent-purpose": "statistics", "consent-method": "", "consent-given_on": "2999-01-01"},
    )
    assert response.status_code == 400
    assert b'id="id_consent-method_error"' in response.content
    assert not Consent.objects.exists()


def test_the_case_page_shows_current_consents(signed_in, caseworker, case, intruder):
    services.record_consent(Actor(user=caseworker), case.person, "research", method="spoken")
    page = signed_in(caseworker).get(reverse("cases:case_detail", args=[case.pk])).content
    assert b"Research" in page


def test_withdrawing_needs_post_and_answers_404_elsewhere(
    signed_in, caseworker, intruder, case, other_case
):
    theirs = services.record_consent(
        Actor(user=intruder), other_case.person, "research", method="spoken"
    )
    client = signed_in(caseworker)
    url = reverse("cases:consent_withdraw", args=[other_case.person.pk, theirs.pk])
    assert client.post(url).status_code == 404
    mixed = reverse("cases:consent_withdraw", args=[case.person.pk, theirs.pk])
    assert client.post(mixed).status_code == 404
    assert client.get(mixed).status_code == 405
    record = reverse("cases:consent_record", args=[other_case.person.pk])
    assert (
        client.post(record, {"consent-purpose": "research", "consent-method": "spoken"}).status_code
        == 404
    )
    assert has_consent(other_case.person, "research")
    assert Consent.objects.count() == 1
