"""One grouped pass over the statistics profiles for many people tables.

Each people table is a GROUP BY of the consented profiles by two columns (and
by the sketch bucket for releases). Counting the dashboard's five people
tables as five queries scans the profiles, and joins them to the consents,
five times: at a million people that scan is most of the dashboard's time. So
the groupings are asked for together:

- on PostgreSQL as one `GROUP BY GROUPING SETS (...)`, one scan of the
  profiles feeding one hash table per grouping;
- elsewhere (SQLite has no grouping sets) as one `UNION ALL` of the same
  GROUP BYs, which gives the same rows.

Each row says which grouping it belongs to by the bitmask that PostgreSQL's
`GROUPING(...)` gives (a bit set for every column the grouping leaves out);
the UNION ALL form writes the same mask as a constant, so both forms read alike.
The forms of exploitation are grouped by the stored "|a|b|" text, not one
filtered count per form: a person with several forms is one row of their
combination, and the caller counts that row under each of its forms.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import QuerySet

from harbour.reports.models import StatisticsProfile

SKETCH_BUCKET, SKETCH_VALUE = "sketch_bucket", "sketch_value"


@dataclass(frozen=True)
class GroupRow:
    """The profiles of one group: the grouping's column values, the sketch
    bucket (0 when sketches were not asked for), how many people, and the sum
    of their sketch values (0 without sketches)."""

    values: dict[str, Any]
    bucket: int
    people: int
    sketch_sum: int


def _mask(columns: Sequence[str], grouping: Sequence[str]) -> int:
    """GROUPING(columns...) for a row of `grouping`: the leftmost column is
    the highest bit, set when the grouping leaves the column out."""
    mask = 0
    for column in columns:
        mask = (mask << 1) | (column not in grouping)
    return mask


def _grouped_sql(
    inner: str,
    columns: Sequence[str],
    groupings: Sequence[tuple[str, ...]],
    sketches: bool,
    grouping_sets: bool,
) -> tuple[str, int]:
    """The SQL over `inner` (the consented profiles' columns) and how many
    times `inner`'s parameters appear in it."""
    quote = connection.ops.quote_name
    bucket = [quote(SKETCH_BUCKET)] if sketches else []
    aggregates = "COUNT(*)" + (f", SUM({quote(SKETCH_VALUE)})" if sketches else "")
    if grouping_sets:
        sets = ", ".join(
            "(" + ", ".join([*(quote(c) for c in key), *bucket]) + ")" for key in groupings
        )
        select = ", ".join([*(quote(c) for c in columns), *bucket])
        mask = "GROUPING(" + ", ".join(quote(c) for c in columns) + ")"
        return (
            f"SELECT {select}, {mask}, {aggregates} FROM ({inner}) AS profile"  # noqa: S608
            f" GROUP BY GROUPING SETS ({sets})",
            1,
        )
    parts = []
    for grouping in groupings:
        select = ", ".join(
            [*(quote(c) if c in grouping else f"NULL AS {quote(c)}" for c in columns), *bucket]
        )
        group_by = ", ".join([*(quote(c) for c in grouping), *bucket])
        parts.append(
            f"SELECT {select}, {_mask(columns, grouping)}, {aggregates}"  # noqa: S608
            f" FROM ({inner}) AS profile GROUP BY {group_by}"
        )
    return " UNION ALL ".join(parts), len(parts)


def grouping_key(columns: Sequence[str]) -> tuple[str, ...]:
    """A grouping as `profile_groups` keys it: its columns, sorted (the order
    of a GROUP BY's columns does not change its groups)."""
    return tuple(sorted(set(columns)))


def profile_groups(
    profiles: QuerySet[StatisticsProfile],
    groupings: Sequence[Sequence[str]],
    *,
    sketches: bool = False,
    grouping_sets: bool | None = None,
) -> dict[tuple[str, ...], list[GroupRow]]:
    """The rows of every grouping of `profiles` (profile column names), keyed
    by `grouping_key`. grouping_sets: one GROUPING SETS pass, or UNION ALL;
    None (the default) takes grouping sets where the database has them."""
    if grouping_sets is None:
        grouping_sets = connection.vendor == "postgresql"
    keys = list(dict.fromkeys(grouping_key(grouping) for grouping in groupings))
    if not keys:
        return {}
    columns = list(dict.fromkeys(column for key in keys for column in key))
    # Only names of the model's own columns are written into the SQL (checked
    # here, and quoted); every value is a parameter of the profiles' query.
    known = {field.column for field in StatisticsProfile._meta.concrete_fields}
    unknown = sorted(set(columns) - known)
    if unknown:
        raise ValueError(f"not columns of the statistics profiles: {unknown}")
    wanted = [*columns, *((SKETCH_BUCKET, SKETCH_VALUE) if sketches else ())]
    inner, params = profiles.order_by().values(*wanted).query.sql_with_params()
    sql, repeats = _grouped_sql(inner, columns, keys, sketches, grouping_sets)
    by_mask = {_mask(columns, key): key for key in keys}
    found: dict[tuple[str, ...], list[GroupRow]] = {key: [] for key in keys}
    width = len(columns)
    with connection.cursor() as cursor:
        cursor.execute(sql, tuple(params) * repeats)
        for row in cursor.fetchall():
            grouping = by_mask[int(row[width + sketches])]
            found[grouping].append(
                GroupRow(
                    values={c: row[columns.index(c)] for c in grouping},
                    bucket=int(row[width]) if sketches else 0,
                    people=int(row[width + 1 + sketches]),
                    sketch_sum=int(row[width + 2 + sketches] or 0) if sketches else 0,
                )
            )
    return found
