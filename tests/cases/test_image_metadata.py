"""Uploaded photos keep no EXIF (GPS included), stay upright, and a file that
claims to be an image but is not gets a clear message (issue 15, finding 7)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, PngImagePlugin

from harbour.audit.services import Actor
from harbour.cases import documents
from harbour.cases.documents import DocumentRefused
from harbour.cases.models import Document
from harbour.cases.services import upload_document

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F


def photo_with_gps(*, orientation: int = 1, size: tuple[int, int] = (40, 20)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[MAKE] = "PhoneMaker"
    exif[ORIENTATION] = orientation
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (43.0, 39.0, 10.0), 3: "W", 4: (79.0, 23.0, 5.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), comment=b"Maria at the shelter")
    return out.getvalue()


def stored_bytes(document: Document) -> bytes:
    return documents.read(document.storage_name)


def test_an_uploaded_jpeg_is_stored_without_exif_or_gps(signed_in, caseworker, case, intruder):
    original = photo_with_gps()
    assert b"PhoneMaker" in original
    response = signed_in(caseworker).post(
        reverse("cases:document_list", args=[case.pk]),
        {"file": SimpleUploadedFile("photo.jpg", original, "image/jpeg")},
    )
    assert response.status_code in (200, 302)
    kept = stored_bytes(Document.objects.get())
    assert b"PhoneMaker" not in kept
    assert b"Maria" not in kept
    with Image.open(io.BytesIO(kept)) as image:
        assert image.format == "JPEG"
        assert not image.getexif()
        assert "exif" not in image.info and "comment" not in image.info


def test_a_rotated_photo_stays_upright_without_its_orientation_tag(caseworker, case, intruder):
    # Orientation 6: the camera was turned, the pixels must be turned 90° to show.
    document = upload_document(
        Actor(user=caseworker), case, photo_with_gps(orientation=6), "turned.jpg"
    )
    with Image.open(io.BytesIO(stored_bytes(document))) as image:
        assert image.size == (20, 40)
        assert ORIENTATION not in image.getexif()


def test_a_png_loses_its_text_chunks(caseworker, case, intruder):
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "Taken at 12 Birch Street")
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "PNG", pnginfo=info)
    document = upload_document(Actor(user=caseworker), case, out.getvalue(), "scan.png")
    kept = stored_bytes(document)
    assert b"Birch Street" not in kept
    assert document.size == len(kept)


def test_a_file_that_claims_to_be_a_jpeg_and_is_not_is_refused_clearly(caseworker, case, intruder):
    with pytest.raises(DocumentRefused) as refused:
        upload_document(
            Actor(user=caseworker), case, b"\xff\xd8\xff" + b"not a photo" * 10, "x.jpg"
        )
    assert "says it is a JPEG image but cannot be read" in str(refused.value)
    assert not Document.objects.exists()


def test_an_intruder_cannot_upload_to_the_case(signed_in, case, intruder):
    response = signed_in(intruder).post(
        reverse("cases:document_list", args=[case.pk]),
        {"file": SimpleUploadedFile("photo.jpg", photo_with_gps(), "image/jpeg")},
    )
    assert response.status_code == 404
    assert not Document.objects.exists()
