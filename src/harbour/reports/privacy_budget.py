"""The yearly privacy budget: pure logic over the ledger that the reports app stores.

With differential privacy on, every table of a release spends its ε, and the tables
of a release compose sequentially (their ε add up). A year's releases add up too; a
release whose ε would take the year's total over the budget is refused, with a reason
that says how much is left.
"""

from __future__ import annotations

import datetime
import hmac
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

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
    """Counts plus discrete Laplace noise of the given scale, drawn by opendp from the
    operating system's secure random source (it takes no seed, so the noise cannot be
    replayed). The engine uses `keyed_laplace_noise` instead, so that the same query in
    one release keeps its answer; this is the reference it is tested against."""
    if not counts:
        return []
    return [int(v) for v in _opendp_laplace(scale)([int(c) for c in counts])]


def _opendp_laplace(scale: float) -> Any:
    import opendp.prelude as dp

    # The Laplace measurement over integer vectors is in opendp's "contrib" set
    # (its proof is not yet vetted by the OpenDP committee): opt in explicitly.
    dp.enable_features("contrib")
    return dp.m.make_laplace(
        dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int), scale=scale
    )


def privacy_loss(scale: float, sensitivity: int) -> float:
    """ε of discrete Laplace noise of this scale on counts that one person can change
    by `sensitivity` in total (L1), by opendp's privacy map: ε = sensitivity / scale."""
    return float(_opendp_laplace(scale).map(int(sensitivity)))


class _KeyedBits:
    """A deterministic stream of random bits: HMAC-SHA256(seed, identity | block).
    With a secret seed it is as unpredictable as the operating system's source, and
    the same seed and identity always give the same stream."""

    def __init__(self, seed: bytes, identity: str) -> None:
        self._key = hmac.new(seed, b"harbour-dp-noise-v1|" + identity.encode(), "sha256").digest()
        self._block = 0
        self._pool = 0
        self._bits = 0

    def bits(self, n: int) -> int:
        while self._bits < n:
            digest = hmac.new(self._key, self._block.to_bytes(8, "big"), "sha256").digest()
            self._block += 1
            self._pool = (self._pool << 256) | int.from_bytes(digest, "big")
            self._bits += 256
        self._bits -= n
        value = self._pool >> self._bits
        self._pool &= (1 << self._bits) - 1
        return value

    def below(self, n: int) -> int:
        """Uniform on 0..n-1 (rejection sampling: exact)."""
        width = max(1, (n - 1).bit_length())
        while True:
            value = self.bits(width)
            if value < n:
                return value

    def bernoulli(self, p: Fraction) -> bool:
        return self.below(p.denominator) < p.numerator

    def bernoulli_exp(self, gamma: Fraction) -> bool:
        """True with probability exp(-gamma), exactly (Canonne, Kamath and Steinke
        2020, "The Discrete Gaussian for Differential Privacy", Algorithm 1)."""
        while gamma > 1:
            if not self.bernoulli_exp(Fraction(1)):
                return False
            gamma -= 1
        k = 1
        while self.bernoulli(gamma / k):
            k += 1
        return k % 2 == 1


def keyed_laplace(scale: float, seed: bytes, identity: str) -> int:
    """One draw of discrete Laplace noise, P(y) proportional to exp(-|y| / scale), by
    the exact sampler that opendp also uses (Canonne, Kamath and Steinke 2020,
    Algorithm 2), from the keyed bit stream of (seed, identity): the same entry of the
    same release always gets the same noise, so asking again reveals nothing more."""
    if not scale > 0 or not math.isfinite(scale):
        raise ValueError(f"the noise scale must be a positive number, not {scale}")
    ratio = Fraction(scale).limit_denominator(10**6)  # scale = t / s
    t, s = ratio.numerator, ratio.denominator
    stream = _KeyedBits(seed, identity)
    while True:
        u = stream.below(t)
        if not stream.bernoulli_exp(Fraction(u, t)):
            continue
        v = 0
        while stream.bernoulli_exp(Fraction(1)):
            v += 1
        y = (u + t * v) // s
        negative = stream.bits(1) == 1
        if negative and y == 0:
            continue
        return -y if negative else y


def keyed_laplace_noise(
    counts: Sequence[int], scale: float, seed: bytes, identities: Sequence[str]
) -> list[int]:
    """counts plus `keyed_laplace` noise, one draw per (seed, identity)."""
    return [
        int(count) + keyed_laplace(scale, seed, identity)
        for count, identity in zip(counts, identities, strict=True)
    ]
