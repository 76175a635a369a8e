"""Every public page in each of the six languages beyond English and French
(those two have their own journey in test_public_journey.py), in Chromium at
desktop and phone width: axe-core finds nothing, the Arabic layout runs right to
left, a whole self-check answered leaves no cookie in the jar, and no page asks
another host for anything."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from harbour.accounts.models import Role
from harbour.audit.services import Actor
from harbour.directory import services
from harbour.reports import services as reports
from tests.browser.conftest import PHONE
from tests.browser.test_public_journey import PAGES, neutral_site, record_requests
from tests.directory.conftest import service_data
from tests.reports.conftest import open_counted_cases

pytestmark = pytest.mark.browser

LANGUAGES = ("es", "tl", "pa", "zh-hans", "vi", "ar")
FIRST_ANSWERS_SUBMITTED = """
form => {
  for (const set of form.querySelectorAll("fieldset")) set.querySelector("input").checked = true;
  form.requestSubmit();
}
"""


@pytest.fixture
def public_release(make_user, organisation, caseworker, intruder):
    """A release with enough consenting people for published figures, shown publicly."""
    admin = make_user("pat", Role.PLATFORM_ADMIN, organisation)
    open_counted_cases(caseworker, 23, gender="woman")
    open_counted_cases(intruder, 14, prefix="T", gender="man")
    release = reports.publish_release(Actor(user=admin), "Spring 2026", run_now=True)
    reports.set_release_public(Actor(user=admin), release, True)
    return release


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page_in_the_language_is_accessible_and_leaves_no_trace(
    page, live_server, look_at, supervisor, public_release, language
):
    services.add_service(
        Actor(user=supervisor),
        "Lakeside Legal Clinic (fictional)",
        service_data(name="Wage claims", needs="|legal|", languages="|en|es|pa|"),
    )
    neutral_site(page)
    others = record_requests(page, live_server.url)
    direction = "rtl" if language == "ar" else "ltr"
    for path in (*PAGES, "self-check/", "statistics/"):
        page.goto(f"/help/{language}/{path}")
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("html")).to_have_attribute("dir", direction)
        expect(page.locator("[data-quick-exit]")).to_be_visible()
        name = f"public-{language}-{path.split('/')[0] or 'home'}"
        look_at(page, name)
        look_at(page, f"{name}-phone", phone=True)

    # The whole self-check, then the answer page: the first answer of every
    # question (hidden but for the one on screen) is chosen without reading its
    # label, so the walk does not depend on any translation.
    page.set_viewport_size(PHONE)
    page.goto(f"/help/{language}/self-check/")
    page.locator("form[data-selfcheck]").evaluate(FIRST_ANSWERS_SUBMITTED)
    expect(page.locator("section.reading")).to_be_visible()
    assert page.url.endswith(f"/help/{language}/self-check/")
    look_at(page, f"public-{language}-result-phone", phone=True)
    look_at(page, f"public-{language}-result")

    assert page.context.cookies() == []
    assert others == []


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_statistics_page_shows_its_tables_and_charts_accessibly(
    page, live_server, look_at, public_release, language
):
    page.goto(f"/help/{language}/statistics/")
    expect(page.locator("table").first).to_be_visible()
    expect(page.locator("figure svg").first).to_be_visible()
    look_at(page, f"public-{language}-statistics")
    look_at(page, f"public-{language}-statistics-phone", phone=True)
    assert page.context.cookies() == []
