"""Benchmark: the disclosure engine on 10,000-cell tables (target: one table <= 1 s).

Times `protect_table` (primary suppression, complementary suppression with the audit,
the final bounds, rounding) on several shapes of about 10,000 cells:

    python bench/bench_disclosure.py [--tables 5]

Each shape gets `--tables` random tables (fixed seeds); the best round is one table on
one core (CPU time), as the other benchmarks report.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
from rounds import machine_line, time_in_rounds

from harbour.reports.disclosure import Axis, Rules, TwoWayTable, protect_table


def table(counts: np.ndarray, name: str) -> TwoWayTable:
    n_rows, n_cols = counts.shape
    return TwoWayTable(
        table_id=name,
        universe="people",
        rows=Axis("row", tuple(f"r{i}" for i in range(n_rows))),
        cols=Axis("col", tuple(f"c{j}" for j in range(n_cols))),
        cells=tuple(tuple(int(v) for v in line) for line in counts),
        row_totals=tuple(int(v) for v in counts.sum(axis=1)),
        col_totals=tuple(int(v) for v in counts.sum(axis=0)),
        grand_total=int(counts.sum()),
    )


def dense(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """Mostly large counts, about 5 % of cells under k."""
    return rng.poisson(30, shape)


def small_cells(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """Most cells under k (mean 6): the worst case for complementary suppression."""
    return rng.poisson(6, shape)


def sparse(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """80 % zeros, the rest anything from 1 to 60."""
    values = rng.integers(1, 61, shape)
    return np.where(rng.random(shape) < 0.8, 0, values)


SHAPES: list[
    tuple[str, tuple[int, int], Callable[[np.random.Generator, tuple[int, int]], np.ndarray]]
] = [
    ("100 x 100 dense", (100, 100), dense),
    ("100 x 100 many small cells", (100, 100), small_cells),
    ("100 x 100 sparse", (100, 100), sparse),
    ("20 x 500 dense", (20, 500), dense),
    ("20 x 500 many small cells", (20, 500), small_cells),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tables", type=int, default=5)
    options = parser.parse_args()
    print(machine_line(), time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
    rules = Rules()
    for name, shape, make in SHAPES:
        rng = np.random.default_rng(2026)
        tables = [table(make(rng, shape), f"{name} {n}") for n in range(options.tables + 1)]
        result = protect_table(tables[0], rules, b"bench")
        hidden = sum(1 for e in result.entries if e.suppressed)
        small = int(sum(1 for line in tables[0].cells for v in line if 0 < v < rules.k))
        by = time_in_rounds(tables[1:], options.tables, lambda t: protect_table(t, rules, b"bench"))
        print(
            f"{name}: {len(result.entries):,} entries, {small:,} cells under k, "
            f"{hidden:,} suppressed in all; best {1 / by.best_round_per_second:.3f} s, "
            f"median {1 / by.median_round_per_second:.3f} s per table (CPU), "
            f"{1 / by.total_per_second:.3f} s wall"
        )


if __name__ == "__main__":
    main()
