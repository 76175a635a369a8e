"""The people tables counted together in one grouped pass (reports.grouping)
give the cells of a plain count of distinct people: a person with two cases
counts once, under each of their forms of exploitation but once in a margin."""

from __future__ import annotations

import datetime
from collections import defaultdict

import pytest
from django.db import connection

from harbour.audit.services import Actor
from harbour.cases import services
from harbour.cases.consent import has_consent
from harbour.cases.models import Consent, Person
from harbour.reports import grouping, queries
from harbour.reports.models import StatisticsProfile
from harbour.reports.tables import (
    DASHBOARD_TABLES,
    FILTER_DIMENSIONS,
    Dimension,
    TableDefinition,
    Unit,
)
from tests.reports.conftest import consent_to_statistics

DAY = datetime.date(2026, 6, 1)
PEOPLE_TABLES = [table for table in DASHBOARD_TABLES if table.unit == Unit.PEOPLE]
TOTAL = queries.TOTAL


def _open(user, name, cases, *, consent=True, withdrawn=None, **person):
    """A new person with one case per (opened_on, province, sector, forms)."""
    actor = Actor(user=user)
    (opened, province, sector, forms), *more = cases
    case = services.open_case_for_new_person(
        actor,
        {"pseudonym": name, **person},
        {"opened_on": opened, "province": province, "sector": sector},
        forms=forms,
    )
    for opened, province, sector, forms in more:
        services.open_case(
            actor,
            case.person,
            {"opened_on": opened, "province": province, "sector": sector},
            forms=forms,
        )
    if consent:
        given = consent_to_statistics(case)
        if withdrawn:
            Consent.objects.filter(pk=given.pk).update(withdrawn_on=withdrawn)
    return case.person


@pytest.fixture
def people(caseworker, intruder):
    d = datetime.date
    return [
        # Two cases each: the first decides province, sector and year; the
        # forms are those of both.
        _open(
            caseworker,
            "A1",
            [
                (d(2019, 4, 1), "ON", "agriculture", ["labour_trafficking"]),
                (d(2024, 2, 1), "QC", "construction", ["sexual_exploitation"]),
            ],
            gender="woman",
            nationality="Mexican",
        ),
        _open(
            caseworker,
            "A2",
            [
                (d(2012, 1, 1), "BC", "hospitality", []),
                (d(2025, 5, 1), "ON", "care_work", ["domestic_servitude", "labour_trafficking"]),
            ],
            gender="man",
        ),
        _open(
            caseworker,
            "A3",
            [
                (d(2025, 3, 1), "ON", "agriculture", ["labour_trafficking"]),
                (d(2025, 9, 1), "ON", "agriculture", ["labour_trafficking"]),
            ],
            gender="woman",
            nationality="Guatemalan",
        ),
        _open(caseworker, "A4", [(d(2026, 1, 1), "ON", "agriculture", [])], gender="another"),
        # Not counted: no consent, or a consent withdrawn before the day.
        _open(caseworker, "A5", [(d(2026, 1, 1), "ON", "agriculture", [])], consent=False),
        _open(
            caseworker,
            "A6",
            [(d(2026, 1, 1), "ON", "agriculture", ["other"])],
            withdrawn=d(2026, 3, 1),
        ),
        _open(
            intruder,
            "B1",
            [
                (d(2020, 6, 1), "QC", "food_processing", ["worker_at_risk"]),
                (d(2021, 6, 1), "QC", "food_processing", ["other"]),
            ],
            gender="woman",
            nationality="Filipino",
        ),
    ]


def _codes(dimension: Dimension, profile: StatisticsProfile) -> list[str]:
    if dimension.multi:
        forms = [form for form in profile.forms.split("|") if form]
        return [form for form in forms if form in dimension.codes()] if forms else ["none"]
    field = queries.PROFILE_FIELDS[dimension.key]
    return [queries.category_code(dimension, getattr(profile, field), set(dimension.codes()))]


