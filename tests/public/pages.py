"""Helpers for the public-site tests: every page's address, and a small HTML reader."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.test import Client
from django.urls import reverse

# Every public page that answers GET without a choice, by URL name.
GET_PAGES = ("index", "signs", "rights", "selfcheck", "contacts", "services")
LANGUAGES = ("en", "fr")

# One answer set that touches every kind of question (a choice, an urgent yes,
# a fact-only question, "I don't know" and "I'd rather not say").
SOME_ANSWERS = {
    "where": "ON",
    "permit": "tied_permit",
    "works": "yes",
    "job_not_as_promised": "yes",
    "worse_than_promised": "yes",
    "long_hours": "yes",
    "paid_less": "yes",
    "papers_kept": "yes",
    "threatened": "yes",
    "hurt": "dont_know",
    "afraid_to_go_back": "rather_not_say",
}


def page_urls(language: str = "en") -> list[str]:
    urls = [reverse(f"public:{name}", kwargs={"language_code": language}) for name in GET_PAGES]
    urls.append(reverse("public:rights", kwargs={"language_code": language}) + "?province=ON")
    urls.append(
        reverse("public:services", kwargs={"language_code": language}) + "?province=ON&need=legal"
    )
    return urls


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]


@dataclass
class Page(HTMLParser):
    """Every start tag with its attributes, the text, and inline script/style content."""

    elements: list[Element] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    inline_code: list[str] = field(default_factory=list)
    main_texts: list[str] = field(default_factory=list)
    _in: str = ""
    _in_main: bool = False

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, {k: v or "" for k, v in attrs}))
        self._in = tag if tag in ("script", "style") else ""
        self._in_main = self._in_main or tag == "main"

    def handle_endtag(self, tag: str) -> None:
        self._in = ""
        if tag == "main":
            self._in_main = False

    def handle_data(self, data: str) -> None:
        if self._in and data.strip():
            self.inline_code.append(data)
        elif not self._in:
            self.texts.append(data)
            if self._in_main:
                self.main_texts.append(data)

    def all(self, tag: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag]

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.texts).split())

    @property
    def main_text(self) -> str:
        """The text of <main> only (without the header, notes and footer)."""
        return " ".join(" ".join(self.main_texts).split())


def read(html: bytes | str) -> Page:
    page = Page()
    page.feed(html.decode() if isinstance(html, bytes) else html)
    return page


def visit_everything(client: Client, language: str = "en") -> list[tuple[str, object]]:
    """GET every page and POST the self-check; the responses, by address."""
    responses: list[tuple[str, object]] = [("/help/", client.get("/help/"))]
    responses += [(url, client.get(url)) for url in page_urls(language)]
    selfcheck = reverse("public:selfcheck", kwargs={"language_code": language})
    responses.append((selfcheck + " (POST)", client.post(selfcheck, SOME_ANSWERS)))
    return responses
