"""Applications and decisions in a real browser, with axe-core on every page.

A caseworker records, from the protection navigator, the application for the
trafficking temporary resident permit that a lawyer submitted, then its
decision: granted, ending in about six months. The case page shows the
protection history and the renewal tasks 90, 30 and 7 days before the end; the
case is in the Protection stage. The pages are looked at in French and at phone
width too, and the reference number stays off every URL.
"""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from harbour.cases.models import ImmigrationStatus
from tests.conftest import open_demo_case

pytestmark = pytest.mark.browser

TRP = "Temporary resident permit for victims of trafficking"
REFERENCE = "W309876543"


def test_a_caseworker_records_an_application_and_its_decision_and_the_case_follows(
    page, caseworker, intruder, with_authenticator, sign_in_through_the_browser, look_at
):
    case = open_demo_case(
        caseworker, pseudonym="Cedar", immigration_status=ImmigrationStatus.NO_STATUS
    )
    with_authenticator(caseworker)
    sign_in_through_the_browser(page, caseworker)
    today = datetime.date.today()
    submitted = today - datetime.timedelta(days=40)
    decided = today - datetime.timedelta(days=3)
    ends = today + datetime.timedelta(days=180)

    page.goto(f"/cases/{case.pk}/pathways/")
    page.locator("#pathway-vtip_trp > summary").click()
    page.locator("#pathway-vtip_trp .pathway-actions a").click()
    expect(page.get_by_label("Pathway applied for")).to_have_value("vtip_trp")
    look_at(page, "applications-new")
    page.get_by_label("Submitted on").fill(submitted.isoformat())
    page.get_by_label("Submitted by").select_option("lawyer")
    page.get_by_label("Reference number").fill(REFERENCE)
    page.get_by_label("Documents sent").fill("Support letter\nStatement of the person")
    page.get_by_role("button", name="Record the application").click()

    expect(page.get_by_text("Application recorded.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TRP)
    expect(page.get_by_text(REFERENCE)).to_be_visible()
    assert REFERENCE not in page.url
    look_at(page, "applications-detail-pending")

    page.get_by_role("link", name="Record the decision").click()
    # A decision dated before the application is refused on its field.
    page.get_by_label("Outcome").select_option("granted")
    page.get_by_label("Decided on").fill((submitted - datetime.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Save the decision").click()
    expect(page.locator("#id_decided_on_error, .errorlist").first).to_be_visible()
    look_at(page, "applications-decision-error")
    page.get_by_label("Decided on").fill(decided.isoformat())
    page.get_by_label("Valid until").fill(ends.isoformat())
    page.get_by_label("Conditions").fill("Fee waived; open work permit issued with it")
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    look_at(page, "applications-detail-granted")
    look_at(page, "applications-detail-granted-phone", phone=True)

    page.goto(f"/cases/{case.pk}/")
    history = page.locator("#protection-history")
    expect(history.get_by_role("link", name=TRP)).to_be_visible()
    expect(history.get_by_text("Granted")).to_be_visible()
    for days in (90, 30, 7):
        expect(page.get_by_text(f"ends in {days} days").first).to_be_visible()
    expect(page.get_by_text("Protection").first).to_be_visible()
    look_at(page, "applications-case-history")
    look_at(page, "applications-case-history-phone", phone=True)

    page.get_by_role("button", name="Français").click()
    expect(history.get_by_text("Accordée")).to_be_visible()
    look_at(page, "applications-case-history-fr")
    history.locator("td.lead a").first.click()
    expect(page.get_by_text(REFERENCE)).to_be_visible()
    look_at(page, "applications-detail-fr")


def test_an_intruder_finds_no_application_of_our_case(
    page, caseworker, intruder, with_authenticator, sign_in_through_the_browser
):
    from harbour.audit.services import Actor
    from harbour.pathways.applications import record_application

    case = open_demo_case(caseworker, pseudonym="Cedar")
    application = record_application(
        Actor(user=caseworker),
        case,
        {
            "pathway_id": "vtip_trp",
            "submitted_on": datetime.date.today(),
            "submitted_by": "lawyer",
            "reference_number": REFERENCE,
        },
    )
    with_authenticator(intruder)
    sign_in_through_the_browser(page, intruder)
    response = page.goto(f"/cases/{case.pk}/applications/{application.pk}/")
    assert response is not None and response.status == 404
    assert REFERENCE not in page.content()
