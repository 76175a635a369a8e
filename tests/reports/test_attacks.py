"""Attacks on published tables, computed as an attacker would, from the published
figures only (the CSV a release offers: row, col, count, flag) and what the method
documents (rounding to base 5, independently rounded margins, the hold of entries
that changed by fewer than k people).

The attacker's tool is an integer programme (scipy's HiGHS MILP, an algorithm and a
formulation of its own, not the engine's audit): every table consistent with what is
published, in whole numbers, and the smallest and largest value of whatever the
attacker wants to know. A count is pinned when that interval is narrower than k (the
engine's protection width): "between 3 and 9" pins a small count; "between 0 and 25"
does not.

Each attack first runs against a naive release (the same figures with the protection
in question left out) to show that it recovers something there: the attacks are
real, and the engine is what defeats them.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from harbour.reports.disclosure import (
    TOTAL,
    ProtectedTable,
    Rules,
    TwoWayTable,
    protect_release,
    random_round,
    tabulate,
)

K = 11
Position = tuple[str, str]


def published(result: ProtectedTable) -> dict[Position, int | None]:
    """What a reader of the release's CSV knows: a count, or nothing."""
    return {(row, col): (int(count) if count else None) for row, col, count, _ in result.rows()}


def truth(table: TwoWayTable) -> dict[Position, int]:
    found: dict[Position, int] = {}
    for r, row in enumerate(table.rows.categories):
        for c, col in enumerate(table.cols.categories):
            found[row, col] = table.cells[r][c]
        found[row, TOTAL] = table.row_totals[r]
    for c, col in enumerate(table.cols.categories):
        found[TOTAL, col] = table.col_totals[c]
    found[TOTAL, TOTAL] = table.grand_total
    return found


class Attacker:
    """Unknown tables of people as integer variables, constraints from publications."""

    def __init__(self, cap: int) -> None:
        self.cap = cap  # no count is above this (the attacker may know a population bound)
        self.low: list[float] = []
        self.high: list[float] = []
        self.rows: list[dict[int, float]] = []
        self.row_low: list[float] = []
        self.row_high: list[float] = []

    def variable(self, low: float = 0, high: float | None = None) -> int:
        self.low.append(max(0.0, low))
        self.high.append(float(self.cap if high is None else min(high, self.cap)))
        return len(self.low) - 1

    def constrain(self, terms: Mapping[int, float], low: float, high: float) -> None:
        self.rows.append(dict(terms))
        self.row_low.append(low)
        self.row_high.append(high)

    def table(self, rows: Sequence[str], cols: Sequence[str]) -> dict[Position, int]:
        """An additive two-way table of people: cells, margins and total."""
        cells = {(r, c): self.variable() for r in [*rows, TOTAL] for c in [*cols, TOTAL]}
        for r in [*rows, TOTAL]:
            self.constrain({**{cells[r, c]: 1.0 for c in cols}, cells[r, TOTAL]: -1.0}, 0, 0)
        for c in [*cols, TOTAL]:
            self.constrain({**{cells[r, c]: 1.0 for r in rows}, cells[TOTAL, c]: -1.0}, 0, 0)
        return cells

    def reads(
        self, cells: Mapping[Position, int], figures: Mapping[Position, int | None], base: int
    ) -> None:
        """A published count p of a count rounded (randomly, unbiased) to `base`: the
        true count is within base - 1 of it. A suppressed one says nothing."""
        for position, count in figures.items():
            if count is not None:
                index = cells[position]
                self.low[index] = max(self.low[index], count - (base - 1))
                self.high[index] = min(self.high[index], count + (base - 1))

    def difference(
        self, minuend: Mapping[Position, int], *subtrahends: Mapping[Position, int]
    ) -> dict[Position, int]:
        """A table of people equal to minuend - sum(subtrahends), entry by entry."""
        result = {}
        for position, index in minuend.items():
            result[position] = self.variable()
            terms = {result[position]: 1.0, index: -1.0}
            for other in subtrahends:
                terms[other[position]] = terms.get(other[position], 0.0) + 1.0
            self.constrain(terms, 0, 0)
        return result

    def interval(self, expression: Mapping[int, float]) -> tuple[float, float]:
        """Smallest and largest value of a linear expression over every integer table
        consistent with what the attacker knows (inf at the cap: unbounded)."""
        size = len(self.low)
        matrix = np.zeros((len(self.rows), size))
        for n, terms in enumerate(self.rows):
            for index, coefficient in terms.items():
                matrix[n, index] += coefficient
        constraints = [LinearConstraint(matrix, self.row_low, self.row_high)] if self.rows else []
        ends = []
        for sign in (1.0, -1.0):
            objective = np.zeros(size)
            for index, coefficient in expression.items():
                objective[index] += sign * coefficient
            solved = milp(
                objective,
                integrality=np.ones(size),
                bounds=Bounds(self.low, self.high),
                constraints=constraints,
            )
            assert solved.status == 0, solved.message  # the true tables are consistent
            ends.append(sign * solved.fun)
        low, high = ends[0], ends[1]
        return low, (math.inf if high >= self.cap - 0.5 else high)


