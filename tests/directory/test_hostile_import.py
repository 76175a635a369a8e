"""Hostile spreadsheets sent to /directory/import/: refused with a clear,
translated message (400), never a server error; nothing is kept or imported
(issue 15, findings 1 and 2). The files are those of tests/imports."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from harbour.directory.importer import check_file
from harbour.directory.models import DirectoryUpload, Service
from tests.directory.conftest import HEADER
from tests.imports.test_hostile_files import (
    billion_laughs,
    external_entity,
    flagged_encrypted,
    one_huge_cell,
    unclosed_sheet,
)

HOSTILE = {
    "unclosed sheet XML": (unclosed_sheet, "damaged"),
    "billion laughs": (billion_laughs, "document type declaration"),
    "external entity": (external_entity, "document type declaration"),
    "entry flagged encrypted": (flagged_encrypted, "encrypted or password-protected"),
    "one huge cell": (lambda: one_huge_cell(3 * 1024 * 1024), "compressed more than"),
}


def upload(client, data: bytes, name: str, **extra):
    return client.post(
        reverse("directory:service_import"), {"file": SimpleUploadedFile(name, data)}, **extra
    )


@pytest.mark.parametrize("kind", sorted(HOSTILE))
def test_a_hostile_xlsx_is_refused_with_a_message_naming_the_problem(signed_in, supervisor, kind):
    build, words = HOSTILE[kind]
    response = upload(signed_in(supervisor), build(), "services.xlsx")
    assert response.status_code == 400
    assert words in response.context["report"].file_problem
    assert words.encode() in response.content
    assert not DirectoryUpload.objects.exists() and not Service.objects.exists()


def test_a_csv_cell_over_the_csv_readers_limit_is_refused_naming_the_row(signed_in, supervisor):
    row = "Clinic A,Help,legal,ON,en,free,416-555-0150,https://a.example.org,2026-10-01\n"
    data = (HEADER + row + "Clinic B," + "z" * 131_073 + ",legal,ON,en,free,,,\n").encode()
    response = upload(signed_in(supervisor), data, "services.csv")
    assert response.status_code == 400
    problem = response.context["report"].file_problem
    assert "row 3" in problem.lower() and "characters" in problem
    assert "zzz" not in problem
    assert not DirectoryUpload.objects.exists()


def test_a_csv_with_twenty_thousand_columns_is_refused_before_its_rows_are_read():
    header = HEADER.strip() + "," + ",".join(f"extra{index}" for index in range(20_000))
    report = check_file((header + "\n").encode(), "services.csv")
    assert "more than 500 columns" in report.file_problem
    assert report.rows_read == 0


def test_the_directory_refusals_are_in_french_for_a_french_interface(signed_in, supervisor):
    client = signed_in(supervisor)
    response = upload(client, billion_laughs(), "services.xlsx", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert "déclaration de type de document" in response.context["report"].file_problem
    response = upload(client, flagged_encrypted(), "services.xlsx", HTTP_ACCEPT_LANGUAGE="fr")
    assert "chiffré" in response.context["report"].file_problem
