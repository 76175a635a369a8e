"""Importing services from CSV and XLSX: a check first, then all or nothing."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from harbour.audit.models import AuditEvent
from harbour.directory.importer import check_file
from harbour.directory.models import DirectoryUpload, Service
from tests.directory.conftest import GOOD_ROWS, HEADER, xlsx_bytes


def upload(client, data: bytes, name: str = "services.csv"):
    return client.post(
        reverse("directory:service_import"), {"file": SimpleUploadedFile(name, data)}
    )


def test_a_good_csv_is_checked_then_imported_on_confirmation(signed_in, supervisor, organisation):
    client = signed_in(supervisor)
    response = upload(client, (HEADER + GOOD_ROWS).encode())
    assert response.status_code == 200
    assert b"2 services will be imported" in response.content
    assert not Service.objects.exists(), "the check writes nothing"
    pending = DirectoryUpload.objects.get()
    response = client.post(reverse("directory:service_import_commit"), {"upload": pending.pk})
    assert response.status_code == 302
    shelter = Service.objects.get(name="Hébergement d'urgence")
    assert (shelter.needs, shelter.provinces, shelter.languages) == (
        "|housing|safety|",
        "|QC|",
        "|fr|",
    )
    assert shelter.maintained_by == organisation
    assert not DirectoryUpload.objects.exists()
    assert AuditEvent.objects.filter(action="service.create").count() == 2
    assert AuditEvent.objects.filter(action="directory.import").get().detail == {"created": 2}


def test_an_xlsx_with_french_headers_is_read_the_same_way():
    data = xlsx_bytes(
        [
            ["Organisme", "Nom", "Besoins", "Province", "Langues", "Coût"],
            ["Maison Phare (fictif)", "Refuge", "logement", "QC", "fr; en", "gratuit"],
        ]
    )
    report = check_file(data, "services.xlsx")
    assert report.ok, report.problems
    assert report.records[0].languages == "|en|fr|"


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_imported(signed_in, supervisor):
    rows = (
        "Clinic A,Help,legal,ON,en,free,416-555-0150,https://a.example.org,2026-10-01\n"
        "Clinic B,Help,legal,Atlantis,en,free,416-555-0151,,\n"
        "Clinic C,,housing,ON,klingon,cheap,416-555-0152,not a site,01/10/2026\n"
    )
    response = upload(signed_in(supervisor), (HEADER + rows).encode())
    assert response.status_code == 400
    problems = {(p.row, p.column) for p in response.context["report"].problems}
    assert problems == {
        (3, "provinces"),
        (4, "name"),
        (4, "languages"),
        (4, "cost"),
        (4, "website"),
        (4, "last_verified"),
    }
    assert b"Nothing was imported" in response.content
    assert b"Atlantis" not in response.content, "cell values are not echoed"
    assert not Service.objects.exists()
    assert not DirectoryUpload.objects.exists()


def test_a_missing_required_column_is_named(signed_in, supervisor):
    response = upload(signed_in(supervisor), b"provider,name,needs\nA,B,legal\n")
    assert response.status_code == 400
    assert response.context["report"].missing_columns == ["provinces"]
    assert not Service.objects.exists()


def test_a_file_of_the_wrong_type_is_refused(signed_in, supervisor):
    response = upload(signed_in(supervisor), b"\x89PNG\r\n\x1a\n\x00\x00", "logo.png")
    assert response.status_code == 400
    assert b"Only .csv and .xlsx files can be read" in response.content
    assert not Service.objects.exists()


def test_a_file_over_the_size_limit_is_refused(signed_in, supervisor, settings):
    big = (HEADER + GOOD_ROWS * 60_000).encode()
    assert len(big) > 10 * 1024 * 1024
    response = upload(signed_in(supervisor), big)
    assert response.status_code == 400
    assert b"larger than 10 MB" in response.content
    assert not Service.objects.exists()


def test_an_empty_file_is_refused(signed_in, supervisor):
    response = upload(signed_in(supervisor), HEADER.encode())
    assert response.status_code == 400
    assert not Service.objects.exists()


def test_a_caseworker_cannot_import(signed_in, caseworker):
    response = upload(signed_in(caseworker), (HEADER + GOOD_ROWS).encode())
    assert response.status_code == 403
    assert not DirectoryUpload.objects.exists()


def test_the_intruder_cannot_confirm_our_pending_upload(signed_in, supervisor, intruder):
    upload(signed_in(supervisor), (HEADER + GOOD_ROWS).encode())
    pending = DirectoryUpload.objects.get()
    response = signed_in(intruder).post(
        reverse("directory:service_import_commit"), {"upload": pending.pk}
    )
    assert response.status_code == 302
    assert not Service.objects.exists()
    assert DirectoryUpload.objects.exists()
