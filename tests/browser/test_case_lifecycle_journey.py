"""The life of a case in a real browser, with axe-core on every page: a
caseworker uploads a document and asks for closure; a supervisor approves it
from the team page, reads the timeline, exports the file and sees when it
will be shredded."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from harbour.audit.models import AuditEvent
from harbour.cases.models import CaseStatus, Document
from tests.conftest import open_demo_case

pytestmark = pytest.mark.browser


def test_a_case_goes_from_documents_to_approved_closure_export_and_retention(
    page,
    caseworker,
    supervisor,
    intruder,
    with_authenticator,
    sign_in_through_the_browser,
    look_at,
    tmp_path,
    settings,
):
    settings.DOCUMENT_ROOT = tmp_path / "documents"
    case = open_demo_case(caseworker, pseudonym="Juniper")
    with_authenticator(caseworker)
    with_authenticator(supervisor)
    sign_in_through_the_browser(page, caseworker)

    page.goto(f"/cases/{case.pk}/")
    look_at(page, "lifecycle-case")
    page.get_by_role("link", name="Documents").click()
    look_at(page, "lifecycle-documents-empty")
    wrong = tmp_path / "payslip.pdf"
    wrong.write_bytes(b"\x7fELF\x02\x01\x01\x00\x00 a program, not a pdf")
    page.get_by_label("File").set_input_files(str(wrong))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".error")).to_contain_text("cannot be kept")
    look_at(page, "lifecycle-documents-refused")
    good = tmp_path / "payslip-march.pdf"
    good.write_bytes(b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n")
    page.get_by_label("File").set_input_files(str(good))
    page.get_by_label("Description").fill("Pay slip, March")
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status")).to_contain_text("Document added")
    expect(page.get_by_role("link", name="payslip-march.pdf")).to_be_visible()
    look_at(page, "lifecycle-documents", phone=True)
    assert Document.objects.get().kind == "pdf"

    page.goto(f"/cases/{case.pk}/")
    page.get_by_label("Why the case can close").fill("Safe housing found; legal claim filed.")
    page.get_by_role("button", name="Ask a supervisor to close the case").click()
    expect(page.get_by_role("status")).to_contain_text("Closure requested")
    look_at(page, "lifecycle-closure-requested")

    page.context.clear_cookies()
    sign_in_through_the_browser(page, supervisor)
    page.get_by_role("link", name="Team").click()
    expect(page.get_by_role("heading", name="Closures to decide")).to_be_visible()
    look_at(page, "lifecycle-team")
    page.get_by_label("Approve: close the case").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("status")).to_contain_text("Case closed")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED

    page.get_by_role("link", name="Timeline").click()
    expect(page.get_by_text("Closure approved")).to_be_visible()
    look_at(page, "lifecycle-timeline")
    page.get_by_label("Show").select_option("document")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("Document added: payslip-march.pdf")).to_be_visible()
    expect(page.get_by_text("Closure approved")).to_have_count(0)

    page.goto(f"/cases/{case.pk}/retention/")
    expect(page.get_by_role("heading", name="Retention and shredding")).to_be_visible()
    look_at(page, "lifecycle-retention")
    page.get_by_role("link", name="Export the case file first").click()
    look_at(page, "lifecycle-export")
    page.get_by_label("Password for the archive").fill("a long export passphrase")
    page.get_by_label("The same password again").fill("a long export passphrase")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the archive").click()
    assert download.value.suggested_filename == f"{case.reference}.zip"
    assert AuditEvent.objects.filter(action="case.export", actor=supervisor).exists()

    page.goto("/retention/")
    look_at(page, "lifecycle-retention-list")
