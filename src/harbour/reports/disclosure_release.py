"""Protecting the tables of a release together (the body of `disclosure.protect_release`).

Steps: lay every table out as entries with identities and relations; decide what is
held from the previous release; primary suppression; complementary suppression per
table, repeated until no table adds any (an entry hidden in one table is hidden in
all); the final audit; then the published values (held, or noised and rounded).
"""

from __future__ import annotations

import json
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
from harbour.reports.disclosure_audit import EXPENSIVE, Auditor, Grid, choose_complements
from harbour.reports.disclosure_lp import System, lp_bounds
from harbour.reports.disclosure_nested import nested_systems


@dataclass
class Layout:
    """One table as entries (row-major cells, row margins, column margins, total)."""

    table_id: str
    positions: list[tuple[str, str]]
    identities: list[str]
    system: System
    lines: list[tuple[list[int], int, bool]]  # (cells, margin, additive) of every line
    grid: Grid | None
    sketches: list[PeopleSketch | None]
    sensitivity: int  # how many entries one person can change (for DP noise)
    people: np.ndarray  # distinct people behind each entry (= the count unless given)


def _check_counts(name: str, values: Iterable[int]) -> None:
    values = list(values)
    try:
        array = np.array(values)
    except (ValueError, TypeError):
        array = np.array([], dtype=float)
    common = array.dtype.kind in "iu" and len(array) == len(values) and array.ndim == 1
    if common and (not len(array) or array.min() >= 0):
        return  # the common case, checked at numpy speed
    for value in values:
        if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < 0:
            raise DisclosureError(f"table {name}: counts must be whole numbers >= 0, not {value!r}")


def _identities(
    universe: str, row_var: str, col_var: str, rows: Sequence[str], cols: Sequence[str]
) -> list[str]:
    """cell_identity of every entry in layout order (cells, row margins, column
    margins, total), built from each category's JSON once: the same strings as
    cell_identity gives (a test checks it), without a json.dumps per entry."""
    if row_var == col_var:
        positions = [(r, c) for r in rows for c in cols]
        positions += [(r, TOTAL) for r in rows] + [(TOTAL, c) for c in cols] + [(TOTAL, TOTAL)]
        return [
            cell_identity(
                universe,
                {**({row_var: r} if r != TOTAL else {}), **({col_var: c} if c != TOTAL else {})},
            )
            for r, c in positions
        ]

    def dumps(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)

    head = f"[{dumps(universe)},["
    row_parts = [f"[{dumps(row_var)},{dumps(r)}]" for r in rows]
    col_parts = [f"[{dumps(col_var)},{dumps(c)}]" for c in cols]
    if row_var < col_var:  # conditions are sorted by variable
        found = [f"{head}{r},{c}]]" for r in row_parts for c in col_parts]
    else:
        found = [f"{head}{c},{r}]]" for r in row_parts for c in col_parts]
    found += [f"{head}{r}]]" for r in row_parts]
    found += [f"{head}{c}]]" for c in col_parts]
    found.append(f"{head}]]")
    return found


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
    identities = _identities(table.universe, row_var, col_var, rows, cols)
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
        lines,
        grid,
        [(table.sketches or {}).get(p) for p in positions],
        (per_person_rows + 1) * (per_person_cols + 1),
        _people_counts(table.table_id, positions, system.values, table.people),
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
    people = None
    if table.people is not None:
        people = {(name, TOTAL): count for name, count in table.people.items()}
    return Layout(
        table.table_id,
        positions,
        identities,
        system,
        lines,
        None,
        [sketches.get(name) for name in names] + [sketches.get(TOTAL)],
        2 if table.axis.additive else len(names) + 1,
        _people_counts(table.table_id, positions, system.values, people),
    )


