"""Screening engine throughput: assessments evaluated per second on one core.

    .venv/bin/python bench/bench_screening.py [--assessments 50000] [--seed 7]

Builds the answer sets first (not timed): for each assessment every indicator of
the available lists gets yes / no / unknown / declined or no answer at random, with
a share of answers left out so that next-question ranking has work to do. Then it
times `evaluate` (the full reading: dimensions, rules, forced-labour indicators,
legal elements and ranked next questions) over all of them in one process, and
prints the rate. The run is split into rounds timed by this process's CPU time; the
best round is the figure to compare with the target (what one free core does: other
work on a shared machine only ever slows a round down), the median and the overall
wall-clock rate are printed beside it. Target: at least 10,000 assessments per second.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from rounds import Result, machine_line, time_in_rounds  # bench/rounds.py

from harbour.screening.catalogue import load_catalogue
from harbour.screening.engine import Facts, evaluate, indicator_ids

TARGET_PER_SECOND = 10_000
VALUES = ("yes", "no", "unknown", "declined")
WEIGHTS = (0.15, 0.45, 0.1, 0.05)  # the rest (0.25) is left unanswered


def make_answer_sets(ids: tuple[str, ...], count: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    sets: list[dict[str, str]] = []
    for _ in range(count):
        answers: dict[str, str] = {}
        for indicator_id in ids:
            draw = rng.random()
            threshold = 0.0
            for value, weight in zip(VALUES, WEIGHTS, strict=True):
                threshold += weight
                if draw < threshold:
                    answers[indicator_id] = value
                    break
        sets.append(answers)
    return sets


def run(sets: list[dict[str, str]], rounds: int, with_next_questions: bool = True) -> Result:
    catalogue = load_catalogue()
    facts = Facts(under_18=False, came_to_canada_from_abroad=True)
    return time_in_rounds(
        sets,
        rounds,
        lambda answers: evaluate(
            catalogue, answers, facts, with_next_questions=with_next_questions
        ),
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assessments", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args(argv)
    print(machine_line())
    catalogue = load_catalogue()
    sets = make_answer_sets(indicator_ids(catalogue), args.assessments, args.seed)
    for label, with_next in (
        ("full reading with next questions", True),
        ("without next questions", False),
    ):
        result = run(sets, args.rounds, with_next_questions=with_next)
        print(result.describe(label, len(sets), "assessments", args.rounds))
        if with_next:
            full = result
    verdict = "meets" if full.best_round_per_second >= TARGET_PER_SECOND else "BELOW"
    print(f"target {TARGET_PER_SECOND:,}/s (full reading, best round): {verdict}")


if __name__ == "__main__":
    main()
