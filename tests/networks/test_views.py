"""Mention, entity and network pages: tenancy, analysts, consent, corrections."""

from __future__ import annotations

import pytest
from django.urls import reverse

from harbour.audit.services import Actor
from harbour.cases.models import Consent
from harbour.cases.services import record_consent, withdraw_consent
from harbour.networks import services
from tests.conftest import open_demo_case

EMPLOYER = {"role": "employer", "name": "1234567 Ontario Inc.", "phones": "519-555-0142"}


@pytest.fixture
def network(caseworker, case, intruder, other_case):
    """The same employer named on a case of ours and one of theirs."""
    record_consent(Actor(user=caseworker), case.person, "network_linkage", method="spoken")
    record_consent(Actor(user=intruder), other_case.person, "network_linkage", method="spoken")
    ours = services.add_mention(Actor(user=caseworker), case, EMPLOYER)
    services.add_mention(
        Actor(user=intruder), other_case, {**EMPLOYER, "name": "1234567 ONTARIO LTD"}
    )
    services.update_sharing(Actor(user=intruder), "desk@elsewhere.example", [])
    ours.refresh_from_db()
    return ours


def test_the_case_staff_record_a_party_on_the_case(signed_in, caseworker, case, intruder):
    client = signed_in(caseworker)
    url = reverse("networks:mention_list", args=[case.pk])
    response = client.post(
        url, {"role": "recruiter", "name": "Bob Smith", "phones": "905-555-0177"}
    )
    assert response.status_code == 302
    assert "Bob Smith" in client.get(url).content.decode()


def test_a_party_without_name_phone_or_address_is_refused_naming_the_field(
    signed_in, caseworker, case, intruder
):
    response = signed_in(caseworker).post(
        reverse("networks:mention_list", args=[case.pk]), {"role": "employer"}
    )
    assert response.status_code == 400
    assert "Give at least a name, a phone or an address." in response.content.decode()


def test_the_intruder_gets_404_on_our_mentions_and_entities(signed_in, network, intruder, case):
    client = signed_in(intruder)
    assert client.get(reverse("networks:mention_list", args=[case.pk])).status_code == 404
    assert (
        client.get(reverse("networks:entity_detail", args=[network.entity_id])).status_code == 200
    )
    # ...because the entity is also named on their own case; a party only we name is hidden:
    lone = services.add_mention(
        Actor(user=network.created_by), network.case, {"role": "housing", "address": "1 Main St"}
    )
    assert client.get(reverse("networks:entity_detail", args=[lone.entity_id])).status_code == 404


def test_the_shared_network_shows_other_organisations_only_as_counts_and_contact(
    signed_in, supervisor, network, other_case, intruder
):
    page = (
        signed_in(supervisor)
        .get(reverse("networks:network_detail", args=[network.entity.network_id]))
        .content.decode()
    )
    assert "1 case at Elsewhere Legal Clinic" in page
    assert "desk@elsewhere.example" in page
    assert str(other_case.pk) not in page  # (both references are HB-2026-0001)
    assert "1234567 ONTARIO LTD" not in page
    assert 'id="network-graph-data" type="application/json"' in page


def test_the_analyst_sees_alerts_and_counts_but_no_case_file(
    signed_in, analyst, network, case, other_case, intruder
):
    client = signed_in(analyst)
    listing = client.get(reverse("networks:network_list")).content.decode()
    assert "1 alert" in listing
    page = client.get(
        reverse("networks:network_detail", args=[network.entity.network_id])
    ).content.decode()
    for secret in (case.reference, str(case.pk), str(other_case.pk), "1234567", "519"):
        assert secret not in page
    assert (
        client.get(reverse("networks:entity_detail", args=[network.entity_id])).status_code == 403
    )
    assert client.get(reverse("networks:mention_list", args=[case.pk])).status_code == 403


def test_a_withdrawal_removes_the_person_from_the_network_page_at_once(
    signed_in, supervisor, caseworker, network, case, intruder
):
    url = reverse("networks:network_detail", args=[network.entity.network_id])
    client = signed_in(supervisor)
    assert "It spans 2 organisations." in client.get(url).content.decode()
    withdraw_consent(
        Actor(user=caseworker), Consent.objects.get(person=case.person, purpose="network_linkage")
    )
    assert client.get(url).status_code == 404  # nothing of ours left in it


def test_a_supervisor_splits_a_party_and_the_next_run_keeps_it_apart(
    signed_in, supervisor, caseworker, case, intruder
):
    record_consent(Actor(user=caseworker), case.person, "network_linkage", method="spoken")
    first = services.add_mention(Actor(user=caseworker), case, EMPLOYER)
    later = open_demo_case(caseworker, pseudonym="Cedar")
    record_consent(Actor(user=caseworker), later.person, "network_linkage", method="spoken")
    second = services.add_mention(Actor(user=caseworker), later, EMPLOYER)
    assert first.entity_id == second.entity_id
    client = signed_in(supervisor)
    response = client.post(reverse("networks:mention_split", args=[later.pk, second.pk]))
    assert response.status_code == 302
    client.post(reverse("networks:linkage_run"))
    second.refresh_from_db()
    first.refresh_from_db()
    assert first.entity_id != second.entity_id
