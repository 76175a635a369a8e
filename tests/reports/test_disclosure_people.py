"""People behind counts of cases, empty lines, tables within tables: the engine's
rules that the property tests do not reach (pure)."""

from __future__ import annotations

import pytest

from harbour.reports.disclosure import (
    TOTAL,
    Axis,
    DisclosureError,
    OneWayTable,
    Reason,
    Rules,
    TwoWayTable,
    cell_identity,
    protect_release,
    protect_table,
)
from harbour.reports.disclosure_release import layout

ROWS = Axis("province", ("ON", "QC"))
COLS = Axis("year", ("2025", "2026"))


def cases_table(people: dict[tuple[str, str], int] | None) -> TwoWayTable:
    """Cases by province and year: ON 2025 has 14 cases."""
    return TwoWayTable(
        table_id="cases",
        universe="cases",
        rows=ROWS,
        cols=COLS,
        cells=((14, 40), (30, 25)),
        row_totals=(54, 55),
        col_totals=(44, 65),
        grand_total=109,
        people=people,
    )


def test_fourteen_cases_of_five_people_are_suppressed_as_five_people() -> None:
    result = protect_table(cases_table({("ON", "2025"): 5}), Rules(rounding_base=1), b"s")
    assert result.entry("ON", "2025").reason is Reason.SMALL_COUNT
    assert result.entry("ON", "2025").count is None


def test_fourteen_cases_of_twelve_people_are_published() -> None:
    result = protect_table(cases_table({("ON", "2025"): 12}), Rules(rounding_base=1), b"s")
    assert result.entry("ON", "2025").count == 14


def test_without_people_counts_the_cases_decide() -> None:
    result = protect_table(cases_table(None), Rules(rounding_base=1), b"s")
    assert all(not e.suppressed for e in result.entries)


def test_a_line_whose_people_are_all_in_one_cell_is_a_whole_line() -> None:
    # QC: 30 cases in 2025, 25 in 2026, but the 20 people of QC all had a 2025 case.
    people = {("QC", "2025"): 20, ("QC", "2026"): 18, ("QC", TOTAL): 20}
    result = protect_table(cases_table(people), Rules(rounding_base=1), b"s")
    assert result.entry("QC", "2025").reason is Reason.WHOLE_LINE


@pytest.mark.parametrize(
    ("people", "message"),
    [
        ({("NS", "2025"): 3}, "a people count for ('NS', '2025'), not an entry"),
        ({("ON", "2025"): 0}, "counts 14 but 0 people"),
        ({("ON", "2025"): -2}, "whole numbers >= 0"),
    ],
)
def test_a_bad_people_count_is_named(people: dict[tuple[str, str], int], message: str) -> None:
    with pytest.raises(DisclosureError, match=message.replace("(", r"\(").replace(")", r"\)")):
        protect_table(cases_table(people), Rules(), b"s")


def test_a_one_way_table_takes_people_counts_by_category() -> None:
    table = OneWayTable(
        table_id="referrals",
        universe="referrals",
        axis=Axis("need", ("housing", "legal", "health")),
        counts=(30, 25, 40),
        total=95,
        people={"housing": 9, TOTAL: 60},
    )
    result = protect_table(table, Rules(rounding_base=1), b"s")
    assert result.entry("housing").count is None
    assert result.entry("health").count == 40


def test_entry_identities_are_those_of_cell_identity() -> None:
    for rows, cols in ((ROWS, COLS), (COLS, ROWS), (Axis("x", ("é", '"q')), Axis("x", ("a",)))):
        table = TwoWayTable(
            table_id="t",
            universe="people:org1:é",
            rows=rows,
            cols=cols,
            cells=tuple((0,) * len(cols.categories) for _ in rows.categories),
            row_totals=(0,) * len(rows.categories),
            col_totals=(0,) * len(cols.categories),
            grand_total=0,
        )
        lay = layout(table)
        for (row, col), identity in zip(lay.positions, lay.identities, strict=True):
            conditions = {}
            if row != TOTAL:
                conditions[rows.variable] = row
            if col != TOTAL:
                conditions[cols.variable] = col
            assert identity == cell_identity(table.universe, conditions)


def test_a_zero_in_an_empty_line_stays_published_when_its_other_line_is_whole() -> None:
    """250 provinces by 4 sectors with two people groups: the zeros of the empty
    provinces say nothing their zero totals do not, so they are not hidden, and the
    table is not hidden around them."""
    rows = Axis("row", tuple(f"r{i}" for i in range(250)))
    cols = Axis("col", ("a", "b", "c", "d"))
    cells = [[0, 0, 0, 0] for _ in range(250)]
    cells[3][1], cells[100][2] = 5, 40
    table = TwoWayTable(
        table_id="sparse",
        universe="people",
        rows=rows,
        cols=cols,
        cells=tuple(tuple(line) for line in cells),
        row_totals=tuple(sum(line) for line in cells),
        col_totals=tuple(sum(line[c] for line in cells) for c in range(4)),
        grand_total=45,
    )
    result = protect_table(table, Rules(), b"s")
    assert result.entry("r57", "b").count == 0 and result.entry("r57", TOTAL).count == 0
    assert result.entry("r3", "b").suppressed and result.entry("r100", "c").suppressed
    assert sum(e.suppressed for e in result.entries) < 20


def test_a_table_within_one_that_is_not_in_the_release_is_named() -> None:
    inner = TwoWayTable(
        table_id="women",
        universe="people:gender=woman",
        rows=ROWS,
        cols=COLS,
        cells=((14, 40), (30, 25)),
        row_totals=(54, 55),
        col_totals=(44, 65),
        grand_total=109,
        within=("everyone",),
    )
    with pytest.raises(DisclosureError, match="within everyone, which is not in the release"):
        protect_release([inner], Rules(), b"s")


def test_a_table_within_another_that_counts_more_people_is_named() -> None:
    outer = cases_table(None)
    inner = TwoWayTable(
        table_id="women",
        universe="cases:gender=woman",
        rows=ROWS,
        cols=COLS,
        cells=((15, 40), (30, 25)),
        row_totals=(55, 55),
        col_totals=(45, 65),
        grand_total=110,
        within=("cases",),
    )
    with pytest.raises(DisclosureError, match="women count more people than cases"):
        protect_release([outer, inner], Rules(), b"s")


def test_a_table_within_another_with_other_categories_is_named() -> None:
    inner = TwoWayTable(
        table_id="women",
        universe="cases:gender=woman",
        rows=ROWS,
        cols=Axis("year", ("2026",)),
        cells=((1,), (2,)),
        row_totals=(1, 2),
        col_totals=(3,),
        grand_total=3,
        within=("cases",),
    )
    with pytest.raises(DisclosureError, match="axes or categories differ"):
        protect_release([cases_table(None), inner], Rules(), b"s")
