"""Timing an engine in rounds, for the one-core throughput benchmarks.

Other processes on a shared machine slow some rounds down; the best round is
the closest to what one free core does (as `timeit` reports its best repeat).
"""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

Item = TypeVar("Item")


@dataclass
class Result:
    total_per_second: float  # every item, wall clock
    best_round_per_second: float  # the fastest round, CPU time of this process
    median_round_per_second: float

    def describe(self, what: str, count: int, noun: str, rounds: int) -> str:
        return (
            f"evaluate, {what}: {count:,} {noun} in {rounds} rounds; "
            f"best round {self.best_round_per_second:,.0f}/s, median round "
            f"{self.median_round_per_second:,.0f}/s (CPU time), overall "
            f"{self.total_per_second:,.0f}/s (wall clock)"
        )


def machine_line() -> str:
    return (
        f"Python {platform.python_version()} on {platform.machine()}, one process, "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )


def time_in_rounds(items: Sequence[Item], rounds: int, call: Callable[[Item], object]) -> Result:
    """Call `call` on every item, in `rounds` equal slices timed separately."""
    call(items[0])  # warm up (compile catalogues, fill caches) outside the timing
    size = max(1, len(items) // rounds)
    per_round: list[float] = []
    started = time.perf_counter()
    for start in range(0, len(items), size):
        chunk = items[start : start + size]
        cpu = time.process_time()
        for item in chunk:
            call(item)
        per_round.append(len(chunk) / max(time.process_time() - cpu, 1e-9))
    wall = time.perf_counter() - started
    return Result(len(items) / wall, max(per_round), statistics.median(per_round))
