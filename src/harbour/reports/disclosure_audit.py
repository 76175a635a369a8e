"""The audit of a table's suppressions and the choice of complementary suppressions.

The audit asks, for every suppressed entry, how small and how large it can be over
every table consistent with what is published (disclosure_lp). It is kept across the
rounds of complementary suppression (`Auditor`): hiding more entries only removes
constraints, so every interval can only widen, and an entry once shown protected
stays protected; each round audits only the entries not yet settled.

Two-way tables whose axes are both additive have more structure: write the table with
its margins as an (R+1) x (C+1) array and flip the sign of the margin row and column;
then every row and column sums to zero, and moving t around a rectangle
(+t, -t, -t, +t on its corners) keeps every relation. A rectangle of suppressed entries
is a witness: it shows two consistent tables, so the entry's interval is at least that
wide and no programme is needed. Complementary suppressions are chosen the same way
(a "hypercube" method): for an entry the audit finds too narrow, the cheapest
rectangle that gives it the protection width, cost = the counts newly hidden plus one
per entry. Other tables (multi-valued axes) get the cheapest published entry that
shares a relation with a failing one.
"""

from __future__ import annotations

import math

import numpy as np

from harbour.reports.disclosure_lp import TOLERANCE, System, Verdict, certify, lp_bounds

__all__ = ["EXPENSIVE", "Auditor", "Grid", "System", "choose_complements", "lp_bounds"]

