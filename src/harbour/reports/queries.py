"""The SQL behind every table: GROUP BY over statistics profiles (one row per
person, so COUNT(*) there counts distinct people), over cases, referrals and
network mentions. Only people whose consent to anonymised statistics is in
force on the counting day are counted (`cases.consent.with_consent`).

Each count returns a `Counted`: cells and margins by category code, and (for
releases) a people sketch per entry: per bucket, the sum of the profiles'
sketch values, which changes whenever someone joins or leaves the entry.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractYear

from harbour.cases.consent import with_consent
from harbour.cases.models import Case, ConsentPurpose, Person
from harbour.directory.models import OutsideReferral, Referral
from harbour.networks.models import Mention
from harbour.networks.services import consented_mentions
from harbour.reports import disclosure
from harbour.reports.grouping import GroupRow, grouping_key, profile_groups
from harbour.reports.models import StatisticsProfile
from harbour.reports.tables import (
    BEFORE_FIRST_YEAR,
    FIRST_YEAR,
    OTHER_COUNTRY,
    SPAN_CODES,
    UNKNOWN,
    Dimension,
    TableDefinition,
    Unit,
)

STATISTICS = ConsentPurpose.STATISTICS
TOTAL = disclosure.TOTAL
SKETCH_BUCKETS = 64

# The profile column behind each people dimension.
PROFILE_FIELDS = {
    "province": "province",
    "sector": "sector",
    "nationality": "nationality",
    "gender": "gender",
    "age_band": "age_band",
    "year": "first_contact_year",
}


@dataclass(frozen=True)
class Scope:
    """Whose data and which day: one organisation (None: the whole
    installation), the counting day, and fixed filter values (people tables)."""

    organisation_id: int | None
    as_of: datetime.date
    filters: tuple[tuple[str, str], ...] = ()

    @property
    def filter_map(self) -> dict[str, str]:
        return dict(self.filters)


@dataclass
class Counted:
    rows: tuple[str, ...]
    cols: tuple[str, ...]
    cells: dict[tuple[str, str], int] = field(default_factory=dict)
    row_totals: dict[str, int] = field(default_factory=dict)
    col_totals: dict[str, int] = field(default_factory=dict)
    total: int = 0
    # (row, col) with TOTAL for margins -> per-bucket sums; only when asked.
    sketches: dict[tuple[str, str], list[int]] | None = None


def year_code(year: int | None) -> str:
    if year is None:
        return UNKNOWN
    return BEFORE_FIRST_YEAR if year < FIRST_YEAR else str(year)


def category_code(dimension: Dimension, raw: Any, known: set[str]) -> str:
    """The category a stored value counts under ("" and unlisted values: not recorded)."""
    if dimension.key == "year":
        code = year_code(raw)
        return code if code in known else UNKNOWN
    text = "" if raw is None else str(raw)
    if text in known:
        return text
    if dimension.key == "nationality" and text:
        return OTHER_COUNTRY
    return UNKNOWN


# --- Universes -----------------------------------------------------------------------


def consented_profiles(scope: Scope) -> QuerySet[StatisticsProfile]:
    profiles = with_consent(StatisticsProfile.objects.all(), STATISTICS, on=scope.as_of)
    if scope.organisation_id is not None:
        profiles = profiles.filter(organisation_id=scope.organisation_id)
    for key, value in scope.filters:
        if key == "year":
            if value == UNKNOWN:
                profiles = profiles.filter(first_contact_year__isnull=True)
            elif value == BEFORE_FIRST_YEAR:
                profiles = profiles.filter(first_contact_year__lt=FIRST_YEAR)
            else:
                profiles = profiles.filter(first_contact_year=int(value))
        elif key == "province" and value == UNKNOWN:
            profiles = profiles.filter(province="")
        else:
            profiles = profiles.filter(**{PROFILE_FIELDS[key]: value})
    return profiles


def consented_people_count(scope: Scope) -> int:
    people = with_consent(Person.objects.all(), STATISTICS, on=scope.as_of)
    if scope.organisation_id is not None:
        people = people.filter(organisation_id=scope.organisation_id)
    return people.count()


def left_out_count(scope: Scope) -> int:
    """People of the scope whose consent to statistics is not in force: all
    of them less those counted. Two counts the planner answers with a scan
    and a semi-join, where "NOT EXISTS (a person with consent)" asked the
    consents once per person."""
    people = Person.objects.all()
    if scope.organisation_id is not None:
        people = people.filter(organisation_id=scope.organisation_id)
    return people.count() - consented_people_count(scope)


# --- People tables over profiles -------------------------------------------------------


def has_form(forms: str, code: str) -> bool:
    """Whether a profile's "|a|b|" forms count under the form category `code`
    ("none": no form recorded), as `forms__contains` would match it in SQL."""
    return forms == "" if code == "none" else f"|{code}|" in forms


def _add(target: dict[Any, list[int]], key: Any, bucket: int, value: int) -> None:
    target.setdefault(key, [0] * SKETCH_BUCKETS)[bucket] += value


def profile_column(dimension: Dimension) -> str:
    """The profile column a people dimension is grouped by; a multi-valued
    dimension (forms of exploitation) by the stored combination."""
    return "forms" if dimension.multi else PROFILE_FIELDS[dimension.key]


def _people_grouping(definition: TableDefinition) -> tuple[str, ...]:
    return grouping_key((profile_column(definition.rows), profile_column(definition.cols)))


def count_people_tables(
    definitions: Sequence[TableDefinition], scope: Scope, *, sketches: bool = False
) -> dict[str, Counted]:
    """Count people tables of one scope from one grouped pass over the
    consented profiles (reports.grouping), by table key."""
    groups = profile_groups(
        consented_profiles(scope),
        [_people_grouping(definition) for definition in definitions],
        sketches=sketches,
    )
    return {
        definition.key: _people_counted(definition, groups[_people_grouping(definition)], sketches)
        for definition in definitions
    }


def count_people(definition: TableDefinition, scope: Scope, *, sketches: bool = False) -> Counted:
    return count_people_tables([definition], scope, sketches=sketches)[definition.key]


def _people_counted(
    definition: TableDefinition, groups: Sequence[GroupRow], sketches: bool
) -> Counted:
    """Cells, margins and sketches of a people table from its groups. Margins
    of the single-valued side are sums of groups (each person is in one);
    a person with several forms is in several form cells but once in a margin."""
    rows_dim, cols_dim = definition.rows, definition.cols
    transposed = rows_dim.multi
    single, multi = (cols_dim, rows_dim) if transposed else (rows_dim, cols_dim)
    single_field, multi_field = profile_column(single), profile_column(multi)
    known, multi_codes = set(single.codes()), multi.codes()
    multi_known = set(multi_codes)
    cells: dict[tuple[str, str], int] = defaultdict(int)
    single_totals: dict[str, int] = defaultdict(int)
    multi_totals: dict[str, int] = defaultdict(int)
    sketch: dict[tuple[str, str], list[int]] = {}
    for group in groups:
        s_code = category_code(single, group.values[single_field], known)
        single_totals[s_code] += group.people
        if sketches:
            _add(sketch, (s_code, TOTAL), group.bucket, group.sketch_sum)
            _add(sketch, (TOTAL, TOTAL), group.bucket, group.sketch_sum)
        if multi.multi:
            forms = group.values[multi_field] or ""
            m_codes = [code for code in multi_codes if has_form(forms, code)]
        else:
            m_codes = [category_code(multi, group.values[multi_field], multi_known)]
        for m_code in m_codes:
            cells[(s_code, m_code)] += group.people
            multi_totals[m_code] += group.people
            if sketches:
                _add(sketch, (s_code, m_code), group.bucket, group.sketch_sum)
                _add(sketch, (TOTAL, m_code), group.bucket, group.sketch_sum)
    counted = Counted(rows=rows_dim.codes(), cols=cols_dim.codes())
    counted.total = sum(single_totals.values())
    if transposed:
        counted.cells = {(m, s): n for (s, m), n in cells.items()}
        counted.row_totals, counted.col_totals = dict(multi_totals), dict(single_totals)
        if sketches:
            counted.sketches = {_swap(r, c): v for (r, c), v in sketch.items()}
    else:
        counted.cells = dict(cells)
        counted.row_totals, counted.col_totals = dict(single_totals), dict(multi_totals)
        if sketches:
            counted.sketches = sketch
    return counted


def _swap(row: str, col: str) -> tuple[str, str]:
    return (col, row)


# --- Cases, referrals, networks --------------------------------------------------------


def consented_cases(scope: Scope) -> QuerySet[Case]:
    cases = with_consent(
        Case.objects.filter(opened_on__lte=scope.as_of), STATISTICS, on=scope.as_of
    )
    if scope.organisation_id is not None:
        cases = cases.filter(organisation_id=scope.organisation_id)
    return cases


def _additive(definition: TableDefinition, rows: list[tuple[Any, Any, int]]) -> Counted:
    """Cells from (raw row value, raw column value, count); margins are sums."""
    row_codes, col_codes = definition.rows.codes(), definition.cols.codes()
    known_rows, known_cols = set(row_codes), set(col_codes)
    counted = Counted(rows=row_codes, cols=col_codes)
    cells: dict[tuple[str, str], int] = defaultdict(int)
    for raw_row, raw_col, number in rows:
        key = (
            category_code(definition.rows, raw_row, known_rows),
            category_code(definition.cols, raw_col, known_cols),
        )
        cells[key] += number
    counted.cells = dict(cells)
    for (row, col), number in cells.items():
        counted.row_totals[row] = counted.row_totals.get(row, 0) + number
        counted.col_totals[col] = counted.col_totals.get(col, 0) + number
    counted.total = sum(cells.values())
    return counted


def count_cases(definition: TableDefinition, scope: Scope) -> Counted:
    rows = (
        consented_cases(scope)
        .order_by()
        .annotate(year=ExtractYear("opened_on"))
        .values("year", "province")
        .annotate(n=Count("pk"))
    )
    return _additive(definition, [(row["year"], row["province"], row["n"]) for row in rows])


def count_referrals(definition: TableDefinition, scope: Scope) -> Counted:
    cases = consented_cases(scope)
    harbour = (
        Referral.objects.filter(case__in=cases, created_at__date__lte=scope.as_of)
        .order_by()
        .values("need", "kind")
        .annotate(n=Count("pk"))
    )
    outside = (
        OutsideReferral.objects.filter(case__in=cases, created_at__date__lte=scope.as_of)
        .order_by()
        .values("need")
        .annotate(n=Count("pk"))
    )
    rows = [(row["need"] or "none", row["kind"], row["n"]) for row in harbour]
    rows += [(row["need"] or "none", "outside", row["n"]) for row in outside]
    return _additive(definition, rows)


def _span(number: int) -> str:
    return SPAN_CODES[min(number, 3) - 1]


def count_networks(definition: TableDefinition, scope: Scope) -> Counted:
    """Networks (never their names) by how many organisations and provinces
    their consented cases span. A network counts for an organisation's
    dashboard when one of its cases is that organisation's."""
    mentions = with_consent(
        consented_mentions(Mention.objects.filter(entity__network__isnull=False)),
        STATISTICS,
        on=scope.as_of,
    )
    if scope.organisation_id is not None:
        own = mentions.filter(organisation_id=scope.organisation_id).values("entity__network_id")
        mentions = mentions.filter(entity__network_id__in=own)
    spans = (
        mentions.order_by()
        .values("entity__network_id")
        .annotate(
            organisations=Count("organisation", distinct=True),
            provinces=Count("case__province", distinct=True),
            cases=Count("case", distinct=True),
        )
        .filter(cases__gte=2)
    )
    rows = [(_span(row["organisations"]), _span(row["provinces"]), 1) for row in spans]
    return _additive(definition, rows)


