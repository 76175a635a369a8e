"""The statistics in a real browser, with axe-core on every page and screenshots.

An analyst of the coalition signs in and lands on the dashboard: disclosure-
controlled tables across every organisation, each with its chart and CSV, a
filter, the recognition gap, all in French too. A platform admin publishes a
release from its page, shows it on the public site, and the public statistics
page then has its tables. A caseworker sees none of it.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from harbour.accounts.models import Role
from tests.reports.conftest import open_counted_cases

pytestmark = pytest.mark.browser


@pytest.fixture
def counted(caseworker, intruder):
    """People across two organisations, enough to pass k in several cells."""
    return open_counted_cases(caseworker, 30, gender="woman") + open_counted_cases(
        intruder, 16, prefix="T", gender="man"
    )


def test_an_analyst_reads_the_dashboard_and_the_gap_in_english_and_french(
    page, analyst, counted, with_authenticator, sign_in_through_the_browser, look_at
):
    with_authenticator(analyst)
    sign_in_through_the_browser(page, analyst)
    # The analyst's start page is the dashboard.
    expect(page.get_by_role("heading", level=1, name="Statistics")).to_be_visible()
    whole = "Figures across every organisation on this installation."
    expect(page.get_by_text(whole)).to_be_visible()
    tables = page.locator("section.card table")
    assert tables.count() >= 8
    charts = page.locator("figure svg[role=img]").count()
    assert charts >= 4 and charts + page.locator("section.card p.empty").count() == tables.count()
    # No pseudonym of a counted person reaches the page.
    content = page.content()
    assert "P000" not in content and "T000" not in content
    look_at(page, "reports-dashboard")
    look_at(page, "reports-dashboard-phone", phone=True)

    with page.expect_download() as download_info:
        name = "Download “People by age at first contact and gender” as CSV"
        page.get_by_role("link", name=name).click()
    assert download_info.value.suggested_filename == "people_by_age_gender.csv"

    page.get_by_label("Gender", exact=True).select_option("woman")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_role("link", name="Clear filters")).to_be_visible()
    look_at(page, "reports-dashboard-filtered")

    page.get_by_role("link", name="Recognition gap").first.click()
    expect(page.get_by_role("heading", level=1, name="Recognition gap")).to_be_visible()
    look_at(page, "reports-gap")
    look_at(page, "reports-gap-phone", phone=True)

    page.get_by_role("button", name="Français").click()
    expect(page.get_by_role("heading", level=1, name="Écart de reconnaissance")).to_be_visible()
    look_at(page, "reports-gap-fr")
    page.get_by_role("link", name="Statistiques").first.click()
    expect(page.get_by_role("heading", level=1, name="Statistiques")).to_be_visible()
    look_at(page, "reports-dashboard-fr")
    look_at(page, "reports-dashboard-fr-phone", phone=True)


def test_a_platform_admin_publishes_a_release_and_shows_it_on_the_public_site(
    page,
    make_user,
    organisation,
    counted,
    with_authenticator,
    sign_in_through_the_browser,
    look_at,
):
    admin = make_user("pat", Role.PLATFORM_ADMIN, organisation)
    with_authenticator(admin)
    sign_in_through_the_browser(page, admin)
    expect(page.get_by_role("heading", level=1, name="Releases")).to_be_visible()
    look_at(page, "reports-releases-empty")
    page.get_by_label("Title").fill("Spring 2026")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("heading", level=1, name="Spring 2026")).to_be_visible()
    expect(page.get_by_role("heading", name="Left out for lack of consent")).to_be_visible()
    assert page.locator("section.card table").count() >= 8
    look_at(page, "reports-release")
    look_at(page, "reports-release-phone", phone=True)

    page.get_by_role("button", name="Show it on the public site").click()
    expect(page.get_by_text("This release is shown on the public site.")).to_be_visible()
    page.get_by_role("link", name="All releases").click()
    expect(page.get_by_role("link", name="Spring 2026")).to_be_visible()
    look_at(page, "reports-releases")

    page.goto("/help/en/statistics/")
    expect(page.get_by_text("Spring 2026")).to_be_visible()
    assert page.locator("table").count() >= 8


def test_a_caseworker_sees_no_statistics(
    page, caseworker, counted, with_authenticator, sign_in_through_the_browser
):
    with_authenticator(caseworker)
    sign_in_through_the_browser(page, caseworker)
    expect(page.get_by_role("link", name="Statistics")).to_have_count(0)
    response = page.goto("/reports/")
    assert response is not None and response.status in (403, 404)
