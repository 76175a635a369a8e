"""Tables within tables: the defence against slicing by filters.

A filtered table (the people of one gender, by sector and province) counts a subset
of the people of the same table unfiltered. Whoever sees both can subtract them: the
difference is a table of the people the filter leaves out, that nobody published
and nobody checked. "15 in Ontario care, 12 of them women" says 3 people who are not
women. With the tables for several values of one variable (women, men), subtracting
them all from the unfiltered table leaves the people with any other value.

A table that declares `within=(outer table_id, ...)` is audited jointly with each
outer table and every other table within it: one system with the outer entries A,
each inner table's entries B_i, each difference C_i = A - B_i and, for the inner
tables that are slices of one variable (`slice=(variable, value)`, disjoint), the
remainder R = A - sum of B_i. Differences and remainders are never published, are
tables of people with the same lines as A, and each of their counts between 1 and
k - 1 is protected like a suppressed entry (its interval over everything published
must be at least the width); suppressed entries of A and of each B_i are audited
again with what the other tables give away. Complements are only ever added to inner
tables: the outer table keeps the pattern it has when published alone, so that asking
for it with and without a filter cannot give two patterns to combine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from harbour.reports.disclosure import DisclosureError, OneWayTable, TwoWayTable
from harbour.reports.disclosure_audit import Auditor
from harbour.reports.disclosure_lp import System

Line = tuple[list[int], int, bool]


@dataclass
class Nested:
    """The joint system of one outer table and the tables within it."""

    outer: int  # positions in the release
    inner: list[int]
    auditor: Auditor
    size: int  # entries per table: A is block 0, inner table i is block 1 + i

    def mask(self, hidden: Sequence[np.ndarray]) -> np.ndarray:
        """The suppressed entries of the joint system from each table's own mask
        (hidden[n] for release table n); differences and remainders are never published."""
        published_blocks = [hidden[self.outer], *(hidden[i] for i in self.inner)]
        rest = len(self.auditor.system.values) - len(published_blocks) * self.size
        return np.concatenate([*published_blocks, np.ones(rest, dtype=bool)])

    def added(self, new: np.ndarray, old: np.ndarray) -> list[tuple[int, np.ndarray]]:
        """(release table, entry indices) newly hidden in each inner table."""
        found = []
        for block, table in enumerate(self.inner, start=1):
            part = slice(block * self.size, (block + 1) * self.size)
            found.append((table, np.flatnonzero(new[part] & ~old[part])))
        return found


def nested_systems(
    tables: Sequence[TwoWayTable | OneWayTable],
    values: Sequence[np.ndarray],
    lines: Sequence[Sequence[Line]],
    k: int,
    width: float,
) -> list[Nested]:
    """One joint audit per outer table that some table declares itself within."""
    where = {table.table_id: n for n, table in enumerate(tables)}
    inner_of: dict[int, list[int]] = {}
    for inner, table in enumerate(tables):
        for outer_id in table.within:
            if outer_id not in where:
                raise DisclosureError(
                    f"table {table.table_id} is within {outer_id}, which is not in the release"
                )
            _check_same_shape(tables[where[outer_id]], table)
            inner_of.setdefault(where[outer_id], []).append(inner)
    return [
        _joint(tables, outer, inner, values, lines[outer], k, width)
        for outer, inner in inner_of.items()
    ]


def _check_same_shape(outer: TwoWayTable | OneWayTable, inner: TwoWayTable | OneWayTable) -> None:
    def shape(table: TwoWayTable | OneWayTable) -> tuple[object, ...]:
        if isinstance(table, OneWayTable):
            return (table.axis,)
        return (table.rows, table.cols)

    if type(outer) is not type(inner) or shape(outer) != shape(inner):
        raise DisclosureError(
            f"table {inner.table_id} is within {outer.table_id} but their axes or "
            "categories differ: a table within another has the same rows and columns"
        )


def _joint(
    tables: Sequence[TwoWayTable | OneWayTable],
    outer: int,
    inner: list[int],
    values: Sequence[np.ndarray],
    lines: Sequence[Line],
    k: int,
    width: float,
) -> Nested:
    a = values[outer]
    size = len(a)
    # Hidden tables: one difference per inner table, one remainder per sliced variable.
    hidden: list[tuple[str, list[int], np.ndarray]] = []
    for block, table in enumerate(inner, start=1):
        hidden.append((tables[table].table_id, [block], a - values[table]))
    by_variable: dict[str, list[int]] = {}
    for block, table in enumerate(inner, start=1):
        sliced = tables[table].slice
        if sliced is not None:
            by_variable.setdefault(sliced[0], []).append(block)
    for variable, blocks in by_variable.items():
        if len(blocks) > 1:
            rest = a - sum(values[inner[b - 1]] for b in blocks)
            hidden.append((f"the slices by {variable}", blocks, rest))
    for name, _, difference in hidden:
        if (difference < 0).any():
            raise DisclosureError(
                f"{name} count more people than {tables[outer].table_id} in entry "
                f"{int(np.flatnonzero(difference < 0)[0])}: a table within another, or "
                "slices of one variable together, cannot count more people than it"
            )
    published = 1 + len(inner)
    blocks_total = published + len(hidden)
    system = System(np.concatenate([a, *(values[t] for t in inner), *(d for _, _, d in hidden)]))
    for block in range(blocks_total):  # every table, published or not, has A's lines
        offset = block * size
        for cells, margin, additive in lines:
            system.add_line([cell + offset for cell in cells], margin + offset, additive)
    entries = np.arange(size, dtype=np.int64)
    for number, (_, minus, _) in enumerate(hidden):  # D = A - sum of its B, entry by entry
        block = published + number
        for entry in entries:
            indices = [block * size + entry, entry, *(b * size + entry for b in minus)]
            coefficients = [1.0, -1.0, *([1.0] * len(minus))]
            system.equalities.append((np.array(indices), np.array(coefficients)))
    targets = np.ones(blocks_total * size, dtype=bool)
    small = np.concatenate([(d > 0) & (d < k) for _, _, d in hidden]) if hidden else np.zeros(0)
    targets[published * size :] = small  # the people the filters leave out, if few
    frozen = np.zeros(blocks_total * size, dtype=bool)
    frozen[:size] = True  # the outer table keeps its own pattern
    frozen[published * size :] = True  # never published anyway
    auditor = Auditor(system, width, targets=targets, frozen=frozen)
    return Nested(outer, inner, auditor, size)
