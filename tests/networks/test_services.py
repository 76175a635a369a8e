"""Mentions, incremental matching, consent, full runs and corrections."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from harbour.audit.models import AuditEvent
from harbour.audit.services import Actor
from harbour.cases.models import Consent
from harbour.cases.services import NotAllowed, record_consent, withdraw_consent
from harbour.networks import access, services
from harbour.networks.models import LinkageRun, LinkConstraint, Mention, RunStatus
from tests.conftest import open_demo_case

EMPLOYER = {
    "role": "employer",
    "name": "1234567 Ontario Inc.",
    "other_name": "Sunrise Greenhouses",
    "phones": "519-555-0142",
    "address": "120 Seacliff Dr, Leamington ON N8H 2L2",
    "notes": "Holds passports.",
}
SAME_EMPLOYER = {"role": "employer", "name": "1234567 ONTARIO LIMITED", "phones": "1-519-555-0142"}
OTHER_EMPLOYER = {"role": "employer", "name": "Maple Leaf Cleaning", "phones": "416-555-0199"}


def consent(user, case):
    record_consent(Actor(user=user), case.person, "network_linkage", method="spoken")


@pytest.fixture
def linked(caseworker, case):
    consent(caseworker, case)
    return case


def second_case(user, pseudonym="Cedar", consents=True):
    case = open_demo_case(user, pseudonym=pseudonym, phone="416-555-0100")
    if consents:
        consent(user, case)
    return case


def test_identifying_fields_are_not_in_the_raw_database(caseworker, linked, intruder):
    mention = services.add_mention(Actor(user=caseworker), linked, EMPLOYER)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, other_name, phones, address, notes FROM networks_mention WHERE id = %s",
            [mention.pk.hex if connection.vendor == "sqlite" else mention.pk],
        )
        raw = " ".join(cursor.fetchone())
        cursor.execute("SELECT digest FROM networks_mentionkey")
        digests = " ".join(row[0] for row in cursor.fetchall())
    for secret in ("Ontario", "Sunrise", "555", "Seacliff", "passports", "+1519"):
        assert secret not in raw and secret not in digests
    assert Mention.objects.get(pk=mention.pk).name == "1234567 Ontario Inc."


def test_a_mention_has_blind_indexes_for_its_phone_name_and_address(caseworker, linked, intruder):
    mention = services.add_mention(Actor(user=caseworker), linked, EMPLOYER)
    kinds = set(mention.keys.values_list("kind", flat=True))
    assert {"employer:phone", "employer:name_key", "employer:address"} <= kinds
    assert "employer:number_key" in kinds


def test_adding_a_mention_is_audited_with_field_names_only(caseworker, linked, intruder):
    services.add_mention(Actor(user=caseworker), linked, EMPLOYER)
    event = AuditEvent.objects.filter(action="mention.add").get()
    assert "Ontario" not in str(event.detail)
    assert event.detail["fields"] == ["address", "name", "notes", "other_name", "phones"]


def test_a_mention_without_name_phone_or_address_is_refused_naming_the_field(
    caseworker, linked, intruder
):
    with pytest.raises(services.InvalidMention) as problem:
        services.add_mention(Actor(user=caseworker), linked, {"role": "employer", "notes": "x"})
    assert problem.value.field == "name"
    with pytest.raises(services.InvalidMention) as problem:
        services.add_mention(Actor(user=caseworker), linked, {"role": "boss", "name": "x"})
    assert problem.value.field == "role"
    assert not Mention.objects.exists()


def test_the_intruder_cannot_add_a_mention_to_another_organisations_case(linked, intruder):
    with pytest.raises(NotAllowed):
        services.add_mention(Actor(user=intruder), linked, EMPLOYER)
    assert not Mention.objects.exists()


def test_a_new_mention_joins_the_entity_it_matches_at_once(caseworker, linked, intruder):
    first = services.add_mention(Actor(user=caseworker), linked, EMPLOYER)
    other = second_case(caseworker)
    second = services.add_mention(Actor(user=caseworker), other, SAME_EMPLOYER)
    third = services.add_mention(Actor(user=caseworker), other, OTHER_EMPLOYER)
    assert second.entity_id == first.entity_id
    assert third.entity_id != first.entity_id
    first.refresh_from_db()
    assert first.entity.network_id == third.entity.network_id  # joined through the case


def test_a_person_without_linkage_consent_is_left_out(caseworker, linked, intruder):
    first = services.add_mention(Actor(user=caseworker), linked, EMPLOYER)
    stranger = second_case(caseworker, consents=False)
    second = services.add_mention(Actor(user=caseworker), stranger, SAME_EMPLOYER)
    assert second.entity_id is None
    run = LinkageRun.objects.create()
    services.run_linkage(run.pk)
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.entity_id is None and first.entity_id is not None


def test_withdrawal_hides_the_person_at_once_and_the_next_run_unlinks_them(
    caseworker, supervisor, linked, intruder
):
    services.add_mention(Actor(user=caseworker), linked, EMPLOYER)
    other = second_case(caseworker)
    second = services.add_mention(Actor(user=caseworker), other, SAME_EMPLOYER)
    network = second.entity.network
    assert access.describe_network(supervisor, network).cases == 2
    given = Consent.objects.get(person=other.person, purpose="network_linkage")
    withdraw_consent(Actor(user=caseworker), given)
    assert access.describe_network(supervisor, network).cases == 1  # at once
    assert not access.describe_network(supervisor, network).alert
    services.run_linkage(LinkageRun.objects.create().pk)
    second.refresh_from_db()
    assert second.entity_id is None


def test_a_full_run_links_consented_mentions_in_one_go(caseworker, linked, intruder):
    services.add_mention(Actor(user=caseworker), linked, EMPLOYER)
    other = second_case(caseworker)
    services.add_mention(Actor(user=caseworker), other, SAME_EMPLOYER)
    services.add_mention(Actor(user=caseworker), other, OTHER_EMPLOYER)
    run = services.run_linkage(LinkageRun.objects.create().pk)
    assert run.status == RunStatus.DONE and run.percent == 100
    assert (run.mentions, run.entities, run.networks) == (3, 2, 1)
    assert run.methods == {"employer": "deterministic"}


def test_a_split_is_respected_by_a_later_run(caseworker, supervisor, linked, intruder):
    first = services.add_mention(Actor(user=caseworker), linked, EMPLOYER)
    other = second_case(caseworker)
    second = services.add_mention(Actor(user=caseworker), other, SAME_EMPLOYER)
    services.split_mention(Actor(user=supervisor), second)
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.entity_id != first.entity_id
    services.run_linkage(LinkageRun.objects.create().pk)
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.entity_id != first.entity_id
    assert LinkConstraint.objects.filter(kind="cannot_link").count() == 1


def test_a_merge_is_respected_by_a_later_run(caseworker, supervisor, linked, intruder):
    first = services.add_mention(Actor(user=caseworker), linked, EMPLOYER)
    other = second_case(caseworker)
    second = services.add_mention(Actor(user=caseworker), other, OTHER_EMPLOYER)
    assert first.entity_id != second.entity_id
    services.merge_entities(Actor(user=supervisor), first.entity, second.entity)
    services.run_linkage(LinkageRun.objects.create().pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.entity_id == second.entity_id


def test_only_supervisors_correct_and_only_their_organisations_mentions(
    caseworker, supervisor, linked, intruder
):
    mention = services.add_mention(Actor(user=caseworker), linked, EMPLOYER)
    with pytest.raises(NotAllowed):
        services.split_mention(Actor(user=caseworker), mention)
    with pytest.raises(NotAllowed):
        services.split_mention(Actor(user=intruder), mention)


def test_apply_constraints_keeps_a_split_over_an_older_merge():
    labels = {"a": "x", "b": "x", "c": "y"}
    result = services.apply_constraints(labels, must=[("a", "c"), ("b", "c")], cannot=[("a", "b")])
    assert result["a"] != result["b"]
    assert result["a"] == result["c"]  # the first merge holds; the second would rejoin a and b


def test_other_organisations_cases_are_counts_unless_they_share(
    caseworker, supervisor, linked, intruder, other_case, organisation
):
    services.add_mention(Actor(user=caseworker), linked, EMPLOYER)
    consent(intruder, other_case)
    theirs = services.add_mention(Actor(user=intruder), other_case, SAME_EMPLOYER)
    services.update_sharing(Actor(user=intruder), "network@elsewhere.example", [])
    view = access.describe_network(supervisor, theirs.entity.network)
    assert view.organisations == 2 and view.alert
    assert [(o.cases, o.contact, o.references) for o in view.others] == [
        (1, "network@elsewhere.example", [])
    ]
    services.update_sharing(Actor(user=intruder), "network@elsewhere.example", [organisation])
    view = access.describe_network(supervisor, theirs.entity.network)
    assert view.others[0].references == [other_case.reference]


def test_editing_what_a_mention_names_moves_it(caseworker, linked, intruder):
    first = services.add_mention(Actor(user=caseworker), linked, EMPLOYER)
    other = second_case(caseworker)
    second = services.add_mention(Actor(user=caseworker), other, OTHER_EMPLOYER)
    changed = services.update_mention(Actor(user=caseworker), second, SAME_EMPLOYER)
    assert "name" in changed
    second.refresh_from_db()
    assert second.entity_id == first.entity_id


def test_editing_a_party_that_stands_alone_keeps_it_linked(caseworker, linked, intruder):
    mention = services.add_mention(Actor(user=caseworker), linked, OTHER_EMPLOYER)
    services.update_mention(Actor(user=caseworker), mention, {"phones": "416-555-0198"})
    mention.refresh_from_db()
    assert mention.entity is not None
    assert mention.entity.key == f"employer:{mention.pk}"


def test_editing_the_mention_an_entity_is_keyed_on_moves_the_key_to_the_rest(
    caseworker, linked, intruder
):
    first = services.add_mention(Actor(user=caseworker), linked, EMPLOYER)
    second = services.add_mention(Actor(user=caseworker), second_case(caseworker), SAME_EMPLOYER)
    assert first.entity_id == second.entity_id
    services.update_mention(Actor(user=caseworker), first, OTHER_EMPLOYER)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.entity_id != second.entity_id
    assert first.entity.key == f"employer:{first.pk}"
    assert second.entity.key == f"employer:{second.pk}"


def test_removing_a_mention_drops_its_empty_entity(caseworker, linked, intruder):
    mention = services.add_mention(Actor(user=caseworker), linked, EMPLOYER)
    entity_id = mention.entity_id
    services.remove_mention(Actor(user=caseworker), mention)
    assert not Mention.objects.exists()
    from harbour.networks.models import Entity, Network

    assert not Entity.objects.filter(pk=entity_id).exists()
    assert not Network.objects.exists()


def test_the_background_task_runs_a_queued_linkage(caseworker, supervisor, linked, intruder):
    services.add_mention(Actor(user=caseworker), linked, EMPLOYER)
    run = services.queue_linkage(Actor(user=supervisor))
    run.refresh_from_db()
    # The test profile runs tasks at once, after the commit.
    assert run.status in (RunStatus.QUEUED, RunStatus.DONE)
    done = services.run_linkage(run.pk)
    assert done.status == RunStatus.DONE


def test_a_caseworker_cannot_start_a_run(caseworker, intruder):
    with pytest.raises(NotAllowed):
        services.queue_linkage(Actor(user=caseworker))


def test_consent_given_later_links_on_the_next_run(caseworker, linked, intruder):
    services.add_mention(Actor(user=caseworker), linked, EMPLOYER)
    late = second_case(caseworker, consents=False)
    second = services.add_mention(Actor(user=caseworker), late, SAME_EMPLOYER)
    Consent.objects.create(
        person=late.person,
        purpose="network_linkage",
        method="spoken",
        given_on=datetime.date.today(),
    )
    services.run_linkage(LinkageRun.objects.create().pk)
    second.refresh_from_db()
    assert second.entity_id is not None