def pinned(interval: tuple[float, float]) -> bool:
    return interval[1] - interval[0] < K - 1e-6


def people(groups: Mapping[tuple[str, ...], int], names: Sequence[str]) -> list[dict[str, str]]:
    records = []
    for values, count in groups.items():
        for _ in range(count):
            records.append({"person": f"p{len(records)}", **dict(zip(names, values, strict=True))})
    return records


def random_groups(rng: random.Random, rows: int, cols: int) -> dict[tuple[str, ...], int]:
    """Counts with the small ones that matter: zeros, 1 to 10, and larger."""
    return {
        (f"r{r}", f"c{c}"): rng.choice([0, 0, 1, 2, 3, 5, 8, 10, 12, 15, 20, 30, 45])
        for r in range(rows)
        for c in range(cols)
    }


def protected_counts(table: TwoWayTable, result: ProtectedTable) -> list[Position]:
    """What must not be pinned: every suppressed entry and every count from 1 to k - 1."""
    figures = published(result)
    return [
        position
        for position, count in truth(table).items()
        if figures[position] is None or 0 < count < K
    ]


# --- Margins against cells -------------------------------------------------------------


def subtract_lines(
    figures: Mapping[Position, int | None], rows: Sequence[str], cols: Sequence[str]
) -> dict[Position, int]:
    """The textbook attack: a line with one unknown entry gives it away, and what is
    learnt is used again until nothing more comes out."""
    known = {p: v for p, v in figures.items() if v is not None}
    lines = [[(r, c) for c in cols] + [(r, TOTAL)] for r in [*rows, TOTAL]]
    lines += [[(r, c) for r in rows] + [(TOTAL, c)] for c in [*cols, TOTAL]]
    learnt: dict[Position, int] = {}
    progress = True
    while progress:
        progress = False
        for line in lines:
            unknown = [p for p in line if p not in known]
            if len(unknown) != 1:
                continue
            cells, margin = line[:-1], line[-1]
            if unknown[0] == margin:
                value = sum(known[p] for p in cells)
            else:
                value = known[margin] - sum(known[p] for p in cells if p != unknown[0])
            known[unknown[0]] = learnt[unknown[0]] = value
            progress = True
    return learnt


GROUPS = {
    ("ON", "agriculture"): 40, ("ON", "care"): 3, ("ON", "hospitality"): 25,
    ("QC", "agriculture"): 30, ("QC", "care"): 22, ("QC", "hospitality"): 18,
    ("BC", "agriculture"): 27, ("BC", "care"): 16, ("BC", "hospitality"): 2,
}  # fmt: skip


def test_subtracting_published_cells_from_margins_recovers_no_suppressed_count() -> None:
    table = tabulate(people(GROUPS, ("province", "sector")), "province", "sector")
    rows, cols = table.rows.categories, table.cols.categories
    # Naive: only the small cells hidden. The subtraction finds them at once.
    naive = {p: (None if 0 < v < K else v) for p, v in truth(table).items()}
    assert subtract_lines(naive, rows, cols) == {("BC", "hospitality"): 2, ("ON", "care"): 3}
    for base in (1, 5):  # exact publication is the attacker's best case
        result = protect_release([table], Rules(k=K, rounding_base=base), b"seed").tables[0]
        figures = published(result)
        if base == 1:
            assert subtract_lines(figures, rows, cols) == {}
        attacker = Attacker(cap=10 * table.grand_total)
        cells = attacker.table(rows, cols)
        attacker.reads(cells, figures, base)
        for position in protected_counts(table, result):
            assert not pinned(attacker.interval({cells[position]: 1.0})), (base, position)


