"""The services directory in a real browser, with axe-core on every page:
search by need, province and language; read a service; add and edit one;
import a spreadsheet, first with mistakes (the validation report), then
clean."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from harbour.audit.services import Actor
from harbour.directory import services
from harbour.directory.models import Service
from tests.directory.conftest import GOOD_ROWS, HEADER, service_data

pytestmark = pytest.mark.browser


def test_a_supervisor_searches_adds_edits_and_imports_services(
    page, supervisor, intruder, with_authenticator, sign_in_through_the_browser, look_at, tmp_path
):
    services.add_service(Actor(user=supervisor), "Harbour House (fictional)", service_data())
    services.add_service(
        Actor(user=intruder),
        "Clinique Phare (fictive)",
        service_data(name="Legal clinic", needs="|legal|", provinces="|QC|", languages="|fr|"),
    )
    with_authenticator(supervisor)
    sign_in_through_the_browser(page, supervisor)
    page.get_by_role("link", name="Directory").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    look_at(page, "directory-list")
    page.get_by_label("Need").select_option(label="Legal")
    page.get_by_label("Province or territory").select_option(label="Quebec")
    page.get_by_label("Language").select_option(label="French")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("link", name="Legal clinic")).to_be_visible()
    expect(page.get_by_role("link", name="Night shelter")).to_have_count(0)
    look_at(page, "directory-search")
    look_at(page, "directory-search-phone", phone=True)
    page.get_by_role("link", name="Legal clinic").click()
    expect(page.get_by_role("heading", level=1, name="Legal clinic")).to_be_visible()
    expect(page.get_by_role("link", name="Edit service")).to_have_count(0)  # not ours
    look_at(page, "directory-service")
    look_at(page, "directory-service-phone", phone=True)

    page.goto("/directory/new/")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    look_at(page, "directory-add-errors")
    page.get_by_label("Organisation offering the service").fill("Harbour House (fictional)")
    page.locator("#id_name").fill("Wage claim clinic")
    page.get_by_role("checkbox", name="Employment").check()
    page.get_by_role("checkbox", name="Ontario").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1, name="Wage claim clinic")).to_be_visible()
    page.get_by_role("link", name="Edit service").click()
    look_at(page, "directory-edit")
    page.get_by_label("Hours").fill("Mon–Fri 9–5")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Mon–Fri 9–5")).to_be_visible()
    assert Service.objects.get(name="Wage claim clinic").hours == "Mon–Fri 9–5"

    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "Lakeside,,nothing,ZZ,en,free,,,\n", encoding="utf-8")
    page.goto("/directory/import/")
    look_at(page, "directory-import")
    page.get_by_label("Spreadsheet (.csv or .xlsx)").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was imported")
    look_at(page, "directory-import-report")
    look_at(page, "directory-import-report-phone", phone=True)
    good = tmp_path / "good.csv"
    good.write_text(HEADER + GOOD_ROWS, encoding="utf-8")
    page.get_by_label("Spreadsheet (.csv or .xlsx)").set_input_files(str(good))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("status")).to_contain_text("The file is ready")
    look_at(page, "directory-import-ready")
    page.get_by_role("button", name="Import these services").click()
    expect(page.get_by_role("status")).to_contain_text("2 services imported")
    assert Service.objects.filter(name="Wage claims").exists()
