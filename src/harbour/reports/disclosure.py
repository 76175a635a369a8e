"""Disclosure control for published counts of people: the engine behind Advocate.

Pure Python (numpy, scipy, optionally opendp): no Django, no I/O. The caller counts
distinct PEOPLE (a person with two cases counts once) and hands in tables; the engine
says, for every cell and margin, whether it is published (and the rounded value) or
suppressed (and, for the audit trail only, why).

The method, in order (docs/reports.md, "Disclosure control", says the same for readers):

1. Primary suppression. A cell or margin with 0 < count < k (default k = 11, as the
   CTDC download) is suppressed. A cell equal to its line's margin (every person of
   the line has that attribute: "all 14 people from this province were in agriculture")
   is suppressed too (group disclosure). Zeros are otherwise published: a zero says
   nothing about a person, and hiding every zero of a sparse table would suppress most
   of it; `Rules.suppress_zeros` treats zeros like small counts for those who follow the
   UK LLC rule.
2. Secondary suppression, checked by an audit. For each suppressed entry the audit
   bounds its value by linear programming (scipy.optimize.linprog, HiGHS) subject to every
   published value and every linear relation of the table (equalities for additive axes;
   "margin <= sum of cells" and "cell <= margin" otherwise) and non-negativity. The entry
   is protected when max - min >= the protection width (default k). Complementary cells
   are added greedily, cheapest (smallest count) first, until the audit passes.
3. Random rounding to base 5, unbiased, with the random number drawn from
   HMAC(release seed, what the entry counts): the same entry reached through two tables of
   one release gets the same published value; margins are rounded independently of cells.
4. Differencing across releases: entries whose set of people changed by fewer than k since
   the previous release keep their previous publication (value or suppression).
5. Optional differential privacy (`Rules.epsilon`), and a yearly privacy budget ledger.

Implemented in this module and its companions (see the functions' docstrings).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

DEFAULT_K = 11
DEFAULT_ROUNDING_BASE = 5
TOTAL = "Total"
STATE_VERSION = 1


class DisclosureError(ValueError):
    """Bad input to the engine (inconsistent table, bad rule): the message names it."""


class Reason(enum.StrEnum):
    """Why an entry is suppressed or held. Kept in the engine result for the audit
    trail; never printed by the CLI nor shown on a public page."""

    PUBLISHED = "published"
    SMALL_COUNT = "small-count"  # 0 < count < k
    ZERO = "zero"  # only with Rules.suppress_zeros
    WHOLE_LINE = "whole-line"  # the cell equals its line's margin: group disclosure
    COMPLEMENTARY = "complementary"  # secondary suppression chosen by the audit
    SHARED = "shared"  # suppressed in another table of the same release
    HELD = "held"  # fewer than k people changed: previous publication kept


@dataclass(frozen=True)
class Rules:
    """The disclosure rules of a release.

    k: smallest count published (default 11).
    rounding_base: published values are random-rounded to this base (1 = no rounding).
    protection_width: a suppressed entry must have max - min >= this over every table
        consistent with what is published (default: k).
    suppress_zeros: treat zeros like small counts (UK LLC practice); default False.
    epsilon: if set, counts get discrete Laplace noise with this privacy loss per table
        (opendp) before rounding; see privacy_budget.py for the yearly ledger.
    """

    k: int = DEFAULT_K
    rounding_base: int = DEFAULT_ROUNDING_BASE
    protection_width: int | None = None
    suppress_zeros: bool = False
    epsilon: float | None = None

    def __post_init__(self) -> None:
        if self.k < 1:
            raise DisclosureError(f"k must be at least 1, not {self.k}")
        if self.rounding_base < 1:
            raise DisclosureError(f"the rounding base must be at least 1, not {self.rounding_base}")
        if self.protection_width is not None and self.protection_width < 0:
            raise DisclosureError("the protection width cannot be negative")
        if self.epsilon is not None and not self.epsilon > 0:
            raise DisclosureError(f"epsilon must be above 0, not {self.epsilon}")

    @property
    def width(self) -> int:
        return self.k if self.protection_width is None else self.protection_width


@dataclass(frozen=True)
class Axis:
    """One classification of people: its variable name and categories, in order.

    additive: every person falls in exactly one category (then the margin is the sum of
    the cells). False for multi-valued variables such as forms of exploitation.
    """

    variable: str
    categories: tuple[str, ...]
    additive: bool = True


@dataclass(frozen=True)
class PeopleSketch:
    """Which people an entry counts, as 64 bucket digests (never a person key).

    Built by `sketch_people` from stable person keys and a secret; two sketches differ in
    at least one bucket per changed person (fewer when people collide), so the number of
    differing buckets is a lower bound on how many people changed. Used only to decide
    whether an entry is held from the previous release.
    """

    buckets: tuple[str, ...]


@dataclass(frozen=True)
class TwoWayTable:
    """Counts of distinct people by two variables, with margins given separately.

    cells[r][c] counts the people in rows.categories[r] and cols.categories[c];
    row_totals[r], col_totals[c] and grand_total count distinct people too.
    universe names what is counted (e.g. "people-with-consent"): it is part of every
    entry's identity, so the same count in two tables is one entry.
    sketches (optional): PeopleSketch per entry, keyed by (row, col) with TOTAL for
    margins; needed for the differencing rule.
    """

    table_id: str
    universe: str
    rows: Axis
    cols: Axis
    cells: tuple[tuple[int, ...], ...]
    row_totals: tuple[int, ...]
    col_totals: tuple[int, ...]
    grand_total: int
    sketches: Mapping[tuple[str, str], PeopleSketch] | None = field(
        default=None, compare=False, hash=False
    )


@dataclass(frozen=True)
class OneWayTable:
    """Counts of distinct people by one variable, with the total given separately."""

    table_id: str
    universe: str
    axis: Axis
    counts: tuple[int, ...]
    total: int
    sketches: Mapping[str, PeopleSketch] | None = field(default=None, compare=False, hash=False)


@dataclass(frozen=True)
class Entry:
    """One published or suppressed number. For one-way tables col is TOTAL.

    identity: canonical description of what the entry counts (universe and conditions);
    count: the published value, None when suppressed; reason: for the audit trail only.
    """

    row: str
    col: str
    identity: str
    count: int | None
    reason: Reason

    @property
    def suppressed(self) -> bool:
        return self.count is None

    @property
    def flag(self) -> str:
        return "suppressed" if self.count is None else "published"


@dataclass(frozen=True)
class Bounds:
    """What an attacker can derive about a suppressed entry: min and max over every
    table consistent with the published values (per the audit's assumption)."""

    identity: str
    lower: float
    upper: float  # math.inf when unbounded

    @property
    def width(self) -> float:
        return self.upper - self.lower


@dataclass(frozen=True)
class ProtectedTable:
    """The result for one table: entries in row-major order, then the row margins,
    the column margins and the grand total (one-way tables: categories then total)."""

    table_id: str
    entries: tuple[Entry, ...]
    bounds: tuple[Bounds, ...]  # one per suppressed entry, from the final audit

    def entry(self, row: str, col: str = TOTAL) -> Entry:
        for candidate in self.entries:
            if candidate.row == row and candidate.col == col:
                return candidate
        raise KeyError((row, col))

    def rows(self) -> list[tuple[str, str, str, str]]:
        """(row, col, count, flag) for CSV output: count empty when suppressed; no reason."""
        return [
            (e.row, e.col, "" if e.count is None else str(e.count), e.flag) for e in self.entries
        ]


@dataclass(frozen=True)
class StoredEntry:
    """What the next release needs to know about one entry of this release."""

    count: int | None
    sketch: tuple[str, ...] | None


@dataclass(frozen=True)
class ReleaseState:
    """Plain JSON-able memory of a release for differencing protection: per entry
    identity, the published value (or None) and the people sketch. No person key in it,
    but it holds sketches of suppressed entries: store it as confidential as case data."""

    entries: Mapping[str, StoredEntry]

    def to_json(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "entries": {
                identity: {
                    "count": stored.count,
                    "sketch": None if stored.sketch is None else list(stored.sketch),
                }
                for identity, stored in sorted(self.entries.items())
            },
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | str) -> ReleaseState:
        raise NotImplementedError


@dataclass(frozen=True)
class ProtectedRelease:
    """Every table of a release, and the state to give the next release."""

    tables: tuple[ProtectedTable, ...]
    state: ReleaseState
    epsilon_spent: float  # sequential composition: epsilon times the number of tables


def sketch_people(person_keys: Iterable[str], secret: bytes) -> PeopleSketch:
    """Sketch the set of people an entry counts. person_keys are the caller's stable
    keys for people (e.g. HMAC of the person's id), secret a stable installation secret:
    the same people always give the same sketch."""
    raise NotImplementedError


def cell_identity(universe: str, conditions: Mapping[str, str]) -> str:
    """Canonical identity of an entry: what it counts, independent of the table."""
    return json.dumps(
        [universe, sorted(conditions.items())], ensure_ascii=False, separators=(",", ":")
    )


def random_round(value: int, base: int, seed: bytes, identity: str) -> int:
    """Unbiased random rounding of value to a multiple of base: up with probability
    (value mod base) / base, the random number drawn from HMAC(seed, identity)."""
    raise NotImplementedError


def tabulate(
    records: Iterable[Mapping[str, str]],
    row_variable: str,
    col_variable: str,
    *,
    table_id: str = "table",
    universe: str = "people",
    person_key: str | None = None,
    sketch_secret: bytes | None = None,
    separator: str | None = None,
) -> TwoWayTable:
    """Count distinct people from records (one row per person, a value per variable).

    separator: if given, a value may list several categories ("a;b"): the axis is then
    non-additive (margins count each person once). person_key (a column) and
    sketch_secret: build the people sketches for the differencing rule.
    """
    raise NotImplementedError


def tabulate_one_way(
    records: Iterable[Mapping[str, str]],
    variable: str,
    *,
    table_id: str = "table",
    universe: str = "people",
    person_key: str | None = None,
    sketch_secret: bytes | None = None,
    separator: str | None = None,
) -> OneWayTable:
    """Like `tabulate`, for one variable."""
    raise NotImplementedError


def protect_table(
    table: TwoWayTable | OneWayTable,
    rules: Rules,
    seed: bytes,
    previous: ReleaseState | None = None,
) -> ProtectedTable:
    """Primary and secondary suppression, audit, rounding (and DP noise if
    rules.epsilon) of one table. seed: the release's secret seed."""
    return protect_release([table], rules, seed, previous).tables[0]


def protect_release(
    tables: Sequence[TwoWayTable | OneWayTable],
    rules: Rules,
    seed: bytes,
    previous: ReleaseState | None = None,
) -> ProtectedRelease:
    """Protect every table of a release together: an entry (same identity) suppressed in
    one table is suppressed in all, published ones get the same value everywhere, and
    entries held from `previous` keep their previous publication."""
    raise NotImplementedError


def audit(
    table: TwoWayTable | OneWayTable,
    suppressed: Iterable[tuple[str, str]],
    *,
    published: Mapping[tuple[str, str], tuple[float, float]] | None = None,
) -> list[Bounds]:
    """Bounds of every suppressed entry ((row, col), TOTAL for margins) by linear
    programming. By default published entries are known exactly (the worst case);
    `published` gives instead an interval per published entry (what rounding leaves)."""
    raise NotImplementedError
