"""The latest public release of the Advocate statistics, for /help/<language>/statistics/.

The releases are made and disclosure-controlled by the reports app; the public site
only shows the one its service marks as the latest public release, as published.
Until the reports app offers that service (or while no release is public) there is
no statistics page: nothing is ever computed or invented here.
"""

from __future__ import annotations

from typing import Any

from harbour.reports import services as reports_services


def latest_release() -> Any | None:
    """The reports app's latest public release, or None."""
    latest = getattr(reports_services, "latest_public_release", None)
    return latest() if latest is not None else None
