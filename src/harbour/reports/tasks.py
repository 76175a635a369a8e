"""The background task that builds a release (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from harbour.reports.services import build_release


@task()
def build_release_task(release_id: str) -> int:
    """Arguments are JSON: the release's id as text. Returns the tables stored."""
    return build_release(release_id).tables.count()
