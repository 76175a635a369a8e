"""Tasks and deadlines in a real browser, with axe-core on every page: add a
task on a case, see it overdue on the deadlines pages, mark it done, and make
a calendar address whose feed names nobody."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from harbour.audit.services import Actor
from harbour.cases import services
from harbour.cases.models import Task, TaskStatus
from tests.conftest import open_demo_case

pytestmark = pytest.mark.browser


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def test_a_caseworker_adds_a_task_sees_it_overdue_and_marks_it_done(
    page, caseworker, supervisor, intruder, with_authenticator, sign_in_through_the_browser, look_at
):
    case = open_demo_case(caseworker, pseudonym="Juniper", permit_expiry=in_days(45))
    late = services.add_task(
        Actor(user=caseworker),
        case,
        {"title": "Book an interpreter for Juniper", "due_on": in_days(-2), "reminder_days": "2"},
        assigned_to=caseworker,
    )
    with_authenticator(caseworker)
    sign_in_through_the_browser(page, caseworker)
    expect(page.get_by_role("heading", name="Due and overdue")).to_be_visible()
    look_at(page, "tasks-dashboard")

    page.goto(f"/cases/{case.pk}/")
    tasks = page.locator("#tasks")
    expect(tasks.get_by_text("Book an interpreter for Juniper")).to_be_visible()
    # The permit expiry made its warnings by itself (the 90-day one is already past).
    expect(tasks.get_by_text("Permit expires in 30 days", exact=False)).to_be_visible()
    look_at(page, "tasks-case")

    tasks.get_by_role("button", name="Add task").click()
    expect(page.get_by_role("alert")).to_be_visible()
    look_at(page, "tasks-case-errors")
    page.get_by_role("textbox", name="Task", exact=True).fill("Gather pay stubs")
    page.get_by_label("Due on").fill(in_days(5).isoformat())
    page.get_by_label("Assigned to").select_option(label="sue")
    page.get_by_role("button", name="Add task").click()
    expect(page.get_by_role("status")).to_contain_text("Task added")
    (added,) = Task.objects.filter(assigned_to=supervisor)
    assert added.title == "Gather pay stubs"

    page.get_by_role("link", name="My deadlines").first.click()
    expect(page.get_by_role("heading", level=1, name="My deadlines")).to_be_visible()
    overdue = page.locator("tr", has_text="Book an interpreter")
    expect(overdue.locator(".badge.overdue")).to_be_visible()
    look_at(page, "tasks-my-deadlines")
    look_at(page, "tasks-my-deadlines-phone", phone=True)

    overdue.get_by_role("button", name=re.compile("Mark done")).click()
    expect(page.get_by_role("status")).to_contain_text("done")
    expect(page.locator("tr", has_text="Book an interpreter")).to_have_count(0)
    late.refresh_from_db()
    assert late.status == TaskStatus.DONE

    page.get_by_role("link", name="Calendar feed").click()
    look_at(page, "tasks-calendar-settings")
    page.get_by_role("button", name="Make a calendar address").click()
    address = page.locator(".secret code").inner_text()
    look_at(page, "tasks-calendar-created")
    feed = Client().get(address.removeprefix(page.url.split("/settings/")[0]))
    assert feed.status_code == 200
    text = feed.content.decode()
    assert (
        text.count("BEGIN:VEVENT")
        == Task.objects.filter(assigned_to=caseworker, status=TaskStatus.OPEN).count()
    )
    assert "Juniper" not in text and "interpreter" not in text
    page.get_by_role("button", name="Revoke the address").click()
    expect(page.get_by_role("status")).to_contain_text("revoked")
    assert Client().get(address.removeprefix(page.url.split("/settings/")[0])).status_code == 404


def test_a_supervisor_sees_the_organisation_deadlines(
    page, caseworker, supervisor, intruder, with_authenticator, sign_in_through_the_browser, look_at
):
    case = open_demo_case(caseworker, pseudonym="Juniper")
    services.add_task(
        Actor(user=caseworker),
        case,
        {"title": "Late task", "due_on": in_days(-5)},
        assigned_to=caseworker,
    )
    services.add_task(
        Actor(user=supervisor),
        case,
        {"title": "Review the file", "due_on": in_days(3)},
        assigned_to=supervisor,
    )
    other = open_demo_case(intruder, pseudonym="Spruce")
    services.add_task(Actor(user=intruder), other, {"title": "Theirs", "due_on": in_days(1)})
    with_authenticator(supervisor)
    sign_in_through_the_browser(page, supervisor)
    page.goto("/deadlines/organisation/")
    expect(page.get_by_role("heading", level=1, name="Organisation deadlines")).to_be_visible()
    expect(page.get_by_text("Late task")).to_be_visible()
    expect(page.get_by_text("Theirs")).to_have_count(0)
    look_at(page, "tasks-organisation-deadlines")
    page.get_by_label("Assigned to").select_option(label="casey")
    page.get_by_label("Due", exact=True).select_option(label="Overdue")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("Review the file")).to_have_count(0)
    expect(page.get_by_text("Late task")).to_be_visible()
    look_at(page, "tasks-organisation-deadlines-filtered")


def test_a_caseworker_records_and_withdraws_a_consent(
    page, caseworker, intruder, with_authenticator, sign_in_through_the_browser, look_at
):
    from harbour.cases.consent import has_consent

    case = open_demo_case(caseworker, pseudonym="Juniper")
    with_authenticator(caseworker)
    sign_in_through_the_browser(page, caseworker)
    page.goto(f"/people/{case.person.pk}/")
    consents = page.locator("#consents")
    consents.get_by_label("Purpose").select_option(label="Network linkage")
    consents.get_by_label("How it was given").select_option(label="Through an interpreter")
    consents.get_by_role("button", name="Record consent").click()
    expect(page.get_by_role("status")).to_contain_text("Consent recorded")
    assert has_consent(case.person, "network_linkage")
    look_at(page, "consent-person")
    page.locator("#consents").get_by_role("button", name=re.compile("Withdraw")).click()
    expect(page.get_by_role("status")).to_contain_text("withdrawn")
    assert not has_consent(case.person, "network_linkage")
    look_at(page, "consent-withdrawn")
    page.goto(f"/cases/{case.pk}/")
    look_at(page, "consent-case")
