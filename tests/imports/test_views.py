"""The import pages: upload, map, check, start, follow the progress."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from harbour.cases.models import Person
from harbour.imports.models import ImportJob, ImportStatus
from tests.imports.conftest import csv_bytes


def test_a_supervisor_imports_a_spreadsheet_from_upload_to_done(
    signed_in, supervisor, django_capture_on_commit_callbacks
):
    client = signed_in(supervisor)
    response = client.post(
        reverse("imports:import_new"), {"file": SimpleUploadedFile("people.csv", csv_bytes(4))}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:import_mapping", args=[job.pk])

    page = client.get(reverse("imports:import_mapping", args=[job.pk]))
    assert page.context["form"].initial["pseudonym"] == "0"
    assert page.context["form"].initial["legal_name"] == "1"
    mapping = {name: str(index) for name, index in job.mapping.items()}
    client.post(reverse("imports:import_mapping", args=[job.pk]), mapping)

    preview = client.get(reverse("imports:import_preview", args=[job.pk]))
    assert b"4 rows are ready" in preview.content
    assert b"Tree0" in preview.content, "the first rows are shown as they will be saved"
    assert not Person.objects.exists(), "the dry run writes nothing"

    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("imports:import_commit", args=[job.pk]))
    assert started["Location"] == reverse("imports:import_progress", args=[job.pk])
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE
    assert Person.objects.count() == 4

    progress = client.get(reverse("imports:import_progress", args=[job.pk]))
    assert b"4 people and cases imported" in progress.content
    assert b'value="100"' in progress.content


def test_the_progress_endpoint_answers_htmx_with_a_fragment_that_polls_while_running(
    signed_in, supervisor, checked_job
):
    ImportJob.objects.filter(pk=checked_job.pk).update(status=ImportStatus.RUNNING)
    from harbour.imports.services import _write_progress

    _write_progress(checked_job.pk, 2)
    response = signed_in(supervisor).get(
        reverse("imports:import_progress", args=[checked_job.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert b"<h1" not in response.content
    assert b'hx-trigger="every 1s"' in response.content
    assert b"2 of 5 rows" in response.content
    assert b'value="40"' in response.content


def test_a_file_of_the_wrong_type_is_refused_and_nothing_is_kept(signed_in, supervisor):
    response = signed_in(supervisor).post(
        reverse("imports:import_new"), {"file": SimpleUploadedFile("people.docx", b"PK\x03\x04zz")}
    )
    assert response.status_code == 400
    assert b"not named .xlsx" in response.content
    assert not ImportJob.objects.exists()


def test_the_intruder_gets_404_on_every_page_of_our_import(signed_in, intruder, checked_job):
    client = signed_in(intruder)
    for name in ("import_mapping", "import_preview", "import_progress"):
        assert client.get(reverse(f"imports:{name}", args=[checked_job.pk])).status_code == 404
    for name in ("import_commit", "import_discard"):
        assert client.post(reverse(f"imports:{name}", args=[checked_job.pk])).status_code == 404
    checked_job.refresh_from_db()
    assert checked_job.status == ImportStatus.CHECKED


def test_analysts_and_caseworkers_get_403(signed_in, analyst, caseworker, checked_job):
    for user in (analyst, caseworker):
        client = signed_in(user)
        assert client.get(reverse("imports:import_new")).status_code == 403
        url = reverse("imports:import_progress", args=[checked_job.pk])
        assert client.get(url).status_code == 403


def test_the_recent_imports_list_shows_only_our_organisations_jobs(
    signed_in, supervisor, checked_job, their_job
):
    response = signed_in(supervisor).get(reverse("imports:import_new"))
    assert list(response.context["jobs"]) == [checked_job]
