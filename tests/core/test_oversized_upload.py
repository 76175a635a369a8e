"""A multipart POST past the upload limit answers 413 with the normal "file too
large" message, on every page (signed in or not) and in the API, never a server
error from inside the CSRF middleware (issue 15, finding 3)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from harbour.cases.models import Document
from harbour.cases.uploads import upload_limit
from tests.conftest import sign_in

MB = 1024 * 1024


def too_big() -> dict[str, object]:
    """A form whose one file is past the largest upload Harbour takes (20 MB)."""
    return {"file": SimpleUploadedFile("scan.pdf", b"%PDF-" + b"0" * (upload_limit() + MB))}


def strict_client() -> Client:
    """A client that goes through the CSRF check as a browser does (the default
    test client skips it, and with it the place the upload is first read)."""
    return Client(enforce_csrf_checks=True)


def test_an_oversized_post_to_the_login_page_gets_413_before_sign_in():
    response = strict_client().post(reverse("accounts:login"), too_big())
    assert response.status_code == 413
    assert b"The file is larger than 20 MB." in response.content
    assert b"<h1>Too large</h1>" in response.content, "the normal layout, not a bare page"
    assert b"Go back and send a smaller file." in response.content


def test_a_urlencoded_body_past_the_memory_limit_gets_413():
    response = strict_client().post(
        reverse("accounts:login"),
        "username=" + "x" * (3 * MB),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413


def test_the_413_page_is_in_french_for_a_french_browser():
    response = strict_client().post(reverse("accounts:login"), too_big(), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 413
    assert "Le fichier dépasse 20 Mo." in response.content.decode()


def test_an_oversized_post_to_the_case_list_gets_413(caseworker):
    client = sign_in(strict_client(), caseworker)
    response = client.post(reverse("cases:case_list"), too_big())
    assert response.status_code == 413
    assert b"The file is larger than 20 MB." in response.content


def test_an_oversized_document_upload_gets_413_and_keeps_nothing(caseworker, case):
    client = sign_in(strict_client(), caseworker)
    response = client.post(reverse("cases:document_list", args=[case.pk]), too_big())
    assert response.status_code == 413
    assert b"The file is larger than 20 MB." in response.content
    assert not Document.objects.exists()


def test_an_oversized_upload_through_the_default_test_client_gets_413_too(signed_in, supervisor):
    """Without the CSRF read, the view is the first to read the upload."""
    response = signed_in(supervisor).post(reverse("imports:import_new"), too_big())
    assert response.status_code == 413


def test_form_fields_past_the_memory_limit_get_413_not_400():
    fields = {"username": "x" * (3 * MB), "password": "y"}
    response = strict_client().post(reverse("accounts:login"), fields)
    assert response.status_code == 413
    assert b"What was sent is larger than" in response.content


def test_an_oversized_multipart_post_to_the_api_gets_a_json_413(token_for, caseworker, case):
    client = Client(headers={"Authorization": f"Bearer {token_for(caseworker)}"})
    response = client.post(f"/api/v1/cases/{case.pk}/documents", too_big())
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "The file is larger than 20 MB."}


def test_an_oversized_api_post_gets_413_even_without_a_token():
    response = Client().post("/api/v1/cases", too_big())
    assert response.status_code == 413
    assert response.json()["detail"] == "The file is larger than 20 MB."


@pytest.mark.parametrize("path", ["/accounts/login/", "/api/v1/cases"])
def test_a_small_post_still_reaches_the_page(path):
    response = strict_client().post(path, {"username": "nobody", "password": "wrong"})
    assert response.status_code in (200, 401, 403)


def test_an_oversized_post_to_the_public_self_check_gets_413_on_the_public_page_without_a_cookie(
    db,
):
    response = Client().post(reverse("public:selfcheck", args=["en"]), too_big())
    assert response.status_code == 413
    assert b"We could not read this request." in response.content
    assert b"/accounts/" not in response.content, "never the staff layout on the public site"
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies
