"""The protection navigator in a real browser, with axe-core looking at every page.

A caseworker opens the navigator from a case whose person lost status six weeks
ago: the facts the records hold are filled in, the caseworker adds the rest,
saves, reads the pathways grouped by status, opens one to its criteria and
sources, adds the restoration deadline to the case as a task, and downloads a
support letter for the trafficking permit. The standalone navigator and the
rules page are looked at too, in English and in French.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import expect

from harbour.cases.models import ImmigrationStatus
from tests.conftest import open_demo_case

pytestmark = pytest.mark.browser


def tri_state(page, label: str, choice: str) -> None:
    page.get_by_role("group", name=label).get_by_label(choice, exact=True).check()


def test_caseworker_finds_the_pathways_open_to_a_person_and_acts_on_them(
    page, caseworker, intruder, with_authenticator, sign_in_through_the_browser, look_at
):
    case = open_demo_case(
        caseworker, pseudonym="Aspen", immigration_status=ImmigrationStatus.NO_STATUS
    )
    with_authenticator(caseworker)
    sign_in_through_the_browser(page, caseworker)

    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Open the protection navigator").click()
    expect(page.get_by_role("heading", level=1, name="Protection navigator")).to_be_visible()
    page.get_by_label("Evaluate as of").fill("2026-11-29")
    expect(page.get_by_label("Immigration status", exact=True)).to_have_value("out_of_status")
    expect(page.get_by_text("From: person record").first).to_be_visible()
    look_at(page, "pathways-case-empty")

    tri_state(page, "Is the person in Canada?", "Yes")
    page.get_by_label("Date status was lost", exact=True).fill("2026-10-15")
    page.get_by_label("Why status was lost", exact=True).select_option("work_conditions")
    page.get_by_text("Work, exploitation and family").click()
    page.get_by_label("Screening reading", exact=True).select_option("trafficking_indicated")
    page.get_by_role("button", name="Save facts and show pathways").click()

    expect(page.get_by_text("Facts saved.")).to_be_visible()
    open_to_her = page.locator("#group-possibly_eligible")
    restoration_title = open_to_her.get_by_text(
        "Restoration of temporary resident status", exact=True
    )
    expect(restoration_title).to_be_visible()
    look_at(page, "pathways-case-results")

    restoration = page.locator("#pathway-restoration_of_status")
    restoration.locator("summary").click()
    expect(restoration.get_by_text("Source:").first).to_be_visible()
    expect(restoration.get_by_text("Met").first).to_be_visible()
    look_at(page, "pathways-case-pathway-open")
    look_at(page, "pathways-case-results-phone", phone=True)

    deadlines = page.locator("#deadlines")
    expect(deadlines.get_by_text("13 January 2027")).to_be_visible()  # 90 days after 15 Oct
    deadlines.get_by_role("button", name="Add to case").click()
    expect(page.get_by_text("added to the case as tasks")).to_be_visible()
    assert case.tasks.filter(source="pathway:restoration_of_status:restoration_deadline").exists()

    letters = page.locator("section", has=page.get_by_role("heading", name="Support letters"))
    with page.expect_download() as download_info:
        letters.locator("form").first.get_by_role("button", name="Download draft (.docx)").click()
    download = download_info.value
    assert download.suggested_filename.startswith(f"support-letter-vtip-trp-{case.reference}-")
    text = "\n".join(
        p.text for p in Document(io.BytesIO(Path(download.path()).read_bytes())).paragraphs
    )
    assert "Rosa Example" not in text and case.reference in text

    page.goto("/navigator/")
    look_at(page, "pathways-standalone")
    page.get_by_role("button", name="Show pathways").click()
    expect(page.get_by_role("heading", name="What to ask next")).to_be_visible()
    look_at(page, "pathways-standalone-results")

    page.goto("/knowledge/")
    expect(page.get_by_role("heading", level=1, name="Rules and sources")).to_be_visible()
    page.locator("#rules-vtip_trp > summary").click()
    look_at(page, "pathways-knowledge")
    look_at(page, "pathways-knowledge-phone", phone=True)

    page.get_by_role("button", name="Français").click()
    expect(page.get_by_role("heading", level=1, name="Règles et sources")).to_be_visible()
    look_at(page, "pathways-knowledge-fr")
    page.goto(f"/cases/{case.pk}/pathways/?as_of=2026-11-29")
    expect(page.get_by_role("heading", level=1, name="Navigateur de protection")).to_be_visible()
    look_at(page, "pathways-case-results-fr")


def test_an_intruder_finds_no_navigator_for_our_case(
    page, caseworker, intruder, with_authenticator, sign_in_through_the_browser
):
    case = open_demo_case(caseworker, pseudonym="Aspen")
    with_authenticator(intruder)
    sign_in_through_the_browser(page, intruder)
    response = page.goto(f"/cases/{case.pk}/pathways/")
    assert response is not None and response.status == 404
