"""The HTCDS v2.0 field sheet as data, Harbour's JSON Schema built from it, and
the mapping of plain case records (pure: no database)."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from harbour.knowledge.loader import KnowledgeError
from harbour.reports import htcds
from harbour.reports.htcds_record import (
    CaseInput,
    Identity,
    ProtectionInput,
    columns,
    row,
    to_record,
)

BAD = Path(__file__).parent / "htcds_bad"
SHEET = htcds.load_field_sheet()
MAPPING = htcds.load_mapping()
SCHEMA = htcds.build_schema()
FORMS = [m.harbour for m in MAPPING.exploitation_forms]
SECTORS = [m.harbour for m in MAPPING.sectors]
STATUSES = [m.harbour for m in MAPPING.case_statuses]
GENDERS = [m.harbour for m in MAPPING.genders]


def test_the_field_sheet_has_every_row_of_the_official_sheet_in_its_order():
    names = SHEET.names
    assert len(names) == 84  # 83 named fields and the bare per_Organisation row
    assert names[:3] == ("org_Name", "org_ShippingCity", "org_ShippingCountry")
    assert names[-1] == "con_Consent"
    assert names.index("prs_FirstName") < names.index("vic_TraffickingStatus")
    assert names.index("vic_TraffickingStatus") < names.index("cas_Status")
    assert sum(f.core for f in SHEET.fields) == 40
    assert [f.name for f in SHEET.fields if f.status == "deprecated"] == [
        "vic_AgreementToManagePersonalData",
        "vic_Vulnerabilities",
        "vic_DetailsOfVulnerabilities",
    ]


def test_the_field_sheet_names_its_source_commit_and_date():
    assert SHEET.source.commit == "3c2f6537cd76c3305975aa5eef7a1bf26fe20a30"
    assert SHEET.source.repository == "https://github.com/UNMigration/HTCDS"
    assert SHEET.valid_from == datetime.date(2021, 12, 24)


def test_what_harbour_inferred_is_marked_unverified_with_a_note():
    inferred = SHEET.field("per_Organisation")
    assert inferred.verified is False
    assert "no label" in (inferred.verification_note or "")
    assert SHEET.field("prs_Gender").verified is True


def test_picklists_keep_the_sheets_system_names_and_spelling():
    assert SHEET.field("vic_RelationshipToTrafficker").value_names == (
        "Familial",
        "Acquainted",
        "Unaquainted",
    )
    assert "ThreatsLawEnforcement" in SHEET.field("vic_MethodsOfControl").value_names
    assert len(SHEET.field("vic_ForcedLabourIndustry").value_names) == 21


def test_the_schema_is_valid_json_schema_2020_12():
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(SCHEMA)
    json.dumps(SCHEMA)  # plain JSON, nothing else


def test_the_schema_uses_system_names_as_properties_and_enums():
    properties = SCHEMA["$defs"]["record"]["properties"]
    assert list(properties)[: len(SHEET.names)] == list(SHEET.names)
    assert properties["cas_Status"]["enum"] == ["Active", "FollowUp", "Closed", "ClosedReferred"]
    assert properties["vic_TypeOfExploitation"]["items"]["enum"][0] == "ForcedLabour"
    assert properties["vic_Vulnerabilities"]["deprecated"] is True
    assert properties["prs_Birthdate"]["format"] == "date"
    assert properties["prs_FirstName"]["x-harbour-identified-only"] is True
    assert all(name in SHEET.names or name.startswith("x_harbour_") for name in properties)


def test_the_code_lists_come_from_iso_3166_and_iso_639_2():
    defs = SCHEMA["$defs"]
    assert {"MX", "GT", "PH", "CA"} <= set(defs["iso3166_alpha2"]["enum"])
    assert "MEX" in defs["iso3166_alpha2_or_alpha3"]["enum"]
    assert "MEX" not in defs["iso3166_alpha2"]["enum"]
    languages = set(defs["iso639_2"]["enum"])
    assert {"fre", "fra", "spa", "tgl", "pan", "ukr", "eng"} <= languages
    assert "quc" not in languages  # K'iche' is ISO 639-3 only
    assert len(defs["ca_province"]["enum"]) == 13
    properties = defs["record"]["properties"]
    assert properties["prs_Citizenship"]["items"] == {"$ref": "#/$defs/iso3166_alpha2_or_alpha3"}
    assert properties["prs_PrimaryLanguage"]["$ref"] == "#/$defs/iso639_2"


def test_protections_are_harbour_extensions():
    protection = SCHEMA["$defs"]["record"]["properties"]["x_harbour_protections"]["items"]
    assert set(protection["properties"]["kind"]["enum"]) == {
        "trafficking_trp",
        "vulnerable_worker_open_permit",
        "refugee_protection",
        "humanitarian_and_compassionate",
        "provincial_claim",
    }
    assert "vtip_trp" in protection["properties"]["pathway"]["enum"]


def test_a_mapping_naming_a_value_the_sheet_lacks_is_refused():
    with pytest.raises(KnowledgeError, match="not a value of vic_TypeOfExploitation"):
        htcds.load_mapping(BAD / "unknown-value.yaml")


def test_a_field_sheet_with_a_duplicate_key_is_refused():
    with pytest.raises(KnowledgeError, match="duplicate key 'label'"):
        htcds.load_field_sheet(BAD / "duplicate-key.yaml")


def test_a_picklist_without_values_is_refused():
    with pytest.raises(KnowledgeError, match="picklist without values"):
        htcds.load_field_sheet(BAD / "picklist-without-values.yaml")


def test_free_text_nationality_and_languages_become_iso_codes_or_nothing():
    assert htcds.code_countries("Mexican / Guatemala") == (["MX", "GT"], 0)
    assert htcds.code_countries("Atlantis") == ([], 1)
    assert htcds.code_languages("Spanish, K'iche' (interpreter), English") == (["spa", "eng"], 1)
    assert htcds.code_languages("fr") == (["fra"], 0)


def _case(**changes):
    base = dict(
        organisation_name="Home Workers Centre",
        organisation_province="ON",
        status="active",
        province="ON",
        forms=("labour_trafficking",),
        sector="agriculture",
        opened_on=datetime.date(2026, 3, 1),
        date_of_birth=datetime.date(1990, 5, 17),
        nationality="Mexico",
        languages="Spanish, English",
    )
    base.update(changes)
    return CaseInput(**base)


def test_a_granted_trafficking_trp_reads_as_an_actual_victim_decided_by_government():
    granted = ProtectionInput(
        "vtip_trp", datetime.date(2026, 4, 1), "granted", datetime.date(2026, 11, 5)
    )
    record = to_record(_case(reading="trafficking_indicated", protections=(granted,)), 1).record
    assert record["vic_TraffickingStatus"] == "ActualVictimOfTrafficking"
    assert record["vic_TraffickingStatusDecisionMakingOrg"] == "NonPoliceGovernmentalOrganization"
    (item,) = record["x_harbour_protections"]
    assert item == {
        "kind": "trafficking_trp",
        "pathway": "vtip_trp",
        "status": "granted",
        "applied_year": 2026,
        "decided_year": 2026,
        "days_from_opening_to_application": 31,
        "days_from_application_to_decision": 218,
    }


def test_a_pending_application_is_pending_and_a_recourse_is_not_a_protection():
    pending = ProtectionInput("owp_vulnerable_workers", datetime.date(2026, 3, 10))
    hotline = ProtectionInput("human_trafficking_hotline", datetime.date(2026, 3, 2))
    record = to_record(_case(protections=(pending, hotline)), 1).record
    assert [p["status"] for p in record["x_harbour_protections"]] == ["pending"]
    assert "vic_TraffickingStatus" not in record


def test_forms_and_sectors_map_through_the_yaml_and_industry_only_for_forced_labour():
    record = to_record(_case(forms=("domestic_servitude",), sector="care_work"), 1).record
    assert record["vic_TypeOfExploitation"] == ["Servitude"]
    assert record["vic_ForcedLabourIndustry"] == "T_ActivitiesOfHouseholdsAsEmployers"
    sexual = to_record(_case(forms=("sexual_exploitation",), sector="sex_industry"), 1).record
    assert "vic_ForcedLabourIndustry" not in sexual


def test_an_unknown_harbour_code_passes_through_for_the_schema_to_name():
    record = to_record(_case(status="archived"), 7).record
    problems = htcds.check_records([record], SCHEMA)
    assert [str(p) for p in problems] == ["record 1: cas_Status fails the rule 'enum'"]


def test_a_problem_names_the_field_and_rule_never_the_value():
    record = to_record(_case(), 1).record
    record["prs_MobilePhone"] = "call Rosa at home"
    (problem,) = htcds.check_records([record], SCHEMA)
    assert "Rosa" not in str(problem)
    assert problem.where == "prs_MobilePhone"


IDENTITY = Identity(
    legal_name="Rosa Maria Example",
    date_of_birth=datetime.date(1990, 5, 17),
    phone="416-555-0142",
    email="rosa@example.org",
    identity_document_number="AB 123 456",
    summary="Passport held by the employer.",
    closure_reason="Moved to Alberta.",
)


def test_an_identity_fills_the_identified_fields_in_htcds_form():
    record = to_record(_case(identity=IDENTITY), 1).record
    assert record["prs_FirstName"] == "Rosa Maria"
    assert record["prs_SecondName"] == "Example"
    assert record["prs_Birthdate"] == "1990-05-17"
    assert record["prs_MobilePhone"] == "+14165550142"
    assert record["x_harbour_opened_on"] == "2026-03-01"
    assert not htcds.check_records([record], SCHEMA)


def test_the_spreadsheet_row_follows_the_field_sheet_column_order():
    names = columns()
    assert names[: len(SHEET.names)] == list(SHEET.names)
    record = to_record(_case(forms=("labour_trafficking", "other")), 1).record
    cells = row(record, names)
    assert cells[names.index("vic_TypeOfExploitation")] == "ForcedLabour;Other"
    assert cells[names.index("prs_FirstName")] == ""


dates = st.dates(min_value=datetime.date(1950, 1, 1), max_value=datetime.date(2030, 12, 31))
protections = st.builds(
    ProtectionInput,
    pathway=st.sampled_from([*sorted(MAPPING.protection_kinds), "employer_tip_line"]),
    submitted_on=dates,
    outcome=st.sampled_from([None, "granted", "refused", "withdrawn"]),
    decided_on=st.none() | dates,
)
cases = st.builds(
    CaseInput,
    organisation_name=st.text(min_size=1, max_size=20).filter(str.strip),
    organisation_province=st.sampled_from(["ON", "QC", "MB", "BC", "NU"]),
    status=st.sampled_from(STATUSES),
    province=st.sampled_from(["ON", "QC", "AB", "YT"]),
    forms=st.lists(st.sampled_from(FORMS), unique=True, max_size=3).map(tuple),
    sector=st.sampled_from(SECTORS),
    opened_on=dates,
    closed_on=st.none() | dates,
    date_of_birth=st.none() | dates,
    gender=st.sampled_from(GENDERS),
    nationality=st.sampled_from(["", "Mexico", "mexicaine", "Atlantis", "PH / GT", "Jamaica"]),
    languages=st.text(max_size=30),
    reading=st.sampled_from([None, "trafficking_indicated", "no_indicators_identified"]),
    protections=st.lists(protections, max_size=3).map(tuple),
)


@settings(max_examples=150, deadline=None)
@given(case=cases, number=st.integers(min_value=1, max_value=10_000))
def test_every_mapped_record_of_known_codes_passes_the_schema(case, number):
    # Decisions before their application are refused upstream; keep them ordered.
    fixed = tuple(
        p
        if p.decided_on is None or p.decided_on >= p.submitted_on
        else ProtectionInput(p.pathway, p.submitted_on, p.outcome, None)
        for p in case.protections
    )
    record = to_record(CaseInput(**{**case.__dict__, "protections": fixed}), number).record
    assert htcds.check_records([record], SCHEMA) == []


@settings(max_examples=100, deadline=None)
@given(case=cases)
def test_a_record_without_identity_has_no_identified_only_field(case):
    record = to_record(case, 1).record
    assert not set(record) & set(MAPPING.identified_only)
    for item in record.get("x_harbour_protections", []):
        assert "applied_on" not in item and "decided_on" not in item
