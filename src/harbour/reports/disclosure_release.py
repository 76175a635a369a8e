"""Protecting the tables of a release together (the body of `disclosure.protect_release`).

Steps: lay every table out as entries with identities and relations; decide what is
held from the previous release; primary suppression; complementary suppression per
table, repeated until no table adds any (an entry hidden in one table is hidden in
all); the final audit; then the published values (held, or noised and rounded).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from harbour.reports.disclosure import (
    TOTAL,
    Bounds,
    DisclosureError,
    Entry,
    OneWayTable,
    PeopleSketch,
    ProtectedRelease,
    ProtectedTable,
    Reason,
    ReleaseState,
    Rules,
    StoredEntry,
    TwoWayTable,
    cell_identity,
    people_changed,
    random_round,
)
from harbour.reports.disclosure_audit import (
    EXPENSIVE,
    Grid,
    System,
    choose_complements,
    lp_bounds,
)


@dataclass
class Layout:
    """One table as entries (row-major cells, row margins, column margins, total)."""

    table_id: str
    positions: list[tuple[str, str]]
    identities: list[str]
    system: System
    lines: list[tuple[list[int], int]]  # (cells, margin) of every line
    grid: Grid | None
    sketches: list[PeopleSketch | None]
    sensitivity: int  # how many entries one person can change (for DP noise)


def _check_counts(name: str, values: Iterable[int]) -> None:
    for value in values:
        if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < 0:
            raise DisclosureError(f"table {name}: counts must be whole numbers >= 0, not {value!r}")


def layout(table: TwoWayTable | OneWayTable) -> Layout:
    if isinstance(table, OneWayTable):
        return _layout_one_way(table)
    rows, cols = table.rows.categories, table.cols.categories
    n_rows, n_cols = len(rows), len(cols)
    if len(table.cells) != n_rows or any(len(line) != n_cols for line in table.cells):
        raise DisclosureError(f"table {table.table_id}: cells are not {n_rows} x {n_cols}")
    if len(table.row_totals) != n_rows or len(table.col_totals) != n_cols:
        raise DisclosureError(f"table {table.table_id}: margins do not match the categories")
    flat = [v for line in table.cells for v in line]
    values = [*flat, *table.row_totals, *table.col_totals, table.grand_total]
    _check_counts(table.table_id, values)
    positions = [(r, c) for r in rows for c in cols]
    positions += [(r, TOTAL) for r in rows] + [(TOTAL, c) for c in cols] + [(TOTAL, TOTAL)]
    row_var, col_var = table.rows.variable, table.cols.variable
    identities = []
    for row, col in positions:
        conditions = {}
        if row != TOTAL:
            conditions[row_var] = row
        if col != TOTAL:
            conditions[col_var] = col
        identities.append(cell_identity(table.universe, conditions))
    system = System(np.array(values, dtype=np.int64))
    cell = np.arange(n_rows * n_cols).reshape(n_rows, n_cols)
    row_margin = n_rows * n_cols + np.arange(n_rows)
    col_margin = n_rows * n_cols + n_rows + np.arange(n_cols)
    grand = len(values) - 1
    lines: list[tuple[list[int], int, bool]] = []
    for r in range(n_rows):
        lines.append(([int(i) for i in cell[r]], int(row_margin[r]), table.cols.additive))
    for c in range(n_cols):
        lines.append(([int(i) for i in cell[:, c]], int(col_margin[c]), table.rows.additive))
    lines.append(([int(i) for i in col_margin], grand, table.cols.additive))
    lines.append(([int(i) for i in row_margin], grand, table.rows.additive))
    _add_lines(table.table_id, system, positions, lines)
    grid = None
    if table.rows.additive and table.cols.additive:
        index = np.empty((n_rows + 1, n_cols + 1), dtype=np.int64)
        index[:n_rows, :n_cols] = cell
        index[:n_rows, n_cols] = row_margin
        index[n_rows, :n_cols] = col_margin
        index[n_rows, n_cols] = grand
        grid = Grid(index)
    per_person_rows = 1 if table.rows.additive else n_rows
    per_person_cols = 1 if table.cols.additive else n_cols
    return Layout(
        table.table_id,
        positions,
        identities,
        system,
        [(cells, margin) for cells, margin, _ in lines],
        grid,
        [(table.sketches or {}).get(p) for p in positions],
        (per_person_rows + 1) * (per_person_cols + 1),
    )


def _layout_one_way(table: OneWayTable) -> Layout:
    names = table.axis.categories
    if len(table.counts) != len(names):
        raise DisclosureError(
            f"table {table.table_id}: {len(names)} categories, {len(table.counts)} counts"
        )
    values = [*table.counts, table.total]
    _check_counts(table.table_id, values)
    positions = [(name, TOTAL) for name in names] + [(TOTAL, TOTAL)]
    identities = [cell_identity(table.universe, {table.axis.variable: n}) for n in names]
    identities.append(cell_identity(table.universe, {}))
    system = System(np.array(values, dtype=np.int64))
    lines = [(list(range(len(names))), len(names), table.axis.additive)]
    _add_lines(table.table_id, system, positions, lines)
    sketches = table.sketches or {}
    return Layout(
        table.table_id,
        positions,
        identities,
        system,
        [(cells, margin) for cells, margin, _ in lines],
        None,
        [sketches.get(name) for name in names] + [sketches.get(TOTAL)],
        2 if table.axis.additive else len(names) + 1,
    )


def _add_lines(
    name: str,
    system: System,
    positions: Sequence[tuple[str, str]],
    lines: Sequence[tuple[list[int], int, bool]],
) -> None:
    values = system.values
    for cells, margin, additive in lines:
        label = "/".join(p for p in positions[margin] if p != TOTAL) or TOTAL
        total = int(values[cells].sum())
        if additive and total != values[margin]:
            raise DisclosureError(
                f"table {name}: the cells of line {label} add up to {total}, "
                f"not its margin {int(values[margin])} (is the axis really additive?)"
            )
        if not additive and (values[margin] > total or (values[cells] > values[margin]).any()):
            raise DisclosureError(
                f"table {name}: line {label} has a margin above the sum of its cells "
                "or a cell above its margin"
            )
        system.add_line(cells, margin, additive)


def protect(
    tables: Sequence[TwoWayTable | OneWayTable],
    rules: Rules,
    seed: bytes,
    previous: ReleaseState | None,
) -> ProtectedRelease:
    layouts = [layout(table) for table in tables]
    if len({lay.table_id for lay in layouts}) != len(layouts):
        raise DisclosureError("two tables of the release have the same table_id")
    value: dict[str, int] = {}
    sketch: dict[str, PeopleSketch] = {}
    for lay in layouts:
        for identity, count, people in zip(
            lay.identities, lay.system.values, lay.sketches, strict=True
        ):
            if value.setdefault(identity, int(count)) != int(count):
                raise DisclosureError(
                    f"table {lay.table_id} counts {identity} as {int(count)}, another table "
                    f"as {value[identity]}: tables of one release must count the same people"
                )
            if people is not None:
                sketch[identity] = people
    held = _held(value, sketch, rules.k, previous)
    reason = _primary(layouts, value, held, rules)
    chooser: dict[str, str] = {}
    width = float(rules.width)
    changed = True
    while changed:  # until no table needs another complementary suppression
        changed = False
        for lay in layouts:
            mask = np.array([i in reason for i in lay.identities])
            cost = lay.system.values.astype(float)
            for n, identity in enumerate(lay.identities):
                if identity in held and held[identity] is not None:
                    cost[n] = EXPENSIVE  # hiding a held value would show that it changed
            new = choose_complements(lay.system, mask, width, cost, lay.grid)
            for added in np.flatnonzero(new & ~mask):
                identity = lay.identities[int(added)]
                reason[identity] = Reason.COMPLEMENTARY
                chooser[identity] = lay.table_id
                changed = True
    published = _published_values(layouts, value, reason, held, rules, seed)
    results = []
    for lay in layouts:
        entries = []
        for (row, col), identity in zip(lay.positions, lay.identities, strict=True):
            why = reason.get(identity)
            if why is Reason.COMPLEMENTARY and chooser.get(identity) != lay.table_id:
                why = Reason.SHARED
            if why is None:
                why = Reason.HELD if identity in held else Reason.PUBLISHED
            entries.append(Entry(row, col, identity, published.get(identity), why))
        mask = np.array([i in reason for i in lay.identities])
        results.append(ProtectedTable(lay.table_id, tuple(entries), _final_bounds(lay, mask)))
    state = ReleaseState(
        {
            identity: StoredEntry(
                published.get(identity), sketch[identity].buckets if identity in sketch else None
            )
            for identity in value
        }
    )
    spent = 0.0 if rules.epsilon is None else rules.epsilon * len(tables)
    return ProtectedRelease(tuple(results), state, spent)


def _held(
    value: Mapping[str, int],
    sketch: Mapping[str, PeopleSketch],
    k: int,
    previous: ReleaseState | None,
) -> dict[str, int | None]:
    """Entries whose people changed by fewer than k: their previous publication."""
    held: dict[str, int | None] = {}
    if previous is None:
        return held
    for identity in value:
        stored = previous.entries.get(identity)
        if stored is None or stored.sketch is None or identity not in sketch:
            continue
        if people_changed(stored.sketch, sketch[identity].buckets) < k:
            held[identity] = stored.count
    return held


def _primary(
    layouts: Sequence[Layout],
    value: Mapping[str, int],
    held: Mapping[str, int | None],
    rules: Rules,
) -> dict[str, Reason]:
    reason: dict[str, Reason] = {}
    for identity, count in value.items():
        if 0 < count < rules.k:
            reason[identity] = Reason.SMALL_COUNT
        elif count == 0 and rules.suppress_zeros:
            reason[identity] = Reason.ZERO
    for lay in layouts:
        values = lay.system.values
        for cells, margin in lay.lines:
            if values[margin] == 0:
                continue
            whole = [cell for cell in cells if values[cell] == values[margin]]
            if not whole:
                continue
            # Every person of the line is in one category: hide that cell and the
            # line's zeros, which would otherwise show it even with the cell hidden.
            for cell in whole + [cell for cell in cells if values[cell] == 0]:
                reason.setdefault(lay.identities[cell], Reason.WHOLE_LINE)
    for identity, kept in held.items():
        if kept is None:
            reason.setdefault(identity, Reason.HELD)
    return reason


def _published_values(
    layouts: Sequence[Layout],
    value: Mapping[str, int],
    reason: Mapping[str, Reason],
    held: Mapping[str, int | None],
    rules: Rules,
    seed: bytes,
) -> dict[str, int]:
    noisy: dict[str, int] = {}
    if rules.epsilon is not None:
        from harbour.reports.privacy_budget import laplace_noise

        for lay in layouts:  # each table spends epsilon on the entries it draws first
            fresh = [
                i for i in lay.identities if i not in noisy and i not in reason and i not in held
            ]
            fresh = list(dict.fromkeys(fresh))
            draws = laplace_noise([value[i] for i in fresh], lay.sensitivity / rules.epsilon)
            noisy.update(zip(fresh, draws, strict=True))
    published: dict[str, int] = {}
    for identity, count in value.items():
        if identity in reason:
            continue
        kept = held.get(identity)
        if kept is not None:
            published[identity] = kept
            continue
        base = max(0, noisy.get(identity, count))
        published[identity] = random_round(base, rules.rounding_base, seed, identity)
    return published


def _final_bounds(lay: Layout, mask: np.ndarray) -> tuple[Bounds, ...]:
    """Bounds of the suppressed entries. Additive two-way tables: the best rectangle of
    suppressed entries when one exists (the interval is at least that wide), the
    programme otherwise; other tables: the programme."""
    values = lay.system.values
    found: dict[int, tuple[float, float, str]] = {}
    if lay.grid is not None:
        hidden = mask[lay.grid.index]
        for a, b in zip(*np.nonzero(hidden), strict=True):
            spread = lay.grid.witness_bounds(values, hidden, int(a), int(b))
            if spread is not None:
                found[int(lay.grid.index[a, b])] = (*spread, "rectangle")
    rest = [int(i) for i in np.flatnonzero(mask) if int(i) not in found]
    for index, (low, high) in lp_bounds(lay.system, mask, rest).items():
        found[index] = (low, high, "programme")
    return tuple(
        Bounds(lay.identities[i], low, high, method)
        for i, (low, high, method) in sorted(found.items())
    )


def audit_layout(
    table: TwoWayTable | OneWayTable,
    suppressed: Iterable[tuple[str, str]],
    published: Mapping[tuple[str, str], tuple[float, float]] | None,
) -> list[Bounds]:
    lay = layout(table)
    where = {position: n for n, position in enumerate(lay.positions)}
    mask = np.zeros(len(lay.positions), dtype=bool)
    for position in suppressed:
        if position not in where:
            raise DisclosureError(f"table {lay.table_id} has no entry {position}")
        mask[where[position]] = True
    intervals = None
    if published is not None:
        low = np.zeros(len(mask))
        high = np.zeros(len(mask))
        for n, position in enumerate(lay.positions):
            if not mask[n]:
                if position not in published:
                    raise DisclosureError(f"no interval for the published entry {position}")
                low[n], high[n] = published[position]
        intervals = (low, high)
    bounds = lp_bounds(lay.system, mask, [int(i) for i in np.flatnonzero(mask)], intervals)
    return [
        Bounds(lay.identities[i], low, high, "programme")
        for i, (low, high) in sorted(bounds.items())
    ]
