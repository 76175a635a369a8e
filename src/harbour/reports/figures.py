"""Protected tables as pages, charts, CSV and the API show them: the live
dashboard (cached) and the views of stored release tables.

Only published values reach here: an entry is a rounded count or
"suppressed". True counts never leave `protect` (the engine keeps them).
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import gettext as _

from harbour.core.crypto import keyed_digest
from harbour.reports import disclosure, queries
from harbour.reports.services import data_version
from harbour.reports.tables import DASHBOARD_TABLES, TABLES_BY_KEY, UNIT_LABELS, TableDefinition

TOTAL = disclosure.TOTAL
DASHBOARD_CACHE_SECONDS = 600
PUBLISHED, SUPPRESSED = "published", "suppressed"


@dataclass(frozen=True)
class Figure:
    count: int | None
    flag: str

    @property
    def suppressed(self) -> bool:
        return self.flag == SUPPRESSED


@dataclass
class TableView:
    """One protected table with its labels in the active language."""

    definition: TableDefinition
    rows: list[tuple[str, str]]
    cols: list[tuple[str, str]]
    figures: dict[tuple[str, str], Figure]
    hidden_zero_rows: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.definition.key

    @property
    def title(self) -> str:
        return str(self.definition.title)

    @property
    def description(self) -> str:
        return str(self.definition.description)

    @property
    def unit_label(self) -> str:
        return str(UNIT_LABELS[self.definition.unit])

    @property
    def row_label(self) -> str:
        return str(self.definition.rows.label)

    @property
    def col_label(self) -> str:
        return str(self.definition.cols.label)

    def figure(self, row: str, col: str) -> Figure:
        return self.figures.get((row, col), Figure(None, SUPPRESSED))

    @property
    def total(self) -> Figure:
        return self.figure(TOTAL, TOTAL)

    @property
    def col_totals(self) -> list[Figure]:
        return [self.figure(TOTAL, code) for code, _label in self.cols]

    @property
    def matrix(self) -> list[tuple[str, list[Figure], Figure]]:
        return [
            (label, [self.figure(code, col) for col, _l in self.cols], self.figure(code, TOTAL))
            for code, label in self.rows
        ]

    @property
    def all_suppressed(self) -> bool:
        cells = [self.figure(r, c) for r, _a in self.rows for c, _b in self.cols]
        return (bool(cells) and all(cell.suppressed for cell in cells)) or not cells

    @property
    def suppressed_count(self) -> int:
        return sum(1 for figure in self.figures.values() if figure.suppressed)


def _is_zero(figure: Figure) -> bool:
    return figure.flag == PUBLISHED and figure.count == 0


def table_view(definition: TableDefinition, entries: Sequence[Sequence[Any]]) -> TableView:
    """From stored [row, col, count, flag] entries; rows and columns whose
    published total is 0 are left out of the page (kept in the CSV)."""
    figures = {(str(r), str(c)): Figure(count, str(flag)) for r, c, count, flag in entries}
    rows = [
        item
        for item in definition.rows.categories()
        if not _is_zero(figures.get((item[0], TOTAL), Figure(None, SUPPRESSED)))
    ]
    cols = [
        item
        for item in definition.cols.categories()
        if not _is_zero(figures.get((TOTAL, item[0]), Figure(None, SUPPRESSED)))
    ]
    hidden = len(definition.rows.categories()) - len(rows)
    return TableView(definition, rows, cols, figures, hidden_zero_rows=hidden)


def entries_of(protected: disclosure.ProtectedTable) -> list[list[Any]]:
    """What is stored and shown: [row, col, count, flag], no reason."""
    return [[e.row, e.col, e.count, e.flag] for e in protected.entries]


def csv_rows(entries: Sequence[Sequence[Any]]) -> list[list[str]]:
    """`row,col,count,flag` as the engine's command line writes them."""
    return [
        [str(r), str(c), "" if count is None else str(count), str(flag)]
        for r, c, count, flag in entries
    ]


def csv_response(filename: str, entries: Sequence[Sequence[Any]]) -> HttpResponse:
    """Published entries as a CSV download (staff pages and the public site alike)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response, lineterminator="\n")
    writer.writerow(["row", "col", "count", "flag"])
    writer.writerows(csv_rows(entries))
    return response


# --- The live dashboard ------------------------------------------------------------------


def dashboard_seed() -> bytes:
    """One stable secret seed for live dashboards: the same figure rounds the
    same way on every visit, so reloading cannot average the rounding away."""
    return keyed_digest("harbour-reports-dashboard-v1", b"").encode("ascii")


def _cache_key(scope: queries.Scope, keys: Sequence[str]) -> str:
    raw = f"{scope.organisation_id}|{scope.as_of}|{scope.filters}|{','.join(keys)}|{data_version()}"
    return "reports:dashboard:" + hashlib.sha256(raw.encode()).hexdigest()


def protected_entries(
    scope: queries.Scope, definitions: Sequence[TableDefinition] = DASHBOARD_TABLES
) -> dict[str, list[list[Any]]]:
    """Count and protect the tables for a scope, cached on the organisation,
    the day, the filters and the data version (any profile, case, consent or
    referral change moves the version)."""
    if scope.filters:  # filters fix a people dimension: the other tables do not apply
        definitions = [definition for definition in definitions if definition.filterable]
    key = _cache_key(scope, [definition.key for definition in definitions])
    cached = cache.get(key)
    if cached is not None:
        return dict(cached)
    counted = queries.count_tables(definitions, scope)
    tables = [
        queries.to_engine_table(definition, scope, counted[definition.key])
        for definition in definitions
    ]
    protected = disclosure.protect_release(tables, disclosure.Rules(), dashboard_seed())
    result = {table.table_id: entries_of(table) for table in protected.tables}
    cache.set(key, result, DASHBOARD_CACHE_SECONDS)
    return result


def dashboard(
    scope: queries.Scope, definitions: Sequence[TableDefinition] = DASHBOARD_TABLES
) -> list[TableView]:
    entries = protected_entries(scope, definitions)
    views = []
    for definition in definitions:
        if definition.key not in entries:
            continue
        view = table_view(definition, entries[definition.key])
        if scope.filters and view.all_suppressed:
            view.notes.append(
                _(
                    "Every figure of this table is suppressed with these filters: too few "
                    "people to show anything safely. Choose fewer or wider filters."
                )
            )
        views.append(view)
    return views


def definition_of(key: str) -> TableDefinition | None:
    return TABLES_BY_KEY.get(key)
