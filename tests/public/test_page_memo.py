"""The answer page is cheap: no database query, and built once per answers, address and day.

The memo (harbour.core.page_memo) must never change what a page says: a
remembered page is byte for byte the page built afresh, and pages that read
the database or the request's headers are never remembered.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator

import pytest
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import reverse

from harbour.core import page_memo
from harbour.core.page_memo import PageMemo
from tests.public.pages import SOME_ANSWERS

LANGUAGES = ("en", "fr", "es", "ar")
QUIET = {"where": "QC", "permit": "open_permit", "works": "yes", "long_hours": "no"}


def answer_url(language: str) -> str:
    return reverse("public:selfcheck", kwargs={"language_code": language})


@pytest.fixture
def fresh_client() -> Iterator[Client]:
    """A client whose handler (and so its memo) is new, with the memo on."""
    with override_settings(HARBOUR_PUBLIC_PAGE_MEMO=64):
        yield Client()


@pytest.mark.django_db
def test_the_answer_page_makes_no_database_query(fresh_client, django_assert_num_queries):
    for language in LANGUAGES:
        with django_assert_num_queries(0):
            built = fresh_client.post(answer_url(language), SOME_ANSWERS)
        with django_assert_num_queries(0):
            remembered = fresh_client.post(answer_url(language), SOME_ANSWERS)
        assert built.status_code == remembered.status_code == 200


def test_a_remembered_answer_page_is_the_page_built_afresh(fresh_client):
    with override_settings(HARBOUR_PUBLIC_PAGE_MEMO=0):
        unmemoised = Client()
        expected = {
            (language, name): unmemoised.post(answer_url(language), answers).content
            for language in LANGUAGES
            for name, answers in (("some", SOME_ANSWERS), ("quiet", QUIET))
        }
    for (language, name), page in expected.items():
        answers = SOME_ANSWERS if name == "some" else QUIET
        first = fresh_client.post(answer_url(language), answers)
        again = fresh_client.post(answer_url(language), answers)
        assert first.templates, "the first answer page is built by the templates"
        assert not again.templates, "the same answers again come from the memo"
        assert first.content == again.content == page


def test_other_answers_or_another_language_build_another_page(fresh_client):
    english = fresh_client.post(answer_url("en"), SOME_ANSWERS)
    quiet = fresh_client.post(answer_url("en"), QUIET)
    french = fresh_client.post(answer_url("fr"), SOME_ANSWERS)
    assert quiet.templates and french.templates
    assert len({english.content, quiet.content, french.content}) == 3


def test_a_remembered_page_keeps_every_header_and_sets_no_cookie(fresh_client):
    fresh_client.post(answer_url("en"), SOME_ANSWERS)
    again = fresh_client.post(answer_url("en"), SOME_ANSWERS)
    assert not again.templates
    assert not again.cookies
    assert again["Cache-Control"] == "no-store"
    assert again["Referrer-Policy"] == "no-referrer"
    assert "default-src 'self'" in again["Content-Security-Policy"]
    assert again["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_pages_that_read_the_database_or_headers_are_always_built(fresh_client):
    services = reverse("public:services", kwargs={"language_code": "en"}) + "?province=ON"
    for url in (services, reverse("public:root")):
        fresh_client.get(url)
        assert fresh_client.get(url).templates, f"{url} came from the memo"


def test_a_new_day_builds_the_page_again(fresh_client, monkeypatch):
    fresh_client.post(answer_url("en"), SOME_ANSWERS)
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    monkeypatch.setattr(page_memo.timezone, "localdate", lambda: tomorrow)
    assert fresh_client.post(answer_url("en"), SOME_ANSWERS).templates


def test_a_large_request_is_answered_but_not_remembered(fresh_client):
    padded = {**SOME_ANSWERS, "padding": "x" * page_memo.MAX_KEY_BYTES}
    fresh_client.post(answer_url("en"), padded)
    assert fresh_client.post(answer_url("en"), padded).templates


def test_a_refused_answer_is_not_remembered(fresh_client):
    wrong = {**SOME_ANSWERS, "where": "Atlantis"}
    assert fresh_client.post(answer_url("en"), wrong).status_code == 400
    assert fresh_client.post(answer_url("en"), wrong).templates


def test_the_memo_forgets_the_least_recently_used_page_first():
    memo = PageMemo(size=2)
    memo.put("a", HttpResponse(b"A"))
    memo.put("b", HttpResponse(b"B"))
    assert memo.get("a") is not None  # "a" is now the most recent
    memo.put("c", HttpResponse(b"C"))
    assert len(memo) == 2
    assert memo.get("b") is None
    assert memo.get("a").content == b"A"  # type: ignore[union-attr]
    assert memo.get("c").content == b"C"  # type: ignore[union-attr]
