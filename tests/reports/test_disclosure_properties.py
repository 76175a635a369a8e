"""Properties of the disclosure engine (hypothesis), checked independently of it.

For any small table of people (additive or multi-valued axes):

- no entry is published whose true count is between 1 and k - 1;
- no published zero shows that every person of a line is in one category;
- every suppressed entry stays wide: min and max of it over all non-negative tables
  that agree with the published values (known exactly: the worst case) differ by at
  least k. The bounds come from `independent_bounds` below, a dense linear programme
  written from the table's definition, not from the engine's audit;
- published values are multiples of the base within base - 1 of the true count;
- the same query with the same seed gives the same answer.
"""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from harbour.reports.disclosure import (
    TOTAL,
    ProtectedTable,
    Rules,
    TwoWayTable,
    protect_table,
    tabulate,
)

K = 11


def independent_bounds(
    table: TwoWayTable, result: ProtectedTable, *, intervals: bool = False
) -> dict[tuple[str, str], tuple[float, float]]:
    """Min and max of every suppressed entry of a two-way table, by a dense LP over
    the whole (R+1) x (C+1) array. Published entries are fixed at their true count, or
    with intervals=True only known to lie within 4 of their rounded value."""
    rows, cols = list(table.rows.categories), list(table.cols.categories)
    n_rows, n_cols = len(rows), len(cols)
    truth = np.zeros((n_rows + 1, n_cols + 1))
    truth[:n_rows, :n_cols] = table.cells
    truth[:n_rows, n_cols] = table.row_totals
    truth[n_rows, :n_cols] = table.col_totals
    truth[n_rows, n_cols] = table.grand_total
    labels_r, labels_c = [*rows, TOTAL], [*cols, TOTAL]
    size = (n_rows + 1) * (n_cols + 1)

    def var(r: int, c: int) -> int:
        return r * (n_cols + 1) + c

    eq_rows, ub_rows = [], []
    for r in range(n_rows + 1):  # row r: cells against the row's margin
        line = np.zeros(size)
        for c in range(n_cols):
            line[var(r, c)] = 1
        line[var(r, n_cols)] = -1
        if table.cols.additive:
            eq_rows.append(line)
        else:
            ub_rows.append(-line)
            for c in range(n_cols):
                one = np.zeros(size)
                one[var(r, c)], one[var(r, n_cols)] = 1, -1
                ub_rows.append(one)
    for c in range(n_cols + 1):
        line = np.zeros(size)
        for r in range(n_rows):
            line[var(r, c)] = 1
        line[var(n_rows, c)] = -1
        if table.rows.additive:
            eq_rows.append(line)
        else:
            ub_rows.append(-line)
            for r in range(n_rows):
                one = np.zeros(size)
                one[var(r, c)], one[var(n_rows, c)] = 1, -1
                ub_rows.append(one)
    bounds: list[tuple[float, float | None]] = []
    hidden = []
    for r in range(n_rows + 1):
        for c in range(n_cols + 1):
            entry = result.entry(labels_r[r], labels_c[c])
            if entry.count is None:
                bounds.append((0, None))
                hidden.append((r, c))
            elif intervals:
                bounds.append((max(0, entry.count - 4), entry.count + 4))
            else:
                bounds.append((truth[r, c], truth[r, c]))
    found = {}
    for r, c in hidden:
        objective = np.zeros(size)
        objective[var(r, c)] = 1
        ends = []
        for sign in (1, -1):
            solved = linprog(
                sign * objective,
                A_eq=np.array(eq_rows) if eq_rows else None,
                b_eq=np.zeros(len(eq_rows)) if eq_rows else None,
                A_ub=np.array(ub_rows) if ub_rows else None,
                b_ub=np.zeros(len(ub_rows)) if ub_rows else None,
                bounds=bounds,
                method="highs-ipm",  # a different algorithm from the engine's default
            )
            assert solved.status in (0, 3), solved.message
            ends.append(np.inf if solved.status == 3 else sign * solved.fun)
        found[labels_r[r], labels_c[c]] = (ends[0], ends[1])
    return found


def true_count(table: TwoWayTable, row: str, col: str) -> int:
    r = None if row == TOTAL else table.rows.categories.index(row)
    c = None if col == TOTAL else table.cols.categories.index(col)
    if r is not None and c is not None:
        return table.cells[r][c]
    if r is not None:
        return table.row_totals[r]
    if c is not None:
        return table.col_totals[c]
    return table.grand_total