def count_tables(
    definitions: Sequence[TableDefinition], scope: Scope, *, sketches: bool = False
) -> dict[str, Counted]:
    """Count many tables of one scope, by table key: the people tables from
    one grouped pass over the profiles, the others one query each. sketches:
    people sketches for the people tables (releases; not the recognition gap's)."""
    from harbour.reports import gap  # gap builds on this module

    people = [d for d in definitions if d.unit == Unit.PEOPLE and d not in gap.GAP_TABLES]
    counted = count_people_tables(people, scope, sketches=sketches) if people else {}
    for definition in definitions:
        if definition in gap.GAP_TABLES:
            counted[definition.key] = gap.count_gap(definition, scope)
        elif definition.key not in counted:  # refuses filters, as for one table
            counted[definition.key] = count(definition, scope)
    return counted


def count(definition: TableDefinition, scope: Scope, *, sketches: bool = False) -> Counted:
    if definition.unit == Unit.PEOPLE:
        return count_people(definition, scope, sketches=sketches)
    if scope.filters:
        raise ValueError("filters apply to people tables only")
    if definition.unit == Unit.CASES:
        return count_cases(definition, scope)
    if definition.unit == Unit.REFERRALS:
        return count_referrals(definition, scope)
    return count_networks(definition, scope)


