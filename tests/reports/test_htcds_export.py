"""The HTCDS export service: an organisation's own consented cases, checked
against the schema, de-identified unless a grant and the person's consent to
sharing allow otherwise, audited without values."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from openpyxl import load_workbook

from harbour.audit.models import AuditEvent
from harbour.audit.services import Actor
from harbour.cases import services as case_services
from harbour.cases.models import Case, Consent
from harbour.cases.services import NotAllowed
from harbour.pathways.models import Application, Decision
from harbour.reports import htcds, htcds_export
from harbour.reports.htcds_record import columns
from harbour.reports.models import IdentifiedExportGrant
from tests.conftest import open_demo_case

PLAINTEXT = (
    "Rosa Example",
    "Rosa",
    "416-555-0142",
    "4165550142",
    "AB 123 456",
    "Passport held by the employer",
    "rosa@example.org",
    "12 Elm Street",
    "WP-998877",
)
DAY = datetime.date(2026, 1, 5)


def consent(case, purpose="statistics"):
    return Consent.objects.create(
        person=case.person, purpose=purpose, method="spoken", given_on=DAY
    )


def demo_case(user, pseudonym, **person):
    case = open_demo_case(
        user,
        pseudonym,
        email="rosa@example.org",
        contact_notes="12 Elm Street, back door",
        permit_number="WP-998877",
        nationality="Mexican",
        languages="Spanish, English",
        date_of_birth=datetime.date(1994, 2, 3),
        **person,
    )
    consent(case)
    return case


@pytest.fixture
def platform_admin(make_user, organisation):
    from harbour.accounts.models import Role

    return make_user("pat", Role.PLATFORM_ADMIN, organisation)


def test_a_round_trip_of_demo_like_cases_validates(supervisor, caseworker, intruder):
    birch = demo_case(caseworker, "Birch")
    demo_case(caseworker, "Cedar")
    application = Application.objects.create(
        case=birch,
        pathway_id="vtip_trp",
        submitted_on=datetime.date(2026, 3, 20),
        submitted_by="organisation",
        reference_number="IRCC-55",
    )
    Decision.objects.create(
        application=application, outcome="granted", decided_on=datetime.date(2026, 10, 1)
    )
    result = htcds_export.export_htcds(Actor(user=supervisor), supervisor.membership.organisation)
    assert len(result.records) == 2
    schema = htcds.build_schema()
    assert htcds.check_records(result.records, schema) == []
    text = htcds_export.document_bytes(result).decode()
    assert htcds.record_validator(schema).is_valid(result.records[0])
    reloaded = json.loads(text)
    assert reloaded["standard"] == "HTCDS" and reloaded["identified"] is False
    first = reloaded["records"][0]
    assert first["prs_Citizenship"] == ["MX"]
    assert first["prs_PrimaryLanguage"] == "spa"
    assert first["x_harbour_age_band"] == "25_34"
    assert first["x_harbour_protections"][0]["status"] == "granted"
    assert first["vic_TraffickingStatus"] == "ActualVictimOfTrafficking"


def test_a_default_export_holds_no_identifier_or_free_text(supervisor, caseworker, intruder):
    demo_case(caseworker, "Birch")
    result = htcds_export.export_htcds(Actor(user=supervisor), supervisor.membership.organisation)
    text = htcds_export.document_bytes(result).decode()
    workbook = htcds_export.workbook_bytes(result)
    cells = " ".join(
        str(cell)
        for sheet_row in load_workbook(io.BytesIO(workbook)).active.iter_rows(values_only=True)
        for cell in sheet_row
        if cell is not None
    )
    for secret in PLAINTEXT:
        assert secret not in text
        assert secret not in cells
    assert "Birch" not in text and "Birch" not in cells  # no pseudonym either
    assert not set(result.records[0]) & set(htcds.load_mapping().identified_only)


def test_only_cases_whose_person_consents_to_statistics_are_exported(
    supervisor, caseworker, intruder
):
    demo_case(caseworker, "Birch")
    open_demo_case(caseworker, "Without")  # no consent recorded
    withdrawn = demo_case(caseworker, "Withdrawn")
    case_services.withdraw_consent(
        Actor(user=caseworker), withdrawn.person.consents.get(purpose="statistics")
    )
    organisation = supervisor.membership.organisation
    result = htcds_export.export_htcds(Actor(user=supervisor), organisation)
    assert len(result.records) == 1
    assert result.left_out_without_consent == 2
    assert htcds_export.preview(organisation).exportable == 1


def test_another_organisations_cases_never_appear(supervisor, caseworker, intruder):
    demo_case(caseworker, "Birch")
    theirs = demo_case(intruder, "Spruce")
    Case.objects.filter(pk=theirs.pk).update(sector="construction")
    result = htcds_export.export_htcds(Actor(user=intruder), intruder.membership.organisation)
    assert [r["org_Name"] for r in result.records] == ["Elsewhere Legal Clinic"]
    ours = htcds_export.export_htcds(Actor(user=supervisor), supervisor.membership.organisation)
    assert all(r["x_harbour_sector"] != "construction" for r in ours.records)


def test_an_export_is_audited_with_counts_and_no_values(supervisor, caseworker, intruder):
    demo_case(caseworker, "Birch")
    organisation = supervisor.membership.organisation
    htcds_export.export_htcds(Actor(user=supervisor, ip_address="10.0.0.9"), organisation)
    event = AuditEvent.objects.filter(action="htcds.export").get()
    assert event.actor == supervisor
    assert event.object_id == str(organisation.pk)
    assert event.detail == {
        "records": 1,
        "identified": 0,
        "partner": None,
        "left_out_without_consent": 0,
    }


def test_a_record_failing_the_schema_stops_the_export_and_audits_nothing(
    supervisor, caseworker, intruder
):
    case = demo_case(caseworker, "Birch")
    Case.objects.filter(pk=case.pk).update(status="archived")  # a code the mapping lacks
    with pytest.raises(htcds_export.InvalidExport) as invalid:
        htcds_export.export_htcds(Actor(user=supervisor), supervisor.membership.organisation)
    assert [str(p) for p in invalid.value.problems] == [
        "record 1: cas_Status fails the rule 'enum'"
    ]
    assert not AuditEvent.objects.filter(action="htcds.export").exists()


def test_the_workbook_has_the_field_sheet_columns_in_order_then_labels(
    supervisor, caseworker, intruder
):
    demo_case(caseworker, "Birch")
    result = htcds_export.export_htcds(Actor(user=supervisor), supervisor.membership.organisation)
    sheet = load_workbook(io.BytesIO(htcds_export.workbook_bytes(result))).active
    rows = list(sheet.iter_rows(values_only=True))
    field_names = list(htcds.load_field_sheet().names)
    assert list(rows[0][: len(field_names)]) == field_names
    assert list(rows[0]) == columns()
    assert rows[1][0] == "Organisation Name"
    assert rows[2][list(rows[0]).index("vic_TypeOfExploitation")] == "ForcedLabour"
    assert len(rows) == 3


def test_identified_export_needs_a_grant(supervisor, caseworker, intruder, other_organisation):
    case = demo_case(caseworker, "Birch")
    consent(case, "referral_sharing")
    with pytest.raises(NotAllowed):
        htcds_export.export_htcds(
            Actor(user=supervisor), supervisor.membership.organisation, partner=other_organisation
        )
    assert not AuditEvent.objects.filter(action="htcds.export").exists()


def test_identified_export_with_a_grant_names_only_people_who_consent_to_sharing(
    supervisor, caseworker, intruder, other_organisation, platform_admin
):
    organisation = supervisor.membership.organisation
    sharing = demo_case(caseworker, "Birch")
    consent(sharing, "referral_sharing")
    demo_case(caseworker, "Cedar", legal_name="Ana Private")  # statistics only
    htcds_export.grant_identified_export(
        Actor(user=platform_admin), organisation, other_organisation
    )
    result = htcds_export.export_htcds(
        Actor(user=supervisor), organisation, partner=other_organisation
    )
    assert result.identified == 1
    named = [r for r in result.records if "prs_SecondName" in r]
    assert [r["prs_SecondName"] for r in named] == ["Example"]
    assert named[0]["prs_IdentityNumber"] == "AB 123 456"
    assert named[0]["cco_CaseComment"] == "Passport held by the employer."
    assert "Ana" not in htcds_export.document_bytes(result).decode()
    assert result.document["partner"] == "Elsewhere Legal Clinic"
    assert htcds.check_records(result.records, htcds.build_schema()) == []
    event = AuditEvent.objects.filter(action="htcds.export").get()
    assert event.detail["identified"] == 1 and event.detail["partner"] == other_organisation.pk
    assert "Rosa" not in json.dumps(event.detail)


def test_withdrawing_the_sharing_consent_takes_the_identity_out_at_once(
    supervisor, caseworker, intruder, other_organisation, platform_admin
):
    organisation = supervisor.membership.organisation
    case = demo_case(caseworker, "Birch")
    sharing = consent(case, "referral_sharing")
    htcds_export.grant_identified_export(
        Actor(user=platform_admin), organisation, other_organisation
    )
    case_services.withdraw_consent(Actor(user=caseworker), sharing)
    result = htcds_export.export_htcds(
        Actor(user=supervisor), organisation, partner=other_organisation
    )
    assert result.identified == 0
    text = htcds_export.document_bytes(result).decode()
    for secret in PLAINTEXT:
        assert secret not in text


def test_revoking_the_grant_stops_identified_export(
    supervisor, caseworker, intruder, other_organisation, platform_admin
):
    organisation = supervisor.membership.organisation
    consent(demo_case(caseworker, "Birch"), "referral_sharing")
    admin = Actor(user=platform_admin)
    grant = htcds_export.grant_identified_export(admin, organisation, other_organisation)
    htcds_export.revoke_identified_export(admin, grant)
    assert grant.revoked_at is not None and grant.revoked_by == platform_admin
    with pytest.raises(NotAllowed):
        htcds_export.export_htcds(Actor(user=supervisor), organisation, partner=other_organisation)
    actions = list(
        AuditEvent.objects.filter(action__startswith="htcds.").values_list("action", "detail")
    )
    assert actions == [
        ("htcds.grant", {"organisation": organisation.pk, "partner": other_organisation.pk}),
        ("htcds.revoke", {"organisation": organisation.pk, "partner": other_organisation.pk}),
    ]


def test_only_the_platform_admin_grants(supervisor, intruder, other_organisation):
    with pytest.raises(NotAllowed):
        htcds_export.grant_identified_export(
            Actor(user=supervisor), supervisor.membership.organisation, other_organisation
        )
    assert not IdentifiedExportGrant.objects.exists()


def test_a_grant_to_an_organisation_for_itself_is_refused(platform_admin, organisation):
    with pytest.raises(ValueError, match="own partner"):
        htcds_export.grant_identified_export(Actor(user=platform_admin), organisation, organisation)


def test_a_grant_of_one_organisation_does_not_let_another_export_identified(
    supervisor, intruder, organisation, other_organisation, platform_admin
):
    htcds_export.grant_identified_export(
        Actor(user=platform_admin), organisation, other_organisation
    )
    with pytest.raises(NotAllowed):
        htcds_export.export_htcds(Actor(user=intruder), other_organisation, partner=organisation)