def _people_counts(
    name: str,
    positions: Sequence[tuple[str, str]],
    values: np.ndarray,
    people: Mapping[tuple[str, str], int] | None,
) -> np.ndarray:
    """The people behind each entry: given ones checked, the count elsewhere."""
    result = values.copy()
    if people is None:
        return result
    where = {position: n for n, position in enumerate(positions)}
    for position, number in people.items():
        if position not in where:
            raise DisclosureError(f"table {name}: a people count for {position}, not an entry")
        _check_counts(name, [number])
        count = int(values[where[position]])
        if (count == 0) != (number == 0):
            raise DisclosureError(
                f"table {name}: entry {position} counts {count} but {number} people "
                "(either both are zero or neither is)"
            )
        result[where[position]] = number
    return result


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
    people: dict[str, int] = {}
    sketch: dict[str, PeopleSketch] = {}
    for lay in layouts:
        for identity, count, persons, drawn in zip(
            lay.identities,
            lay.system.values.tolist(),
            lay.people.tolist(),
            lay.sketches,
            strict=True,
        ):
            if value.setdefault(identity, count) != count:
                raise DisclosureError(
                    f"table {lay.table_id} counts {identity} as {count}, another table "
                    f"as {value[identity]}: tables of one release must count the same people"
                )
            people[identity] = min(people.get(identity, persons), persons)
            if drawn is not None:
                sketch[identity] = drawn
    held = _held(value, sketch, rules.k, previous)
    reason = _primary(layouts, value, people, held, rules)
    chooser: dict[str, str] = {}
    width = float(rules.width)
    auditors = [Auditor(lay.system, width, lay.grid) for lay in layouts]
    costs = []
    for lay in layouts:
        cost = lay.system.values.astype(float)
        for n, identity in enumerate(lay.identities):
            if held.get(identity) is not None:
                cost[n] = EXPENSIVE  # hiding a held value would show that it changed
        costs.append(cost)
    joints = nested_systems(
        tables,
        [lay.system.values for lay in layouts],
        [lay.lines for lay in layouts],
        rules.k,
        width,
    )

    def hidden(lay: Layout) -> np.ndarray:
        return np.fromiter((i in reason for i in lay.identities), bool, len(lay.identities))

    def complement(lay: Layout, added: np.ndarray) -> bool:
        for index in added:
            identity = lay.identities[int(index)]
            reason[identity] = Reason.COMPLEMENTARY
            chooser[identity] = lay.table_id
        return bool(added.size)

    changed = True
    while changed:  # until no table (nor any table within another) needs a complement
        changed = False
        for lay, auditor, cost in zip(layouts, auditors, costs, strict=True):
            mask = hidden(lay)
            if mask.any():
                new = choose_complements(auditor, mask, cost)
                changed |= complement(lay, np.flatnonzero(new & ~mask))
        for joint in joints:
            mask = joint.mask([hidden(lay) for lay in layouts])
            cost = np.concatenate(
                [costs[joint.outer], *(costs[i] for i in joint.inner)]
                + [costs[joint.outer]] * (len(mask) // joint.size - 1 - len(joint.inner))
            )
            new = choose_complements(joint.auditor, mask, cost)
            for table, added in joint.added(new, mask):
                changed |= complement(layouts[table], added)
    published = _published_values(layouts, value, reason, held, rules, seed)
    results = []
    for lay, auditor in zip(layouts, auditors, strict=True):
        entries = []
        for (row, col), identity in zip(lay.positions, lay.identities, strict=True):
            why = reason.get(identity)
            if why is Reason.COMPLEMENTARY and chooser.get(identity) != lay.table_id:
                why = Reason.SHARED
            if why is None:
                why = Reason.HELD if identity in held else Reason.PUBLISHED
            entries.append(Entry(row, col, identity, published.get(identity), why))
        mask = np.fromiter((i in reason for i in lay.identities), bool, len(lay.identities))
        auditor.failing(mask)  # settles any entry not audited yet (normally none)
        bounds = tuple(
            Bounds(lay.identities[i], v.lower, v.upper, v.method)
            for i, v in sorted(auditor.verdicts.items())
            if mask[i]
        )
        results.append(ProtectedTable(lay.table_id, tuple(entries), bounds))
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
    people: Mapping[str, int],
    held: Mapping[str, int | None],
    rules: Rules,
) -> dict[str, Reason]:
    """Primary suppression. A count is small when the records OR the distinct people
    behind it are fewer than k: tables of cases count cases, but what identifies
    someone is how few people a figure covers (12 cases of 5 people is 5 people), and
    taking the smaller of the two is right whichever the caller counted."""
    reason: dict[str, Reason] = {}
    for identity, count in value.items():
        basis = min(count, people.get(identity, count))
        if 0 < basis < rules.k:
            reason[identity] = Reason.SMALL_COUNT
        elif count == 0 and rules.suppress_zeros:
            reason[identity] = Reason.ZERO
    for lay in layouts:
        values, persons = lay.system.values, lay.people
        empty = _empty_crossings(lay)
        for cells, margin, _ in lay.lines:
            if values[margin] == 0:
                continue
            line = np.array(cells)
            whole = line[(values[line] == values[margin]) | (persons[line] == persons[margin])]
            if not len(whole):
                continue
            # Every person of the line is in one category: hide that cell and the
            # line's zeros, which would otherwise show it even with the cell hidden.
            # A zero whose crossing line is empty (its published margin is 0) shows
            # nothing the margin does not: it stays (hiding it could never protect it).
            zeros = [int(c) for c in line[values[line] == 0] if not empty[int(c)]]
            for cell in [*whole.tolist(), *zeros]:
                reason.setdefault(lay.identities[cell], Reason.WHOLE_LINE)
    for identity, kept in held.items():
        if kept is None:
            reason.setdefault(identity, Reason.HELD)
    return reason


def _empty_crossings(lay: Layout) -> np.ndarray:
    """Per entry: True when another line through it has a margin of 0 (then the entry
    is 0 whatever is suppressed: cells are never above their margin)."""
    values = lay.system.values
    empty = np.zeros(len(values), dtype=bool)
    for cells, margin, _ in lay.lines:
        if values[margin] == 0:
            empty[cells] = True
    return empty


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
        from harbour.reports.privacy_budget import keyed_laplace_noise

        for lay in layouts:  # each table spends epsilon on the entries it draws first
            fresh = [
                i for i in lay.identities if i not in noisy and i not in reason and i not in held
            ]
            fresh = list(dict.fromkeys(fresh))
            draws = keyed_laplace_noise(
                [value[i] for i in fresh], lay.sensitivity / rules.epsilon, seed, fresh
            )
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
