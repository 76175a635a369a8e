"""The yearly privacy budget: pure logic over the ledger that the reports app stores.

With differential privacy on, every table of a release spends its ε, and the tables
of a release compose sequentially (their ε add up). A year's releases add up too; a
release whose ε would take the year's total over the budget is refused, with a reason
that says how much is left.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass

DEFAULT_YEARLY_BUDGET = 4.0
DEFAULT_RELEASE_LIMIT = 1.0
TOLERANCE = 1e-9  # sums of floats: 0.1 + 0.2 must not exceed a budget of 0.3


@dataclass(frozen=True)
class LedgerEntry:
    """One release's spending, as the ledger stores it."""

    release: str
    published_on: datetime.date
    epsilon: float


@dataclass(frozen=True)
class BudgetDecision:
    accepted: bool
    reason: str  # plain sentence, shown to the platform admin
    spent_this_year: float
    remaining: float


def release_epsilon(epsilon_per_table: float, tables: int) -> float:
    """Sequential composition: the ε of a release is the sum over its tables."""
    if not epsilon_per_table > 0 or tables < 0:
        raise ValueError("epsilon must be above 0 and the number of tables at least 0")
    return epsilon_per_table * tables


def check_budget(
    ledger: Iterable[LedgerEntry],
    requested: float,
    on: datetime.date,
    *,
    yearly_budget: float = DEFAULT_YEARLY_BUDGET,
    release_limit: float = DEFAULT_RELEASE_LIMIT,
) -> BudgetDecision:
    """Accept or refuse a release spending `requested` ε on date `on`, given the ledger
    (entries of other years are ignored: the budget is per calendar year)."""
    spent = math.fsum(e.epsilon for e in ledger if e.published_on.year == on.year)
    remaining = max(0.0, yearly_budget - spent)

    def decide(accepted: bool, reason: str) -> BudgetDecision:
        return BudgetDecision(accepted, reason, spent, remaining)

    if not requested > 0 or not math.isfinite(requested):
        return decide(False, f"The privacy loss must be a number above 0, not {requested}.")
    if requested > release_limit + TOLERANCE:
        return decide(
            False,
            f"ε = {requested:g} is above the limit of {release_limit:g} for one release.",
        )
    if spent + requested > yearly_budget + TOLERANCE:
        return decide(
            False,
            f"ε = {requested:g} would take {on.year}'s total to {spent + requested:g}, over the "
            f"yearly budget of {yearly_budget:g} ({remaining:g} left).",
        )
    return decide(
        True,
        f"Accepted: {on.year} will have spent {spent + requested:g} of its budget of "
        f"{yearly_budget:g}.",
    )


def laplace_noise(counts: list[int], scale: float) -> list[int]:
    """Counts plus discrete Laplace noise of the given scale (opendp).

    opendp draws from the operating system's secure random source and takes no seed,
    so the noise cannot be replayed: it is drawn once when a release is published and
    the published values are stored with the frozen release (which is why the same
    query in one release keeps its answer).
    """
    if not counts:
        return []
    import opendp.prelude as dp

    # The Laplace measurement over integer vectors is in opendp's "contrib" set
    # (its proof is not yet vetted by the OpenDP committee): opt in explicitly.
    dp.enable_features("contrib")
    measurement = dp.m.make_laplace(
        dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int), scale=scale
    )
    return [int(v) for v in measurement([int(c) for c in counts])]
