"""People through /api/v1/: scoping, audit, encryption at rest and refused input."""

from __future__ import annotations

import pytest
from django.db import connection

from harbour.accounts.models import Role
from harbour.audit.models import AuditEvent
from harbour.audit.services import Actor
from harbour.cases import services
from harbour.cases.models import Person, phone_index_for
from tests.conftest import open_demo_case

NEW_PERSON = {
    "pseudonym": "Willow",
    "legal_name": "Maria Example",
    "date_of_birth": "1990-05-17",
    "phone": "+1 416 555 0199",
    "email": "maria@example.org",
    "identity_document_number": "P1234567",
    "nationality": "Philippines",
    "languages": "Tagalog, English",
    "immigration_status": "temporary_worker",
    "permit_type": "employer_specific",
    "permit_expiry": "2026-11-30",
}


def test_a_caseworker_lists_only_people_of_their_cases_or_registered_by_them(
    api_as, caseworker, make_user, organisation, case, other_case, intruder
):
    colleague = make_user("colleague", Role.CASEWORKER, organisation)
    theirs = open_demo_case(colleague, pseudonym="Hazel")
    mine = services.register_person(Actor(user=caseworker), {"pseudonym": "Juniper"})
    response = api_as(caseworker).get("/api/v1/people")
    assert response.status_code == 200
    listed = {item["id"] for item in response.json()["items"]}
    assert listed == {str(case.person.pk), str(mine.pk)}
    text = response.content.decode()
    assert str(theirs.person.pk) not in text
    assert str(other_case.person.pk) not in text


def test_the_people_list_shows_only_pseudonyms_and_status(api_as, caseworker, case, intruder):
    item = api_as(caseworker).get("/api/v1/people").json()["items"][0]
    assert set(item) == {"id", "pseudonym", "immigration_status", "permit_expiry"}


def test_another_organisations_person_answers_404_to_get(api_as, intruder, case):
    response = api_as(intruder).get(f"/api/v1/people/{case.person.pk}")
    assert response.status_code == 404
    assert b"Rosa" not in response.content
    assert not AuditEvent.objects.filter(action="person.view").exists()


def test_another_organisations_person_answers_404_to_patch_and_is_unchanged(api_as, intruder, case):
    response = api_as(intruder).patch(
        f"/api/v1/people/{case.person.pk}", {"legal_name": "Overwritten", "phone": ""}
    )
    assert response.status_code == 404
    person = Person.objects.get(pk=case.person.pk)
    assert (person.legal_name, person.phone) == ("Rosa Example", "416-555-0142")
    assert not AuditEvent.objects.filter(action="person.update").exists()


def test_a_caseworker_gets_404_for_a_colleagues_client(
    api_as, caseworker, make_user, organisation, intruder
):
    colleague = make_user("colleague", Role.CASEWORKER, organisation)
    theirs = open_demo_case(colleague, pseudonym="Hazel")
    client = api_as(caseworker)
    assert client.get(f"/api/v1/people/{theirs.person.pk}").status_code == 404
    assert client.patch(f"/api/v1/people/{theirs.person.pk}", {"languages": "x"}).status_code == 404
    assert client.post("/api/v1/cases", {"person_id": str(theirs.person.pk)}).status_code == 404


def test_reading_a_person_is_audited_as_an_api_read(api_as, caseworker, case, intruder):
    response = api_as(caseworker).get(f"/api/v1/people/{case.person.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["legal_name"] == "Rosa Example"
    assert body["identity_document_number"] == "AB 123 456"
    event = AuditEvent.objects.get(action="person.view")
    assert event.actor == caseworker
    assert event.object_id == str(case.person.pk)
    assert event.detail == {"via": "api"}


def test_registering_a_person_is_audited_and_belongs_to_the_callers_organisation(
    api_as, caseworker, organisation, intruder
):
    response = api_as(caseworker).post("/api/v1/people", NEW_PERSON)
    assert response.status_code == 201, response.content
    body = response.json()
    assert {key: body[key] for key in NEW_PERSON} == NEW_PERSON
    person = Person.objects.get(pk=body["id"])
    assert person.organisation == organisation
    assert person.created_by == caseworker
    event = AuditEvent.objects.get(action="person.create")
    assert event.object_id == body["id"]
    assert "Maria Example" not in str(event.detail)
    # The caseworker who registered the person can read them back.
    assert api_as(caseworker).get(f"/api/v1/people/{body['id']}").status_code == 200


def test_identifying_fields_sent_through_the_api_are_encrypted_at_rest(
    api_as, caseworker, intruder
):
    body = api_as(caseworker).post("/api/v1/people", NEW_PERSON).json()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT legal_name, phone, email FROM {Person._meta.db_table} WHERE id = %s",
            [Person._meta.pk.get_db_prep_value(Person.objects.get(pk=body["id"]).pk, connection)],
        )
        row = cursor.fetchone()
    assert "Maria" not in str(row)
    assert "555" not in str(row)
    assert Person.objects.get(pk=body["id"]).phone_index == phone_index_for("+1 416 555 0199")


