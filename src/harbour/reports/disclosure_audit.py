"""The linear relations of a table, the audit that bounds suppressed entries, and
the choice of complementary suppressions. Pure: numpy and scipy only.

A table (cells and margins) is a vector x of non-negative entries with homogeneous
relations: for an additive line, sum(cells) - margin = 0; for a non-additive one
(a person may fall in several categories), margin - sum(cells) <= 0 and
cell - margin <= 0 for each cell.

The audit asks, for a suppressed entry, how small and how large it can be over every
non-negative x that satisfies the relations and agrees with what is published
(exactly, the worst case, or within an interval each). scipy.optimize.linprog (HiGHS)
answers; only the suppressed entries and the relations they appear in enter the
programme, split into independent components.

Two-way tables whose axes are both additive have more structure: write the table with
its margins as an (R+1) x (C+1) array and flip the sign of the margin row and column;
then every row and column sums to zero, and moving t around a rectangle
(+t, -t, -t, +t on its corners) keeps every relation. A rectangle of suppressed entries
is a witness: it shows two feasible tables, so the entry's interval is at least that
wide and no programme is needed. Complementary suppressions are chosen the same way
(a "hypercube" method): for a sensitive entry, the cheapest rectangle that gives it the
protection width, cost = the counts newly hidden plus one per entry.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import csr_matrix

INF = math.inf
BATCH_FROM = 4  # with more failing entries than this, fix them all before re-auditing
EXPENSIVE = 1e9  # cost of hiding an entry we would rather not (held from a previous release)


@dataclass
class System:
    """Entries (by index) and the homogeneous relations between them."""

    values: np.ndarray  # true counts, int64
    equalities: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    inequalities: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)

    def add_line(self, cells: Sequence[int], margin: int, additive: bool) -> None:
        """The relation between a line's cells and its margin."""
        indices = np.array([*cells, margin], dtype=np.int64)
        if additive:
            coefficients = np.array([1.0] * len(cells) + [-1.0])
            self.equalities.append((indices, coefficients))
            return
        # margin <= sum of cells: a person counted in the margin is in some cell
        self.inequalities.append((indices, np.array([-1.0] * len(cells) + [1.0])))
        for cell in cells:  # each cell <= margin
            pair = np.array([cell, margin], dtype=np.int64)
            self.inequalities.append((pair, np.array([1.0, -1.0])))

    def relations(self) -> Iterable[tuple[np.ndarray, np.ndarray, bool]]:
        for indices, coefficients in self.equalities:
            yield indices, coefficients, True
        for indices, coefficients in self.inequalities:
            yield indices, coefficients, False


def _components(free: np.ndarray, system: System, size: int) -> list[list[int]]:
    """Free entries grouped by the relations that link them (union-find)."""
    parent = list(range(size))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for indices, _, _ in system.relations():
        members = [int(i) for i in indices if free[i]]
        for other in members[1:]:
            ra, rb = find(members[0]), find(other)
            if ra != rb:
                parent[ra] = rb
    groups: dict[int, list[int]] = {}
    for index in np.flatnonzero(free):
        groups.setdefault(find(int(index)), []).append(int(index))
    return list(groups.values())


