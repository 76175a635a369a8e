"""What the public site may show: the latest release marked public.

    from harbour.reports.publication import latest_public_release, public_tables

    release = latest_public_release()      # None when no release is public
    for view, chart in public_tables(release):   # labels in the active language
        ...

Only published values are stored in a release (a rounded count, or None with
the flag "suppressed"): nothing here names a case or a person, and nothing is
counted again.
"""

from __future__ import annotations

from typing import Any

from harbour.reports.charts import Chart, bar_chart
from harbour.reports.figures import TableView, table_view
from harbour.reports.models import Release, ReleaseStatus
from harbour.reports.releases import table_definition

# Waiting times are a different shape (days per protection), shown to staff only.
NOT_ON_THE_PUBLIC_SITE = frozenset({"gap_times"})


def latest_public_release() -> Release | None:
    """The most recently counted published release marked public, or None."""
    return (
        Release.objects.filter(status=ReleaseStatus.PUBLISHED, is_public=True)
        .order_by("-as_of", "-published_at")
        .first()
    )


def public_tables(release: Release) -> list[tuple[TableView, Chart]]:
    """Each public table of the release with its bar chart, in release order."""
    charted: list[tuple[TableView, Chart]] = []
    for stored in release.tables.all():
        definition = table_definition(stored.key)
        if definition is None or stored.key in NOT_ON_THE_PUBLIC_SITE:
            continue
        view = table_view(definition, stored.cells)
        charted.append((view, bar_chart(view, len(charted))))
    return charted


def public_table_entries(release: Release, key: str) -> list[list[Any]] | None:
    """The stored entries of one public table, or None if it is not public."""
    if key in NOT_ON_THE_PUBLIC_SITE:
        return None
    stored = release.tables.filter(key=key).first()
    return None if stored is None else list(stored.cells)
