"""Publishing releases: frozen, budgeted, consent-aware, and stable answers."""

from __future__ import annotations

import datetime

import pytest

from harbour.accounts.models import Role
from harbour.audit.services import Actor
from harbour.cases.models import Consent
from harbour.reports import services
from harbour.reports.models import PrivacyBudgetEntry, Release, ReleaseStatus
from harbour.reports.publication import (
    latest_public_release,
    public_table_entries,
    public_tables,
)
from tests.reports.conftest import open_counted_cases

DAY = datetime.date(2026, 6, 1)


@pytest.fixture
def admin(make_user, organisation):
    return make_user("pat", Role.PLATFORM_ADMIN, organisation)


@pytest.fixture
def people(caseworker, intruder):
    return open_counted_cases(caseworker, 23, gender="woman") + open_counted_cases(
        intruder, 14, prefix="T", gender="man"
    )


def _publish(admin, title="Spring", **kwargs):
    return services.publish_release(Actor(user=admin), title, as_of=DAY, run_now=True, **kwargs)


def _cells(release, key):
    return {(r, c): (n, f) for r, c, n, f in release.tables.get(key=key).cells}


def test_a_platform_admin_publishes_a_frozen_release_of_published_values(admin, people):
    release = _publish(admin)
    assert release.status == ReleaseStatus.PUBLISHED
    cells = _cells(release, "people_by_age_gender")
    count, flag = cells[("Total", "Total")]
    assert flag == "published" and count in {35, 40}  # 37 people, rounded to base 5
    assert all(n is None or n % 5 == 0 for n, _f in cells.values())
    # Later changes to the data do not change the release.
    open_counted_cases(people[0].assigned_to.first(), 12, prefix="L", gender="woman")
    release.refresh_from_db()
    assert _cells(release, "people_by_age_gender") == cells


def test_the_same_query_gets_the_same_answer_within_a_release(admin, people):
    release = _publish(admin)
    by_age = _cells(release, "people_by_age_gender")
    by_nationality = _cells(release, "people_by_nationality_gender")
    # The women counted through two tables are one entry: one rounding.
    assert by_age[("Total", "woman")] == by_nationality[("Total", "woman")]


def test_only_platform_admins_publish(people, supervisor, analyst):
    for user in (supervisor, analyst):
        with pytest.raises(services.NotAllowed):
            services.publish_release(Actor(user=user), "Not mine", as_of=DAY, run_now=True)
    assert not Release.objects.exists()


def test_a_release_over_the_yearly_budget_is_refused_with_a_reason(admin, people):
    for index in range(4):
        PrivacyBudgetEntry.objects.create(
            release=Release.objects.create(title=f"r{index}", as_of=DAY, secret_seed="x"),
            year=2026,
            epsilon=0.9,
        )
    with pytest.raises(services.ReleaseRefused, match=r"only 0\.4 of the 4\.0"):
        _publish(admin, epsilon=0.5)
    assert Release.objects.filter(title="Spring").count() == 0


def test_a_withdrawal_leaves_the_person_out_of_the_next_release(admin, people):
    first = _publish(admin, "Before")
    assert first.left_out_flag == "suppressed" or first.left_out_count == 0
    # 20 of the 23 women withdraw: a change well over k even as the people
    # sketches estimate it (a change under k would rightly keep the earlier
    # figure: differencing protection).
    withdrawn = people[:20]
    Consent.objects.filter(person__in=[case.person for case in withdrawn]).update(
        withdrawn_on=DAY - datetime.timedelta(days=1)
    )
    second = _publish(admin, "After")
    # 20 left out: published only as a controlled (rounded) number.
    assert second.left_out_flag == "published" and second.left_out_count in {15, 20, 25}
    women_before = _cells(first, "people_by_age_gender")[("Total", "woman")]
    women_after = _cells(second, "people_by_age_gender")[("Total", "woman")]
    assert women_after[1] == "suppressed" or women_after[0] < (women_before[0] or 99)


def test_the_seed_is_secret_and_differs_between_releases(admin, people):
    first, second = _publish(admin, "A"), _publish(admin, "B")
    assert first.secret_seed != second.secret_seed and len(first.secret_seed) == 64


def test_the_latest_public_release_gives_its_published_tables_only(admin, people):
    assert latest_public_release() is None
    release = _publish(admin)
    assert latest_public_release() is None  # published, not yet shown
    services.set_release_public(Actor(user=admin), release, True)
    public = latest_public_release()
    assert public == release and public.as_of == DAY
    tables = dict((view.key, view) for view, _chart in public_tables(public))
    assert "gap_times" not in tables and "people_by_age_gender" in tables
    stored = public_table_entries(public, "people_by_age_gender")
    assert stored == release.tables.get(key="people_by_age_gender").cells
    assert all(count is None or count % 5 == 0 for _r, _c, count, _f in stored)
    assert public_table_entries(public, "gap_times") is None