def lp_bounds(
    system: System,
    suppressed: np.ndarray,
    targets: Iterable[int],
    intervals: tuple[np.ndarray, np.ndarray] | None = None,
) -> dict[int, tuple[float, float]]:
    """Min and max of each target entry by linear programming.

    suppressed: boolean mask. Published entries are known exactly (their true value)
    unless `intervals` = (low, high) arrays give what is known of each published entry.
    """
    size = len(system.values)
    values = system.values.astype(float)
    free = suppressed.copy() if intervals is None else np.ones(size, dtype=bool)
    low = np.zeros(size)
    high = np.full(size, INF)
    if intervals is not None:
        published = ~suppressed
        low[published] = np.maximum(intervals[0][published], 0.0)
        high[published] = intervals[1][published]
    wanted = set(targets)
    result: dict[int, tuple[float, float]] = {}
    relations = list(system.relations())
    for component in _components(free, system, size):
        asked = [index for index in component if index in wanted]
        if not asked:
            continue
        position = {index: n for n, index in enumerate(component)}
        rows: dict[bool, tuple[list[int], list[int], list[float], list[float]]] = {
            True: ([], [], [], []),
            False: ([], [], [], []),
        }
        for indices, coefficients, is_equality in relations:
            mask = free[indices]
            if not mask.any() or int(indices[mask][0]) not in position:
                continue
            row_i, col_i, data, rhs = rows[is_equality]
            line = len(rhs)
            for index, coefficient in zip(indices[mask], coefficients[mask], strict=True):
                row_i.append(line)
                col_i.append(position[int(index)])
                data.append(float(coefficient))
            fixed = ~mask
            rhs.append(-float(np.dot(coefficients[fixed], values[indices[fixed]])))

        a_eq, b_eq = _matrix(rows[True], len(component))
        a_ub, b_ub = _matrix(rows[False], len(component))
        bounds = [(low[i], None if high[i] == INF else high[i]) for i in component]
        for index in asked:
            objective = np.zeros(len(component))
            objective[position[index]] = 1.0
            ends = []
            for sign in (1.0, -1.0):
                solved = linprog(
                    sign * objective,
                    A_ub=a_ub,
                    b_ub=b_ub,
                    A_eq=a_eq,
                    b_eq=b_eq,
                    bounds=bounds,
                    method="highs",
                )
                if solved.status == 3:  # unbounded: only the maximum can be
                    ends.append(INF)
                elif solved.status != 0:
                    raise ArithmeticError(f"the audit programme failed: {solved.message}")
                else:
                    ends.append(sign * float(solved.fun))
            result[index] = (ends[0], ends[1])
    return result


def _matrix(
    parts: tuple[list[int], list[int], list[float], list[float]], width: int
) -> tuple[csr_matrix | None, np.ndarray | None]:
    row_i, col_i, data, rhs = parts
    if not rhs:
        return None, None
    return csr_matrix((data, (row_i, col_i)), shape=(len(rhs), width)), np.array(rhs)