def counts() -> st.SearchStrategy[int]:
    """Small counts are the interesting ones: many below k, some zeros, some large."""
    return st.one_of(st.just(0), st.integers(1, 10), st.integers(11, 60))


@st.composite
def additive_tables(draw: st.DrawFn) -> TwoWayTable:
    n_rows, n_cols = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    records = []
    for r in range(n_rows):
        for c in range(n_cols):
            records += [{"a": f"r{r}", "b": f"c{c}"}] * draw(counts())
    if not records:
        records = [{"a": "r0", "b": "c0"}]
    return tabulate(records, "a", "b", table_id="t")


@st.composite
def multi_valued_tables(draw: st.DrawFn) -> TwoWayTable:
    """People with one or more categories on each axis (forms of exploitation)."""
    people = draw(st.integers(1, 80))
    records = []
    for _ in range(people):
        a = draw(st.sets(st.sampled_from(["x", "y", "z"]), min_size=1))
        b = draw(st.sets(st.sampled_from(["p", "q", "r", "s"]), min_size=1))
        records.append({"a": ";".join(sorted(a)), "b": ";".join(sorted(b))})
    return tabulate(records, "a", "b", table_id="t", separator=";")


def check_table(table: TwoWayTable) -> None:
    result = protect_table(table, Rules(k=K), b"release seed")
    for entry in result.entries:
        truth = true_count(table, entry.row, entry.col)
        if entry.count is not None:
            assert truth == 0 or truth >= K, entry
            assert entry.count % 5 == 0 and abs(entry.count - truth) <= 4
    _check_no_line_shown_whole(table, result)
    for position, (low, high) in independent_bounds(table, result).items():
        assert high - low >= K - 1e-6, (position, low, high)
    assert protect_table(table, Rules(k=K), b"release seed") == result


def _check_no_line_shown_whole(table: TwoWayTable, result: ProtectedTable) -> None:
    """No line with people has all its cells but one published as zero."""
    rows, cols = [*table.rows.categories, TOTAL], [*table.cols.categories, TOTAL]
    lines = [[(r, c) for c in cols[:-1]] for r in rows] + [
        [(r, c) for r in rows[:-1]] for c in cols
    ]
    for line in lines:
        if len(line) < 2:
            continue
        zeros = [p for p in line if result.entry(*p).count == 0]
        assert len(zeros) < len(line) - 1 or all(true_count(table, *p) == 0 for p in line), line


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(additive_tables())
def test_additive_tables_publish_nothing_small_and_hide_every_suppressed_entry_by_k(
    table: TwoWayTable,
) -> None:
    check_table(table)


@SETTINGS
@given(multi_valued_tables())
def test_tables_of_multi_valued_axes_are_protected_with_their_inequalities(
    table: TwoWayTable,
) -> None:
    check_table(table)


@settings(max_examples=30, deadline=None)
@given(additive_tables())
def test_rounding_intervals_leave_every_suppressed_entry_at_least_as_wide(
    table: TwoWayTable,
) -> None:
    result = protect_table(table, Rules(k=K), b"seed")
    for position, (low, high) in independent_bounds(table, result, intervals=True).items():
        assert high - low >= K - 1e-6, (position, low, high)


@settings(max_examples=30, deadline=None)
@given(additive_tables(), st.binary(min_size=1, max_size=16))
def test_the_same_query_and_seed_always_give_the_same_answer(
    table: TwoWayTable, seed: bytes
) -> None:
    first = protect_table(table, Rules(k=K), seed)
    again = protect_table(tabulate_again(table), Rules(k=K), seed)
    assert first.rows() == again.rows()


def tabulate_again(table: TwoWayTable) -> TwoWayTable:
    """The same counts built afresh (a new object: nothing cached can help)."""
    return TwoWayTable(
        table_id="another-query",
        universe=table.universe,
        rows=table.rows,
        cols=table.cols,
        cells=tuple(tuple(line) for line in table.cells),
        row_totals=tuple(table.row_totals),
        col_totals=tuple(table.col_totals),
        grand_total=table.grand_total,
    )


def test_different_seeds_give_different_roundings() -> None:
    records = [{"a": f"r{i % 20}", "b": f"c{i % 7}"} for i in range(20 * 7 * 13 + 61)]
    table = tabulate(records, "a", "b")
    first = protect_table(table, Rules(k=K), b"seed one").rows()
    second = protect_table(table, Rules(k=K), b"seed two").rows()
    differing = sum(1 for a, b in zip(first, second, strict=True) if a != b)
    assert differing > len(first) // 4
