"""Network endpoints: mentions on a case, entities, networks and their alerts."""

from __future__ import annotations

import pytest

from harbour.audit.models import AuditEvent
from harbour.audit.services import Actor
from harbour.cases.services import record_consent
from harbour.networks import services
from harbour.networks.models import Mention
from tests.conftest import open_demo_case

EMPLOYER = {"role": "employer", "name": "1234567 Ontario Inc.", "phones": ["519-555-0142"]}


@pytest.fixture
def linked(caseworker, case, intruder, other_case):
    """The same employer named on a case of ours and on one of theirs."""
    record_consent(Actor(user=caseworker), case.person, "network_linkage", method="spoken")
    record_consent(Actor(user=intruder), other_case.person, "network_linkage", method="spoken")
    ours = services.add_mention(
        Actor(user=caseworker), case, {**EMPLOYER, "phones": "519-555-0142"}
    )
    services.add_mention(
        Actor(user=intruder),
        other_case,
        {"role": "employer", "name": "1234567 ONTARIO LTD", "phones": "(519) 555-0142"},
    )
    services.update_sharing(Actor(user=intruder), "desk@elsewhere.example", [])
    ours.refresh_from_db()
    return ours


def test_the_caseworker_adds_a_mention_and_it_is_matched_at_once(
    api_as, caseworker, case, intruder
):
    record_consent(Actor(user=caseworker), case.person, "network_linkage", method="spoken")
    client = api_as(caseworker)
    first = client.post(f"/api/v1/cases/{case.pk}/mentions", EMPLOYER)
    assert first.status_code == 201, first.content
    later = open_demo_case(caseworker, pseudonym="Cedar")
    record_consent(Actor(user=caseworker), later.person, "network_linkage", method="spoken")
    second = client.post(
        f"/api/v1/cases/{later.pk}/mentions",
        {"role": "employer", "name": "1234567 ONTARIO LIMITED", "phones": ["1-519-555-0142"]},
    )
    assert second.status_code == 201
    body = second.json()
    assert body["phones"] == ["1-519-555-0142"]
    assert body["case_reference"] == later.reference
    assert body["entity_id"] == first.json()["entity_id"] is not None
    listed = client.get(f"/api/v1/cases/{case.pk}/mentions").json()
    assert [item["name"] for item in listed] == ["1234567 Ontario Inc."]


def test_a_mention_with_nothing_to_match_on_is_refused_naming_the_field(
    api_as, caseworker, case, intruder
):
    response = api_as(caseworker).post(
        f"/api/v1/cases/{case.pk}/mentions", {"role": "employer", "notes": "Met at the farm."}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "name"]
    assert not Mention.objects.exists()


def test_an_unknown_role_or_field_is_refused(api_as, caseworker, case, intruder):
    client = api_as(caseworker)
    url = f"/api/v1/cases/{case.pk}/mentions"
    assert client.post(url, {"role": "landlord", "name": "X"}).status_code == 422
    assert client.post(url, {"role": "employer", "name": "X", "ssn": "1"}).status_code == 422
    assert not Mention.objects.exists()


def test_a_mention_is_updated_and_removed(api_as, caseworker, linked, intruder):
    client = api_as(caseworker)
    url = f"/api/v1/mentions/{linked.pk}"
    changed = client.patch(url, {"address": "44 Talbot St E, Leamington ON N8H 1L2"})
    assert changed.status_code == 200
    assert changed.json()["address"].startswith("44 Talbot")
    assert changed.json()["name"] == "1234567 Ontario Inc."  # left out: unchanged
    event = AuditEvent.objects.filter(action="mention.update").latest("id")
    assert event.detail == {"fields": ["address"]}
    assert "Talbot" not in str(event.detail)
    assert client.client.delete(url, headers=client.headers).status_code == 204
    assert client.get(url).status_code == 404


def test_the_intruder_gets_404_on_our_mentions_and_a_party_only_we_name(
    api_as, caseworker, linked, case, intruder
):
    client = api_as(intruder)
    assert client.get(f"/api/v1/cases/{case.pk}/mentions").status_code == 404
    assert client.get(f"/api/v1/mentions/{linked.pk}").status_code == 404
    assert client.patch(f"/api/v1/mentions/{linked.pk}", {"name": "X"}).status_code == 404
    deleted = client.client.delete(f"/api/v1/mentions/{linked.pk}", headers=client.headers)
    assert deleted.status_code == 404
    lone = services.add_mention(
        Actor(user=caseworker), case, {"role": "housing", "address": "1 Main St"}
    )
    assert client.get(f"/api/v1/entities/{lone.entity_id}").status_code == 404
    linked.refresh_from_db()
    assert linked.name == "1234567 Ontario Inc."


