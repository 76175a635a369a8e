"""The latest public release of the Advocate statistics, for /help/<language>/statistics/.

Releases are made and disclosure-controlled by the reports app; the public site
only shows the one marked public, as published, and its tables as CSV. Nothing is
counted or computed here. Table labels exist in English and French (the reports
app's languages): a page in another language shows them in English, marked so
that a screen reader reads them as English.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import translation

from harbour.reports.charts import Chart
from harbour.reports.figures import Figure, TableView
from harbour.reports.models import Release
from harbour.reports.publication import (
    latest_public_release,
    public_table_entries,
    public_tables,
)


@dataclass(frozen=True)
class PublicStatistics:
    release: Release
    left_out: Figure
    tables: list[tuple[TableView, Chart]]
    tables_language: str  # "en" or "fr"


def latest_release() -> Release | None:
    return latest_public_release()


def statistics_in(language_code: str) -> PublicStatistics | None:
    """The public release with its tables labelled for a page in that language."""
    release = latest_public_release()
    if release is None:
        return None
    tables_language = "fr" if language_code == "fr" else "en"
    with translation.override(tables_language):
        tables = public_tables(release)
    return PublicStatistics(
        release=release,
        left_out=Figure(release.left_out_count, release.left_out_flag),
        tables=tables,
        tables_language=tables_language,
    )


def table_entries(key: str) -> list[list[Any]] | None:
    """`[row, col, count, flag]` entries of one table of the public release."""
    release = latest_public_release()
    return None if release is None else public_table_entries(release, key)
