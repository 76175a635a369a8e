"""Importing people and cases from a spreadsheet: upload, map, check, run.

1. `upload_spreadsheet` checks size and type, reads the whole file once
   within the limits (HARBOUR_IMPORT_*: columns, cell length, rows, an
   .xlsx's unzipped size and ratio; core.spreadsheets), keeps it encrypted
   inside the job as canonical CSV and guesses the column mapping from the
   headers (English or French).
2. `check_import` applies a mapping and reads every row (a dry run): the job
   keeps the number of rows and the row-by-row problems (row, column, what is
   wrong; never a cell value). Nothing else is written.
3. `queue_import` hands a checked job without problems to django-tasks.
4. `run_import` (the task) creates each person and case through
   `cases.services.open_case_for_new_person`, so encryption, blind indexes
   and audit events are exactly those of a person typed in by hand, inside
   ONE transaction that also marks the job done: a job that stops for any
   reason (an error, a killed worker, a lost database connection) leaves no
   person, case or event behind, and can be queued again.

Progress cannot be read from the job row while the import's transaction is
open (other connections see the row as it was), so the worker writes the
count to a small file in the data folder, which the progress page reads.
The trade-off: on SQLite the import holds the database's single write lock
until it commits, so other writes wait (up to the 20 s busy timeout) while a
large file imports; on PostgreSQL only the organisation's case counter is
held. docs/imports.md says more.
"""

from __future__ import annotations

import base64
import datetime
import os
import time
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from harbour.accounts.models import ORG_WIDE_CASE_ROLES, Membership
from harbour.audit.services import Actor, record
from harbour.cases.bulk import NewCase, open_cases_in_bulk
from harbour.cases.services import NotAllowed
from harbour.core.spreadsheets import (
    DEFAULT_MAX_BYTES,
    Sheet,
    SpreadsheetError,
    canonical_csv,
    detect_kind,
    guess_mapping,
    open_sheet,
)
from harbour.imports.models import ImportJob, ImportStatus
from harbour.imports.rows import TARGETS_BY_NAME, ParsedRow, known_headers, parse_row

MAX_ERRORS = 1000
# A running job whose progress has not moved for this long is taken as dead
# (its worker was killed) and may be queued again.
STALLED_AFTER = datetime.timedelta(minutes=5)


class ImportRefused(ValueError):
    """The file or the job cannot go further; the message says why, for people."""


class ImportInterrupted(RuntimeError):
    """Raised on purpose to stop a job half-way (tests and the benchmark)."""


def require_importer(actor: Actor) -> Membership:
    membership: Membership | None = getattr(actor.user_or_none, "membership", None)
    if membership is None or membership.role not in ORG_WIDE_CASE_ROLES:
        raise NotAllowed(_("Only supervisors and organisation admins import spreadsheets."))
    return membership


def _require_own(membership: Membership, job: ImportJob) -> None:
    if job.organisation_id != membership.organisation_id:
        raise NotAllowed(_("Imports of another organisation cannot be changed."))


def _file_bytes(job: ImportJob) -> bytes:
    if not job.payload:
        raise ImportRefused(_("The file of this import has been deleted."))
    return base64.b64decode(job.payload)


def open_job_sheet(job: ImportJob) -> Sheet:
    try:
        return open_sheet(_file_bytes(job), canonical=True)
    except SpreadsheetError as error:
        raise ImportRefused(str(error)) from None


