"""Light: every page with the CSS and scripts it references weighs at most 100 KB, and
prints without the quick exit or the form's controls (issue 12, part 6)."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from harbour.audit.services import Actor
from harbour.directory import services
from harbour.directory.models import Service
from harbour.public.views import SERVICES_SHOWN
from tests.directory.conftest import service_data
from tests.public.pages import read, visit_everything

pytestmark = pytest.mark.django_db

LIMIT = 100 * 1024


def asset_bytes(address: str) -> int:
    found = finders.find(address.removeprefix("/static/"))
    assert found, f"{address} is not a static file of the site"
    with open(found, "rb") as handle:
        return len(handle.read())


def test_every_page_with_its_css_and_scripts_weighs_at_most_100_kb(supervisor):
    # The heaviest page: a province with as many services as the page lists, each with
    # every field filled.
    first = services.add_service(
        Actor(user=supervisor), "Centre (fictional)", service_data(needs="|legal|")
    )
    Service.objects.bulk_create(
        Service(
            provider=first.provider,
            **service_data(
                needs="|legal|",
                name=f"Centre {number} wage clinic",
                description="Help with unpaid wages and permits, in several languages. " * 8,
                hours="Monday to Friday, 9 to 5; Saturday 10 to 2",
                email="help@example.org",
            ),
        )
        for number in range(SERVICES_SHOWN)
    )
    for language in ("en", "fr"):
        for url, response in visit_everything(Client(), language):
            page = read(response.content)
            assets = [e.attrs["src"] for e in page.all("script")]
            assets += [e.attrs["href"] for e in page.all("link") if e.attrs.get("rel") != "icon"]
            assets += [e.attrs["href"] for e in page.all("link") if e.attrs.get("rel") == "icon"]
            total = len(response.content) + sum(asset_bytes(a) for a in assets)
            assert total <= LIMIT, f"{url}: {total} bytes with {assets}"


def test_printing_hides_the_quick_exit_and_the_forms_controls():
    with open(finders.find("public/public.css"), encoding="utf-8") as handle:
        css = handle.read()
    print_rules = css[css.index("@media print") :]
    hidden = re.search(r"\{([^}]*display: none[^}]*)\}", print_rules)
    selectors = print_rules[: print_rules.index("display: none")]
    assert hidden is not None
    for selector in (".exit-bar", ".languages", ".filter", ".submit", ".step-nav"):
        assert selector in selectors, selector
