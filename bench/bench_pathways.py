"""Pathways engine throughput: evaluations (all pathways, one person) per second.

    .venv/bin/python bench/bench_pathways.py [--people 20000] [--seed 7]

Builds random fact sets first (not timed): each fact is known with probability
0.6, with a value drawn from its domain (dates between 2015 and 2027) and a random
day of evaluation between 2019 and 2027. Then it times `evaluate` (every pathway,
criteria, computed dates, explanations and next facts to ask) over all of them in
one process. The run is split into rounds timed by this process's CPU time; the
best round is the figure to compare with the target, the median and the overall
wall-clock rate are printed beside it. Target: at least 2,000 evaluations per second.
"""

from __future__ import annotations

import argparse
import datetime
import random
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from rounds import machine_line, time_in_rounds  # bench/rounds.py

from harbour.pathways.engine import Facts, evaluate
from harbour.pathways.rules import FACT_SPECS, load_pathways

TARGET_PER_SECOND = 2_000
START = datetime.date(2015, 1, 1)


def _random_date(rng: random.Random, span_days: int, start: datetime.date = START) -> datetime.date:
    return start + datetime.timedelta(days=rng.randrange(span_days))


def make_cases(count: int, seed: int) -> list[tuple[Facts, datetime.date]]:
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        values: dict[str, Any] = {}
        for name, (kind, allowed) in FACT_SPECS.items():
            if rng.random() >= 0.6:
                continue
            if kind == "bool":
                values[name] = rng.random() < 0.5
            elif kind == "date":
                values[name] = _random_date(rng, 13 * 365)
            else:
                values[name] = rng.choice(allowed)
        as_of = _random_date(rng, 9 * 365, datetime.date(2019, 1, 1))
        cases.append((Facts(**values), as_of))
    return cases


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args(argv)
    print(machine_line())
    pathways = load_pathways()
    cases = make_cases(args.people, args.seed)
    result = time_in_rounds(cases, args.rounds, lambda case: evaluate(pathways, *case))
    print(result.describe(f"{len(pathways)} pathways", len(cases), "people", args.rounds))
    best = result.best_round_per_second
    verdict = "meets" if best >= TARGET_PER_SECOND else "BELOW"
    print(f"target {TARGET_PER_SECOND:,}/s (best round): {verdict}")


if __name__ == "__main__":
    main()
