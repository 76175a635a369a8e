"""The linear relations of a table and the programmes that bound its suppressed entries.

A table (cells and margins) is a vector x of non-negative entries with homogeneous
relations: for an additive line, sum(cells) - margin = 0; for a non-additive one (a
person may fall in several categories), margin - sum(cells) <= 0 and cell - margin <= 0
for each cell. An attacker who sees the published entries knows every x that satisfies
the relations and agrees with them; the audit asks how small and how large each
suppressed entry can be over those x.

Speed without weakening the audit:

- only suppressed entries are variables, split into independent blocks (connected
  components of the relations that link them): published entries are constants;
- each block is one programme, loaded once into HiGHS (the solver behind
  scipy.optimize.linprog); only the objective changes between solves, so each solve
  starts from the previous optimal basis (a warm start, a few simplex pivots);
- every solution is a table consistent with what is published, so it certifies every
  entry of the block at once: an entry whose values over the tables found so far (the
  true table among them) already span the protection width is protected, and needs no
  programme of its own. A few objectives that push many entries apart at once (random
  signs) come first; then, for each entry still unsettled, its exact minimum and maximum.

An entry is reported unprotected only from its exact minimum and maximum.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse import csc_matrix, csr_matrix, vstack

from harbour.reports.disclosure_highs import Block, Programme

INF = math.inf
TOLERANCE = 1e-7  # the programmes are solved in floating point
BATCHED_ROUNDS = 12  # at most, objectives with random signs before entry-by-entry solves
BATCHED_FROM = 6  # fewer unsettled entries than this: straight to entry-by-entry


@dataclass
class System:
    """Entries (by index) and the homogeneous relations between them."""

    values: np.ndarray  # true counts, int64
    equalities: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    inequalities: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    _matrices: tuple[csr_matrix, csr_matrix] | None = field(default=None, repr=False)
    _columns: tuple[csc_matrix, csc_matrix] | None = field(default=None, repr=False)
    _pairs: np.ndarray | None = field(default=None, repr=False)

    def add_line(self, cells: Sequence[int], margin: int, additive: bool) -> None:
        """The relation between a line's cells and its margin."""
        indices = np.array([*cells, margin], dtype=np.int64)
        self._matrices = self._columns = self._pairs = None
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

    def matrices(self) -> tuple[csr_matrix, csr_matrix]:
        """(equalities, inequalities) as sparse matrices over every entry (= 0, <= 0)."""
        if self._matrices is None:
            size = len(self.values)
            self._matrices = (_stack(self.equalities, size), _stack(self.inequalities, size))
        return self._matrices

    def neighbours(self, index: int) -> set[int]:
        """Entries that share a relation with `index`."""
        if self._columns is None:
            self._columns = tuple(matrix.tocsc() for matrix in self.matrices())
        found: set[int] = set()
        for matrix, columns in zip(self.matrices(), self._columns, strict=True):
            for row in columns.indices[columns.indptr[index] : columns.indptr[index + 1]]:
                found.update(matrix.indices[matrix.indptr[row] : matrix.indptr[row + 1]].tolist())
        found.discard(index)
        return found

    def alone_in_a_line(self, suppressed: np.ndarray, entries: np.ndarray) -> np.ndarray:
        """For each of `entries` (suppressed): is it the only suppressed entry of some
        equality (an additive line)? Then the line gives its value exactly."""
        a_eq, _ = self.matrices()
        if not a_eq.shape[0] or not len(entries):
            return np.zeros(len(entries), dtype=bool)
        if self._columns is None:
            self._columns = (a_eq.tocsc(), self.matrices()[1].tocsc())
        per_line = abs(a_eq) @ suppressed.astype(float)
        columns = self._columns[0]
        return np.array(
            [
                bool(
                    (
                        per_line[columns.indices[columns.indptr[e] : columns.indptr[e + 1]]] < 1.5
                    ).any()
                )
                for e in entries
            ],
            dtype=bool,
        )

    def stuck(self, suppressed: np.ndarray) -> Callable[[int], bool]:
        """A test of whether hiding one more published entry would leave it fixed all
        the same: it is the only hidden entry of an additive line (the line gives it),
        or a zero cell under a published zero margin. Such an entry is no use as a
        complement; the test reflects `suppressed` as it is when called."""
        a_eq, a_ub = self.matrices()
        if self._columns is None:
            self._columns = (a_eq.tocsc(), a_ub.tocsc())
        eq_columns = self._columns[0]
        hidden_per_line = (abs(a_eq) @ suppressed.astype(float)) if a_eq.shape[0] else np.zeros(0)
        if self._pairs is None:
            pairs = [
                (int(indices[0]), int(indices[1]))
                for indices, coefficients in self.inequalities
                if len(indices) == 2 and coefficients[0] > 0  # cell <= margin
            ]
            self._pairs = np.array(pairs, dtype=np.int64).reshape(-1, 2)
        cells, margins = self._pairs[:, 0], self._pairs[:, 1]
        pinned = np.zeros(len(self.values), dtype=bool)
        pinned[cells[~suppressed[margins] & (self.values[margins] == 0)]] = True

        def test(index: int) -> bool:
            if pinned[index]:
                return True
            lines = eq_columns.indices[eq_columns.indptr[index] : eq_columns.indptr[index + 1]]
            return bool((hidden_per_line[lines] < 1).any())

        return test


