"""The yearly privacy budget: pure logic over the ledger that the reports app stores.

With differential privacy on, every table of a release spends its ε, and the tables
of a release compose sequentially (their ε add up). A year's releases add up too; a
release whose ε would take the year's total over the budget is refused, with a reason
that says how much is left.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

DEFAULT_YEARLY_BUDGET = 4.0
DEFAULT_RELEASE_LIMIT = 1.0


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
    raise NotImplementedError


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
    raise NotImplementedError
