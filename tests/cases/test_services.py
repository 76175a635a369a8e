"""Services for people, cases and notes: audited, transactional, same-organisation."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from harbour.accounts.models import Organisation, Role
from harbour.audit.models import AuditEvent
from harbour.audit.services import Actor, verify_chain
from harbour.cases import services
from harbour.cases.models import Case, Note, Person
from harbour.cases.services import NotAllowed
from tests.conftest import open_demo_case


def actor_for(user):
    return Actor(user=user, ip_address="127.0.0.1")


def events(action):
    return list(AuditEvent.objects.filter(action=action))


def test_registering_a_person_writes_an_event_naming_the_fields(caseworker):
    person = services.register_person(
        actor_for(caseworker), {"pseudonym": "Birch", "legal_name": "Rosa Example"}
    )
    (event,) = events("person.create")
    assert event.actor == caseworker
    assert event.object_type == "person"
    assert event.object_id == str(person.pk)
    assert event.detail == {"fields": ["pseudonym", "legal_name"]}
    assert person.organisation == caseworker.membership.organisation
    assert person.created_by == caseworker


def test_updating_a_person_writes_an_event_with_only_the_changed_field_names(caseworker, case):
    changed = services.update_person(
        actor_for(caseworker),
        case.person,
        {"pseudonym": "Birch", "legal_name": "Rosa Renamed", "phone": "416-555-0142"},
    )
    assert changed == ["legal_name"]
    (event,) = events("person.update")
    assert event.detail == {"fields": ["legal_name"]}
    assert Person.objects.get(pk=case.person.pk).legal_name == "Rosa Renamed"


def test_updating_a_person_without_changes_writes_no_event(caseworker, case):
    assert services.update_person(actor_for(caseworker), case.person, {"pseudonym": "Birch"}) == []
    assert events("person.update") == []


def test_changing_a_phone_number_updates_its_blind_index(caseworker, case):
    services.update_person(actor_for(caseworker), case.person, {"phone": "(613) 555-0177"})
    found = services.find_cases_by_identifier(actor_for(caseworker), "phone", "+16135550177")
    assert list(found) == [case]
    assert (
        list(services.find_cases_by_identifier(actor_for(caseworker), "phone", "4165550142")) == []
    )


def test_opening_a_case_writes_an_event_and_assigns_the_opener(caseworker, case):
    (event,) = events("case.create")
    assert event.object_id == str(case.pk)
    assert event.detail["forms"] == ["labour_trafficking"]
    assert "summary" in event.detail["fields"]
    assert list(case.assigned_to.all()) == [caseworker]
    assert case.organisation == caseworker.membership.organisation
    assert case.province == "ON"


def test_opening_a_case_for_a_new_person_writes_both_events_in_order(caseworker, case):
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-2:] == ["person.create", "case.create"]


def test_adding_a_note_writes_an_event_without_its_text(caseworker, case):
    note = services.add_note(actor_for(caseworker), case, "Met at the Wombat library.")
    (event,) = events("note.create")
    assert event.object_id == str(case.pk)
    assert event.detail == {"note": str(note.pk)}
    assert Note.objects.get(pk=note.pk).body == "Met at the Wombat library."


def test_viewing_a_case_and_a_person_writes_events(caseworker, case):
    services.record_case_view(actor_for(caseworker), case, via="api")
    services.record_person_view(actor_for(caseworker), case.person)
    assert events("case.view")[0].detail == {"via": "api"}
    assert events("person.view")[0].object_id == str(case.person.pk)


def test_a_search_by_identifier_writes_an_event_without_the_number(caseworker, case):
    found = services.find_cases_by_identifier(actor_for(caseworker), "phone", "(416) 555-0142")
    assert list(found) == [case]
    (event,) = events("case.search_identifier")
    assert event.detail == {"kind": "phone"}


def test_a_document_search_matches_identity_and_permit_numbers(caseworker):
    first = open_demo_case(caseworker, pseudonym="Birch", identity_document_number="AB 123 456")
    second = open_demo_case(
        caseworker, pseudonym="Cedar", identity_document_number="", permit_number="wp-777"
    )
    actor = actor_for(caseworker)
    assert list(services.find_cases_by_identifier(actor, "document", "ab123456")) == [first]
    assert list(services.find_cases_by_identifier(actor, "document", "WP 777")) == [second]
    assert list(services.find_cases_by_identifier(actor, "document", "")) == []


def test_a_search_never_finds_another_organisations_case(caseworker, intruder, case):
    found = services.find_cases_by_identifier(actor_for(intruder), "phone", "416-555-0142")
    assert list(found) == []


def test_every_service_keeps_the_audit_chain_intact(caseworker, case):
    actor = actor_for(caseworker)
    services.update_person(actor, case.person, {"legal_name": "Other"})
    services.update_case(actor, case, {"status": "active"})
    services.add_note(actor, case, "note")
    assert verify_chain().intact


def test_a_failure_inside_open_case_for_new_person_leaves_nothing_behind(
    caseworker, intruder, organisation
):
    events_before = AuditEvent.objects.count()
    counter_before = Organisation.objects.get(pk=organisation.pk).next_case_number
    with pytest.raises(NotAllowed, match="same organisation"):
        services.open_case_for_new_person(
            actor_for(caseworker),
            {"pseudonym": "Ghost", "legal_name": "Never Saved"},
            {"summary": "never saved"},
            assigned_to=[intruder],
        )
    assert not Person.objects.filter(pseudonym="Ghost").exists()
    assert not Case.objects.exists()
    assert AuditEvent.objects.count() == events_before
    assert Organisation.objects.get(pk=organisation.pk).next_case_number == counter_before
    assert verify_chain().intact


def test_a_case_cannot_be_assigned_to_staff_who_do_not_handle_cases(caseworker, analyst):
    with pytest.raises(NotAllowed, match="handle cases"):
        services.open_case_for_new_person(
            actor_for(caseworker), {"pseudonym": "Elm"}, {}, assigned_to=[analyst]
        )
    assert not Person.objects.exists()


def test_a_case_cannot_be_opened_for_a_person_of_another_organisation(intruder, case):
    with pytest.raises(NotAllowed):
        services.open_case(actor_for(intruder), case.person, {})
    assert Case.objects.count() == 1


@pytest.mark.parametrize("role", [Role.ANALYST, Role.PLATFORM_ADMIN])
def test_roles_without_case_access_cannot_register_people(make_user, organisation, role):
    user = make_user("outsider", role, organisation)
    with pytest.raises(NotAllowed):
        services.register_person(actor_for(user), {"pseudonym": "Ash"})
    assert not Person.objects.exists()


def test_an_intruder_cannot_change_another_organisations_records_through_services(intruder, case):
    actor = actor_for(intruder)
    with pytest.raises(NotAllowed):
        services.update_case(actor, case, {"status": "closed"})
    with pytest.raises(NotAllowed):
        services.add_note(actor, case, "planted")
    with pytest.raises(NotAllowed):
        services.update_person(actor, case.person, {"legal_name": "Changed"})
    case.refresh_from_db()
    assert case.status == "intake"
    assert not case.notes.exists()
    assert Person.objects.get(pk=case.person.pk).legal_name == "Rosa Example"
    assert not AuditEvent.objects.filter(actor=intruder).exclude(action="user.create").exists()


def test_reference_numbers_increment_per_organisation(caseworker, intruder):
    first = open_demo_case(caseworker, pseudonym="Birch")
    second = open_demo_case(caseworker, pseudonym="Cedar")
    elsewhere = open_demo_case(intruder, pseudonym="Spruce")
    assert first.reference == "HB-2026-0001"
    assert second.reference == "HB-2026-0002"
    assert elsewhere.reference == "HB-2026-0001"


def test_a_reference_takes_the_year_the_case_was_opened(caseworker):
    person = services.register_person(actor_for(caseworker), {"pseudonym": "Birch"})
    case = services.open_case(
        actor_for(caseworker), person, {"opened_on": datetime.date(2025, 12, 31)}
    )
    assert case.reference == "HB-2025-0001"


def test_a_case_opened_without_a_date_opens_today(caseworker):
    person = services.register_person(actor_for(caseworker), {"pseudonym": "Birch"})
    case = services.open_case(actor_for(caseworker), person, {})
    assert case.opened_on == timezone.localdate()
    assert case.reference == f"HB-{timezone.localdate().year}-0001"


def test_update_case_records_only_the_changed_field_names(caseworker, case):
    changed = services.update_case(
        actor_for(caseworker),
        case,
        {
            "status": case.status,
            "province": case.province,
            "summary": "A new summary with the Quokka detail",
            "sector": "agriculture",
        },
    )
    assert changed == ["sector", "summary"]
    (event,) = events("case.update")
    assert event.detail == {"fields": ["sector", "summary"]}
    assert "Quokka" not in str(event.detail)


def test_update_case_records_changed_forms_and_staff(caseworker, supervisor, case):
    changed = services.update_case(
        actor_for(caseworker),
        case,
        {},
        forms=["labour_trafficking", "worker_at_risk"],
        assigned_to=[caseworker, supervisor],
    )
    assert changed == ["exploitation_forms", "assigned_to"]
    case.refresh_from_db()
    assert case.forms == ["labour_trafficking", "worker_at_risk"]
    assert set(case.assigned_to.all()) == {caseworker, supervisor}


def test_update_case_without_changes_writes_no_event(caseworker, case):
    changed = services.update_case(
        actor_for(caseworker),
        case,
        {"status": case.status},
        forms=["labour_trafficking"],
        assigned_to=[caseworker],
    )
    assert changed == []
    assert events("case.update") == []


def test_update_case_refuses_staff_of_another_organisation_and_changes_nothing(
    caseworker, intruder, case
):
    with pytest.raises(NotAllowed):
        services.update_case(
            actor_for(caseworker), case, {"status": "active"}, assigned_to=[intruder]
        )
    case.refresh_from_db()
    assert case.status == "intake"
    assert events("case.update") == []


def test_closing_a_case_sets_closed_on(supervisor, case):
    changed = services.update_case(actor_for(supervisor), case, {"status": "closed"})
    assert changed == ["status", "closed_on"]
    case.refresh_from_db()
    assert case.closed_on == timezone.localdate()


def test_closing_a_case_keeps_a_given_closing_date(supervisor, case):
    services.update_case(
        actor_for(supervisor), case, {"status": "closed", "closed_on": datetime.date(2026, 4, 1)}
    )
    case.refresh_from_db()
    assert case.closed_on == datetime.date(2026, 4, 1)


def test_encrypted_values_read_back_through_the_orm(caseworker):
    case = open_demo_case(caseworker, date_of_birth=datetime.date(1990, 5, 17))
    person = Person.objects.get(pk=case.person.pk)
    assert person.legal_name == "Rosa Example"
    assert person.date_of_birth == datetime.date(1990, 5, 17)
    assert Case.objects.get(pk=case.pk).summary == "Passport held by the employer."