def upload_spreadsheet(actor: Actor, data: bytes, filename: str) -> ImportJob:
    membership = require_importer(actor)
    if len(data) > DEFAULT_MAX_BYTES:
        raise ImportRefused(
            _("The file is larger than %(limit)s MB.")
            % {"limit": DEFAULT_MAX_BYTES // (1024 * 1024)}
        )
    # The whole file is read once, here, with every limit (HARBOUR_IMPORT_*)
    # checked on the way; a refusal leaves nothing behind.
    try:
        kind = detect_kind(data, filename)
        # Kept as canonical CSV: checked, then imported, it is read twice,
        # and an .xlsx is slow to parse (core.spreadsheets.canonical_csv).
        canonical = canonical_csv(data, filename)
        sheet = open_sheet(canonical, canonical=True)
    except SpreadsheetError as error:
        raise ImportRefused(str(error)) from None
    mapping = guess_mapping(sheet.headers, known_headers())
    with transaction.atomic():
        job = ImportJob.objects.create(
            organisation_id=membership.organisation_id,
            created_by=actor.user_or_none,
            kind=kind,
            size=len(data),
            payload=base64.b64encode(canonical).decode("ascii"),
            mapping=mapping,
        )
        record(actor, "import.upload", job, detail={"kind": kind, "size": len(data)})
    return job


def clean_mapping(job: ImportJob, mapping: Mapping[str, Any]) -> dict[str, int]:
    """Only known fields, only columns the file has, each column once."""
    columns = len(open_job_sheet(job).headers)
    cleaned: dict[str, int] = {}
    for name, column in mapping.items():
        if name not in TARGETS_BY_NAME or column in (None, ""):
            continue
        index = int(column)
        if not 0 <= index < columns:
            raise ImportRefused(_("The mapping names a column the file does not have."))
        if index in cleaned.values():
            raise ImportRefused(_("A column can be used for one field only."))
        cleaned[name] = index
    if "pseudonym" not in cleaned:
        raise ImportRefused(_("Choose the column that holds the pseudonym."))
    return cleaned


def parsed_rows(job: ImportJob) -> Iterator[ParsedRow]:
    sheet = open_job_sheet(job)
    mapping = job.mapping
    for row in sheet.rows:
        yield parse_row(row.number, {name: row.get(index) for name, index in mapping.items()})


def check_import(actor: Actor, job: ImportJob, mapping: Mapping[str, Any]) -> ImportJob:
    """The dry run: every row is read and checked; nothing but the report is kept."""
    _require_own(require_importer(actor), job)
    if job.status not in (ImportStatus.UPLOADED, ImportStatus.CHECKED, ImportStatus.FAILED):
        raise ImportRefused(_("This import has already started."))
    job.mapping = clean_mapping(job, mapping)
    errors: list[dict[str, Any]] = []
    error_count = 0
    total = 0
    try:
        for parsed in parsed_rows(job):
            total += 1
            error_count += len(parsed.problems)
            for problem in parsed.problems:
                if len(errors) < MAX_ERRORS:
                    errors.append(problem.as_dict())
    except SpreadsheetError as error:
        raise ImportRefused(str(error)) from None
    if not total:
        raise ImportRefused(_("The file has a header row but no rows to import."))
    with transaction.atomic():
        job.total_rows = total
        job.errors = errors
        job.error_count = error_count
        job.status = ImportStatus.CHECKED
        job.failure = ""
        job.save(
            update_fields=["mapping", "total_rows", "errors", "error_count", "status", "failure"]
        )
        record(
            actor,
            "import.check",
            job,
            detail={"rows": total, "problems": error_count, "fields": sorted(job.mapping)},
        )
    return job


def can_queue(job: ImportJob) -> bool:
    if job.status == ImportStatus.CHECKED:
        return job.error_count == 0
    return job.status == ImportStatus.FAILED or is_stalled(job)


def queue_import(actor: Actor, job: ImportJob) -> ImportJob:
    _require_own(require_importer(actor), job)
    if not can_queue(job):
        raise ImportRefused(_("Only a checked import without problems can be started."))
    with transaction.atomic():
        job.status = ImportStatus.QUEUED
        job.failure = ""
        job.rows_done = 0
        job.save(update_fields=["status", "failure", "rows_done"])
        record(actor, "import.queue", job, detail={"rows": job.total_rows})
    from harbour.imports.tasks import run_import_task

    # After commit, so that a worker in another process sees the queued job.
    transaction.on_commit(lambda: run_import_task.enqueue(str(job.pk)))
    return job


def discard_import(actor: Actor, job: ImportJob) -> None:
    """Delete the file now; the job row stays as the record that it happened."""
    _require_own(require_importer(actor), job)
    if job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING) and not is_stalled(job):
        raise ImportRefused(_("A running import cannot be discarded."))
    with transaction.atomic():
        job.payload = ""
        job.status = ImportStatus.DISCARDED
        job.save(update_fields=["payload", "status"])
        record(actor, "import.discard", job)
    _progress_path(job.pk).unlink(missing_ok=True)


