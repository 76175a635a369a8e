"""Networks in a real browser, with axe-core looking at every page.

A caseworker records the parties named on two cases (the same employer and
recruiter, written differently). A supervisor runs linkage (the job runs at
once in tests), opens the party and the network: the SVG graph is drawn, and
the tables beside it hold the same links. The supervisor splits one mention
off the employer and runs linkage again: the split holds. A coalition analyst
sees the alert and the numbers, never a case, a name or a drawing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from harbour.audit.services import Actor
from harbour.cases.services import record_consent
from harbour.networks import services
from harbour.networks.models import Mention
from tests.browser.conftest import DESKTOP, PHONE, ConsoleWatch
from tests.conftest import open_demo_case

pytestmark = pytest.mark.browser


@pytest.fixture
def another_page(browser: Any, live_server: Any) -> Iterator[Callable[[], Any]]:
    """Pages in browsers of their own (their own cookies), watched for
    console errors like the `page` fixture's."""
    opened: list[tuple[Any, ConsoleWatch]] = []

    def open_page() -> Any:
        context = browser.new_context(
            base_url=live_server.url,
            locale="en-CA",
            viewport=DESKTOP,
            timezone_id="America/Toronto",
        )
        context.set_default_timeout(10_000)
        new_page = context.new_page()
        watch = ConsoleWatch()
        new_page.on("console", watch.console)
        new_page.on("pageerror", watch.page_error)
        opened.append((context, watch))
        return new_page

    yield open_page
    problems = [problem for context, watch in opened for problem in watch.problems]
    for context, _watch in opened:
        context.close()
    assert not problems, "The browser reported problems:\n" + "\n".join(problems)


def consent_to_linkage(user: Any, case: Any) -> None:
    record_consent(Actor(user=user), case.person, "network_linkage", method="spoken")


def open_parties(page: Any, case: Any) -> None:
    """From the case page when it shows the parties section, else directly."""
    page.goto(f"/cases/{case.pk}/")
    record = page.get_by_role("link", name="Record parties")
    if record.count():
        record.click()
    else:
        page.goto(f"/cases/{case.pk}/mentions/")
    expect(page.get_by_role("heading", level=1, name="Parties involved")).to_be_visible()


def add_party(page: Any, role: str, **fields: str) -> None:
    form = page.locator("form", has=page.get_by_role("heading", name="Add a party"))
    form.get_by_label("Role").select_option(label=role)
    labels = {
        "name": "Name",
        "other_name": "Operating name or other name",
        "phones": "Phones",
        "address": "Address",
    }
    for field, value in fields.items():
        form.get_by_label(labels[field], exact=True).fill(value)
    form.get_by_role("button", name="Add").click()
    expect(page.get_by_text("Party recorded.")).to_be_visible()


def drawn(page: Any) -> dict[str, int]:
    page.wait_for_selector("#network-graph svg")
    return page.evaluate(
        """() => {
          const svg = document.querySelector('#network-graph svg');
          const box = svg.getBoundingClientRect();
          return {
            nodes: svg.querySelectorAll('g.node').length,
            edges: svg.querySelectorAll('line').length,
            labels: [...svg.querySelectorAll('g.node text')].filter(t => t.textContent).length,
            width: Math.round(box.width),
            height: Math.round(box.height),
          };
        }"""
    )