# --- To the engine ---------------------------------------------------------------------


def universe(definition: TableDefinition, scope: Scope) -> str:
    """What the table's entries count, part of every entry's identity: the
    same count reached through two tables is one entry (one rounding)."""
    whose = "all" if scope.organisation_id is None else f"org{scope.organisation_id}"
    filters = ",".join(f"{key}={value}" for key, value in scope.filters)
    # The recognition gap counts among people with a qualifying reading only.
    unit = "screened-people" if definition.key.startswith("gap_") else definition.unit
    return f"{unit}:{whose}:{filters}"


def sketch_of(buckets: list[int] | None) -> disclosure.PeopleSketch:
    return disclosure.PeopleSketch(tuple(str(value) for value in (buckets or [0] * SKETCH_BUCKETS)))


def to_engine_table(
    definition: TableDefinition, scope: Scope, counted: Counted
) -> disclosure.TwoWayTable:
    sketches: Mapping[tuple[str, str], disclosure.PeopleSketch] | None = None
    if counted.sketches is not None:
        keys = [(r, c) for r in counted.rows for c in counted.cols]
        keys += [(r, TOTAL) for r in counted.rows] + [(TOTAL, c) for c in counted.cols]
        keys.append((TOTAL, TOTAL))
        sketches = {key: sketch_of(counted.sketches.get(key)) for key in keys}
    return disclosure.TwoWayTable(
        table_id=definition.key,
        universe=universe(definition, scope),
        rows=disclosure.Axis(definition.rows.key, counted.rows, additive=not definition.rows.multi),
        cols=disclosure.Axis(definition.cols.key, counted.cols, additive=not definition.cols.multi),
        cells=tuple(
            tuple(counted.cells.get((r, c), 0) for c in counted.cols) for r in counted.rows
        ),
        row_totals=tuple(counted.row_totals.get(r, 0) for r in counted.rows),
        col_totals=tuple(counted.col_totals.get(c, 0) for c in counted.cols),
        grand_total=counted.total,
        sketches=sketches,
    )
