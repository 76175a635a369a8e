"""What the public site shows: the latest release marked public, as plain
dataclasses with labels in English and French.

    from harbour.reports.publication import latest_public_release

    release = latest_public_release()   # None when no release is public
    release.title, release.counted_on   # str, datetime.date
    release.left_out                    # PublicCell: people left out for lack of consent
    for table in release.tables:        # PublicTable, in release order
        table.title_en, table.title_fr, table.unit
        table.rows, table.cols          # (code, label_en, label_fr), display order
        table.cells                     # PublicCell(row, col, count, flag); margins "Total"

`count` is the published (rounded) value, None when `flag` is "suppressed":
show it as "suppressed", never as 0. Nothing here names a case or a person.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import translation

from harbour.reports.models import Release, ReleaseStatus
from harbour.reports.releases import table_definition
from harbour.reports.tables import UNIT_LABELS, Dimension


@dataclass(frozen=True)
class PublicCell:
    row: str
    col: str
    count: int | None
    flag: str


@dataclass(frozen=True)
class PublicTable:
    key: str
    title_en: str
    title_fr: str
    unit: str
    row_label_en: str
    row_label_fr: str
    col_label_en: str
    col_label_fr: str
    rows: tuple[tuple[str, str, str], ...]
    cols: tuple[tuple[str, str, str], ...]
    cells: tuple[PublicCell, ...]


@dataclass(frozen=True)
class PublicRelease:
    title: str
    counted_on: datetime.date
    published_at: datetime.datetime | None
    left_out: PublicCell
    tables: tuple[PublicTable, ...]


def _both(text: object) -> tuple[str, str]:
    with translation.override("en"):
        english = str(text)
    with translation.override("fr"):
        french = str(text)
    return english, french


def _categories(dimension: Dimension) -> tuple[tuple[str, str, str], ...]:
    with translation.override("en"):
        english = dimension.categories()
    with translation.override("fr"):
        french = dict(dimension.categories())
    return tuple((code, label, french.get(code, label)) for code, label in english)


def latest_public_release() -> PublicRelease | None:
    """The most recently counted published release marked public, or None."""
    release = (
        Release.objects.filter(status=ReleaseStatus.PUBLISHED, is_public=True)
        .order_by("-as_of", "-published_at")
        .first()
    )
    if release is None:
        return None
    tables = []
    for stored in release.tables.all():
        definition = table_definition(stored.key)
        if definition is None:
            continue
        title_en, title_fr = _both(definition.title)
        rows_en, rows_fr = _both(definition.rows.label)
        cols_en, cols_fr = _both(definition.cols.label)
        tables.append(
            PublicTable(
                key=stored.key,
                title_en=title_en,
                title_fr=title_fr,
                unit=str(definition.unit),
                row_label_en=rows_en,
                row_label_fr=rows_fr,
                col_label_en=cols_en,
                col_label_fr=cols_fr,
                rows=_categories(definition.rows),
                cols=_categories(definition.cols),
                cells=tuple(PublicCell(str(r), str(c), n, str(f)) for r, c, n, f in stored.cells),
            )
        )
    return PublicRelease(
        title=release.title,
        counted_on=release.as_of,
        published_at=release.published_at,
        left_out=PublicCell("left_out", "Total", release.left_out_count, release.left_out_flag),
        tables=tuple(tables),
    )


__all__ = ["UNIT_LABELS", "PublicCell", "PublicRelease", "PublicTable", "latest_public_release"]