def _stack(relations: Sequence[tuple[np.ndarray, np.ndarray]], size: int) -> csr_matrix:
    if not relations:
        return csr_matrix((0, size))
    lengths = [len(indices) for indices, _ in relations]
    rows = np.repeat(np.arange(len(relations)), lengths)
    columns = np.concatenate([indices for indices, _ in relations])
    data = np.concatenate([coefficients for _, coefficients in relations])
    return csr_matrix((data, (rows, columns)), shape=(len(relations), size))


def blocks(
    system: System,
    free: np.ndarray,
    lower: np.ndarray | None = None,
    upper: np.ndarray | None = None,
) -> list[Block]:
    """The free entries split into independent programmes; fixed entries (not free)
    are constants at their true value. lower/upper: bounds of every entry (default
    0 and infinity)."""
    size = len(system.values)
    lower = np.zeros(size) if lower is None else lower
    upper = np.full(size, INF) if upper is None else upper
    a_eq, a_ub = system.matrices()
    fixed_values = np.where(free, 0.0, system.values.astype(float))
    free_index = np.flatnonzero(free)
    if not len(free_index):
        return []
    parts = []
    for matrix in (a_eq, a_ub):
        sub = matrix[:, free_index].tocsr()
        sub.eliminate_zeros()
        parts.append(sub)
    # Relations and free entries as one bipartite graph: its components are the blocks.
    incidence = vstack(parts).tocsr()
    incidence.data[:] = 1.0
    labels = _components(incidence)
    rhs_eq = -(a_eq @ fixed_values) if a_eq.shape[0] else np.zeros(0)
    rhs_ub = -(a_ub @ fixed_values) if a_ub.shape[0] else np.zeros(0)
    eq_touch = np.asarray(parts[0].getnnz(axis=1)).copy() if parts[0].shape[0] else np.zeros(0, int)
    ub_touch = np.asarray(parts[1].getnnz(axis=1)).copy() if parts[1].shape[0] else np.zeros(0, int)
    # A relation with one free entry is a bound on it, not a constraint (a cell under
    # a published margin): fold it into the entry's bounds; the programme shrinks.
    lower, upper = lower.astype(float).copy(), upper.astype(float).copy()
    for sub, rhs, touch, equality in (
        (parts[0], rhs_eq, eq_touch, True),
        (parts[1], rhs_ub, ub_touch, False),
    ):
        single = np.flatnonzero(touch == 1)
        if not len(single):
            continue
        starts = sub.indptr[single]
        entry = free_index[sub.indices[starts]]
        limit = rhs[single] / sub.data[starts]
        rising = sub.data[starts] > 0
        if equality:
            np.maximum.at(lower, entry, limit)
            np.minimum.at(upper, entry, limit)
        else:
            np.minimum.at(upper, entry[rising], limit[rising])
            np.maximum.at(lower, entry[~rising], limit[~rising])
        touch[single] = 0  # folded: left out of the programme
    # the label of each relation: that of any free entry in it
    eq_label = _row_labels(parts[0], labels)
    ub_label = _row_labels(parts[1], labels)
    found = []
    order = np.argsort(labels, kind="stable")
    cuts = np.flatnonzero(np.diff(labels[order])) + 1
    for group in np.split(order, cuts):
        label = labels[group[0]]
        eq_rows = np.flatnonzero((eq_touch > 0) & (eq_label == label))
        ub_rows = np.flatnonzero((ub_touch > 0) & (ub_label == label))
        entries = free_index[group]
        found.append(
            Block(
                entries=entries,
                a_eq=parts[0][eq_rows][:, group],
                b_eq=rhs_eq[eq_rows],
                a_ub=parts[1][ub_rows][:, group],
                b_ub=rhs_ub[ub_rows],
                lower=lower[entries],
                upper=upper[entries],
            )
        )
    return found


