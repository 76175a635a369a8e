"""Browser fixtures: one Debian Chromium per session, a fresh context per test,
and `look_at`, which photographs a page and lets axe-core judge it.

Every page a test visits goes through `look_at`: it must have no axe-core
violations, and its full-page screenshot lands in
test-artifacts/screenshots/<name>.png for a person to look at.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD

# Playwright's sync API runs an event loop in the test thread; Django then
# refuses ORM calls from it unless told that this thread is not async code.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# A console error is a failure (a CSP refusal shows up there first), except the
# browser's own note that a page answered 4xx: the tests visit the 404 page.
EXPECTED_CONSOLE = re.compile(r"Failed to load resource: the server responded with a status of 4")


BROKEN_ARIA_REFERENCES = """
() => [...document.querySelectorAll("[aria-describedby], [aria-labelledby], [aria-controls]")]
  .flatMap((element) => ["aria-describedby", "aria-labelledby", "aria-controls"]
    .flatMap((name) => (element.getAttribute(name) || "").split(/\\s+/).filter(Boolean)
      .filter((id) => !document.getElementById(id))
      .map((id) => `${element.id || element.tagName} ${name}=${id}`)))
"""


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"Debian's chromium is not installed: {CHROMIUM} is missing.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class ConsoleWatch:
    """Console errors and uncaught exceptions seen by one page."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def console(self, message: Any) -> None:
        if message.type == "error" and not EXPECTED_CONSOLE.search(message.text):
            self.problems.append(f"console: {message.text}")

    def page_error(self, error: Any) -> None:
        self.problems.append(f"exception: {error}")


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A page in a fresh browser context (no cookies), in Canadian English."""
    context = browser.new_context(
        base_url=live_server.url, locale="en-CA", viewport=DESKTOP, timezone_id="America/Toronto"
    )
    context.set_default_timeout(10_000)
    new_page = context.new_page()
    watch = ConsoleWatch()
    new_page.on("console", watch.console)
    new_page.on("pageerror", watch.page_error)
    yield new_page
    context.close()
    assert not watch.problems, "The browser reported problems:\n" + "\n".join(watch.problems)


@pytest.fixture(scope="session")
def axe() -> Any:
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def look_at(axe: Any) -> Callable[..., None]:
    """Screenshot the page as <name>.png and assert axe-core finds no violations."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def look(page: Any, name: str, *, phone: bool = False) -> None:
        page.wait_for_load_state("load")
        # A page already at phone width (a context opened so, e.g. without
        # JavaScript, where Chromium never confirms a resize) is left as it is.
        resize = phone and page.viewport_size != PHONE
        if resize:
            page.set_viewport_size(PHONE)
        try:
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
            results = axe.run(page)
            assert results.violations_count == 0, (
                f"axe-core on {name} ({page.url}):\n{results.generate_report()}"
            )
            # axe-core accepts an aria-describedby whose target is missing, but
            # then the help text or the error is never read out with the field.
            broken = page.evaluate(BROKEN_ARIA_REFERENCES)
            assert not broken, f"{name}: ARIA attributes point at missing ids: {broken}"
            if phone:
                overflow = page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                assert overflow <= 0, f"{name} scrolls sideways by {overflow}px on a phone"
        finally:
            if resize:
                page.set_viewport_size(DESKTOP)

    return look


def current_code(device: TOTPDevice) -> str:
    """The six digits the person's authenticator app would show now."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


@pytest.fixture
def with_authenticator() -> Callable[[Any], TOTPDevice]:
    """Give a user a confirmed TOTP device, as after enrolment."""

    def give(user: Any) -> TOTPDevice:
        return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)

    return give


@pytest.fixture
def sign_in_through_the_browser(
    look_at: Callable[..., None],
) -> Callable[..., None]:
    """Password on /accounts/login/, then the code on /accounts/login/verify/."""

    def sign_in(page: Any, user: Any, *, look: bool = False) -> None:
        device = TOTPDevice.objects.get(user=user, confirmed=True)
        page.goto("/accounts/login/")
        if look:
            look_at(page, "login")
        page.get_by_label("Username").fill(user.get_username())
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Continue").click()
        page.wait_for_url("**/accounts/login/verify/")
        if look:
            look_at(page, "verify")
        page.get_by_label("Six-digit code from your authenticator app").fill(current_code(device))
        page.get_by_role("button", name="Verify and sign in").click()
        page.wait_for_url(lambda url: "/accounts/" not in url)

    return sign_in
