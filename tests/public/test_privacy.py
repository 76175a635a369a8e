"""Nothing traceable: no cookie, no session, no database write, no cache, no referrer,
no other host, no inline script, no answer in an address (issue 12, part 3)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.conftest import sign_in
from tests.directory.conftest import service_data
from tests.public.pages import SOME_ANSWERS, page_urls, read, visit_everything

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "DROP", "ALTER")


@pytest.fixture
def a_service(supervisor):
    from harbour.audit.services import Actor
    from harbour.directory import services

    return services.add_service(
        Actor(user=supervisor), "Lakeside Legal Clinic (fictional)", service_data(needs="|legal|")
    )


def test_no_page_sets_a_cookie_for_a_visitor_without_one(a_service):
    for url, response in visit_everything(Client()):
        assert response.status_code == 200, url
        assert not response.cookies, f"{url} set {list(response.cookies)}"


def test_a_staff_members_session_cookie_is_neither_read_nor_renewed_on_the_help_pages(
    caseworker, a_service, django_assert_num_queries
):
    client = sign_in(Client(), caseworker)
    selfcheck = reverse("public:selfcheck", kwargs={"language_code": "en"})
    # Reading the session would be a query; the answer page makes none at all.
    with django_assert_num_queries(0):
        response = client.post(selfcheck, SOME_ANSWERS)
    assert response.status_code == 200
    assert not response.cookies
    for url, response in visit_everything(client):
        assert not response.cookies, f"{url} set {list(response.cookies)}"
        assert "Cookie" not in response.get("Vary", ""), url


def test_the_public_views_never_touch_the_session_or_the_user(rf):
    from harbour.public import views

    class Forbidden:
        def __getattr__(self, name):
            raise AssertionError(f"a public view touched request.{name}")

    for view, method, data in (
        (views.index, "get", {}),
        (views.signs, "get", {}),
        (views.rights, "get", {"province": "QC"}),
        (views.contacts, "get", {}),
        (views.selfcheck, "get", {}),
        (views.selfcheck, "post", SOME_ANSWERS),
    ):
        request = getattr(rf, method)("/help/en/", data)
        request.session = Forbidden()
        request.user = Forbidden()
        request.resolver_match = None
        response = view(request, language_code="en")
        assert response.status_code == 200


def test_a_whole_visit_writes_nothing_to_the_database(a_service):
    writes: list[str] = []

    def refuse_writes(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(WRITES):
            writes.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse_writes):
        visit_everything(Client())
        visit_everything(Client(), "fr")
    assert writes == []


def test_the_answer_page_reads_nothing_from_the_database(django_assert_num_queries):
    selfcheck = reverse("public:selfcheck", kwargs={"language_code": "fr"})
    with django_assert_num_queries(0):
        response = Client().post(selfcheck, SOME_ANSWERS)
    assert response.status_code == 200


def test_every_page_says_no_store_and_no_referrer(a_service):
    for url, response in visit_everything(Client()):
        assert response["Cache-Control"] == "no-store", url
        assert response["Referrer-Policy"] == "no-referrer", url
        assert '<meta name="referrer" content="no-referrer">' in response.content.decode(), url


def test_the_content_security_policy_allows_no_inline_script_or_other_host(a_service):
    for url, response in visit_everything(Client()):
        policy = response["Content-Security-Policy"]
        directives = dict(
            (part.split()[0], part.split()[1:]) for part in policy.split(";") if part.strip()
        )
        assert directives["script-src"] == ["'self'"], url
        assert directives["style-src"] == ["'self'"], url
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, url
        page = read(response.content)
        assert page.inline_code == [], f"{url} has inline script or style"
        for element in page.elements:
            handlers = [name for name in element.attrs if name.startswith("on")]
            assert not handlers, f"{url}: <{element.tag}> has {handlers}"
            assert "style" not in element.attrs, f"{url}: <{element.tag}> has a style attribute"


def test_every_asset_comes_from_the_site_itself_and_nothing_counts_visits(a_service):
    for url, response in visit_everything(Client()):
        page = read(response.content)
        assets = [e.attrs["src"] for e in page.elements if "src" in e.attrs]
        assets += [e.attrs["href"] for e in page.all("link")]
        for asset in assets:
            parts = urlsplit(asset)
            assert not parts.scheme and not parts.netloc, f"{url} loads {asset}"
            assert asset.startswith("/static/public/"), f"{url} loads {asset}"
        assert not page.all("iframe") and not page.all("img"), url
        body = response.content.decode().lower()
        for tracker in ("analytics", "gtag", "googletagmanager", "matomo", "plausible", "pixel"):
            assert tracker not in body, f"{url} mentions {tracker}"


def test_every_link_to_another_site_sends_no_referrer_and_no_opener(a_service):
    external_links = 0
    for url, response in visit_everything(Client()):
        for link in read(response.content).all("a"):
            href = link.attrs.get("href", "")
            if urlsplit(href).scheme in ("http", "https"):
                external_links += 1
                rel = set(link.attrs.get("rel", "").split())
                assert {"noreferrer", "noopener"} <= rel, f"{url}: {href} has rel={rel}"
    # The quick exit on every page, the hotline and tip-line sites, the service's site.
    assert external_links > len(page_urls())


def test_the_answers_go_by_post_and_a_get_with_answers_in_the_address_shows_only_the_form():
    url = reverse("public:selfcheck", kwargs={"language_code": "en"})
    form = read(Client().get(url).content).all("form")[0]
    assert form.attrs["method"] == "post"
    response = Client().get(url, SOME_ANSWERS)
    assert "What your answers may mean" not in response.content.decode()
    assert "Self-check" in response.content.decode()


def test_the_self_check_form_carries_no_csrf_token_and_still_works_without_one():
    url = reverse("public:selfcheck", kwargs={"language_code": "en"})
    form = Client(enforce_csrf_checks=True).get(url).content.decode()
    assert "csrfmiddlewaretoken" not in form
    response = Client(enforce_csrf_checks=True).post(url, SOME_ANSWERS)
    assert response.status_code == 200
    assert not response.cookies