def _components(incidence: csr_matrix) -> np.ndarray:
    """Connected components of entries linked by relations (rows of `incidence`):
    each entry's label is the smallest entry index of its component. Labels spread
    through relations and jump to their labels' labels until they settle (numpy,
    a few passes; scipy.sparse.csgraph would cost its import on every cold start)."""
    n_rel, n_free = incidence.shape
    labels = np.arange(n_free)
    if n_rel == 0 or incidence.nnz == 0:
        return labels
    rows = np.repeat(np.arange(n_rel), np.diff(incidence.indptr))
    cols = incidence.indices
    while True:
        per_relation = np.full(n_rel, n_free)
        np.minimum.at(per_relation, rows, labels[cols])
        spread = labels.copy()
        np.minimum.at(spread, cols, per_relation[rows])
        spread = spread[spread]
        if np.array_equal(spread, labels):
            return labels
        labels = spread


def _row_labels(matrix: csr_matrix, labels: np.ndarray) -> np.ndarray:
    """For each row of a (relations x free entries) matrix, the label of its first entry."""
    if not matrix.shape[0]:
        return np.zeros(0, dtype=labels.dtype)
    starts = matrix.indptr[:-1]
    has = matrix.indptr[1:] > starts
    result = np.full(matrix.shape[0], -1, dtype=np.int64)
    result[has] = labels[matrix.indices[starts[has]]]
    return result


def exact_bounds(programme: Programme, position: int) -> tuple[float, float, list[np.ndarray]]:
    """Min and max of one column of the programme, and the tables found on the way."""
    cost = np.zeros(programme.width)
    ends = []
    points = []
    for sign in (1.0, -1.0):
        cost[position] = sign
        status, value, x = programme.optimise(cost)
        if status == "unbounded":
            ends.append(INF)  # only the maximum can be unbounded (entries are >= 0)
        else:
            ends.append(sign * value)
            if x is not None:
                points.append(x)
    return ends[0], ends[1], points


def lp_bounds(
    system: System,
    suppressed: np.ndarray,
    targets: Iterable[int],
    intervals: tuple[np.ndarray, np.ndarray] | None = None,
) -> dict[int, tuple[float, float]]:
    """Exact min and max of each target entry by linear programming.

    suppressed: boolean mask. Published entries are known exactly (their true value)
    unless `intervals` = (low, high) arrays give what is known of each published entry.
    """
    size = len(system.values)
    free = suppressed.copy() if intervals is None else np.ones(size, dtype=bool)
    low = np.zeros(size)
    high = np.full(size, INF)
    if intervals is not None:
        published = ~suppressed
        low[published] = np.maximum(intervals[0][published], 0.0)
        high[published] = intervals[1][published]
    wanted = set(targets)
    result: dict[int, tuple[float, float]] = {}
    for block in blocks(system, free, low, high):
        asked = [n for n, index in enumerate(block.entries) if int(index) in wanted]
        if not asked:
            continue
        programme = Programme(block)
        for position in asked:
            lowest, highest, _ = exact_bounds(programme, position)
            result[int(block.entries[position])] = (lowest, highest)
    return result


