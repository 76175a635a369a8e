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

The law-first path (the Criminal Code's own elements, asked directly) is timed
too: the same ILO/EC answer sets with random law-first answers added (a full
reading of both), and the law-first reading alone on a child's facts.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from rounds import Result, machine_line, time_in_rounds  # bench/rounds.py

from harbour.screening.catalogue import load_catalogue
from harbour.screening.engine import Facts, evaluate, evaluate_law_first, indicator_ids
from harbour.screening.engine.law_first import compile_law_first

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


def with_law_first(
    sets: list[dict[str, str]], law_ids: tuple[str, ...], seed: int
) -> list[dict[str, str]]:
    """The same answer sets, each with random law-first answers added."""
    law_sets = make_answer_sets(law_ids, len(sets), seed + 1)
    return [{**answers, **law} for answers, law in zip(sets, law_sets, strict=True)]


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
    law = compile_law_first(catalogue)
    assert law is not None, "the shipped legal file has a law-first path"
    mixed = with_law_first(sets, law.ids, args.seed)
    both = run(mixed, args.rounds)
    print(
        both.describe("full reading with law-first answers", len(mixed), "assessments", args.rounds)
    )
    child = Facts(under_18=True, came_to_canada_from_abroad=False)
    law_sets = make_answer_sets(law.ids, len(sets), args.seed + 2)
    alone = time_in_rounds(
        law_sets, args.rounds, lambda answers: evaluate_law_first(catalogue, answers, child)
    )
    print(
        alone.describe(
            "law-first reading alone (a child)", len(law_sets), "assessments", args.rounds
        )
    )
    for label, result in (("full reading", full), ("with law-first answers", both)):
        verdict = "meets" if result.best_round_per_second >= TARGET_PER_SECOND else "BELOW"
        print(f"target {TARGET_PER_SECOND:,}/s ({label}, best round): {verdict}")


if __name__ == "__main__":
    main()
