"""The HTCDS pages: a supervisor's export of their own organisation, the
schema, and the platform admin's grants."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from harbour.accounts.models import Role
from harbour.audit.models import AuditEvent
from harbour.audit.services import Actor
from harbour.cases.models import Consent
from harbour.reports import htcds_export
from harbour.reports.models import IdentifiedExportGrant
from tests.conftest import open_demo_case

EXPORT = reverse("reports:htcds_export")
GRANTS = reverse("reports:htcds_grants")
SCHEMA = reverse("reports:htcds_schema")
DAY = datetime.date(2026, 1, 5)


def consenting_case(user, pseudonym="Birch", *purposes):
    case = open_demo_case(user, pseudonym)
    for purpose in ("statistics", *purposes):
        Consent.objects.create(person=case.person, purpose=purpose, method="spoken", given_on=DAY)
    return case


@pytest.fixture
def platform_admin(make_user, organisation):
    return make_user("pat", Role.PLATFORM_ADMIN, organisation)


def test_the_page_says_how_many_cases_go_and_how_many_lack_consent(
    signed_in, supervisor, caseworker, intruder
):
    consenting_case(caseworker)
    open_demo_case(caseworker, "Cedar")
    consenting_case(intruder, "Spruce")
    page = signed_in(supervisor).get(EXPORT).content.decode()
    assert "1 case of a person whose consent to anonymised statistics is in force." in page
    assert "1 case left out: no consent to anonymised statistics." in page
    assert "Spruce" not in page and "Birch" not in page


def test_a_supervisor_downloads_json_of_their_own_cases(
    signed_in, supervisor, caseworker, intruder
):
    consenting_case(caseworker)
    consenting_case(intruder, "Spruce")
    response = signed_in(supervisor).post(EXPORT, {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="htcds-')
    document = json.loads(response.content)
    assert [r["org_Name"] for r in document["records"]] == ["Home Workers Centre"]
    assert b"Rosa" not in response.content and b"416-555" not in response.content
    assert AuditEvent.objects.filter(action="htcds.export", actor=supervisor).count() == 1


def test_an_organisation_admin_downloads_the_workbook(
    signed_in, make_user, organisation, caseworker, intruder
):
    consenting_case(caseworker)
    admin = make_user("olive", Role.ORG_ADMIN, organisation)
    response = signed_in(admin).post(EXPORT, {"format": "xlsx"})
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("org_Name", "org_ShippingCity")
    assert len(rows) == 3


def test_the_intruder_exports_only_their_own_organisation(signed_in, caseworker, intruder):
    consenting_case(caseworker)
    response = signed_in(intruder).post(EXPORT, {"format": "json"})
    assert json.loads(response.content)["records"] == []


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.ANALYST, Role.PLATFORM_ADMIN])
def test_other_roles_are_refused(signed_in, make_user, organisation, role, intruder):
    user = make_user("someone", role, organisation)
    assert signed_in(user).get(EXPORT).status_code == 403
    assert signed_in(user).post(EXPORT, {"format": "json"}).status_code == 403


def test_a_partner_without_a_grant_cannot_be_chosen(
    signed_in, supervisor, caseworker, intruder, other_organisation
):
    consenting_case(caseworker, "Birch", "referral_sharing")
    response = signed_in(supervisor).post(
        EXPORT, {"format": "json", "partner": other_organisation.pk}
    )
    assert response.status_code == 400
    assert b"Rosa" not in response.content
    assert not AuditEvent.objects.filter(action="htcds.export").exists()


def test_with_a_grant_the_supervisor_exports_identified_records_for_the_partner(
    signed_in, supervisor, caseworker, intruder, other_organisation, platform_admin, organisation
):
    consenting_case(caseworker, "Birch", "referral_sharing")
    htcds_export.grant_identified_export(
        Actor(user=platform_admin), organisation, other_organisation
    )
    client = signed_in(supervisor)
    assert "Elsewhere Legal Clinic" in client.get(EXPORT).content.decode()
    response = client.post(EXPORT, {"format": "json", "partner": other_organisation.pk})
    document = json.loads(response.content)
    assert document["identified"] is True
    assert document["records"][0]["prs_FirstName"] == "Rosa"


def test_an_invalid_record_shows_the_problems_and_downloads_nothing(
    signed_in, supervisor, caseworker, intruder
):
    case = consenting_case(caseworker)
    type(case).objects.filter(pk=case.pk).update(status="archived")
    response = signed_in(supervisor).post(EXPORT, {"format": "json"})
    assert response.status_code == 400
    assert "Content-Disposition" not in response
    page = response.content.decode()
    assert "Nothing was exported" in page
    assert "Record 1: cas_Status breaks the rule “enum”." in page


def test_the_schema_is_served_as_json_to_signed_in_staff(signed_in, caseworker, intruder):
    response = signed_in(caseworker).get(SCHEMA)
    assert response.status_code == 200
    assert json.loads(response.content)["$schema"].endswith("2020-12/schema")


def test_the_platform_admin_grants_and_revokes_on_the_grants_page(
    signed_in, platform_admin, organisation, other_organisation, intruder
):
    client = signed_in(platform_admin)
    response = client.post(
        GRANTS,
        {"action": "grant", "organisation": organisation.pk, "partner": other_organisation.pk},
    )
    assert response.status_code == 302
    grant = IdentifiedExportGrant.objects.get()
    assert grant.granted_by == platform_admin and grant.is_active
    page = client.get(GRANTS).content.decode()
    assert "Elsewhere Legal Clinic" in page
    response = client.post(GRANTS, {"action": "revoke", "grant": grant.pk})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert not grant.is_active and grant.revoked_by == platform_admin
    assert list(
        AuditEvent.objects.filter(action__startswith="htcds.").values_list("action", flat=True)
    ) == ["htcds.grant", "htcds.revoke"]


def test_a_grant_to_itself_is_shown_as_an_error(signed_in, platform_admin, organisation, intruder):
    response = signed_in(platform_admin).post(
        GRANTS, {"action": "grant", "organisation": organisation.pk, "partner": organisation.pk}
    )
    assert response.status_code == 400
    assert "Choose another organisation than the one that exports." in response.content.decode()
    assert not IdentifiedExportGrant.objects.exists()


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ORG_ADMIN, Role.ANALYST])
def test_no_one_but_the_platform_admin_opens_the_grants_page(
    signed_in, make_user, organisation, other_organisation, role
):
    user = make_user("someone", role, organisation)
    assert signed_in(user).get(GRANTS).status_code == 403
    response = signed_in(user).post(
        GRANTS,
        {"action": "grant", "organisation": organisation.pk, "partner": other_organisation.pk},
    )
    assert response.status_code == 403
    assert not IdentifiedExportGrant.objects.exists()


def test_the_pages_are_in_french(signed_in, supervisor, intruder):
    client = signed_in(supervisor)
    client.post(reverse("set_language"), {"language": "fr", "next": EXPORT})
    page = client.get(EXPORT).content.decode()
    assert "Exportation HTCDS" in page
    assert "Ce que contient le fichier" in page