@dataclass(frozen=True)
class Verdict:
    """What the audit settled about one suppressed entry. Protected: the interval
    [lower, upper] is inside the entry's true interval ("tables": consistent tables
    found; "rectangle": a rectangle move; "programme": its exact min and max), and at
    least the width. Not protected: every value the entry can take is in [lower,
    upper] (the exact max, and the min or the entry's floor), narrower than the width."""

    lower: float
    upper: float
    method: str
    protected: bool


def certify(
    system: System,
    suppressed: np.ndarray,
    targets: Sequence[int],
    width: float,
    seed: int = 2026,
) -> dict[int, Verdict]:
    """Settle every target: protected (interval at least `width` wide, by any two
    consistent tables) or not (from its exact min and max). Published entries are
    known exactly (the attacker's best case)."""
    wanted = {int(t) for t in targets}
    verdicts: dict[int, Verdict] = {}
    rng = np.random.default_rng(seed)
    values = system.values.astype(float)
    for block in blocks(system, suppressed):
        asked = np.array([n for n, i in enumerate(block.entries) if int(i) in wanted], dtype=int)
        if len(asked):
            verdicts.update(_settle(block, values[block.entries], asked, width, rng))
    return verdicts


class _Seen:
    """The lowest and highest value of each column over the consistent tables found."""

    def __init__(self, truth: np.ndarray) -> None:
        self.low, self.high = truth.copy(), truth.copy()  # the true table is consistent

    def learn(self, x: np.ndarray | None) -> None:
        if x is not None:
            np.minimum(self.low, x, out=self.low)
            np.maximum(self.high, x, out=self.high)

    def wide(self, position: int, width: float) -> bool:
        return bool(self.high[position] - self.low[position] >= width - TOLERANCE)

    def unsettled(self, asked: np.ndarray, width: float) -> np.ndarray:
        return asked[self.high[asked] - self.low[asked] < width - TOLERANCE]


def _settle(
    block: Block,
    truth: np.ndarray,
    asked: np.ndarray,
    width: float,
    rng: np.random.Generator,
) -> dict[int, Verdict]:
    seen = _Seen(truth)
    programme = Programme(block)
    open_ = seen.unsettled(asked, width)
    if len(open_) >= BATCHED_FROM:
        # Tables far apart on many entries at once: cap the entries (any table under
        # the cap is still consistent) so that these objectives stay bounded.
        cap = float(truth.max(initial=0.0)) + 2 * width + 1
        programme.set_upper(np.minimum(block.upper, cap))
        for _ in range(BATCHED_ROUNDS):
            if len(open_) < BATCHED_FROM:
                break
            signs = np.zeros(programme.width)
            signs[open_] = rng.choice((-1.0, 1.0), size=len(open_))
            for direction in (1.0, -1.0):
                seen.learn(programme.optimise(direction * signs)[2])
            before = len(open_)
            open_ = seen.unsettled(open_, width)
            if len(open_) > before * 0.8:
                break  # random signs no longer settle many: entry by entry
        programme.set_upper(block.upper)
    exact: dict[int, tuple[float, float]] = {}
    for position in (int(p) for p in open_):
        if seen.wide(position, width):
            continue  # settled by a table found for an earlier entry
        cost = np.zeros(programme.width)
        cost[position] = -1.0
        status, value, x = programme.optimise(cost, near=True)
        highest = INF if status == "unbounded" else -value
        seen.learn(x)
        if highest - seen.low[position] >= width - TOLERANCE:
            seen.high[position] = max(seen.high[position], highest)
            continue
        floor = float(block.lower[position])
        if seen.low[position] <= floor + TOLERANCE or highest - floor < width - TOLERANCE:
            # At its floor already (the minimum), or too narrow even down to its floor:
            # unprotected whatever the minimum, so no programme for it.
            lowest = floor
        else:
            cost[position] = 1.0
            status, value, x = programme.optimise(cost, near=True)
            lowest = value
            seen.learn(x)
        exact[position] = (lowest, highest)
    verdicts = {}
    for position in (int(p) for p in asked):
        index = int(block.entries[position])
        if position in exact:
            lowest, highest = exact[position]
            verdicts[index] = Verdict(
                lowest, highest, "programme", highest - lowest >= width - TOLERANCE
            )
        else:
            verdicts[index] = Verdict(
                float(seen.low[position]), float(seen.high[position]), "tables", True
            )
    return verdicts
