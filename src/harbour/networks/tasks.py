"""The background task that runs a full re-linkage (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from harbour.networks.services import run_linkage


@task()
def run_linkage_task(run_id: str) -> int:
    """Arguments are JSON: the run's id as text. Returns the entities written."""
    return run_linkage(run_id).entities
