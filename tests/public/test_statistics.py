"""Published statistics on the public site (issue 12, part 8): the latest release
marked public, its tables with charts and CSV, in the page's language where the
tables have one; nothing before a release is public, nothing but published values,
no cookie, and a page light enough for a slow phone."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse

from harbour.accounts.models import Role
from harbour.audit.services import Actor
from harbour.reports import services
from tests.public.pages import read
from tests.public.test_weight import LIMIT, asset_bytes
from tests.reports.conftest import open_counted_cases

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 6, 1)


def statistics_url(language: str = "en") -> str:
    return reverse("public:statistics", kwargs={"language_code": language})


def csv_url(table: str, language: str = "en") -> str:
    return reverse("public:statistics_csv", kwargs={"language_code": language, "table": table})


@pytest.fixture
def admin(make_user, organisation):
    return make_user("pat", Role.PLATFORM_ADMIN, organisation)


@pytest.fixture
def release(admin, caseworker, intruder):
    open_counted_cases(caseworker, 23, gender="woman")
    open_counted_cases(intruder, 14, prefix="T", gender="man")
    return services.publish_release(Actor(user=admin), "Spring 2026", as_of=DAY, run_now=True)


def test_a_published_release_is_not_public_until_a_platform_admin_shows_it(admin, release):
    assert Client().get(statistics_url()).status_code == 404
    assert Client().get(csv_url("people_by_age_gender")).status_code == 404
    services.set_release_public(Actor(user=admin), release, True)
    response = Client().get(statistics_url())
    assert response.status_code == 200
    assert statistics_url() in Client().get(reverse("public:index", args=["en"])).content.decode()


def test_the_page_shows_every_public_table_with_its_chart_and_csv_and_sets_no_cookie(
    admin, release
):
    services.set_release_public(Actor(user=admin), release, True)
    response = Client().get(statistics_url("es"))
    text = response.content.decode()
    assert response.status_code == 200 and not response.cookies
    assert response["Cache-Control"] == "no-store"
    assert "Spring 2026" in text and "2026-06-01" in text
    shown = {t.key for t in release.tables.all()} - {"gap_times"}
    for key in shown:
        assert csv_url(key, "es") in text, key
    page = read(response.content)
    # A table with no row yet says so instead of drawing an empty chart.
    empty = text.count("No one to count yet")
    assert len(page.all("svg")) + empty == len(shown) == len(page.all("table"))
    assert len(page.all("svg")) >= 4
    # Spanish has no table labels: they are English, and marked so.
    assert 'lang="en" dir="ltr"' in text and "Las tablas de abajo están en inglés." in text
    # Nothing but published values: each cell is a multiple of the rounding base or hidden.
    for stored in release.tables.exclude(key="gap_times"):
        assert all(n is None or n % 5 == 0 for _r, _c, n, _f in stored.cells)
    # No pseudonym of a counted person reaches the page.
    assert "P000" not in text and "T000" not in text


def test_the_tables_are_in_french_on_the_french_page(admin, release):
    services.set_release_public(Actor(user=admin), release, True)
    text = Client().get(statistics_url("fr")).content.decode()
    assert "Les tableaux ci-dessous" not in text
    assert 'lang="fr"' in text and "Total" in text


def test_a_table_downloads_as_the_published_entries(admin, release):
    services.set_release_public(Actor(user=admin), release, True)
    response = Client().get(csv_url("people_by_age_gender", "vi"))
    assert response.status_code == 200 and not response.cookies
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["row", "col", "count", "flag"]
    stored = release.tables.get(key="people_by_age_gender").cells
    assert rows[1:] == [[r, c, "" if n is None else str(n), f] for r, c, n, f in stored]


def test_a_table_that_is_not_public_answers_404(admin, release):
    services.set_release_public(Actor(user=admin), release, True)
    for table in ("gap_times", "no_such_table"):
        response = Client().get(csv_url(table))
        assert response.status_code == 404 and not response.cookies


def test_the_statistics_page_weighs_at_most_100_kb(admin, release):
    services.set_release_public(Actor(user=admin), release, True)
    for language in ("en", "ar"):
        response = Client().get(statistics_url(language))
        page = read(response.content)
        assets = [e.attrs["src"] for e in page.all("script")]
        assets += [e.attrs["href"] for e in page.all("link")]
        total = len(response.content) + sum(asset_bytes(a) for a in assets)
        assert total <= LIMIT, f"{language}: {total} bytes"
