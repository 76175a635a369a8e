"""The background task that runs an import (django-tasks)."""

from __future__ import annotations

from django_tasks import task

from harbour.imports.services import run_import


@task()
def run_import_task(job_id: str) -> int:
    """Arguments are JSON: the job's id as text. Returns the cases created."""
    return run_import(job_id)