INF = math.inf
BATCH_FROM = 4  # with more failing entries than this, fix them all before re-auditing
EXPENSIVE = 1e9  # cost of hiding an entry we would rather not (held from a previous release)
CANDIDATES = 8  # rows and columns tried per entry by the batched rectangle witness
CHUNK = 4096  # entries per batch of the rectangle witness (bounds its memory)


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
        self.row_of = np.empty(index.size, dtype=np.int64)
        self.col_of = np.empty(index.size, dtype=np.int64)
        self.row_of[index] = np.arange(rows)[:, None]
        self.col_of[index] = np.arange(cols)[None, :]

    def place(self, entry: int) -> tuple[int, int]:
        return int(self.row_of[entry]), int(self.col_of[entry])

    def batch_witness(
        self, values: np.ndarray, suppressed: np.ndarray, targets: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """witness_bounds for many entries at once (numpy, no loop over entries), over
        the rectangles through each entry's CANDIDATES largest suppressed rows and
        columns: (lower, upper) arrays, equal to the entry's value where none is found.
        Largest first because the corners' values bound how far a rectangle moves."""
        x = values[self.index].astype(float)
        hidden = suppressed[self.index]
        n_rows, n_cols = x.shape
        take_rows, take_cols = min(CANDIDATES + 1, n_rows), min(CANDIDATES + 1, n_cols)
        by_col = np.argsort(-np.where(hidden, x, -1.0), axis=0, kind="stable")[:take_rows]
        by_col_ok = np.take_along_axis(hidden, by_col, axis=0)
        by_row = np.argsort(-np.where(hidden, x, -1.0), axis=1, kind="stable")[:, :take_cols]
        by_row_ok = np.take_along_axis(hidden, by_row, axis=1)
        lower = np.empty(len(targets))
        upper = np.empty(len(targets))
        for start in range(0, len(targets), CHUNK):
            chunk = targets[start : start + CHUNK]
            i, j = self.row_of[chunk], self.col_of[chunk]
            rows = by_col[:, j].T  # (N, take_rows) candidate rows i'
            rows_ok = by_col_ok[:, j].T & (rows != i[:, None])
            cols = by_row[i, :]  # (N, take_cols) candidate columns j'
            cols_ok = by_row_ok[i, :] & (cols != j[:, None])
            corner_ok = (
                hidden[rows[:, :, None], cols[:, None, :]]
                & rows_ok[:, :, None]
                & cols_ok[:, None, :]
            )
            a = x[i[:, None], cols][:, None, :]  # (i, j')
            b = x[rows, j[:, None]][:, :, None]  # (i', j)
            c = x[rows[:, :, None], cols[:, None, :]]  # (i', j')
            same_col_sign = (self.h[j][:, None] * self.h[cols])[:, None, :]
            same_row_sign = (self.g[i][:, None] * self.g[rows])[:, :, None]
            corner_sign = same_row_sign * same_col_sign
            # (i, j) up by t: (i, j') moves by -same_col_sign t, (i', j) by
            # -same_row_sign t, (i', j') by +corner_sign t; a corner that goes down
            # bounds t by its value.
            up = np.minimum(
                np.minimum(
                    np.where(same_col_sign > 0, a, INF), np.where(same_row_sign > 0, b, INF)
                ),
                np.where(corner_sign < 0, c, INF),
            )
            own = x[i, j][:, None, None]
            down = np.minimum(
                np.minimum(
                    np.where(same_col_sign < 0, a, INF), np.where(same_row_sign < 0, b, INF)
                ),
                np.minimum(np.where(corner_sign > 0, c, INF), own),
            )
            best_up = np.where(corner_ok, up, 0.0).max(axis=(1, 2), initial=0.0)
            best_down = np.where(corner_ok, down, 0.0).max(axis=(1, 2), initial=0.0)
            # Rectangles with distinct other rows and columns share only the corner
            # (i, j), so they can move together and their slacks add up: pair the k-th
            # candidate row with the k-th candidate column (both largest first).
            pairs = min(take_rows, take_cols)
            diagonal = np.arange(pairs)
            pair_ok = corner_ok[:, diagonal, diagonal]
            pair_up = up[:, diagonal, diagonal]
            # down without the own value, which caps the sum instead
            pair_down = np.minimum(
                np.minimum(
                    np.where(same_col_sign < 0, a, INF)[:, 0, :pairs],
                    np.where(same_row_sign < 0, b, INF)[:, :pairs, 0],
                ),
                np.where(corner_sign > 0, c, INF)[:, diagonal, diagonal],
            )
            best_up = np.maximum(best_up, np.where(pair_ok, pair_up, 0.0).sum(axis=1))
            best_down = np.maximum(
                best_down,
                np.minimum(x[i, j], np.where(pair_ok, pair_down, 0.0).sum(axis=1)),
            )
            lower[start : start + len(chunk)] = x[i, j] - best_down
            upper[start : start + len(chunk)] = x[i, j] + best_up
        return lower, upper

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
    ) -> list[tuple[int, float, float]] | None:
        """Hide the cheapest rectangle that gives (i, j) the width; None if none can.
        Returns, when the rectangle alone moves its corners by the width, the interval
        it shows for each corner (entry, lower, upper): one move, the same width for
        all four; otherwise an empty list (other rectangles through (i, j) helped)."""
        rows = np.array([r for r in range(hidden.shape[0]) if r != i])
        cols = np.array([c for c in range(hidden.shape[1]) if c != j])
        if not len(rows) or not len(cols):
            return None
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
            return None
        r, col = int(rows[best[0]]), int(cols[best[1]])
        for a, b in ((i, col), (r, j), (r, col)):
            hidden[a, b] = True
        rise, fall = float(up[best]), float(down[best])
        if rise + fall < width:
            return []
        shown = []
        for a, b in ((i, j), (i, col), (r, j), (r, col)):
            # the corner moves with (i, j) or against it, by the sign flips
            same = (
                self.g[a]
                * self.h[b]
                * self.g[i]
                * self.h[j]
                * (1.0 if (a == i) == (b == j) else -1.0)
            )
            x = float(values[self.index[a, b]])
            low, high = (x - fall, x + rise) if same > 0 else (x - rise, x + fall)
            shown.append((int(self.index[a, b]), low, high))
        return shown


