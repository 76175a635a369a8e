"""Needs and plan in a real browser, with axe-core on every page: identify a
need, plan an action with an owner and a date, move the need on, and watch
the case stage follow."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from harbour.cases.models import Need, NeedStatus, Task
from tests.conftest import open_demo_case

pytestmark = pytest.mark.browser


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def test_a_caseworker_builds_a_plan_and_the_stage_follows(
    page, caseworker, supervisor, intruder, with_authenticator, sign_in_through_the_browser, look_at
):
    case = open_demo_case(caseworker, pseudonym="Juniper")
    with_authenticator(caseworker)
    sign_in_through_the_browser(page, caseworker)
    page.goto(f"/cases/{case.pk}/")
    stages = page.get_by_role("navigation", name="Stage: Intake")
    expect(stages.locator('[aria-current="step"]')).to_have_text("Intake")
    needs = page.locator("#needs")
    needs.get_by_role("button", name="Add need").click()  # nothing chosen is still a valid need
    expect(page.get_by_role("status")).to_contain_text("Need added")
    needs = page.locator("#needs")
    needs.get_by_role("combobox", name="Need", exact=True).select_option(label="Safety")
    needs.get_by_role("button", name="Add need").click()
    expect(page.get_by_role("alert")).to_be_visible()
    look_at(page, "needs-case-errors")
    needs = page.locator("#needs")
    needs.get_by_role("combobox", name="Need", exact=True).select_option(label="Immigration")
    needs.get_by_label("Priority").select_option(label="Urgent")
    needs.get_by_label("Note").fill("Permit tied to the employer who holds the passport")
    needs.get_by_role("button", name="Add need").click()
    expect(page.get_by_role("status")).to_contain_text("Need added")
    expect(page.locator('[aria-current="step"]')).to_have_text("Assessment")
    look_at(page, "needs-case-assessment")

    page.get_by_role("link", name="Update or plan an action (Immigration)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Immigration")
    look_at(page, "needs-need-page")
    page.get_by_role("textbox", name="Action", exact=True).fill("Book the legal clinic")
    page.get_by_label("Due on").fill(in_days(3).isoformat())
    page.get_by_label("Owner").select_option(label="sue")
    page.get_by_role("button", name="Add action").click()
    expect(page.get_by_role("status")).to_contain_text("Action added")
    expect(page.locator('[aria-current="step"]')).to_have_text("Planning")
    expect(page.locator("#needs").get_by_text("Book the legal clinic")).to_be_visible()
    action = Task.objects.get(need__domain="immigration")
    assert action.assigned_to == supervisor
    look_at(page, "needs-case-planning")

    page.get_by_role("link", name="Update or plan an action (Immigration)").click()
    page.get_by_role("combobox", name="Status").select_option(label="In progress")
    page.get_by_role("button", name="Save need").click()
    expect(page.get_by_role("status")).to_contain_text("Need saved")
    expect(page.locator('[aria-current="step"]')).to_have_text("Protection")
    expect(page.get_by_text("An immigration or legal need is in progress or met.")).to_be_visible()
    assert Need.objects.get(domain="immigration").status == NeedStatus.IN_PROGRESS
    look_at(page, "needs-case-protection")
    look_at(page, "needs-case-protection-phone", phone=True)

    page.goto(f"/cases/{case.pk}/timeline/?kind=need")
    expect(page.get_by_text("Need Immigration: In progress")).to_be_visible()
    look_at(page, "needs-timeline")
    page.goto("/cases/")
    expect(page.get_by_role("cell", name="Protection")).to_be_visible()
    look_at(page, "needs-case-list")
