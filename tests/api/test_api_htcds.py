"""GET /api/v1/htcds/schema and /api/v1/htcds/export."""

from __future__ import annotations

import datetime

import pytest

from harbour.accounts.models import Role
from harbour.audit.models import AuditEvent
from harbour.audit.services import Actor
from harbour.cases.models import Case, Consent
from harbour.reports import htcds, htcds_export
from tests.api.conftest import ApiClient
from tests.conftest import open_demo_case

SCHEMA = "/api/v1/htcds/schema"
EXPORT = "/api/v1/htcds/export"
DAY = datetime.date(2026, 1, 5)


def consenting_case(user, pseudonym="Birch", *purposes):
    case = open_demo_case(user, pseudonym)
    for purpose in ("statistics", *purposes):
        Consent.objects.create(person=case.person, purpose=purpose, method="spoken", given_on=DAY)
    return case


def test_the_schema_is_served_to_any_token(api_as, analyst, caseworker, intruder):
    for user in (analyst, caseworker, intruder):
        response = api_as(user).get(SCHEMA)
        assert response.status_code == 200
        assert response.json() == htcds.build_schema()
    assert ApiClient(None).get(SCHEMA).status_code == 401


def test_a_supervisor_gets_their_own_organisations_checked_records(
    api_as, supervisor, caseworker, intruder
):
    consenting_case(caseworker)
    consenting_case(intruder, "Spruce")
    open_demo_case(caseworker, "Cedar")
    response = api_as(supervisor).get(EXPORT)
    assert response.status_code == 200
    body = response.json()
    assert [r["org_Name"] for r in body["records"]] == ["Home Workers Centre"]
    assert body["left_out_without_consent"] == 1
    assert body["identified"] is False and "partner" not in body
    assert htcds.check_records(body["records"], htcds.build_schema()) == []
    for secret in (b"Rosa", b"416-555-0142", b"AB 123 456", b"Passport held", b"Spruce"):
        assert secret not in response.content
    assert AuditEvent.objects.filter(action="htcds.export", actor=supervisor).count() == 1


def test_the_intruder_gets_only_their_organisation(api_as, caseworker, intruder):
    consenting_case(caseworker)
    body = api_as(intruder).get(EXPORT).json()
    assert body["organisation"] == "Elsewhere Legal Clinic"
    assert body["records"] == []


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.ANALYST, Role.PLATFORM_ADMIN])
def test_other_roles_get_403_and_nothing_is_exported(api_as, make_user, organisation, role):
    user = make_user("someone", role, organisation)
    response = api_as(user).get(EXPORT)
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="htcds.export").exists()


def test_a_partner_without_a_grant_or_that_does_not_exist_gets_the_same_403(
    api_as, supervisor, other_organisation, intruder
):
    client = api_as(supervisor)
    without_grant = client.get(EXPORT, partner=other_organisation.pk)
    missing = client.get(EXPORT, partner=2_000_000_000)
    assert without_grant.status_code == missing.status_code == 403


def test_with_a_grant_and_consent_the_partner_export_is_identified(
    api_as, make_user, supervisor, caseworker, organisation, other_organisation, intruder
):
    consenting_case(caseworker, "Birch", "referral_sharing")
    admin = make_user("pat", Role.PLATFORM_ADMIN, organisation)
    htcds_export.grant_identified_export(Actor(user=admin), organisation, other_organisation)
    body = api_as(supervisor).get(EXPORT, partner=other_organisation.pk).json()
    assert body["identified"] is True and body["partner"] == "Elsewhere Legal Clinic"
    assert body["records"][0]["prs_FirstName"] == "Rosa"


def test_an_unknown_query_parameter_is_refused(api_as, supervisor, intruder):
    assert api_as(supervisor).get(EXPORT, organisation=1).status_code == 422


def test_an_invalid_record_answers_409_and_exports_nothing(
    api_as, supervisor, caseworker, intruder
):
    case = consenting_case(caseworker)
    Case.objects.filter(pk=case.pk).update(status="archived")
    response = api_as(supervisor).get(EXPORT)
    assert response.status_code == 409
    assert "cas_Status fails the rule 'enum'" in response.json()["detail"]
    assert not AuditEvent.objects.filter(action="htcds.export").exists()


def test_both_endpoints_are_in_the_openapi_document(client, intruder):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "get" in paths["/api/v1/htcds/schema"]
    assert "get" in paths["/api/v1/htcds/export"]