class Grid:
    """An additive two-way table as an (R+1) x (C+1) array of entry indices, with the
    sign flip that makes every row and column of the flipped array sum to zero."""

    def __init__(self, index: np.ndarray) -> None:
        self.index = index  # (R+1, C+1) entry indices; last row/col are the margins
        rows, cols = index.shape
        self.g = np.ones(rows)
        self.g[-1] = -1.0
        self.h = np.ones(cols)
        self.h[-1] = -1.0

    def slack(
        self, values: np.ndarray, i: int, j: int, rows: np.ndarray, cols: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """For rectangles (i, j), (i, j'), (i', j), (i', j') with i' in rows and j' in
        cols: how far entry (i, j) can go up and down around each (matrices)."""
        x = values[self.index]
        g, h = self.g, self.h
        d0 = g[i] * h[j]
        # direction of each corner's change when (i, j) goes up
        e1 = (-g[i] * h[cols] * d0)[None, :]
        e2 = (-g[rows] * h[j] * d0)[:, None]
        e3 = np.outer(g[rows], h[cols]) * d0
        a = x[i, cols][None, :].astype(float)
        b = x[rows, j][:, None].astype(float)
        c = x[np.ix_(rows, cols)].astype(float)
        shape = (len(rows), len(cols))
        up = np.minimum(
            np.minimum(np.where(e1 < 0, a, INF), np.where(e2 < 0, b, INF)),
            np.where(e3 < 0, c, INF),
        )
        down = np.minimum(
            np.minimum(np.where(e1 > 0, a, INF), np.where(e2 > 0, b, INF)),
            np.minimum(np.where(e3 > 0, c, INF), float(x[i, j])),
        )
        return np.broadcast_to(up, shape), np.broadcast_to(down, shape)

    def witness_bounds(
        self, values: np.ndarray, hidden: np.ndarray, i: int, j: int
    ) -> tuple[float, float] | None:
        """The lowest and highest values of (i, j) reached by moving rectangles of
        suppressed entries (hidden: boolean (R+1, C+1)); None if there is no rectangle."""
        rows = np.flatnonzero(hidden[:, j])
        rows = rows[rows != i]
        cols = np.flatnonzero(hidden[i, :])
        cols = cols[cols != j]
        if not len(rows) or not len(cols):
            return None
        corner = hidden[np.ix_(rows, cols)]
        if not corner.any():
            return None
        up, down = self.slack(values, i, j, rows, cols)
        x = float(values[self.index[i, j]])
        return x - float(np.max(np.where(corner, down, 0.0))), x + float(
            np.max(np.where(corner, up, 0.0))
        )

    def witness_width(self, values: np.ndarray, hidden: np.ndarray, i: int, j: int) -> float:
        """A lower bound on the width of (i, j)'s interval (0 without a rectangle)."""
        bounds = self.witness_bounds(values, hidden, i, j)
        return 0.0 if bounds is None else bounds[1] - bounds[0]

    def protect(
        self,
        values: np.ndarray,
        hidden: np.ndarray,
        i: int,
        j: int,
        width: float,
        cost: np.ndarray,
    ) -> bool:
        """Hide the cheapest rectangle that gives (i, j) the width; False if none can."""
        rows = np.array([r for r in range(hidden.shape[0]) if r != i])
        cols = np.array([c for c in range(hidden.shape[1]) if c != j])
        if not len(rows) or not len(cols):
            return False
        up, down = self.slack(values, i, j, rows, cols)
        corner = hidden[np.ix_(rows, cols)]
        known_up = np.max(
            np.where(corner & hidden[i, cols][None, :] & hidden[rows, j][:, None], up, 0.0),
            initial=0.0,
        )
        known_down = np.max(
            np.where(corner & hidden[i, cols][None, :] & hidden[rows, j][:, None], down, 0.0),
            initial=0.0,
        )
        reach = np.maximum(up, known_up) + np.maximum(down, known_down)
        c = cost[self.index]
        price = (
            np.where(hidden[i, cols], 0.0, c[i, cols] + 1.0)[None, :]
            + np.where(hidden[rows, j], 0.0, c[rows, j] + 1.0)[:, None]
            + np.where(corner, 0.0, c[np.ix_(rows, cols)] + 1.0)
        )
        price = np.where(reach >= width, price, INF)
        best = np.unravel_index(int(np.argmin(price)), price.shape)
        if not math.isfinite(float(price[best])):
            return False
        r, col = int(rows[best[0]]), int(cols[best[1]])
        for a, b in ((i, col), (r, j), (r, col)):
            hidden[a, b] = True
        return True


def unprotected(
    system: System,
    suppressed: np.ndarray,
    width: float,
    grid: Grid | None = None,
) -> list[tuple[int, float, float]]:
    """Suppressed entries whose interval is narrower than width: (entry, min, max).

    With a grid (additive two-way table) rectangles certify most entries first; the
    others get their programmes."""
    candidates = [int(i) for i in np.flatnonzero(suppressed)]
    if grid is not None:
        hidden = suppressed[grid.index]
        where = {int(grid.index[a, b]): (a, b) for a, b in zip(*np.nonzero(hidden), strict=True)}
        candidates = [
            index
            for index in candidates
            if grid.witness_width(system.values, hidden, *where[index]) < width
        ]
    if not candidates:
        return []
    bounds = lp_bounds(system, suppressed, candidates)
    return [
        (index, low, high) for index, (low, high) in bounds.items() if high - low < width - 1e-9
    ]


def choose_complements(
    system: System,
    suppressed: np.ndarray,
    width: float,
    cost: np.ndarray,
    grid: Grid | None = None,
) -> np.ndarray:
    """Add suppressions until every suppressed entry has the width (greedy).

    Returns the new mask. With a grid, rectangles first (cheapest by cost); then, and for
    other tables, the audit's failures get the cheapest published entry that shares a
    relation with them, until the audit passes or nothing is left to hide."""
    suppressed = suppressed.copy()
    if grid is not None:
        hidden = suppressed[grid.index]
        order = sorted(
            zip(*np.nonzero(hidden), strict=True), key=lambda ab: system.values[grid.index[ab]]
        )
        for a, b in order:
            if grid.witness_width(system.values, hidden, a, b) < width:
                grid.protect(system.values, hidden, a, b, width, cost)
        suppressed[grid.index[hidden]] = True
    neighbours: dict[int, set[int]] = {}
    for indices, _, _ in system.relations():
        for index in indices:
            neighbours.setdefault(int(index), set()).update(int(i) for i in indices)
    while True:
        failing = unprotected(system, suppressed, width, grid)
        if not failing:
            return suppressed
        added = False
        for index, _, _ in failing:
            if not suppressed[index]:
                continue
            options = [n for n in neighbours.get(index, ()) if not suppressed[n]]
            if not options:
                continue
            pick = min(options, key=lambda n: (cost[n] if cost[n] > 0 else EXPENSIVE / 2, n))
            suppressed[pick] = True
            added = True
            if len(failing) > BATCH_FROM:
                continue  # many failures: one complement for each, then audit again
            break
        if not added:  # everything linked is hidden already: the width cannot be reached
            return suppressed