@pytest.mark.parametrize("seed", range(8))
def test_random_tables_give_no_suppressed_count_to_an_integer_programme(seed: int) -> None:
    rng = random.Random(seed)
    groups = random_groups(rng, rng.randint(2, 4), rng.randint(2, 4))
    table = tabulate(people(groups, ("a", "b")), "a", "b")
    result = protect_release([table], Rules(k=K, rounding_base=1), b"s").tables[0]
    attacker = Attacker(cap=10 * table.grand_total + 100)
    cells = attacker.table(table.rows.categories, table.cols.categories)
    attacker.reads(cells, published(result), 1)
    for position in protected_counts(table, result):
        assert not pinned(attacker.interval({cells[position]: 1.0})), position


# --- Unrounding ------------------------------------------------------------------------


def test_unrounding_rounded_cells_and_independently_rounded_margins_pins_nothing() -> None:
    """StatCan's 2021 census tables were unrounded by solving for the exact counts
    consistent with rounded cells and sums (arXiv 2307.13859). The same attack here,
    on two tables of one release that share their province margins."""
    rng = random.Random(2021)
    records = []
    for number in range(400):
        province = rng.choice(["ON", "ON", "ON", "QC", "QC", "BC", "NS"])
        sector = rng.choice(["agriculture", "agriculture", "care", "hospitality", "fishing"])
        gender = rng.choice(["woman", "woman", "man", "man", "another"])
        records.append(
            {"person": f"p{number}", "province": province, "sector": sector, "gender": gender}
        )
    by_sector = tabulate(records, "province", "sector", table_id="sector")
    by_gender = tabulate(records, "province", "gender", table_id="gender")
    # Naive: every count rounded, nothing suppressed. Rounding alone leaves small
    # counts within 4 of a published figure: pinned.
    naive = Attacker(cap=4000)
    naive_cells = naive.table(by_sector.rows.categories, by_sector.cols.categories)
    naive.reads(
        naive_cells, {p: random_round(v, 5, b"n", repr(p)) for p, v in truth(by_sector).items()}, 5
    )
    small = [p for p, v in truth(by_sector).items() if 0 < v < K]
    assert small and all(pinned(naive.interval({naive_cells[p]: 1.0})) for p in small)

    release = protect_release([by_sector, by_gender], Rules(k=K), b"release seed")
    attacker = Attacker(cap=4000)
    first = attacker.table(by_sector.rows.categories, by_sector.cols.categories)
    second = attacker.table(by_gender.rows.categories, by_gender.cols.categories)
    for shared in [*(p for p in first if p[1] == TOTAL)]:  # the same people: one count
        attacker.constrain({first[shared]: 1.0, second[shared]: -1.0}, 0, 0)
    attacker.reads(first, published(release.tables[0]), 5)
    attacker.reads(second, published(release.tables[1]), 5)
    for table, cells, result in (
        (by_sector, first, release.tables[0]),
        (by_gender, second, release.tables[1]),
    ):
        for position in protected_counts(table, result):
            assert not pinned(attacker.interval({cells[position]: 1.0})), (table.table_id, position)


# --- Differencing two releases -----------------------------------------------------------


def differencing_attack(
    before: TwoWayTable,
    first: ProtectedTable,
    second: ProtectedTable,
    left: int,
    base: int,
    held: Iterable[Position],
) -> dict[Position, tuple[float, float]]:
    """The attacker knows that exactly `left` people left between the releases and
    nobody joined, and which entries are held (published as before because fewer
    than k of their people changed). For each cell: how many of the leavers were
    there, at least and at most."""
    rows, cols = before.rows.categories, before.cols.categories
    attacker = Attacker(cap=10 * before.grand_total)
    old, new = attacker.table(rows, cols), attacker.table(rows, cols)
    attacker.reads(old, published(first), base)
    held = set(held)
    attacker.reads(new, {p: v for p, v in published(second).items() if p not in held}, base)
    gone = attacker.difference(old, new)
    attacker.constrain({gone[TOTAL, TOTAL]: 1.0}, left, left)
    for position in held:  # held: fewer than k of its people changed
        attacker.constrain({gone[position]: 1.0}, 0, K - 1)
    return {(r, c): attacker.interval({gone[r, c]: 1.0}) for r in rows for c in cols}


