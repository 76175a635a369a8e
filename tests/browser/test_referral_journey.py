"""Referrals in a real browser, with axe-core on every page: a caseworker
refers a case with the person's consent, the receiving organisation reads it
in its inbox and accepts it; then a transfer moves the case, and the sender
can no longer open it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from harbour.accounts.models import Province, Role
from harbour.accounts.services import create_organisation
from harbour.audit.services import Actor
from harbour.directory.models import Referral, ReferralStatus
from tests.conftest import open_demo_case
from tests.directory.conftest import give_sharing_consent

pytestmark = pytest.mark.browser


@pytest.fixture
def receiver_organisation(db):
    return create_organisation(Actor.system("test"), "Riverside Shelter", Province.ON)


@pytest.fixture
def receiver(make_user, receiver_organisation):
    return make_user("rita", Role.CASEWORKER, receiver_organisation)


@pytest.fixture
def second_page(browser, live_server):
    """A second browser (its own cookies), for the receiving organisation's staff."""
    from tests.browser.conftest import DESKTOP

    context = browser.new_context(
        base_url=live_server.url, locale="en-CA", viewport=DESKTOP, timezone_id="America/Toronto"
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_a_referral_and_a_transfer_between_two_organisations(
    page,
    second_page,
    caseworker,
    receiver,
    receiver_organisation,
    intruder,
    with_authenticator,
    sign_in_through_the_browser,
    look_at,
):
    case = open_demo_case(caseworker, pseudonym="Juniper")
    give_sharing_consent(caseworker, case)
    with_authenticator(caseworker)
    with_authenticator(receiver)
    sign_in_through_the_browser(page, caseworker)

    page.goto(f"/cases/{case.pk}/referrals/")
    expect(page.get_by_role("heading", level=1, name="Referrals and transfers")).to_be_visible()
    look_at(page, "referrals-case")
    refer = page.locator("#refer")
    refer.get_by_role("button", name="Send the referral").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    look_at(page, "referrals-case-errors")
    refer = page.locator("#refer")
    refer.get_by_label("Organisation on Harbour").select_option(label="Riverside Shelter")
    refer.get_by_label("Need").select_option(label="Housing")
    refer.get_by_label("Urgency").select_option(label="Urgent: within a day")
    refer.get_by_label("Languages to work in").select_option(["es"])
    refer.get_by_label("Note for the receiving organisation").fill("A safe bed for two weeks.")
    refer.get_by_label("Share the person's contact and identity details").check()
    refer.get_by_role("button", name="Send the referral").click()
    expect(page.get_by_role("status")).to_contain_text("Referral sent")
    look_at(page, "referrals-case-sent")
    look_at(page, "referrals-case-phone", phone=True)

    sender, page = page, second_page
    sign_in_through_the_browser(page, receiver)
    page.get_by_role("link", name="Referrals").first.click()
    expect(page.get_by_role("heading", level=1, name="Referrals")).to_be_visible()
    waiting = page.locator("tr", has_text="Home Workers Centre")
    expect(waiting).to_have_count(1)
    expect(page.get_by_text("Rosa Example")).to_have_count(0)  # no personal data in lists
    look_at(page, "referrals-inbox")
    waiting.get_by_role("link").click()
    expect(page.get_by_text("Rosa Example")).to_be_visible()
    expect(page.get_by_text("Passport held by the employer.")).to_have_count(0)
    look_at(page, "referrals-detail-receiver")
    look_at(page, "referrals-detail-receiver-phone", phone=True)
    page.get_by_role("button", name="Accept the referral").click()
    expect(page.get_by_role("status")).to_contain_text("Referral accepted")
    assert Referral.objects.get().status == ReferralStatus.ACCEPTED
    look_at(page, "referrals-detail-accepted")

    sender.goto(f"/cases/{case.pk}/referrals/")
    transfer = sender.locator("#transfer")
    transfer.get_by_label("Organisation on Harbour").select_option(label="Riverside Shelter")
    transfer.get_by_role("button", name="Request the transfer").click()
    expect(sender.get_by_role("status")).to_contain_text("Transfer requested")

    page.goto("/referrals/")
    page.locator("tr", has_text="Transfer").get_by_role("link").click()
    look_at(page, "referrals-transfer-receiver")
    page.get_by_role("button", name="Accept the transfer").click()
    expect(page.get_by_role("status")).to_contain_text("the case is now yours")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Juniper")
    look_at(page, "referrals-transferred-case")

    # The sender, still signed in, can no longer open the case.
    response = sender.goto(f"/cases/{case.pk}/")
    assert response is not None and response.status == 404