class Auditor:
    """The audit of one table, kept while suppressions are added (they only widen
    intervals, so a verdict of "protected" never needs revisiting)."""

    def __init__(
        self,
        system: System,
        width: float,
        grid: Grid | None = None,
        *,
        targets: np.ndarray | None = None,
        frozen: np.ndarray | None = None,
    ) -> None:
        """targets: the entries that must be wide when suppressed (default every
        entry); frozen: entries never chosen as complements (default none)."""
        size = len(system.values)
        self.system = system
        self.width = width
        self.grid = grid
        self.targets = np.ones(size, dtype=bool) if targets is None else targets
        self.frozen = np.zeros(size, dtype=bool) if frozen is None else frozen
        self.verdicts: dict[int, Verdict] = {}

    def failing(self, suppressed: np.ndarray) -> list[tuple[int, float, float]]:
        """Suppressed entries whose interval is narrower than the width: (entry, min, max)."""
        todo = [
            int(i)
            for i in np.flatnonzero(suppressed & self.targets)
            if not (int(i) in self.verdicts and self.verdicts[int(i)].protected)
        ]
        if not todo:
            return []
        if self.grid is not None:
            low, high = self.grid.batch_witness(self.system.values, suppressed, np.array(todo))
            rest = []
            for index, lowest, highest in zip(todo, low, high, strict=True):
                if highest - lowest >= self.width - TOLERANCE:
                    self.verdicts[index] = Verdict(float(lowest), float(highest), "rectangle", True)
                else:
                    rest.append(index)
        else:
            rest = todo
        if rest:
            # The only suppressed entry of an additive line is given by the line: no
            # programme is needed to know that it fails.
            alone = self.system.alone_in_a_line(suppressed, np.array(rest))
            for index in np.array(rest)[alone]:
                value = float(self.system.values[index])
                self.verdicts[int(index)] = Verdict(value, value, "line", self.width <= 0)
            rest = [index for index, single in zip(rest, alone, strict=True) if not single]
        if rest:
            self.verdicts.update(certify(self.system, suppressed, rest, self.width))
        return [
            (index, self.verdicts[index].lower, self.verdicts[index].upper)
            for index in todo
            if not self.verdicts[index].protected
        ]


def choose_complements(auditor: Auditor, suppressed: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """Add suppressions until every suppressed entry has the width (greedy); returns
    the new mask. The audit's failures, smallest first, get the cheapest rectangle
    (additive two-way tables) or else the cheapest published entry sharing a relation,
    until the audit passes or nothing is left to hide."""
    system, grid, width = auditor.system, auditor.grid, auditor.width
    values = system.values
    suppressed = suppressed.copy()
    while True:
        failing = auditor.failing(suppressed)
        if not failing:
            return suppressed
        failing.sort(key=lambda item: (int(values[item[0]]), item[0]))
        before = int(suppressed.sum())
        if grid is not None and not auditor.frozen.any():
            hidden = suppressed[grid.index]
            for index, _, _ in failing:
                a, b = grid.place(index)
                if (
                    int(suppressed.sum()) > before
                    and grid.witness_width(values, hidden, a, b) >= width - TOLERANCE
                ):
                    continue  # a rectangle hidden for an earlier entry covers this one
                shown = grid.protect(values, hidden, a, b, width, cost)
                suppressed[grid.index[hidden]] = True
                for entry, low, high in shown or ():
                    if entry not in auditor.verdicts or not auditor.verdicts[entry].protected:
                        auditor.verdicts[entry] = Verdict(low, high, "rectangle", True)
            if int(suppressed.sum()) > before:
                continue
        # Complements that can move first: a zero under a published zero margin
        # cannot, nor the only hidden entry of an additive line. Only when no failing
        # entry has such a neighbour, one that is stuck for now (it may not stay so).
        # An entry next to one hidden in this pass may be wide enough already: the
        # next audit says, rather than hiding more for it now.
        for allow_stuck in (False, True):
            added: set[int] = set()
            for index, _, _ in failing:
                near = system.neighbours(index)
                if added & near:
                    continue
                options = [n for n in near if not suppressed[n] and not auditor.frozen[n]]
                stuck = system.stuck(suppressed)
                if not allow_stuck:
                    options = [n for n in options if not stuck(n)]
                if not options:
                    continue
                pick = min(options, key=lambda n: (stuck(n), cost[n], n))
                suppressed[pick] = True
                added.add(pick)
                if len(failing) <= BATCH_FROM:
                    break  # few failures: one complement, then audit again
            if added:
                break
        if int(suppressed.sum()) == before:  # everything linked is hidden already
            return suppressed
