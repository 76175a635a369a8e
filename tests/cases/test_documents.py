"""Case documents: size and type limits by content, encrypted at rest under
random names, downloads and deletions audited, other organisations kept out."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from harbour.audit.models import AuditEvent
from harbour.audit.services import Actor
from harbour.cases import documents, services
from harbour.cases.documents import DocumentRefused
from harbour.cases.models import Document

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\nRosa Example pay slip\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
HEIC = b"\x00\x00\x00\x18ftypheic" + b"\x00" * 16


def office(kind: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        if kind == "odt":
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
            archive.writestr("content.xml", "<office/>")
        else:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml" if kind == "docx" else "xl/workbook.xml", "<x/>")
    return out.getvalue()


def upload(client, case, data, name, content_type="application/octet-stream"):
    url = reverse("cases:document_list", args=[case.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, data, content_type)})


@pytest.mark.parametrize(
    ("data", "name", "kind"),
    [
        (PDF, "slip.pdf", "pdf"),
        (PNG, "photo.png", "png"),
        (JPEG, "photo.JPG", "jpeg"),
        (HEIC, "photo.heic", "heic"),
        (office("docx"), "letter.docx", "docx"),
        (office("xlsx"), "hours.xlsx", "xlsx"),
        (office("odt"), "letter.odt", "odt"),
        ("Heures travaillées".encode(), "hours.txt", "text"),
    ],
)
def test_it_recognises_every_allowed_kind_by_its_bytes(data, name, kind):
    assert documents.check_upload(data, name).code == kind


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"MZ\x90\x00program", "slip.pdf", "cannot be kept"),
        (PNG, "slip.pdf", "content is PNG"),
        (PDF, "slip.exe", "content is PDF"),
        (b"", "empty.txt", "empty"),
        (b"\x00\x01binary", "notes.txt", "cannot be kept"),
    ],
)
def test_it_refuses_files_whose_bytes_are_not_what_is_allowed(data, name, message):
    with pytest.raises(DocumentRefused, match=message):
        documents.check_upload(data, name)


def test_a_macro_enabled_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<x/>")
        archive.writestr("xl/vbaProject.bin", "macro")
    with pytest.raises(DocumentRefused):
        documents.check_upload(out.getvalue(), "hours.xlsx")


def test_an_upload_is_stored_encrypted_under_a_random_name(signed_in, caseworker, case, settings):
    response = upload(signed_in(caseworker), case, PDF, "Rosa Example pay slip.pdf", "image/png")
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.kind == "pdf"
    assert document.original_name == "Rosa Example pay slip.pdf"
    stored = list(settings.DOCUMENT_ROOT.glob("*.bin"))
    assert [path.name for path in stored] == [f"{document.storage_name}.bin"]
    raw = stored[0].read_bytes()
    assert b"Rosa" not in raw and b"%PDF" not in raw
    assert "Rosa" not in document.storage_name
    event = AuditEvent.objects.get(action="document.upload")
    assert event.detail == {"document": str(document.pk), "kind": "pdf", "size": len(PDF)}


def test_the_original_file_name_is_encrypted_in_the_database(caseworker, case):
    from django.db import connection

    services.upload_document(Actor(user=caseworker), case, PDF, "Rosa Example.pdf")
    with connection.cursor() as cursor:
        cursor.execute("SELECT original_name FROM cases_document")
        (stored,) = cursor.fetchone()
    assert stored.startswith("hb1:")
    assert "Rosa" not in stored


def test_an_oversized_file_is_refused_with_a_clear_message(signed_in, caseworker, case, settings):
    settings.UPLOAD_MAX_MB = 1
    big = b"%PDF-1.7\n" + b"0" * (1024 * 1024 + 10)
    response = upload(signed_in(caseworker), case, big, "big.pdf")
    assert response.status_code == 400
    assert "larger than 1 MB" in response.content.decode()
    assert not Document.objects.exists()
    assert not list(settings.DOCUMENT_ROOT.glob("*.bin"))


def test_a_wrong_type_is_refused_with_a_clear_message(signed_in, caseworker, case, settings):
    response = upload(
        signed_in(caseworker), case, b"#!/bin/sh\x00\x01", "run.pdf", "application/pdf"
    )
    assert response.status_code == 400
    assert "cannot be kept" in response.content.decode()
    assert not Document.objects.exists()


def test_a_download_is_an_audited_attachment_that_is_never_cached(signed_in, caseworker, case):
    document = services.upload_document(Actor(user=caseworker), case, PDF, "slip.pdf")
    url = reverse("cases:document_download", args=[case.pk, document.pk])
    response = signed_in(caseworker).get(url)
    assert response.status_code == 200
    assert response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="slip.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="document.download")
    assert event.detail == {"document": str(document.pk), "via": "web"}


def test_deleting_removes_the_file_and_is_audited(
    signed_in, caseworker, case, document_root, django_capture_on_commit_callbacks
):
    document = services.upload_document(Actor(user=caseworker), case, PDF, "slip.pdf")
    assert len(list(document_root.glob("*.bin"))) == 1
    url = reverse("cases:document_delete", args=[case.pk, document.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(caseworker).post(url)
    assert response.status_code == 302
    assert not Document.objects.exists()
    assert not list(document_root.glob("*.bin"))
    assert AuditEvent.objects.filter(action="document.delete").count() == 1


def test_an_intruder_gets_404_for_another_organisations_document(
    signed_in, caseworker, intruder, case
):
    document = services.upload_document(Actor(user=caseworker), case, PDF, "slip.pdf")
    client = signed_in(intruder)
    assert (
        client.get(reverse("cases:document_download", args=[case.pk, document.pk])).status_code
        == 404
    )
    assert (
        client.post(reverse("cases:document_delete", args=[case.pk, document.pk])).status_code
        == 404
    )
    assert Document.objects.count() == 1
    assert not AuditEvent.objects.filter(action="document.download").exists()


def test_an_analyst_gets_403_on_documents(signed_in, caseworker, analyst, case):
    document = services.upload_document(Actor(user=caseworker), case, PDF, "slip.pdf")
    client = signed_in(analyst)
    assert client.get(reverse("cases:document_list", args=[case.pk])).status_code == 403
    assert (
        client.get(reverse("cases:document_download", args=[case.pk, document.pk])).status_code
        == 403
    )


def test_the_service_refuses_another_organisations_case(intruder, case):
    with pytest.raises(services.NotAllowed):
        services.upload_document(Actor(user=intruder), case, PDF, "slip.pdf")
    assert not Document.objects.exists()
