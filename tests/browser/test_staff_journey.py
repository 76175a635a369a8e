"""A caseworker's day in a real browser, with axe-core looking at every page.

The journey goes through the real two-step sign-in (password, then a TOTP code
computed the way an authenticator app would), opens a case, finds it again
three ways, writes a note, switches to French and signs out.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

import harbour
from harbour.audit.models import AuditEvent
from harbour.cases.models import Case
from tests.conftest import PASSWORD, open_demo_case

pytestmark = pytest.mark.browser

PHONE_NUMBER = "416-555-0199"
FRENCH_CATALOGUE = Path(harbour.__file__).parent / "locale" / "fr" / "LC_MESSAGES" / "django.mo"


def french(text: str) -> str:
    """What the French interface shows for an English string (the string
    itself while the French catalogue is not compiled yet)."""
    with translation.override("fr"):
        return translation.gettext(text)


def a_wrong_code(device: TOTPDevice) -> str:
    """Six digits that no step the server accepts (now, or one step either side) gives."""
    accepted = {
        f"{totp(device.bin_key, device.step, device.t0, device.digits, drift):06d}"
        for drift in (-1, 0, 1)
    }
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in accepted)


def test_staff_member_signs_in_with_two_factor_and_opens_a_case(
    page, caseworker, with_authenticator, sign_in_through_the_browser, look_at
):
    with_authenticator(caseworker)
    sign_in_through_the_browser(page, caseworker, look=True)

    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    look_at(page, "dashboard")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="New case").click()
    expect(page.get_by_role("heading", level=1, name="New case")).to_be_visible()
    look_at(page, "case-new")

    page.get_by_role("button", name="Open case").click()
    expect(page.get_by_role("alert")).to_contain_text("Nothing was saved yet")
    look_at(page, "case-new-errors")
    assert Case.objects.count() == 0

    page.get_by_label("Pseudonym").fill("Juniper")
    page.get_by_label("Legal name").fill("Maria Fictional")
    page.get_by_label("Phone", exact=True).fill(PHONE_NUMBER)
    page.get_by_label("Identity document number").fill("XK 998 877")
    page.get_by_label("Province").select_option(label="Ontario")
    page.get_by_label("Labour trafficking").check()
    page.get_by_label("Summary").fill("Recruiter kept her passport and wages.")
    page.get_by_role("button", name="Open case").click()

    expect(page.get_by_role("status")).to_contain_text("opened")
    case = Case.objects.get(person__pseudonym="Juniper")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Juniper")

    # The case list, filtered by pseudonym (htmx swaps the table in place).
    open_demo_case(caseworker, pseudonym="Cedar", phone="514-555-0100")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cases").click()
    expect(page.get_by_role("heading", name="2 cases")).to_be_visible()
    assert page.evaluate("typeof htmx") == "object", "htmx did not load (blocked by CSP?)"
    page.evaluate("window.stillTheSamePage = true")
    page.get_by_label("Pseudonym or reference").fill("Junip")
    page.get_by_role("button", name="Apply").click()
    results = page.locator("#case-table")
    expect(results.get_by_role("heading", name="1 case")).to_be_visible()
    expect(results.get_by_role("link", name="Juniper")).to_be_visible()
    expect(results).not_to_contain_text("Cedar")
    # The search went by POST: the address holds a random token, never the text.
    expect(page).to_have_url(re.compile(r"/cases/\?search="))
    assert "Junip" not in page.url
    assert page.evaluate("window.stillTheSamePage"), "the filter reloaded the page instead of htmx"
    look_at(page, "case-list")
    look_at(page, "case-list-phone", phone=True)

    # Exact phone search: a POST through htmx, so the number never reaches a URL.
    finder = page.locator("form", has=page.get_by_role("heading", name="Find by phone or document"))
    finder.get_by_label("Search by").select_option("phone")
    finder.get_by_label("Exact number").fill("(416) 555-0199")
    finder.get_by_role("button", name="Find").click()
    found = page.locator("#find-results")
    expect(found.get_by_role("link", name="Juniper")).to_be_visible()
    expect(found).not_to_contain_text("Cedar")
    assert "555" not in page.url
    assert page.evaluate("window.stillTheSamePage"), "the search left the page instead of htmx"
    assert AuditEvent.objects.filter(action="case.search_identifier").exists()
    look_at(page, "case-list-found-by-phone")

    found.get_by_role("link", name="Juniper").click()
    page.wait_for_url(f"**/cases/{case.pk}/")
    expect(page.get_by_text("Maria Fictional")).to_be_visible()
    look_at(page, "case-detail")
    look_at(page, "case-detail-phone", phone=True)

    page.get_by_label("New note").fill("Called back on the safe number. Wants to talk to a lawyer.")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_role("status")).to_contain_text("Note added.")
    expect(page.get_by_text("Wants to talk to a lawyer.")).to_be_visible()
    look_at(page, "case-detail-with-note")

    # French, from the button in the header; the page stays where it was.
    page.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.wait_for_url(f"**/cases/{case.pk}/")
    header = page.get_by_role("banner")
    expect(header.get_by_role("button", name="English")).to_be_visible()
    expect(header.get_by_role("button", name=french("Sign out"))).to_be_visible()
    expect(page.get_by_role("button", name=french("Add note"))).to_be_visible()
    expect(page.get_by_role("heading", level=2, name=french("Person"))).to_be_visible()
    if FRENCH_CATALOGUE.exists():
        assert french("Sign out") != "Sign out", f"{FRENCH_CATALOGUE} does not translate the header"
    look_at(page, "case-detail-fr")

    header.get_by_role("button", name=french("Sign out")).click()
    page.wait_for_url("**/accounts/login/")
    page.goto(f"/cases/{case.pk}/")
    page.wait_for_url(re.compile(r"/accounts/login/\?next="))
    expect(page.get_by_text("Maria Fictional")).to_have_count(0)


def test_new_staff_member_sets_up_an_authenticator_on_first_sign_in(page, caseworker, look_at):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(caseworker.get_username())
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/accounts/login/enrol/")
    expect(page.get_by_role("img", name=re.compile("QR code"))).to_be_visible()
    look_at(page, "enrol")

    device = TOTPDevice.objects.get(user=caseworker, confirmed=False)
    page.get_by_label("Six-digit code from your authenticator app").fill(a_wrong_code(device))
    page.get_by_role("button", name="Confirm and sign in").click()
    expect(page.get_by_text("That code is not right")).to_be_visible()
    look_at(page, "enrol-wrong-code")

    # After a wrong code django-otp refuses every code for a second (throttling);
    # a person takes longer than that to look at their phone again.
    page.wait_for_timeout(1_100)
    # Type the key into "the app": read it off the page, as a person would.
    key = base64.b32decode(page.locator(".secret").inner_text().replace(" ", ""))
    assert key == device.bin_key
    code = totp(key, device.step, device.t0, device.digits, device.drift)
    page.get_by_label("Six-digit code from your authenticator app").fill(f"{code:06d}")
    page.get_by_role("button", name="Confirm and sign in").click()

    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEvent.objects.filter(action="auth.mfa_enrolled", actor=caseworker).exists()


def test_caseworker_edits_the_person_and_the_case_and_visits_account_pages(
    page, caseworker, with_authenticator, sign_in_through_the_browser, look_at
):
    case = open_demo_case(caseworker, pseudonym="Maple")
    with_authenticator(caseworker)
    sign_in_through_the_browser(page, caseworker)

    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Edit person").click()
    expect(page.get_by_role("heading", level=1, name="Edit Maple")).to_be_visible()
    look_at(page, "person-edit")
    page.get_by_label("Languages").fill("Spanish, Tagalog (interpreter needed)")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("status")).to_contain_text("Person saved.")
    expect(page.get_by_text("Tagalog (interpreter needed)")).to_be_visible()
    look_at(page, "person-detail")

    page.get_by_role("link", name=case.reference).click()
    page.get_by_role("link", name="Edit case").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(case.reference)
    look_at(page, "case-edit")
    page.get_by_label("Status").select_option(label="Active")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Case saved.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Active")

    page.get_by_role("link", name="Password").click()
    expect(page.get_by_role("heading", level=1, name="Change password")).to_be_visible()
    look_at(page, "password-change")

    response = page.goto("/no-such-page/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1, name="Not found")).to_be_visible()
    look_at(page, "not-found")


def test_supervisor_sees_who_viewed_a_case(
    page, caseworker, supervisor, with_authenticator, sign_in_through_the_browser, look_at
):
    case = open_demo_case(caseworker, pseudonym="Willow")
    with_authenticator(supervisor)
    sign_in_through_the_browser(page, supervisor)

    page.goto(f"/cases/{case.pk}/")
    page.get_by_role("link", name="Who viewed this case").click()
    heading = page.get_by_role("heading", level=1, name="Who viewed or changed this case")
    expect(heading).to_be_visible()
    log = page.get_by_role("table")
    expect(log).to_contain_text("case.view")
    expect(log).to_contain_text(supervisor.get_username())
    look_at(page, "access-log")
    look_at(page, "access-log-phone", phone=True)
