"""The case search keeps what was typed out of every URL and every log line
(issue 15, finding 4).

`GET /cases/?q=Birch` put a pseudonym (or a case reference) into the browser's
history, the address a proxy logs and the Referer of the next page, against
docs/data-classification.md ("L2: only random UUIDs in URLs, never a reference
or pseudonym"). The search now goes by POST; the list's address carries a
random token for it and the filters that name no one (status and the like), so
paging still works. And no log line holds a query string, whatever the access
log's format asks for.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from gunicorn.config import Config

from harbour.core.logging import PrivateAccessLogger
from tests.conftest import open_demo_case

LIST = "/cases/"


def links_on(page: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', page)


@pytest.fixture
def birch_and_cedar(caseworker, case):
    """The conftest's Birch (HB-2026-0001) and Cedar (HB-2026-0002), both casey's."""
    return case, open_demo_case(caseworker, pseudonym="Cedar", phone="514-555-0100")


def test_a_pseudonym_search_is_a_post_answered_by_an_address_without_the_pseudonym(
    signed_in, caseworker, birch_and_cedar, other_case, intruder
):
    client = signed_in(caseworker)
    response = client.post(LIST, {"q": "Birc"})
    assert response.status_code == 302
    address = response["Location"]
    assert urlsplit(address).path == LIST
    assert "Birc" not in address and "q=" not in address
    page = client.get(address).content.decode()
    assert "Birch" in page
    assert "Cedar" not in page
    assert "Spruce" not in page  # the intruder's case, another organisation
    assert not [link for link in links_on(page) if "Birc" in link]


def test_a_reference_search_keeps_the_reference_out_of_the_address(
    signed_in, caseworker, birch_and_cedar, intruder
):
    birch, cedar = birch_and_cedar
    client = signed_in(caseworker)
    response = client.post(LIST, {"q": cedar.reference})
    assert response.status_code == 302
    assert "HB-" not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert cedar.reference in page
    assert birch.reference not in page


def test_the_filter_form_posts_and_shows_the_search_that_was_typed(
    signed_in, caseworker, birch_and_cedar, intruder
):
    client = signed_in(caseworker)
    page = client.get(client.post(LIST, {"q": "Birc"})["Location"]).content.decode()
    form = re.search(r'<form class="card filters"[^>]*>', page)
    assert form is not None
    assert 'method="post"' in form.group(0)
    assert "hx-push-url" not in form.group(0)  # the server says what to push
    assert 'value="Birc"' in page  # in the page itself, which is not kept in a history


def test_paging_keeps_the_search_and_the_status_filter_in_the_address_without_the_text(
    signed_in, caseworker, case, settings, intruder
):
    settings.PAGE_SIZE = 2
    for number in range(4):
        open_demo_case(caseworker, pseudonym=f"Birch {number}", phone=f"416-555-01{number}0")
    open_demo_case(caseworker, pseudonym="Cedar", phone="514-555-0100")
    client = signed_in(caseworker)
    response = client.post(LIST, {"q": "birch", "status": "intake"})
    address = response["Location"]
    assert parse_qs(urlsplit(address).query)["status"] == ["intake"]
    first = client.get(address).content.decode()
    assert "5 cases" in first  # Birch and Birch 0-3
    next_link = re.search(r'href="(\?[^"]*page=2[^"]*)" rel="next"', first)
    assert next_link is not None
    assert "birch" not in next_link.group(1).lower()
    second = client.get(LIST + next_link.group(1).replace("&amp;", "&")).content.decode()
    assert "Page 2 of 3" in second
    assert "Birch" in second and "Cedar" not in second


def test_a_search_in_the_query_string_is_ignored(signed_in, caseworker, birch_and_cedar, intruder):
    page = signed_in(caseworker).get(LIST, {"q": "Birch"}).content.decode()
    assert "Birch" in page and "Cedar" in page  # nothing was filtered
    assert 'value="Birch"' not in page


def test_an_htmx_search_answers_with_the_table_and_an_address_to_push_without_the_text(
    signed_in, caseworker, birch_and_cedar, intruder
):
    response = signed_in(caseworker).post(
        LIST, {"q": "Cedar", "status": "intake"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "1 case" in page and "Cedar" in page and "Birch" not in page
    pushed = response["HX-Push-Url"]
    assert urlsplit(pushed).path == LIST
    assert "Cedar" not in pushed and "status=intake" in pushed


def test_a_search_address_means_nothing_in_another_session(
    signed_in, caseworker, birch_and_cedar, other_case, intruder
):
    address = signed_in(caseworker).post(LIST, {"q": "Birc"})["Location"]
    stranger = signed_in(intruder).get(address)
    assert stranger.status_code == 200
    page = stranger.content.decode()
    assert "Birc" not in page  # the text did not travel with the address
    assert "Birch" not in page and "Spruce" in page  # the intruder's own list, unfiltered
    assert "search has expired" in page


def test_the_search_text_is_kept_encrypted_in_the_session(
    signed_in, caseworker, birch_and_cedar, intruder
):
    from django.contrib.sessions.models import Session

    client = signed_in(caseworker)
    assert client.post(LIST, {"q": "Birc"}).status_code == 302
    stored = Session.objects.get(session_key=client.session.session_key)
    assert "Birc" not in stored.session_data
    assert "Birc" not in str(stored.get_decoded())


def test_a_search_too_long_is_refused_with_the_form_shown_again(
    signed_in, caseworker, birch_and_cedar, intruder
):
    response = signed_in(caseworker).post(LIST, {"q": "x" * 81})
    assert response.status_code == 400
    assert b"Ensure this value has at most 80 characters" in response.content


# --- No query string in any log line --------------------------------------------------------

SECRET = "Birch"
# Every gunicorn atom that can carry a query string, and the usual ones.
EVERY_QUERY_ATOM = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(U)s %(q)s'
    " %({query_string}e)s %({raw_uri}e)s %({http_referer}e)s %({referer}i)s"
    " %({location}o)s %({request_uri}e)s %({hx-current-url}i)s %({http_hx_current_url}e)s"
)


class _Response:
    status = "302 Found"
    sent = 0
    headers = [("Location", f"/accounts/login/?next=/cases/%3Fq%3D{SECRET}")]


class _Request:
    headers = [
        ("REFERER", f"https://harbour.example/cases/?q={SECRET}"),
        ("HX-CURRENT-URL", f"https://harbour.example/cases/?q={SECRET}"),
    ]


def _environ() -> dict[str, str]:
    return {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/cases/?q={SECRET}",
        "PATH_INFO": "/cases/",
        "QUERY_STRING": f"q={SECRET}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": f"https://harbour.example/cases/?q={SECRET}",
        "HTTP_HX_CURRENT_URL": f"https://harbour.example/cases/?q={SECRET}",
        "REQUEST_URI": f"/cases/?q={SECRET}",
        "HTTP_USER_AGENT": "Firefox",
    }


def test_the_access_log_holds_no_query_string_whatever_its_format_asks_for(tmp_path: Path):
    log = tmp_path / "access.log"
    config = Config()
    config.set("accesslog", str(log))
    config.set("access_log_format", EVERY_QUERY_ATOM)
    logger = PrivateAccessLogger(config)
    logger.access(_Response(), _Request(), _environ(), datetime.timedelta(milliseconds=3))
    for handler in logger.access_log.handlers:
        handler.flush()
    line = log.read_text(encoding="utf-8")
    assert '"GET /cases/ HTTP/1.1" 302' in line
    assert "127.0.0.1" in line  # staff requests keep their address
    assert SECRET not in line
    assert "?" not in line


def test_harbours_gunicorn_config_uses_the_private_logger_and_no_format_of_its_own():
    from harbour.core import gunicorn_conf

    assert gunicorn_conf.logger_class == "harbour.core.logging.PrivateAccessLogger"
    # Any format is safe with the private logger (above); a format set here
    # would still be one more place to review.
    assert not hasattr(gunicorn_conf, "access_log_format")