# --- Progress, outside the import's transaction ---------------------------------------


def _progress_path(job_id: uuid.UUID) -> Path:
    return Path(settings.DATA_DIR) / "imports" / f"{job_id}.progress"


def _write_progress(job_id: uuid.UUID, rows_done: int) -> None:
    path = _progress_path(job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(str(rows_done), encoding="ascii")
    os.replace(temporary, path)


def rows_done(job: ImportJob) -> int:
    if job.status != ImportStatus.RUNNING:
        return job.rows_done
    try:
        return int(_progress_path(job.pk).read_text(encoding="ascii") or 0)
    except (OSError, ValueError):
        return 0


def is_stalled(job: ImportJob) -> bool:
    if job.status != ImportStatus.RUNNING:
        return False
    try:
        last = datetime.datetime.fromtimestamp(
            _progress_path(job.pk).stat().st_mtime, tz=datetime.UTC
        )
    except OSError:
        last = job.started_at or job.created_at
    return timezone.now() - last > STALLED_AFTER


# --- The job itself ------------------------------------------------------------------


def _start(job_id: uuid.UUID) -> ImportJob | None:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status != ImportStatus.QUEUED:
            return None  # already taken by another worker, or discarded
        job.status = ImportStatus.RUNNING
        job.started_at = timezone.now()
        job.finished_at = None
        job.rows_done = 0
        job.attempts += 1
        job.save(update_fields=["status", "started_at", "finished_at", "rows_done", "attempts"])
    _write_progress(job.pk, 0)
    return job


def run_import(job_id: uuid.UUID | str, *, interrupt_after: int | None = None) -> int:
    """Import every row of a queued job in one transaction; returns the cases created."""
    job = _start(uuid.UUID(str(job_id)))
    if job is None:
        return 0
    actor = Actor(user=job.created_by, ip_address="import")
    started = time.monotonic()
    try:
        _require_own(require_importer(actor), job)
        with transaction.atomic():
            created = open_cases_in_bulk(
                actor,
                _new_cases(job, interrupt_after),
                progress=lambda done: _write_progress(job.pk, done),
            )
            job.status = ImportStatus.DONE
            job.rows_done = created
            job.payload = ""  # the file is deleted with the same commit
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "rows_done", "payload", "finished_at"])
            record(
                actor,
                "import.commit",
                job,
                detail={"created": created, "seconds": round(time.monotonic() - started, 1)},
            )
    except Exception as error:
        _fail(job, actor, error)
        raise
    finally:
        _progress_path(job.pk).unlink(missing_ok=True)
    return created


def _new_cases(job: ImportJob, interrupt_after: int | None) -> Iterator[NewCase]:
    """The checked rows as cases to open; a row with problems stops everything
    (the file changed since it was checked), and so does a test's interruption."""
    for number, parsed in enumerate(parsed_rows(job), start=1):
        if parsed.problems:
            raise ImportRefused(_("A row has problems; check the file again."))
        if interrupt_after is not None and number > interrupt_after:
            raise ImportInterrupted(f"stopped on purpose after {interrupt_after} rows")
        yield NewCase(parsed.person, parsed.case, parsed.forms)


def _fail(job: ImportJob, actor: Actor, error: Exception) -> None:
    # The message of our own refusals is written for people; anything else is
    # named by its class only, since its text could quote a cell.
    if isinstance(error, ImportRefused | NotAllowed):
        reason = str(error)
    else:
        reason = _(
            "The import stopped (%(error)s); nothing was saved. It can be started again."
        ) % {"error": type(error).__name__}
    with transaction.atomic():
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED,
            rows_done=0,
            failure=reason[:300],
            finished_at=timezone.now(),
        )
        record(actor, "import.fail", job, detail={"error": type(error).__name__})