def test_the_difference_of_two_releases_does_not_show_where_the_people_who_left_were() -> None:
    groups = {
        ("ON", "agriculture"): 40, ("ON", "care"): 14, ("ON", "hospitality"): 25,
        ("QC", "agriculture"): 30, ("QC", "care"): 22, ("QC", "hospitality"): 18,
    }  # fmt: skip
    everyone = people(groups, ("province", "sector"))
    leaving = {"p40", "p41", "p42"}  # three people of ON care withdraw their consent
    staying = [record for record in everyone if record["person"] not in leaving]
    secret = b"installation secret"

    def table(records: list[dict[str, str]]) -> TwoWayTable:
        return tabulate(records, "province", "sector", person_key="person", sketch_secret=secret)

    before, after = table(everyone), table(staying)
    rules = Rules(k=K, rounding_base=1)  # exact figures: the attacker's best case
    first = protect_release([before], rules, b"release 1")
    # Naive: the second release protected afresh. Its exact figures give the leavers away.
    naive = protect_release([after], rules, b"release 2").tables[0]
    found = differencing_attack(before, first.tables[0], naive, 3, 1, held=())
    assert found["ON", "care"] == (3, 3)
    for base in (1, 5):
        rules = Rules(k=K, rounding_base=base)
        first = protect_release([before], rules, b"release 1")
        second = protect_release([after], rules, b"release 2", first.state)
        held = [(e.row, e.col) for e in second.tables[0].entries if e.reason.value == "held"]
        # The simplest attacker subtracts the two CSVs: nothing changed.
        assert published(second.tables[0]) == published(first.tables[0])
        found = differencing_attack(before, first.tables[0], second.tables[0], 3, base, held)
        for position, (low, _high) in found.items():
            assert low == 0, (base, position)  # nobody can be shown to have left it


# --- Slicing by filters --------------------------------------------------------------------


def sliced_release(
    records: list[dict[str, str]], rules: Rules, *, declared: bool
) -> tuple[list[TwoWayTable], list[ProtectedTable]]:
    """The dashboard's province x sector table, unfiltered and filtered by gender
    (women, men), each filtered table declared within the unfiltered one."""
    everyone = tabulate(records, "province", "sector", table_id="all", universe="people")
    tables = [everyone]
    for gender in ("woman", "man"):
        sliced = tabulate(
            [r for r in records if r["gender"] == gender], "province", "sector",
            table_id=gender, universe=f"people:gender={gender}",
        )  # fmt: skip
        # the same categories as the unfiltered table (the dashboard's fixed codes)
        sliced = TwoWayTable(
            table_id=gender,
            universe=sliced.universe,
            rows=everyone.rows,
            cols=everyone.cols,
            cells=tuple(
                tuple(
                    sum(
                        1
                        for r in records
                        if r["gender"] == gender and r["province"] == p and r["sector"] == s
                    )
                    for s in everyone.cols.categories
                )
                for p in everyone.rows.categories
            ),
            row_totals=tuple(
                sum(1 for r in records if r["gender"] == gender and r["province"] == p)
                for p in everyone.rows.categories
            ),
            col_totals=tuple(
                sum(1 for r in records if r["gender"] == gender and r["sector"] == s)
                for s in everyone.cols.categories
            ),
            grand_total=sum(1 for r in records if r["gender"] == gender),
            within=("all",) if declared else (),
            slice=("gender", gender) if declared else None,
        )
        tables.append(sliced)
    if declared:
        return tables, list(protect_release(tables, rules, b"dashboard").tables)
    return tables, [protect_release([t], rules, b"dashboard").tables[0] for t in tables]