def test_networks_from_recording_parties_to_a_split_and_an_analysts_view(
    page,
    another_page,
    caseworker,
    supervisor,
    analyst,
    intruder,
    other_case,
    with_authenticator,
    sign_in_through_the_browser,
    look_at,
):
    birch = open_demo_case(caseworker, pseudonym="Birch")
    cedar = open_demo_case(caseworker, pseudonym="Cedar")
    for case in (birch, cedar):
        consent_to_linkage(caseworker, case)
    # The same employer named at another organisation (which gives a contact).
    consent_to_linkage(intruder, other_case)
    services.add_mention(
        Actor(user=intruder),
        other_case,
        {"role": "employer", "name": "1234567 Ontario Ltd.", "phones": "(519) 555-0142"},
    )
    services.update_sharing(Actor(user=intruder), "desk@elsewhere.example", [])
    for user in (caseworker, supervisor, analyst):
        with_authenticator(user)

    # --- The caseworker records the parties of both cases.
    sign_in_through_the_browser(page, caseworker)
    open_parties(page, birch)
    look_at(page, "networks-parties-empty")
    page.locator("form", has=page.get_by_role("heading", name="Add a party")).get_by_role(
        "button", name="Add"
    ).click()
    expect(page.get_by_text("Give at least a name, a phone or an address.").first).to_be_visible()
    look_at(page, "networks-parties-error")
    add_party(
        page,
        "Employer",
        name="1234567 Ontario Inc.",
        other_name="Sunrise Greenhouses",
        phones="519-555-0142",
        address="120 Seacliff Dr, Leamington ON N8H 2L2",
    )
    add_party(page, "Recruiter or agent", name="Bob Smith", phones="+1 (905) 555-0177")
    open_parties(page, cedar)
    add_party(page, "Employer", name="1234567 ONTARIO LIMITED", phones="1-519-555-0142")
    add_party(page, "Recruiter or agent", name="Smith, Robert", phones="905.555.0177")
    add_party(page, "Housing address", address="44 Talbot Street East, Leamington ON N8H 1L2")
    expect(page.get_by_role("cell", name="1234567 ONTARIO LIMITED")).to_be_visible()
    look_at(page, "networks-parties")
    look_at(page, "networks-parties-phone", phone=True)
    # Matched at once: the same employer across both cases (and theirs).
    employer = Mention.objects.get(case=cedar, role="employer")
    assert Mention.objects.get(case=birch, role="employer").entity_id == employer.entity_id

    # --- The supervisor runs linkage and opens the network.
    boss = another_page()
    sign_in_through_the_browser(boss, supervisor)
    boss.get_by_role("navigation").get_by_role("link", name="Networks").first.click()
    expect(boss.get_by_role("heading", level=1, name="Networks")).to_be_visible()
    expect(boss.get_by_role("heading", name="1 alert")).to_be_visible()
    look_at(boss, "networks-list")
    boss.get_by_role("link", name="Linkage runs").click()
    look_at(boss, "networks-linkage")
    boss.get_by_role("button", name="Run linkage now").click()
    expect(boss.locator("#run-text")).to_contain_text("Mentions: 6 · parties: 3")
    look_at(boss, "networks-linkage-done")

    boss.goto("/networks/")
    boss.get_by_role("link", name="Network 1").click()
    expect(boss.get_by_role("heading", level=1, name="Network")).to_be_visible()
    expect(boss.get_by_text("It spans 2 organisations.")).to_be_visible()
    graph = drawn(boss)
    # Parties: employer, recruiter, housing; our two cases; one node for the
    # other organisation. Links: employer to 3 places, recruiter 2, housing 1.
    assert graph["nodes"] == 6, graph
    assert graph["edges"] == 6, graph
    assert graph["labels"] == 6, graph
    assert graph["width"] > 600 and graph["height"] > 250, graph
    parties = boss.locator("section", has=boss.get_by_role("heading", name="Parties", exact=True))
    expect(parties.get_by_role("row")).to_have_count(4)  # a header and three parties
    cases = boss.locator("section", has=boss.get_by_role("heading", name="Cases", exact=True))
    expect(cases.get_by_text("1 case at Elsewhere Legal Clinic")).to_be_visible()
    expect(cases.get_by_text("desk@elsewhere.example")).to_be_visible()
    expect(boss.locator(".graph-key li")).to_have_count(5)  # 3 roles, cases, the other org
    look_at(boss, "networks-network")
    # As a phone opens it: drawn at its width, so labels keep their size.
    boss.set_viewport_size(PHONE)
    boss.reload()
    on_phone = drawn(boss)
    assert on_phone["nodes"] == 6 and on_phone["width"] < 390, on_phone
    look_at(boss, "networks-network-phone", phone=True)

    parties.get_by_role("link", name="1234567 Ontario Inc.").click()
    expect(boss.get_by_role("heading", level=1, name="1234567 Ontario Inc.")).to_be_visible()
    expect(boss.get_by_role("link", name=birch.reference)).to_be_visible()
    expect(boss.get_by_role("link", name=cedar.reference)).to_be_visible()
    expect(boss.get_by_text("1 case at Elsewhere Legal Clinic")).to_be_visible()
    look_at(boss, "networks-entity")
    look_at(boss, "networks-entity-phone", phone=True)

    # --- "Not the same party": the split holds through the next run.
    boss.get_by_role("button", name=f"Not the same party ({cedar.reference})").click()
    expect(boss.get_by_text("Kept apart: later linkage runs will respect this.")).to_be_visible()
    boss.goto("/networks/linkage/")
    boss.get_by_role("button", name="Run linkage now").click()
    expect(boss.locator("#run-text")).to_contain_text("Mentions: 6 · parties: 4")
    employer.refresh_from_db()
    first = Mention.objects.get(case=birch, role="employer")
    assert employer.entity_id != first.entity_id
    boss.goto(f"/entities/{first.entity_id}/")
    expect(boss.get_by_role("link", name=birch.reference)).to_be_visible()
    expect(boss.get_by_role("link", name=cedar.reference)).to_have_count(0)
    look_at(boss, "networks-entity-after-split")

    # --- The analyst: the alert and the numbers only.
    counter = another_page()
    sign_in_through_the_browser(counter, analyst)
    counter.goto("/networks/")
    expect(counter.get_by_role("heading", name="1 alert")).to_be_visible()
    look_at(counter, "networks-list-analyst")
    counter.get_by_role("link", name="Network 1").click()
    expect(counter.get_by_text("It spans 2 organisations.")).to_be_visible()
    expect(counter.locator("#network-graph")).to_have_count(0)
    text = counter.locator("main").inner_text()
    for secret in (birch.reference, "1234567", "Smith", "Talbot", "555"):
        assert secret not in text
    look_at(counter, "networks-network-analyst")
    look_at(counter, "networks-network-analyst-phone", phone=True)
    assert counter.goto(f"/entities/{first.entity_id}/").status == 403
