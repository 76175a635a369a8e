"""Imports through the real background-job path: django-tasks' database backend
(django-tasks-db) and its worker, as `harbour serve` runs them."""

from __future__ import annotations

import base64
import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from harbour.audit.services import Actor, verify_chain
from harbour.cases.models import Case, Person
from harbour.imports import services
from harbour.imports.models import ImportStatus

# The worker opens its own transactions, as in production: these tests commit
# for real (and the tables are emptied afterwards).
pytestmark = pytest.mark.django_db(transaction=True)
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())


@override_settings(TASKS=DATABASE_TASKS)
def test_a_queued_import_waits_for_the_worker_and_the_worker_runs_it(supervisor, checked_job):
    services.queue_import(Actor(user=supervisor), checked_job)
    checked_job.refresh_from_db()
    assert checked_job.status == ImportStatus.QUEUED  # nothing ran in the request
    assert DBTaskResult.objects.count() == 1
    assert not Person.objects.exists()
    run_worker()
    checked_job.refresh_from_db()
    assert checked_job.status == ImportStatus.DONE
    assert Case.objects.count() == 5
    assert verify_chain().intact


@override_settings(TASKS=DATABASE_TASKS)
def test_a_job_that_fails_in_the_worker_leaves_nothing_and_can_be_queued_again(
    supervisor, checked_job, django_capture_on_commit_callbacks
):
    # The stored file loses a required cell after it was checked: the worker
    # finds the bad row half-way and the whole import rolls back.
    lines = services._file_bytes(checked_job).decode().splitlines()
    lines[3] = "," + lines[3].split(",", 1)[1]  # the pseudonym of the third row, gone
    checked_job.payload = base64.b64encode("\n".join(lines).encode()).decode("ascii")
    checked_job.save(update_fields=["payload"])
    with django_capture_on_commit_callbacks(execute=True):
        services.queue_import(Actor(user=supervisor), checked_job)
    run_worker()
    checked_job.refresh_from_db()
    assert checked_job.status == ImportStatus.FAILED
    assert not Person.objects.exists() and not Case.objects.exists()
    assert verify_chain().intact
