"""The HTCDS export in a real browser, with axe-core looking at every page.

A supervisor opens the export page (counts of cases and of those left out for
lack of consent), downloads the JSON and the workbook, and sees the page in
French. The platform admin allows identified export to a partner and revokes
it; in between, the supervisor can choose that partner.
"""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from harbour.accounts.models import Role
from harbour.cases.models import Consent
from harbour.reports.htcds import load_field_sheet
from tests.conftest import open_demo_case

pytestmark = pytest.mark.browser
DAY = datetime.date(2026, 1, 5)


def consenting_case(user, pseudonym, *purposes):
    case = open_demo_case(user, pseudonym)
    for purpose in ("statistics", *purposes):
        Consent.objects.create(person=case.person, purpose=purpose, method="spoken", given_on=DAY)
    return case


def test_a_supervisor_exports_their_cases_to_htcds_in_english_and_french(
    page, supervisor, caseworker, intruder, with_authenticator, sign_in_through_the_browser, look_at
):
    consenting_case(caseworker, "Birch")
    consenting_case(caseworker, "Cedar")
    open_demo_case(caseworker, "Without consent")
    consenting_case(intruder, "Spruce")
    with_authenticator(supervisor)
    sign_in_through_the_browser(page, supervisor)
    page.goto("/reports/htcds/")
    expect(page.get_by_role("heading", level=1, name="HTCDS export")).to_be_visible()
    expect(page.get_by_text("2 cases of people whose consent")).to_be_visible()
    expect(page.get_by_text("1 case left out")).to_be_visible()
    look_at(page, "htcds-export")
    look_at(page, "htcds-export-phone", phone=True)

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Export").click()
    document = json.loads(Path(download_info.value.path()).read_text("utf-8"))
    assert len(document["records"]) == 2
    assert "Rosa" not in json.dumps(document)

    page.get_by_label("Spreadsheet (XLSX, official column order)").check()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Export").click()
    with open(download_info.value.path(), "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    header = next(sheet.iter_rows(values_only=True))
    assert list(header[:84]) == list(load_field_sheet().names)

    page.get_by_role("button", name="Français").click()
    expect(page.get_by_role("heading", level=1, name="Exportation HTCDS")).to_be_visible()
    expect(page.get_by_text("1 dossier exclu")).to_be_visible()
    look_at(page, "htcds-export-fr")
    look_at(page, "htcds-export-fr-phone", phone=True)


def test_the_platform_admin_allows_and_revokes_identified_export(
    page,
    make_user,
    organisation,
    other_organisation,
    supervisor,
    caseworker,
    with_authenticator,
    sign_in_through_the_browser,
    look_at,
):
    consenting_case(caseworker, "Birch", "referral_sharing")
    admin = make_user("pat", Role.PLATFORM_ADMIN, organisation)
    with_authenticator(admin)
    sign_in_through_the_browser(page, admin)
    page.goto("/reports/htcds/grants/")
    expect(page.get_by_role("heading", level=1, name="Identified HTCDS export")).to_be_visible()
    look_at(page, "htcds-grants-empty")
    page.get_by_role("button", name="Allow").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    look_at(page, "htcds-grants-errors")
    page.get_by_label("Organisation that exports").select_option(label=organisation.name)
    page.get_by_label("Partner that receives identified records").select_option(
        label=other_organisation.name
    )
    page.get_by_role("button", name="Allow").click()
    expect(page.get_by_text("Identified export allowed.")).to_be_visible()
    look_at(page, "htcds-grants")
    look_at(page, "htcds-grants-phone", phone=True)

    supervisor_page = page.context.browser.new_context(
        base_url=page.url.split("/reports/")[0], locale="en-CA"
    ).new_page()
    with_authenticator(supervisor)
    sign_in_through_the_browser(supervisor_page, supervisor)
    supervisor_page.goto("/reports/htcds/")
    supervisor_page.get_by_label("Identified export for").select_option(
        label=other_organisation.name
    )
    with supervisor_page.expect_download() as download_info:
        supervisor_page.get_by_role("button", name="Export").click()
    document = json.loads(Path(download_info.value.path()).read_text("utf-8"))
    assert document["identified"] is True
    assert document["records"][0]["prs_FirstName"] == "Rosa"
    supervisor_page.context.close()

    page.get_by_role(
        "button",
        name=f"Revoke identified export from {organisation.name} to {other_organisation.name}",
    ).click()
    expect(page.get_by_text("Identified export revoked.")).to_be_visible()
    expect(page.get_by_text("No organisation may export identified records.")).to_be_visible()
    look_at(page, "htcds-grants-revoked")
