"""Building a release: count every table for the whole installation on the
release's day, protect them together with the release's secret seed and
the previous release's state (differencing), and return what is stored:
published values only. The services module writes them."""

from __future__ import annotations

from typing import Any

from harbour.reports import disclosure, gap, queries
from harbour.reports.figures import entries_of
from harbour.reports.models import Release, ReleaseStatus, ReleaseTable
from harbour.reports.tables import DASHBOARD_TABLES, TableDefinition, Unit

RELEASE_TABLES: tuple[TableDefinition, ...] = (*DASHBOARD_TABLES, *gap.GAP_TABLES)
LEFT_OUT = "left_out"


def previous_state(release: Release) -> disclosure.ReleaseState | None:
    earlier = (
        Release.objects.filter(status=ReleaseStatus.PUBLISHED, created_at__lt=release.created_at)
        .exclude(pk=release.pk)
        .order_by("-created_at")
        .first()
    )
    if earlier is None or not earlier.protection:
        return None
    return disclosure.ReleaseState.from_json(earlier.protection)


def _progress(release: Release, done: int, total: int) -> None:
    Release.objects.filter(pk=release.pk).update(tables_done=done, tables_total=total)


def compute_release(release: Release) -> tuple[list[ReleaseTable], tuple[int | None, str]]:
    scope = queries.Scope(None, release.as_of)
    total = len(RELEASE_TABLES) + 2  # + the left-out count, + waiting times
    # The people tables in one grouped pass, then the others one by one.
    people = [d for d in RELEASE_TABLES if d.unit == Unit.PEOPLE and d not in gap.GAP_TABLES]
    counted = queries.count_tables(people, scope, sketches=True)
    _progress(release, len(counted), total)
    for definition in RELEASE_TABLES:
        if definition.key not in counted:
            counted.update(queries.count_tables([definition], scope, sketches=True))
            _progress(release, len(counted), total)
    engine_tables: list[disclosure.TwoWayTable | disclosure.OneWayTable] = [
        queries.to_engine_table(definition, scope, counted[definition.key])
        for definition in RELEASE_TABLES
    ]
    left_out = queries.left_out_count(scope)
    counted_in = queries.consented_people_count(scope)
    # Both sides of consent in one table: a one-category table would equal
    # its own total, which the engine rightly suppresses as a whole line.
    engine_tables.append(
        disclosure.OneWayTable(
            table_id=LEFT_OUT,
            universe="people-on-record:all",
            axis=disclosure.Axis("statistics_consent", ("in_force", "not_in_force")),
            counts=(counted_in, left_out),
            total=counted_in + left_out,
        )
    )
    epsilon = release.epsilon / len(engine_tables) if release.epsilon else None
    rules = disclosure.Rules(k=release.k, rounding_base=release.rounding_base, epsilon=epsilon)
    protected = disclosure.protect_release(
        engine_tables, rules, release.secret_seed.encode("ascii"), previous_state(release)
    )
    _progress(release, total - 1, total)
    stored: list[ReleaseTable] = []
    left: tuple[int | None, str] = (None, "suppressed")
    for position, table in enumerate(protected.tables):
        if table.table_id == LEFT_OUT:
            entry = table.entry("not_in_force")
            left = (entry.count, entry.flag)
            continue
        stored.append(ReleaseTable(key=table.table_id, position=position, cells=entries_of(table)))
    times = gap.waiting_times(scope, release.k)
    stored.append(
        ReleaseTable(key="gap_times", position=len(stored) + 1, cells=gap.waiting_entries(times))
    )
    Release.objects.filter(pk=release.pk).update(protection=protected.state.to_json())
    return stored, left


def table_definition(key: str) -> TableDefinition | None:
    for definition in RELEASE_TABLES:
        if definition.key == key:
            return definition
    return None


def release_tables(release: Release) -> dict[str, Any]:
    return {table.key: table for table in release.tables.all()}