def plain_count(definition: TableDefinition, scope: queries.Scope) -> dict[str, dict]:
    """Distinct people per cell and margin, person by person in Python, and
    the per-bucket sums of their sketch values."""
    members: dict[tuple[str, str], set] = defaultdict(set)
    profiles = StatisticsProfile.objects.all()
    if scope.organisation_id is not None:
        profiles = profiles.filter(organisation_id=scope.organisation_id)
    for profile in profiles:
        if not has_consent(profile.person_id, "statistics", scope.as_of):
            continue
        if any(_codes(FILTER_DIMENSIONS[k], profile) != [v] for k, v in scope.filters):
            continue
        rows, cols = _codes(definition.rows, profile), _codes(definition.cols, profile)
        for r in rows:
            members[(r, TOTAL)].add(profile)
            for c in cols:
                members[(r, c)].add(profile)
        for c in cols:
            members[(TOTAL, c)].add(profile)
        members[(TOTAL, TOTAL)].add(profile)
    sketches = {}
    for key, found in members.items():
        buckets = [0] * queries.SKETCH_BUCKETS
        for profile in found:
            buckets[profile.sketch_bucket] += profile.sketch_value
        sketches[key] = buckets
    counts = {key: len(found) for key, found in members.items()}
    return {"counts": counts, "sketches": sketches}


def _as_plain(counted: queries.Counted) -> dict[str, dict]:
    counts = {**counted.cells}
    counts.update({(r, TOTAL): n for r, n in counted.row_totals.items()})
    counts.update({(TOTAL, c): n for c, n in counted.col_totals.items()})
    counts[(TOTAL, TOTAL)] = counted.total
    empty = [0] * queries.SKETCH_BUCKETS
    return {
        "counts": {key: n for key, n in counts.items() if n},
        "sketches": {key: v for key, v in (counted.sketches or {}).items() if v != empty},
    }


@pytest.mark.parametrize(
    "scope_of",
    [
        lambda org: queries.Scope(None, DAY),
        lambda org: queries.Scope(org, DAY),
        lambda org: queries.Scope(None, DAY, (("gender", "woman"),)),
        lambda org: queries.Scope(None, DAY, (("year", "before_2015"),)),
    ],
    ids=["installation", "organisation", "filtered", "early-years"],
)
def test_the_grouped_pass_gives_a_plain_count_of_distinct_people(people, scope_of):
    scope = scope_of(people[0].organisation_id)
    counted = queries.count_tables(PEOPLE_TABLES, scope, sketches=True)
    for definition in PEOPLE_TABLES:
        assert _as_plain(counted[definition.key]) == plain_count(definition, scope), definition.key


def test_a_person_with_two_cases_counts_once_and_under_each_form(people):
    counted = queries.count_tables(PEOPLE_TABLES, queries.Scope(None, DAY))
    consenting = [p for p in Person.objects.all() if has_consent(p, "statistics", DAY)]
    assert len(consenting) == 5
    for definition in PEOPLE_TABLES:
        assert counted[definition.key].total == 5, definition.key
    forms = counted["people_by_form_province"]
    # A1 (first case in ON) has labour trafficking and sexual exploitation;
    # A3's two labour-trafficking cases are one person.
    assert forms.cells[("labour_trafficking", "ON")] == 2
    assert forms.cells[("sexual_exploitation", "ON")] == 1
    assert forms.col_totals["ON"] == 3
    assert forms.row_totals["labour_trafficking"] == 3  # A1, A2 (first case in BC), A3
    cases = queries.count_tables(DASHBOARD_TABLES, queries.Scope(None, DAY))
    assert cases["cases_by_year_province"].total == 9  # cases count twice


# Grouping sets exist on PostgreSQL only (SQLite takes the UNION ALL form), so this
# test is defined on the PostgreSQL pass only: a skip would fail CI.
if connection.vendor == "postgresql":

    def test_grouping_sets_and_union_all_give_the_same_groups(people):
        profiles = queries.consented_profiles(queries.Scope(None, DAY))
        groupings = [("forms", "province"), ("province", "sector"), ("gender", "nationality")]

        def groups(grouping_sets):
            found = grouping.profile_groups(
                profiles, groupings, sketches=True, grouping_sets=grouping_sets
            )
            return {
                key: sorted(
                    (sorted(row.values.items(), key=str), row.bucket, row.people, row.sketch_sum)
                    for row in rows
                )
                for key, rows in found.items()
            }

        assert groups(True) == groups(False)


def test_only_profile_columns_reach_the_sql(people):
    profiles = queries.consented_profiles(queries.Scope(None, DAY))
    with pytest.raises(ValueError, match="not columns"):
        grouping.profile_groups(profiles, [("province", "1; DROP TABLE x")])
