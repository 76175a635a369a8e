"""Disclosure control for published counts of people: the engine behind Advocate.

Pure Python (numpy, scipy, optionally opendp): no Django, no I/O. The caller counts
distinct PEOPLE (a person with two cases counts once) and hands in tables; the engine
says, for every cell and margin, whether it is published (and the rounded value) or
suppressed (and, for the audit trail only, why).

The method, in order (docs/reports.md, "The disclosure-control method", says it for readers):

1. Primary suppression. A cell or margin with 0 < count < k (default k = 11, as the
   CTDC download) is suppressed; for tables of cases or referrals that also give the
   distinct people behind each entry (`people`), on min(count, people): 12 cases of 5
   people are 5 people. A cell equal to its line's margin (every person of the line
   has that attribute: "all 14 people from this province were in agriculture") is
   suppressed too (group disclosure), with the line's zeros (except those whose
   crossing line is empty: its published zero margin shows them anyway). Zeros are
   otherwise published: a zero says nothing about a person, and hiding every zero of a
   sparse table would suppress most of it; `Rules.suppress_zeros` treats zeros like
   small counts for those who follow the UK LLC rule.
2. Secondary suppression, checked by an audit. For each suppressed entry the audit
   bounds its value by linear programming (HiGHS, as bundled with scipy) subject to
   every published value and every linear relation of the table (equalities for
   additive axes; "margin <= sum of cells" and "cell <= margin" otherwise) and
   non-negativity. The entry is protected when max - min >= the protection width
   (default k). Complementary cells are added greedily, cheapest (smallest count)
   first, until the audit passes (disclosure_audit.py, disclosure_lp.py: how the audit
   stays fast without weakening it).
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
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

DEFAULT_K = 11
DEFAULT_ROUNDING_BASE = 5
TOTAL = "Total"
STATE_VERSION = 1
SKETCH_BUCKETS = 64
BLANK = "(blank)"  # the category of a person whose value is empty


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
    people (optional): for tables that count something other than people (cases,
    referrals), the distinct people behind each entry, keyed like sketches (missing
    entries: the count). Primary suppression uses min(count, people).
    within (optional): table_ids of tables of the same release, with the same axes,
    that count a superset of these people (this table is one filter of them): the
    engine audits them together so that subtracting them gives nothing away
    (disclosure_nested.py); complements go to this table only.
    slice (optional): (variable, value) of the filter that makes this table within
    its outer tables; tables within one outer table sliced by one variable are
    disjoint, so their remainder (the other values) is protected too.
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
    people: Mapping[tuple[str, str], int] | None = field(default=None, compare=False, hash=False)
    within: tuple[str, ...] = ()
    slice: tuple[str, str] | None = None


@dataclass(frozen=True)
class OneWayTable:
    """Counts of distinct people by one variable, with the total given separately.
    sketches and people (optional) are keyed by category, TOTAL for the total."""

    table_id: str
    universe: str
    axis: Axis
    counts: tuple[int, ...]
    total: int
    sketches: Mapping[str, PeopleSketch] | None = field(default=None, compare=False, hash=False)
    people: Mapping[str, int] | None = field(default=None, compare=False, hash=False)
    within: tuple[str, ...] = ()
    slice: tuple[str, str] | None = None


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
    # How the audit settled it (disclosure_lp.Verdict): for a protected entry the true
    # interval contains [lower, upper] ("rectangle": a rectangle of suppressed entries
    # moved; "tables": consistent tables found by the programme; "programme": its exact
    # min and max when solved, later suppressions only widen it). For an entry that
    # could not be protected, [lower, upper] contains every value it can take ("line":
    # the only suppressed entry of a line). Derived from true counts: confidential.
    method: str = "programme"

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
        """Read what `to_json` wrote (a dict, or its JSON text); DisclosureError if malformed."""
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except json.JSONDecodeError as error:
                raise DisclosureError(f"the release state is not JSON: {error.msg}") from None
        if not isinstance(data, Mapping) or data.get("version") != STATE_VERSION:
            raise DisclosureError(f"the release state is not version {STATE_VERSION} of the format")
        raw = data.get("entries")
        if not isinstance(raw, Mapping):
            raise DisclosureError("the release state has no entries")
        entries: dict[str, StoredEntry] = {}
        for identity, item in raw.items():
            count = item.get("count") if isinstance(item, Mapping) else "?"
            sketch = item.get("sketch") if isinstance(item, Mapping) else "?"
            if count is not None and (not isinstance(count, int) or count < 0):
                raise DisclosureError(f"the release state has a bad count for {identity}")
            if sketch is not None and (
                not isinstance(sketch, list) or not all(isinstance(b, str) for b in sketch)
            ):
                raise DisclosureError(f"the release state has a bad sketch for {identity}")
            entries[str(identity)] = StoredEntry(count, None if sketch is None else tuple(sketch))
        return cls(entries)


@dataclass(frozen=True)
class ProtectedRelease:
    """Every table of a release, and the state to give the next release."""

    tables: tuple[ProtectedTable, ...]
    state: ReleaseState
    epsilon_spent: float  # sequential composition: epsilon times the number of tables


def sketch_people(person_keys: Iterable[str], secret: bytes, identity: str = "") -> PeopleSketch:
    """Sketch the set of people an entry counts. person_keys are the caller's stable
    keys for people (e.g. HMAC of the person's id), secret a stable installation secret:
    the same people always give the same sketch. identity: the entry's `cell_identity`.

    Two sketches differ in at most one bucket per changed person, so the count of
    differing buckets (`people_changed`) is a lower bound on the people changed.
    """
    people = sorted(set(person_keys))
    counts = [0] * SKETCH_BUCKETS
    sums = [0] * SKETCH_BUCKETS
    for key in people:
        digest = hmac.new(secret, key.encode("utf-8"), hashlib.sha256).digest()
        bucket = digest[0] % SKETCH_BUCKETS
        counts[bucket] += 1
        sums[bucket] = (sums[bucket] + int.from_bytes(digest[1:9], "big")) % 2**64
    # Each bucket's digest is keyed by the entry too, so that an empty bucket cannot be
    # recognised by comparing entries: the sketch does not show how many people it holds.
    return PeopleSketch(
        tuple(
            hmac.new(
                secret, f"{identity}|{b}|{counts[b]}|{sums[b]}".encode(), hashlib.sha256
            ).hexdigest()[:16]
            for b in range(SKETCH_BUCKETS)
        )
    )


def cell_identity(universe: str, conditions: Mapping[str, str]) -> str:
    """Canonical identity of an entry: what it counts, independent of the table."""
    return json.dumps(
        [universe, sorted(conditions.items())], ensure_ascii=False, separators=(",", ":")
    )


def random_round(value: int, base: int, seed: bytes, identity: str) -> int:
    """Unbiased random rounding of value to a multiple of base: up with probability
    (value mod base) / base, the random number drawn from HMAC(seed, identity)."""
    if base == 1 or value % base == 0:
        return value
    digest = hmac.new(seed, identity.encode("utf-8"), hashlib.sha256).digest()
    uniform = int.from_bytes(digest[:8], "big") / 2**64
    lower = value - value % base
    return lower + base if uniform < (value % base) / base else lower


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
    rows_of, cols_of, keys = _people(records, (row_variable, col_variable), person_key, separator)
    row_names = _categories(rows_of.values())
    col_names = _categories(cols_of.values())
    additive = separator is None
    cells = {(r, c): set() for r in row_names for c in col_names}  # type: dict[tuple[str, str], set[str]]
    by_row: dict[str, set[str]] = {r: set() for r in row_names}
    by_col: dict[str, set[str]] = {c: set() for c in col_names}
    for person in keys:
        for r in rows_of[person]:
            by_row[r].add(person)
            for c in cols_of[person]:
                cells[r, c].add(person)
        for c in cols_of[person]:
            by_col[c].add(person)
    sketches = None
    if sketch_secret is not None:
        people: dict[tuple[str, str], Iterable[str]] = dict(cells)
        people.update({(r, TOTAL): v for r, v in by_row.items()})
        people.update({(TOTAL, c): v for c, v in by_col.items()})
        people[TOTAL, TOTAL] = keys
        sketches = {
            position: sketch_people(
                members,
                sketch_secret,
                cell_identity(universe, _conditions(row_variable, col_variable, *position)),
            )
            for position, members in people.items()
        }
    return TwoWayTable(
        table_id=table_id,
        universe=universe,
        rows=Axis(row_variable, row_names, additive),
        cols=Axis(col_variable, col_names, additive),
        cells=tuple(tuple(len(cells[r, c]) for c in col_names) for r in row_names),
        row_totals=tuple(len(by_row[r]) for r in row_names),
        col_totals=tuple(len(by_col[c]) for c in col_names),
        grand_total=len(keys),
        sketches=sketches,
    )


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
    values_of, _, keys = _people(records, (variable,), person_key, separator)
    names = _categories(values_of.values())
    groups: dict[str, set[str]] = {name: set() for name in names}
    for person in keys:
        for value in values_of[person]:
            groups[value].add(person)
    sketches = None
    if sketch_secret is not None:
        sketches = {
            name: sketch_people(
                groups[name], sketch_secret, cell_identity(universe, {variable: name})
            )
            for name in names
        }
        sketches[TOTAL] = sketch_people(keys, sketch_secret, cell_identity(universe, {}))
    return OneWayTable(
        table_id=table_id,
        universe=universe,
        axis=Axis(variable, names, separator is None),
        counts=tuple(len(groups[name]) for name in names),
        total=len(keys),
        sketches=sketches,
    )


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
    from harbour.reports.disclosure_release import protect

    return protect(tables, rules, seed, previous)


def audit(
    table: TwoWayTable | OneWayTable,
    suppressed: Iterable[tuple[str, str]],
    *,
    published: Mapping[tuple[str, str], tuple[float, float]] | None = None,
) -> list[Bounds]:
    """Bounds of every suppressed entry ((row, col), TOTAL for margins) by linear
    programming. By default published entries are known exactly (the worst case);
    `published` gives instead an interval per published entry (what rounding leaves)."""
    from harbour.reports.disclosure_release import audit_layout

    return audit_layout(table, suppressed, published)


def people_changed(old: Sequence[str], new: Sequence[str]) -> int:
    """Lower bound on the people that differ between two sketches of one entry."""
    if len(old) != len(new):
        return 2**31
    return sum(1 for a, b in zip(old, new, strict=True) if a != b)


def _conditions(row_variable: str, col_variable: str, row: str, col: str) -> dict[str, str]:
    conditions = {}
    if row != TOTAL:
        conditions[row_variable] = row
    if col != TOTAL:
        conditions[col_variable] = col
    return conditions


def _categories(values: Iterable[frozenset[str]]) -> tuple[str, ...]:
    names = sorted(set().union(*values)) if values else []
    if TOTAL in names:
        raise DisclosureError(f"a category is named {TOTAL!r}, the name kept for margins")
    return tuple(names)


def _people(
    records: Iterable[Mapping[str, str]],
    variables: Sequence[str],
    person_key: str | None,
    separator: str | None,
) -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]], set[str]]:
    """Each person's categories on (up to) two variables, people keyed by person_key
    (or by their position when every record is one person)."""
    first: dict[str, frozenset[str]] = {}
    second: dict[str, frozenset[str]] = {}
    for number, record in enumerate(records, start=1):
        key = str(number) if person_key is None else (record.get(person_key) or "").strip()
        if not key:
            raise DisclosureError(f"record {number} has no {person_key}")
        for variable, target in zip(variables, (first, second), strict=False):
            if variable not in record:
                raise DisclosureError(f"record {number} has no value for {variable!r}")
            raw = (record[variable] or "").strip()
            parts = [raw] if separator is None else [p.strip() for p in raw.split(separator)]
            values = frozenset(p or BLANK for p in parts if p or len(parts) == 1)
            known = target.get(key)
            if known is not None and separator is None and known != values:
                raise DisclosureError(
                    f"person {key} has two values for {variable!r}, which counts each person once"
                )
            target[key] = values if known is None else known | values
    return first, second, set(first)
