"""Benchmark: the disclosure engine (targets: one 10,000-cell table <= 1 s; the
dashboard's eight tables <= 1 s cold).

    python bench/bench_disclosure.py [--tables 5]

Each shape runs in a fresh process of its own, so that its first table is "cold"
(the engine's modules, numpy, scipy and HiGHS imported and loaded inside the time,
as in a web worker that has not yet drawn a dashboard) and its peak memory is its
own. Then `--tables` more tables of the shape (fixed seeds) are timed in rounds, as
the other benchmarks report: best and median CPU time per table, and wall time.

Shapes: 10,000-cell tables (dense, mostly small, sparse, multi-valued rows), the
sparse 250 x 4 table with two groups of people that once took 7 s, and the
dashboard's eight tables protected together (the shapes of reports/tables.py),
counted over 1,000,000 people and 1,200,000 cases or over one organisation of 300.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from harbour.reports.disclosure import Axis, OneWayTable, Rules, TwoWayTable

Tables = list[TwoWayTable | OneWayTable]


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


def dense(rng: np.random.Generator, name: str) -> Tables:
    """Mostly large counts, a few under k."""
    return [table(rng.poisson(30, (100, 100)), name)]


def small_cells(rng: np.random.Generator, name: str, shape: tuple[int, int] = (100, 100)) -> Tables:
    """Most cells under k (mean 6): the worst case for complementary suppression."""
    return [table(rng.poisson(6, shape), name)]


def sparse(rng: np.random.Generator, name: str, shape: tuple[int, int] = (100, 100)) -> Tables:
    """80 % zeros, the rest anything from 1 to 60."""
    values = rng.integers(1, 61, shape)
    return [table(np.where(rng.random(shape) < 0.8, 0, values), name)]


def two_groups(rng: np.random.Generator, name: str) -> Tables:
    """250 x 4 with two groups of people (5 and 40): the table that once took 7 s."""
    counts = np.zeros((250, 4), dtype=np.int64)
    counts[rng.integers(250), 1] = 5
    counts[rng.integers(250), 2] = 40
    return [table(counts, name)]


def multi_valued(rng: np.random.Generator, name: str) -> Tables:
    """100 x 100, rows multi-valued: 20,000 people with 1 to 4 row categories each
    (a margin counts each person once, so it is not the sum of its cells)."""
    people = 20_000
    cols = rng.integers(0, 100, people)
    chosen = np.zeros((people, 100), dtype=bool)
    chosen[np.arange(people), rng.integers(0, 100, people)] = True  # at least one
    for _ in range(3):
        chosen[np.arange(people), rng.integers(0, 100, people)] |= rng.random(people) < 0.6
    counts = np.stack([np.bincount(cols[chosen[:, r]], minlength=100) for r in range(100)])
    return [
        TwoWayTable(
            table_id=name,
            universe="people",
            rows=Axis("row", tuple(f"r{i}" for i in range(100)), additive=False),
            cols=Axis("col", tuple(f"c{j}" for j in range(100))),
            cells=tuple(tuple(int(v) for v in line) for line in counts),
            row_totals=tuple(int(v) for v in chosen.sum(axis=0)),
            col_totals=tuple(int(v) for v in np.bincount(cols, minlength=100)),
            grand_total=people,
        )
    ]


def dashboard(people: int) -> Callable[[np.random.Generator, str], Tables]:
    def make(rng: np.random.Generator, name: str) -> Tables:
        return dashboard_tables(rng, people)

    return make


def _two_way(
    table_id: str,
    universe: str,
    rows: tuple[str, np.ndarray, int],
    cols: tuple[str, np.ndarray, int],
) -> TwoWayTable:
    (row_key, row_of, n_rows), (col_key, col_of, n_cols) = rows, cols
    counts = np.bincount(row_of * n_cols + col_of, minlength=n_rows * n_cols).reshape(
        n_rows, n_cols
    )
    return TwoWayTable(
        table_id=table_id,
        universe=universe,
        rows=Axis(row_key, tuple(f"{row_key}{i}" for i in range(n_rows))),
        cols=Axis(col_key, tuple(f"{col_key}{j}" for j in range(n_cols))),
        cells=tuple(tuple(int(v) for v in line) for line in counts),
        row_totals=tuple(int(v) for v in counts.sum(axis=1)),
        col_totals=tuple(int(v) for v in counts.sum(axis=0)),
        grand_total=int(counts.sum()),
    )


def dashboard_tables(rng: np.random.Generator, people: int) -> Tables:
    """The eight dashboard tables of reports/tables.py, same shapes and units, over
    `people` people with about 1.2 cases each; people tables share their margins."""

    def skewed(n: int, size: int) -> np.ndarray:
        weights = 1 / np.arange(1, n + 1) ** 1.2
        return rng.choice(n, size=size, p=weights / weights.sum())

    province, sector = skewed(14, people), skewed(11, people)
    nationality, gender = skewed(33, people), skewed(4, people)
    age, year = skewed(7, people), skewed(14, people)
    forms = np.zeros((people, 7), dtype=bool)  # forms of exploitation: one or two each
    forms[np.arange(people), skewed(7, people)] = True
    forms[np.arange(people), skewed(7, people)] |= rng.random(people) < 0.3
    universe = "people:all:"
    form_counts = np.stack([np.bincount(province[forms[:, f]], minlength=14) for f in range(7)])
    by_form = TwoWayTable(
        table_id="people_by_form_province",
        universe=universe,
        rows=Axis("form", tuple(f"form{i}" for i in range(7)), additive=False),
        cols=Axis("province", tuple(f"province{j}" for j in range(14))),
        cells=tuple(tuple(int(v) for v in line) for line in form_counts),
        row_totals=tuple(int(v) for v in forms.sum(axis=0)),
        col_totals=tuple(int(v) for v in np.bincount(province, minlength=14)),
        grand_total=people,
    )
    sector_axis = ("sector", sector, 11)
    province_axis = ("province", province, 14)
    gender_axis = ("gender", gender, 4)
    tables: Tables = [
        by_form,
        _two_way("people_by_sector_province", universe, sector_axis, province_axis),
        _two_way(
            "people_by_nationality_gender", universe, ("nationality", nationality, 33), gender_axis
        ),
        _two_way("people_by_age_gender", universe, ("age_band", age, 7), gender_axis),
        _two_way("people_by_year_province", universe, ("year", year, 14), province_axis),
    ]
    # Cases: 20 % of people have a second case, in their province, in a later year.
    second = rng.random(people) < 0.2
    case_person = np.concatenate([np.arange(people), np.flatnonzero(second)])
    case_year = np.concatenate(
        [year, np.minimum(year[second] + rng.integers(0, 3, second.sum()), 13)]
    )
    case_province = province[case_person]
    cases = _two_way(
        "cases_by_year_province",
        "cases:all:",
        ("year", case_year, 14),
        ("province", case_province, 14),
    )
    cell_of = case_year * 14 + case_province
    distinct = np.unique(np.stack([case_person, cell_of]), axis=1)
    people_per_cell = np.bincount(distinct[1], minlength=14 * 14).reshape(14, 14)
    row_people = np.unique(np.stack([case_person, case_year]), axis=1)
    per_year = np.bincount(row_people[1], minlength=14)
    counted = {
        (f"year{r}", f"province{c}"): int(people_per_cell[r, c])
        for r in range(14)
        for c in range(14)
    }
    counted.update({(f"year{r}", "Total"): int(per_year[r]) for r in range(14)})
    tables.append(dataclasses.replace(cases, people=counted))
    referrals = int(len(case_person) * 0.5)
    need_axis = ("need", skewed(12, referrals), 12)
    kind_axis = ("referral_kind", skewed(3, referrals), 3)
    tables.append(_two_way("referrals_by_need_kind", "referrals:all:", need_axis, kind_axis))
    networks = max(1, people // 2000)
    span_axes = (("organisations", skewed(3, networks), 3), ("provinces", skewed(3, networks), 3))
    tables.append(_two_way("networks_by_span", "networks:all:", *span_axes))
    return tables


SHAPES: dict[str, Callable[[np.random.Generator, str], Tables]] = {
    "100 x 100 dense": dense,
    "100 x 100 many small cells": small_cells,
    "100 x 100 sparse": sparse,
    "20 x 500 many small cells": lambda rng, name: small_cells(rng, name, (20, 500)),
    "20 x 500 sparse": lambda rng, name: sparse(rng, name, (20, 500)),
    "100 x 100 multi-valued rows": multi_valued,
    "250 x 4 two groups of people": two_groups,
    "dashboard, 8 tables, 1,000,000 people": dashboard(1_000_000),
    "dashboard, 8 tables, one organisation of 300 people": dashboard(300),
}


def one_shape(name: str, rounds: int) -> dict[str, object]:
    """Run in a fresh process: the cold first release, then `rounds` warm ones."""
    started = time.perf_counter()
    rng = np.random.default_rng(2026)
    batches = [SHAPES[name](rng, f"{name} {n}") for n in range(rounds + 1)]
    built = time.perf_counter() - started
    cold_started = time.perf_counter()
    from harbour.reports.disclosure import protect_release  # the engine's imports count

    first = protect_release(batches[0], Rules(), b"bench")
    cold = time.perf_counter() - cold_started
    cpu, wall = [], time.perf_counter()
    for batch in batches[1:]:
        tick = time.process_time()
        protect_release(batch, Rules(), b"bench")
        cpu.append(time.process_time() - tick)
    wall = (time.perf_counter() - wall) / max(1, len(batches) - 1)
    entries = sum(len(t.entries) for t in first.tables)
    hidden = sum(sum(e.suppressed for e in t.entries) for t in first.tables)
    return {
        "shape": name,
        "tables": len(first.tables),
        "entries": entries,
        "suppressed": hidden,
        "cold_s": round(cold, 3),
        "best_s": round(min(cpu), 3) if cpu else None,
        "median_s": round(float(np.median(cpu)), 3) if cpu else None,
        "wall_s": round(wall, 3),
        "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "built_s": round(built, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tables", type=int, default=5, help="warm releases per shape")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # a shape, in its own process
    options = parser.parse_args()
    if options.one:
        print(json.dumps(one_shape(options.one, options.tables)))
        return
    sys.path.insert(0, str(Path(__file__).parent))
    from rounds import machine_line

    print(machine_line(), time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
    for name in SHAPES:
        done = subprocess.run(
            [sys.executable, __file__, "--one", name, "--tables", str(options.tables)],
            capture_output=True,
            text=True,
            check=True,
        )
        r = json.loads(done.stdout)
        print(
            f"{r['shape']}: {r['tables']} table(s), {r['entries']:,} entries, "
            f"{r['suppressed']:,} suppressed; cold {r['cold_s']:.3f} s (with imports); "
            f"warm best {r['best_s']:.3f} s, median {r['median_s']:.3f} s (CPU), "
            f"{r['wall_s']:.3f} s wall; peak memory {r['peak_mib']:.0f} MiB"
        )


if __name__ == "__main__":
    main()