def test_an_entity_shows_our_mentions_and_theirs_only_as_counts(
    api_as, caseworker, linked, intruder
):
    body = api_as(caseworker).get(f"/api/v1/entities/{linked.entity_id}").json()
    assert [m["name"] for m in body["mentions"]] == ["1234567 Ontario Inc."]
    assert body["elsewhere"] == [
        {
            "organisation": "Elsewhere Legal Clinic",
            "contact": "desk@elsewhere.example",
            "cases": 1,
            "references": [],
        }
    ]
    assert "ONTARIO LTD" not in str(body)
    assert body["network"]["organisations"] == 2
    assert AuditEvent.objects.filter(action="entity.view").exists()


def test_a_supervisor_reads_the_network_with_its_alert_and_parties(
    api_as, supervisor, linked, case, other_case, intruder
):
    client = api_as(supervisor)
    alerts = client.get("/api/v1/networks/alerts").json()
    assert alerts["count"] == 1
    item = alerts["items"][0]
    assert item["alert"] is True and item["organisations"] == 2 and item["roles"] == ["employer"]
    detail = client.get(f"/api/v1/networks/{item['id']}").json()
    assert detail["counts_only"] is False
    assert detail["cases_of_yours"] == [{"id": str(case.pk), "reference": case.reference}]
    assert detail["parties"][0]["label"] == "1234567 Ontario Inc."
    assert detail["other_organisations"][0]["cases"] == 1
    assert str(other_case.pk) not in str(detail)


def test_an_analyst_gets_alerts_and_counts_but_no_mention_entity_or_name(
    api_as, analyst, linked, case, other_case, intruder
):
    client = api_as(analyst)
    listed = client.get("/api/v1/networks")
    assert listed.status_code == 200
    network_id = listed.json()["items"][0]["id"]
    assert client.get("/api/v1/networks/alerts").json()["count"] == 1
    detail = client.get(f"/api/v1/networks/{network_id}")
    assert detail.status_code == 200
    body = detail.json()
    assert body["counts_only"] is True
    assert body["parties"] == body["cases_of_yours"] == body["other_organisations"] == []
    for secret in (case.reference, str(case.pk), str(other_case.pk), "1234567", "519"):
        assert secret not in detail.content.decode()
    assert client.get(f"/api/v1/cases/{case.pk}/mentions").status_code == 403
    assert client.get(f"/api/v1/mentions/{linked.pk}").status_code == 403
    assert client.get(f"/api/v1/entities/{linked.entity_id}").status_code == 403


def test_caseworkers_do_not_read_networks_and_others_networks_are_not_found(
    api_as, caseworker, supervisor, linked, case, intruder, other_case
):
    assert api_as(caseworker).get("/api/v1/networks").status_code == 403
    # A network of theirs alone: a case of theirs that shares nothing with ours.
    alone = open_demo_case(intruder, pseudonym="Tamarack")
    record_consent(Actor(user=intruder), alone.person, "network_linkage", method="spoken")
    theirs = services.add_mention(
        Actor(user=intruder), alone, {"role": "housing", "address": "9 Elsewhere Rd"}
    )
    assert api_as(supervisor).get(f"/api/v1/networks/{theirs.entity.network_id}").status_code == 404
    assert api_as(intruder).get(f"/api/v1/networks/{theirs.entity.network_id}").status_code == 200


def test_a_withdrawn_consent_leaves_the_networks_at_once(
    api_as, supervisor, caseworker, linked, case, intruder
):
    from harbour.cases.models import Consent
    from harbour.cases.services import withdraw_consent

    client = api_as(supervisor)
    assert client.get("/api/v1/networks").json()["count"] == 1
    withdraw_consent(
        Actor(user=caseworker), Consent.objects.get(person=case.person, purpose="network_linkage")
    )
    assert client.get("/api/v1/networks").json()["count"] == 0


def test_unknown_query_parameters_are_refused(api_as, supervisor, intruder):
    assert api_as(supervisor).get("/api/v1/networks", alert="1").status_code == 422