def slicing_attack(
    tables: list[TwoWayTable], results: list[ProtectedTable], base: int
) -> tuple[Attacker, list[dict[Position, int]], list[dict[Position, int]]]:
    everyone = tables[0]
    attacker = Attacker(cap=10 * everyone.grand_total + 100)
    cells = [attacker.table(everyone.rows.categories, everyone.cols.categories) for _ in tables]
    for variables, result in zip(cells, results, strict=True):
        attacker.reads(variables, published(result), base)
    # Not women, not men, neither: tables of people nobody published.
    hidden = [
        attacker.difference(cells[0], cells[1]),
        attacker.difference(cells[0], cells[2]),
        attacker.difference(cells[0], cells[1], cells[2]),
    ]
    return attacker, cells, hidden


def gendered_people() -> list[dict[str, str]]:
    groups = {
        ("ON", "agriculture", "woman"): 12, ("ON", "agriculture", "man"): 30,
        ("ON", "care", "woman"): 25, ("ON", "care", "man"): 3, ("ON", "care", "another"): 2,
        ("QC", "agriculture", "woman"): 14, ("QC", "agriculture", "man"): 19,
        ("QC", "care", "woman"): 16, ("QC", "care", "man"): 12, ("QC", "care", "another"): 1,
    }  # fmt: skip
    return people(groups, ("province", "sector", "gender"))


def test_subtracting_filtered_tables_from_the_unfiltered_one_pins_no_one() -> None:
    records = gendered_people()
    # Naive: each table protected on its own, exact figures. The subtraction pins
    # the people of another gender in ON care.
    tables, results = sliced_release(records, Rules(k=K, rounding_base=1), declared=False)
    attacker, _cells, hidden = slicing_attack(tables, results, 1)
    assert attacker.interval({hidden[2]["ON", "care"]: 1.0}) == (2, 2)
    for base in (1, 5):
        tables, results = sliced_release(records, Rules(k=K, rounding_base=base), declared=True)
        attacker, cells, hidden = slicing_attack(tables, results, base)
        for table, variables, result in zip(tables, cells, results, strict=True):
            for position in protected_counts(table, result):
                interval = attacker.interval({variables[position]: 1.0})
                assert not pinned(interval), (base, table.table_id, position, interval)
        everyone = truth(tables[0])
        women, men = truth(tables[1]), truth(tables[2])
        for name, variables, minus in (
            ("not women", hidden[0], [women]),
            ("not men", hidden[1], [men]),
            ("neither", hidden[2], [women, men]),
        ):
            for position, index in variables.items():
                count = everyone[position] - sum(m[position] for m in minus)
                if 0 < count < K:
                    interval = attacker.interval({index: 1.0})
                    assert not pinned(interval), (base, name, position, count, interval)
        # The unfiltered table keeps the pattern it has on its own.
        alone = protect_release([tables[0]], Rules(k=K, rounding_base=base), b"dashboard").tables[0]
        assert [e.suppressed for e in alone.entries] == [e.suppressed for e in results[0].entries]


@pytest.mark.parametrize("seed", range(6))
def test_random_populations_sliced_by_gender_pin_no_one(seed: int) -> None:
    rng = random.Random(seed)
    records = []
    for number in range(rng.randint(40, 160)):
        records.append(
            {
                "person": f"p{number}",
                "province": rng.choice(["ON", "ON", "QC", "BC"]),
                "sector": rng.choice(["agriculture", "care", "care", "hospitality"]),
                "gender": rng.choice(["woman", "woman", "man", "man", "another"]),
            }
        )
    for base in (1, 5):
        tables, results = sliced_release(records, Rules(k=K, rounding_base=base), declared=True)
        attacker, cells, hidden = slicing_attack(tables, results, base)
        everyone, women, men = (truth(t) for t in tables)
        for table, variables, result in zip(tables, cells, results, strict=True):
            for position in protected_counts(table, result):
                assert not pinned(attacker.interval({variables[position]: 1.0})), position
        for variables, minus in (
            (hidden[0], [women]),
            (hidden[1], [men]),
            (hidden[2], [women, men]),
        ):
            for position, index in variables.items():
                if 0 < everyone[position] - sum(m[position] for m in minus) < K:
                    assert not pinned(attacker.interval({index: 1.0})), (base, position)