def test_updating_a_person_is_audited_with_the_changed_field_names(
    api_as, caseworker, case, intruder
):
    response = api_as(caseworker).patch(
        f"/api/v1/people/{case.person.pk}", {"phone": "", "languages": "Spanish"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["phone"] == ""
    event = AuditEvent.objects.get(action="person.update")
    assert sorted(event.detail["fields"]) == ["languages", "phone"]
    person = Person.objects.get(pk=case.person.pk)
    assert person.phone_index == ""


def test_dates_can_be_cleared_with_null(api_as, caseworker, intruder):
    client = api_as(caseworker)
    person_id = client.post("/api/v1/people", NEW_PERSON).json()["id"]
    response = client.patch(
        f"/api/v1/people/{person_id}", {"date_of_birth": None, "permit_expiry": None}
    )
    assert response.status_code == 200
    assert (response.json()["date_of_birth"], response.json()["permit_expiry"]) == (None, None)


def test_null_for_a_text_field_leaves_it_unchanged(api_as, caseworker, case, intruder):
    response = api_as(caseworker).patch(f"/api/v1/people/{case.person.pk}", {"legal_name": None})
    assert response.status_code == 200
    assert response.json()["legal_name"] == "Rosa Example"


@pytest.mark.parametrize(
    "field",
    [
        {"organisation": 2},
        {"organisation_id": 2},
        {"created_by": 1},
        {"id": "00000000-0000-0000-0000-000000000000"},
        {"phone_index": "x"},
    ],
)
def test_unknown_fields_are_refused_with_422(api_as, caseworker, case, intruder, field):
    client = api_as(caseworker)
    response = client.post("/api/v1/people", {"pseudonym": "Willow", **field})
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "extra_forbidden"
    assert client.patch(f"/api/v1/people/{case.person.pk}", field).status_code == 422
    assert Person.objects.count() == 1


@pytest.mark.parametrize(
    "name", ["legal_name", "phone", "contact_notes", "nationality", "pseudonym"]
)
def test_nul_characters_are_refused_with_422_not_500(api_as, caseworker, case, intruder, name):
    client = api_as(caseworker)
    response = client.post("/api/v1/people", {"pseudonym": "Willow", name: "a\x00b"})
    assert response.status_code == 422
    assert client.patch(f"/api/v1/people/{case.person.pk}", {name: "\x00"}).status_code == 422
    assert Person.objects.count() == 1


def test_a_nul_character_in_an_email_is_refused(api_as, caseworker, intruder):
    response = api_as(caseworker).post(
        "/api/v1/people", {"pseudonym": "Willow", "email": "a\x00@b.org"}
    )
    assert response.status_code == 422


def test_lone_surrogates_are_refused_with_422_not_500(api_as, caseworker, intruder):
    response = api_as(caseworker).post("/api/v1/people", '{"pseudonym": "Willow\\udc00"}')
    assert response.status_code == 422


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"pseudonym": ""},
        {"pseudonym": "   "},
        {"pseudonym": "x" * 81},
        {"pseudonym": "x" * 79 + "  "},  # the limit holds for the text as sent
        {"pseudonym": "Willow", "email": "not an email"},
        {"pseudonym": "Willow", "immigration_status": "tourist"},
        {"pseudonym": "Willow", "date_of_birth": 0},
        {"pseudonym": "Willow", "date_of_birth": "17/05/1990"},
        {"pseudonym": "Willow", "phone": "1" * 41},
        {"pseudonym": ["Willow"]},
    ],
)
def test_invalid_people_are_refused_with_422(api_as, caseworker, intruder, body):
    response = api_as(caseworker).post("/api/v1/people", body)
    assert response.status_code == 422
    assert not Person.objects.exists()


def test_a_pseudonym_is_trimmed(api_as, caseworker, intruder):
    response = api_as(caseworker).post("/api/v1/people", {"pseudonym": "  Willow "})
    assert response.json()["pseudonym"] == "Willow"


def test_the_people_list_pages(api_as, caseworker, intruder):
    actor = Actor(user=caseworker)
    for name in ("Alder", "Beech", "Cherry"):
        services.register_person(actor, {"pseudonym": name})
    client = api_as(caseworker)
    page = client.get("/api/v1/people", limit=2, offset=1).json()
    assert (page["count"], page["limit"], page["offset"]) == (3, 2, 1)
    assert [item["pseudonym"] for item in page["items"]] == ["Beech", "Cherry"]
    assert client.get("/api/v1/people", limit=0).status_code == 422
    assert client.get("/api/v1/people", offset=-5).status_code == 422
    assert client.get("/api/v1/people", status="active").status_code == 422
