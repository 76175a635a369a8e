"""Upload, check, queue and run an import (imports.services)."""

from __future__ import annotations

import pytest
from django.db import connection

from harbour.audit.models import AuditEvent
from harbour.audit.services import Actor, verify_chain
from harbour.cases.models import Case, Person
from harbour.cases.services import NotAllowed
from harbour.imports import services
from harbour.imports.models import ImportJob, ImportStatus
from tests.imports.conftest import HEADER, csv_bytes, rows


def run_queued(job: ImportJob, **kwargs) -> int:
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED)
    return services.run_import(job.pk, **kwargs)


def test_a_checked_file_imports_every_row_through_the_case_services(supervisor, checked_job):
    assert checked_job.total_rows == 5 and checked_job.error_count == 0
    assert run_queued(checked_job) == 5
    person = Person.objects.get(pseudonym="Tree3")
    assert person.legal_name == "Fictional Person 3"
    assert person.phone_index, "blind indexes are made as for a person typed in"
    assert Case.objects.filter(person=person, province="ON").exists()
    assert AuditEvent.objects.filter(action="person.create").count() == 5
    assert AuditEvent.objects.filter(action="case.create").count() == 5
    assert AuditEvent.objects.get(action="import.commit").detail["created"] == 5
    assert verify_chain().intact


def test_the_file_is_stored_encrypted_and_deleted_after_the_job(supervisor, checked_job):
    with connection.cursor() as cursor:
        cursor.execute("SELECT payload FROM imports_importjob")
        (stored,) = cursor.fetchone()
    assert stored.startswith("hb1:")
    assert "Fictional Person" not in stored
    run_queued(checked_job)
    checked_job.refresh_from_db()
    assert checked_job.status == ImportStatus.DONE
    assert checked_job.payload == ""


def test_a_bad_file_is_refused_before_any_row_is_written(supervisor):
    actor = Actor(user=supervisor)
    with pytest.raises(services.ImportRefused, match=r"Only \.csv and \.xlsx"):
        services.upload_spreadsheet(actor, b"%PDF-1.4 \x00\x01", "people.pdf")
    assert not ImportJob.objects.exists()
    assert not Person.objects.exists()


def test_a_file_with_bad_rows_is_checked_and_cannot_be_started(supervisor):
    actor = Actor(user=supervisor)
    data = (HEADER + rows(2) + "Bad,Someone,31/12/1990,,,Atlantis,,\n").encode()
    job = services.check_import(
        actor,
        services.upload_spreadsheet(actor, data, "p.csv"),
        {"pseudonym": 0, "date_of_birth": 2, "province": 5},
    )
    assert job.error_count == 2
    assert {(e["row"], e["column"]) for e in job.errors} == {(4, "date_of_birth"), (4, "province")}
    assert "Atlantis" not in str(job.errors)
    with pytest.raises(services.ImportRefused):
        services.queue_import(actor, job)
    assert not Person.objects.exists()


def test_an_interrupted_job_leaves_nothing_and_a_rerun_succeeds(supervisor, checked_job):
    events_before = AuditEvent.objects.count()
    with pytest.raises(services.ImportInterrupted):
        run_queued(checked_job, interrupt_after=3)
    checked_job.refresh_from_db()
    assert checked_job.status == ImportStatus.FAILED
    assert "nothing was saved" in checked_job.failure
    assert not Person.objects.exists() and not Case.objects.exists()
    # Only the failure itself is on record: no event for a person that is not there.
    new_actions = list(
        AuditEvent.objects.filter(id__gt=events_before).values_list("action", flat=True)
    )
    assert new_actions == ["import.fail"]
    assert services.can_queue(checked_job)
    services.queue_import(Actor(user=supervisor), checked_job)
    assert services.run_import(checked_job.pk) == 5
    assert Person.objects.count() == 5
    assert verify_chain().intact


def test_a_job_is_run_once_even_if_queued_twice(supervisor, checked_job):
    assert run_queued(checked_job) == 5
    assert services.run_import(checked_job.pk) == 0
    assert Person.objects.count() == 5


def test_caseworkers_and_the_intruder_cannot_touch_an_import(caseworker, intruder, checked_job):
    with pytest.raises(NotAllowed):
        services.upload_spreadsheet(Actor(user=caseworker), csv_bytes(), "p.csv")
    with pytest.raises(NotAllowed):
        services.queue_import(Actor(user=intruder), checked_job)
    with pytest.raises(NotAllowed):
        services.discard_import(Actor(user=intruder), checked_job)


def test_discarding_deletes_the_file(supervisor, checked_job):
    services.discard_import(Actor(user=supervisor), checked_job)
    checked_job.refresh_from_db()
    assert checked_job.payload == "" and checked_job.status == ImportStatus.DISCARDED


def test_a_mapping_must_name_the_pseudonym_and_use_each_column_once(supervisor):
    actor = Actor(user=supervisor)
    job = services.upload_spreadsheet(actor, csv_bytes(), "p.csv")
    with pytest.raises(services.ImportRefused, match="pseudonym"):
        services.check_import(actor, job, {"legal_name": 1})
    with pytest.raises(services.ImportRefused, match="one field only"):
        services.check_import(actor, job, {"pseudonym": 0, "legal_name": 0})
    with pytest.raises(services.ImportRefused, match="does not have"):
        services.check_import(actor, job, {"pseudonym": 0, "legal_name": 40})
