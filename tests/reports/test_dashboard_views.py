"""The statistics pages: who sees which figures, and that no page or CSV
carries a person, a pseudonym, a reference or free text."""

from __future__ import annotations

import csv
import io

import pytest

from harbour.accounts.models import Role
from harbour.cases.models import Consent
from harbour.reports import figures, queries
from tests.reports.conftest import open_counted_cases

PLANTED = "Zyxwvu-Quokka-7731"


@pytest.fixture
def counted(caseworker, intruder):
    ours = open_counted_cases(
        caseworker, 24, gender="woman", nationality="Mexican", contact_notes=PLANTED
    )
    # A pseudonym that must never appear anywhere in reports.
    ours[0].person.pseudonym = PLANTED
    ours[0].person.save()
    theirs = open_counted_cases(intruder, 31, prefix="T", gender="man", nationality="Guatemala")
    return ours, theirs


def test_a_caseworker_gets_403_on_every_reports_page(signed_in, caseworker, counted):
    client = signed_in(caseworker)
    for url in (
        "/reports/",
        "/reports/gap/",
        "/reports/releases/",
        "/reports/tables/people_by_age_gender.csv",
    ):
        assert client.get(url).status_code == 403, url


def test_a_supervisor_sees_only_their_organisations_figures(
    signed_in, supervisor, intruder, counted
):
    response = signed_in(supervisor).get("/reports/tables/people_by_age_gender.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0].keys() == {"row", "col", "count", "flag"}
    grand = next(r for r in rows if r["row"] == "Total" and r["col"] == "Total")
    # 24 people of ours, rounded to base 5: 20 or 25; the intruder's 31 are not in it.
    assert grand["count"] in {"20", "25"}
    men = next(r for r in rows if r["row"] == "Total" and r["col"] == "man")
    assert men["count"] in {"0", ""}
    # The intruder, a supervisor elsewhere, sees their own 31 only.
    response = signed_in(intruder).get("/reports/tables/people_by_age_gender.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    grand = next(r for r in rows if r["row"] == "Total" and r["col"] == "Total")
    assert grand["count"] in {"30", "35"}


def test_an_analyst_sees_controlled_figures_across_organisations(signed_in, analyst, counted):
    response = signed_in(analyst).get("/reports/tables/people_by_age_gender.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    grand = next(r for r in rows if r["row"] == "Total" and r["col"] == "Total")
    assert grand["count"] in {"55"}  # 24 + 31 people, a multiple of 5 already
    assert all(r["flag"] in {"published", "suppressed"} for r in rows)
    assert all(r["count"] == "" or int(r["count"]) % 5 == 0 for r in rows)
    assert all(r["count"] == "" or int(r["count"]) == 0 or int(r["count"]) >= 10 for r in rows)


def test_no_page_or_csv_shows_a_pseudonym_reference_or_free_text(
    signed_in, analyst, supervisor, counted
):
    ours, _theirs = counted
    reference = ours[0].reference
    for user in (analyst, supervisor):
        client = signed_in(user)
        urls = ["/reports/", "/reports/gap/", "/reports/releases/"]
        urls += [f"/reports/tables/{key}.csv" for key in figures.TABLES_BY_KEY]
        for url in urls:
            body = client.get(url).content.decode()
            assert PLANTED not in body, url
            assert reference not in body, url
            assert "P000" not in body, url


def test_the_dashboard_draws_each_table_as_a_chart_beside_its_data_table(
    signed_in, analyst, counted
):
    body = signed_in(analyst).get("/reports/").content.decode()
    for key in figures.TABLES_BY_KEY:
        assert f'id="{key}"' in body
        assert f"/reports/tables/{key}.csv" in body
    # A table with no row yet says so instead of drawing an empty chart.
    empty = body.count("No one to count yet")
    assert body.count('role="img"') + empty == len(figures.TABLES_BY_KEY)
    assert body.count('role="img"') >= 4
    assert body.count("<table>") >= len(figures.TABLES_BY_KEY)
    assert "<script" not in body.split("<main", 1)[-1]


def test_a_withdrawn_consent_leaves_the_person_out_at_once(signed_in, supervisor, counted):
    ours, _theirs = counted
    scope = queries.Scope(
        ours[0].organisation_id, queries.Scope(None, __import__("datetime").date.today()).as_of
    )
    before = queries.consented_profiles(scope).count()
    Consent.objects.filter(person=ours[1].person).update(withdrawn_on=scope.as_of)
    assert queries.consented_profiles(scope).count() == before - 1
    assert queries.left_out_count(scope) == 1


def test_a_filter_whose_every_figure_is_suppressed_says_so(signed_in, supervisor, counted):
    response = signed_in(supervisor).get("/reports/?gender=another")
    assert response.status_code == 200
    assert "every figure would be suppressed" in response.content.decode()


def test_more_than_two_filters_are_refused_with_a_message(signed_in, supervisor, counted):
    response = signed_in(supervisor).get("/reports/?gender=woman&province=ON&age_band=18_24")
    assert response.status_code == 400
    assert "at most two filters" in response.content.decode()


def test_a_platform_admin_has_no_live_dashboard(signed_in, make_user, organisation):
    admin = make_user("pat", Role.PLATFORM_ADMIN, organisation)
    assert signed_in(admin).get("/reports/").status_code == 403
