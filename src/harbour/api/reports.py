"""Statistics endpoints (docs/reports.md, "API").

- Releases (installation-wide, disclosure-controlled) for coalition
  analysts, supervisors, organisation admins and platform admins: the list,
  one release with its tables, one table. Published values only: a count is
  null where the figure is suppressed.
- The live dashboard tables for analysts (every organisation) and for
  supervisors and organisation admins (their own organisation).
Caseworkers get 403: their role has no use for statistics.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any, Literal

from django.http import Http404, HttpRequest
from ninja import Router
from ninja.errors import HttpError

from harbour.api.common import Errors, actor_of, only_query
from harbour.api.schemas import Out
from harbour.reports import access, figures, services
from harbour.reports.models import Release, ReleaseStatus
from harbour.reports.tables import TABLES_BY_KEY

router = Router(tags=["reports"])

Flag = Literal["published", "suppressed", "not_reached"]
TableKey = Literal[tuple(TABLES_BY_KEY)]  # type: ignore[valid-type]


class CellOut(Out):
    row: str
    col: str
    count: int | None
    flag: Flag


class TableOut(Out):
    key: str
    cells: list[CellOut]


class ReleaseOut(Out):
    id: uuid.UUID
    title: str
    counted_on: datetime.date
    status: Literal["building", "published", "failed"]
    public: bool
    epsilon: float | None
    left_out: CellOut | None
    tables: list[str]


class ReleaseDetailOut(ReleaseOut):
    table_cells: list[TableOut]


def _cells(entries: list[list[Any]]) -> list[dict[str, Any]]:
    return [{"row": str(r), "col": str(c), "count": n, "flag": f} for r, c, n, f in entries]


def _release_out(release: Release) -> dict[str, Any]:
    published = release.status == ReleaseStatus.PUBLISHED
    return {
        "id": release.pk,
        "title": release.title,
        "counted_on": release.as_of,
        "status": release.status,
        "public": release.is_public,
        "epsilon": release.epsilon,
        "left_out": {
            "row": "left_out",
            "col": "Total",
            "count": release.left_out_count,
            "flag": release.left_out_flag,
        }
        if published
        else None,
        "tables": [table.key for table in release.tables.all()] if published else [],
    }


def _reader(request: HttpRequest, *query: str) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    if not access.can_read_releases(user):
        raise HttpError(403, "Your role does not give access to statistics.")
    only_query(request, *query)
    return user


@router.get("/reports/releases", response={200: list[ReleaseOut], **Errors})
def list_releases(request: HttpRequest) -> Any:
    user = _reader(request)
    return [_release_out(release) for release in access.visible_releases(user)]


@router.get("/reports/releases/{release_id}", response={200: ReleaseDetailOut, **Errors})
def get_release(request: HttpRequest, release_id: str) -> Any:
    release = access.get_release_for(_reader(request), release_id)
    services.record_report_view(actor_of(request), "release_api", release=str(release.pk))
    tables = release.tables.all() if release.status == ReleaseStatus.PUBLISHED else []
    return {
        **_release_out(release),
        "table_cells": [{"key": t.key, "cells": _cells(t.cells)} for t in tables],
    }


@router.get("/reports/releases/{release_id}/tables/{table}", response={200: TableOut, **Errors})
def get_release_table(request: HttpRequest, release_id: str, table: str) -> Any:
    release = access.get_release_for(_reader(request), release_id)
    stored = release.tables.filter(key=table).first()
    if stored is None or release.status != ReleaseStatus.PUBLISHED:
        raise Http404
    return {"key": stored.key, "cells": _cells(stored.cells)}


@router.get("/reports/dashboard/{table}", response={200: TableOut, **Errors})
def get_dashboard_table(request: HttpRequest, table: TableKey) -> Any:  # type: ignore[valid-type]
    user = request.auth  # type: ignore[attr-defined]
    if not access.can_see_dashboard(user):
        raise HttpError(403, "Your role does not give access to the live statistics.")
    only_query(request)
    scope = access.dashboard_scope(user)
    entries = figures.protected_entries(scope)[str(table)]
    services.record_report_view(actor_of(request), "dashboard_api", table=str(table))
    return {"key": str(table), "cells": _cells(entries)}
