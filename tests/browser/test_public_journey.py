"""The public site in a real browser (Chromium), in English and French, at phone and
desktop width, with axe-core on every page: the pages, the self-check one question per
screen on a phone and whole without JavaScript, the quick exit (button, Shift three
times, no way Back), nothing covering it, no cookie and no request to another host."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from harbour.audit.services import Actor
from harbour.directory import services
from tests.browser.conftest import CHROMIUM_ARGS, DESKTOP, PHONE  # noqa: F401
from tests.directory.conftest import service_data

pytestmark = pytest.mark.browser

EXIT = "https://weather.gc.ca/"
TEXTS = {
    "en": {
        "selfcheck": "Self-check",
        "next": "Next question",
        "see": "See what this may mean",
        "result": "What your answers may mean",
        "exit": "Leave this site",
        "yes": "Yes",
        "ontario": "Ontario",
        "tied": "A work permit for one employer only",
        "hotline_first": "Please call the hotline first",
    },
    "fr": {
        "selfcheck": "Questionnaire",
        "next": "Question suivante",
        "see": "Voir ce que cela peut vouloir dire",
        "result": "Ce que vos réponses peuvent vouloir dire",
        "exit": "Quitter ce site",
        "yes": "Oui",
        "ontario": "Ontario",
        "tied": "Un permis de travail pour un seul employeur",
        "hotline_first": "Appelez d'abord la ligne d'urgence",
    },
}
PAGES = ("", "signs/", "rights/?province=ON", "get-help/", "services/?province=ON&need=legal")

# Whether the quick exit is the topmost element at its own centre.
EXIT_ON_TOP = """
() => {
  const button = document.querySelector("[data-quick-exit]");
  const box = button.getBoundingClientRect();
  const hit = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
  return {onTop: hit === button || button.contains(hit), top: box.top, visible: box.height > 0};
}
"""


def neutral_site(page: Any) -> None:
    """The neutral site answers from here: the test needs no network."""
    page.route(
        EXIT + "**",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            body="<!doctype html><html lang=en><title>Weather</title><h1>Weather</h1></html>",
        ),
    )


def record_requests(page: Any, base: str) -> list[str]:
    others: list[str] = []
    own = urlsplit(base).netloc

    def seen(request: Any) -> None:
        host = urlsplit(request.url).netloc
        if host and host != own and not request.url.startswith(EXIT):
            others.append(request.url)

    page.on("request", seen)
    return others


def answer_on_a_phone(page: Any, words: dict[str, str]) -> None:
    """One question per screen: answer the first three, then go to the end."""
    form = page.locator("form[data-selfcheck]")
    expect(form.locator("fieldset:visible")).to_have_count(1)
    form.get_by_label(words["ontario"], exact=True).check()
    page.get_by_role("button", name=words["next"]).click()
    expect(form.locator("fieldset:visible")).to_have_count(1)
    form.get_by_label(words["tied"]).check()
    page.get_by_role("button", name=words["next"]).click()
    form.locator("fieldset:visible").get_by_label(words["yes"], exact=True).check()
    for _ in range(30):
        next_button = page.get_by_role("button", name=words["next"])
        if not next_button.is_visible():
            break
        visible = form.locator("fieldset:visible")
        legend = visible.locator("legend").inner_text()
        if "hit you" in legend or "frappé" in legend:
            visible.get_by_label(words["yes"], exact=True).check()
        next_button.click()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_worker_reads_the_pages_and_takes_the_self_check_on_a_phone(
    page, live_server, look_at, supervisor, language
):
    services.add_service(
        Actor(user=supervisor),
        "Lakeside Legal Clinic (fictional)",
        service_data(name="Wage claims", needs="|legal|", languages="|en|es|pa|"),
    )
    words = TEXTS[language]
    neutral_site(page)
    others = record_requests(page, live_server.url)
    for path in PAGES:
        page.goto(f"/help/{language}/{path}")
        expect(page.locator("[data-quick-exit]")).to_be_visible()
        name = f"public-{language}-{path.split('/')[0] or 'home'}"
        look_at(page, name)
        look_at(page, f"{name}-phone", phone=True)
    page.set_viewport_size(PHONE)
    page.goto(f"/help/{language}/self-check/")
    look_at(page, f"public-{language}-selfcheck-phone", phone=True)
    page.set_viewport_size(PHONE)
    page.reload()
    history = page.evaluate("history.length")
    answer_on_a_phone(page, words)
    page.get_by_role("button", name=words["see"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(words["result"])
    expect(page.get_by_text(words["hotline_first"])).to_be_visible()
    # The answer page took the form's place: same address, no new history entry.
    assert page.url.endswith(f"/help/{language}/self-check/")
    assert page.evaluate("history.length") == history
    look_at(page, f"public-{language}-result-phone", phone=True)
    look_at(page, f"public-{language}-result")
    assert page.context.cookies() == []
    assert others == []


def test_the_self_check_is_one_whole_page_without_javascript(browser, live_server, look_at):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport=PHONE, locale="en-CA"
    )
    page = context.new_page()
    try:
        page.goto("/help/en/self-check/")
        questions = page.locator("form[data-selfcheck] fieldset")
        assert questions.count() >= 10
        assert page.locator("form[data-selfcheck] fieldset:visible").count() == questions.count()
        page.get_by_label("Ontario", exact=True).check()
        page.locator("#q-hurt").get_by_label("Yes", exact=True).check()
        page.get_by_role("button", name="See what this may mean").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("What your answers may mean")
        # axe-core needs script to run; it checks the very page served without
        # script, opened in a second page whose own script files are refused.
        served = page.content()
        checker = browser.new_context(base_url=live_server.url, viewport=PHONE)
        try:
            checked = checker.new_page()
            checked.route("**/*.js", lambda route: route.abort())
            checked.goto("/help/en/self-check/")
            checked.set_content(served)
            look_at(checked, "public-en-result-nojs", phone=True)
        finally:
            checker.close()
        # Without script the quick exit is a plain link that still leaves.
        neutral_site(page)
        page.get_by_role("link", name="Leave this site").click()
        page.wait_for_url(EXIT)
        assert context.cookies() == []
    finally:
        context.close()


def test_the_quick_exit_replaces_the_self_check_so_back_does_not_return(page, live_server):
    neutral_site(page)
    page.goto("/help/en/")
    page.get_by_role("link", name="Take the self-check").or_(
        page.get_by_role("link", name="Self-check").first
    ).first.click()
    page.wait_for_url("**/help/en/self-check/")
    page.locator("#q-hurt").get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Leave this site").or_(
        page.get_by_role("link", name="Leave this site")
    ).click()
    page.wait_for_url(EXIT)
    page.go_back()
    page.wait_for_load_state()
    assert "/help/" not in page.url, f"Back returned to {page.url}"


def test_shift_three_times_leaves_from_the_answer_page_and_back_does_not_return(page, live_server):
    neutral_site(page)
    page.set_viewport_size(DESKTOP)
    page.goto("/help/fr/self-check/")
    page.get_by_label("Ontario", exact=True).check()
    page.get_by_role("button", name=TEXTS["fr"]["see"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TEXTS["fr"]["result"])
    # Shift used with another key does not count; three plain presses leave.
    page.keyboard.press("Shift")
    page.keyboard.press("Shift+A")
    page.keyboard.press("Shift")
    page.keyboard.press("Shift")
    assert "/help/" in page.url
    page.keyboard.press("Shift")
    page.wait_for_url(EXIT)
    page.go_back()
    page.wait_for_load_state()
    assert "/help/" not in page.url, f"Back returned to {page.url}"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_nothing_ever_covers_the_quick_exit_even_scrolled(page, live_server, viewport):
    page.set_viewport_size(viewport)
    for path in ("/help/en/", "/help/en/rights/?province=ON", "/help/ar/self-check/"):
        page.goto(path)
        before = page.evaluate(EXIT_ON_TOP)
        assert before["onTop"] and before["visible"], f"{path}: {before}"
        page.mouse.wheel(0, 5000)
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.wait_for_timeout(100)
        after = page.evaluate(EXIT_ON_TOP)
        assert page.evaluate("window.scrollY") > 0, f"{path} did not scroll"
        assert after["onTop"], f"{path} scrolled: {after}"
        assert after["top"] == before["top"], f"{path}: the quick exit moved when scrolled"
