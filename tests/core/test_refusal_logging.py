"""Refusals (403, 404, 400) are logged in one line, without a traceback, a query
string or a path value; a server error keeps its traceback (issue 15, finding 11).

140,000 probing requests wrote 67 MB of tracebacks, one per 403: the log that
should show an attack buried it. And a path such as /cases/HB-2026-0001/ (a case
reference typed into the address bar) must not reach the log either
(docs/data-classification.md: references and pseudonyms never in URLs or logs).
"""

from __future__ import annotations

import io
import logging
import sys
import uuid

import pytest
from django.test import Client

from harbour.core.logging import OneLineRefusals


def the_one_line(console: io.StringIO) -> str:
    """What the request logged, asserted to be a single line with no traceback."""
    lines = [line for line in console.getvalue().splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert "Traceback" not in console.getvalue()
    return lines[0]


def test_a_403_is_logged_in_one_line_without_a_traceback_or_the_path_value(
    signed_in, caseworker, console_output: io.StringIO
):
    network_id = uuid.uuid4()
    response = signed_in(caseworker).get(f"/networks/{network_id}/?q=Birch")
    assert response.status_code == 403
    line = the_one_line(console_output)
    assert "Forbidden 403: GET /networks/<uuid:network_id>/ (PermissionDenied)" in line
    assert str(network_id) not in line
    assert "Birch" not in line


@pytest.mark.django_db
def test_a_404_for_a_typed_case_reference_logs_neither_the_reference_nor_the_query(
    console_output: io.StringIO,
):
    response = Client().get("/cases/HB-2026-0001/", {"q": "Birch"})
    assert response.status_code == 404
    line = the_one_line(console_output)
    assert "Not Found 404: GET (no URL matched)" in line
    assert "HB-2026" not in line
    assert "Birch" not in line


def test_a_404_for_another_organisations_case_names_the_route_not_the_id(
    signed_in, caseworker, other_case, console_output: io.StringIO
):
    response = signed_in(caseworker).get(f"/cases/{other_case.pk}/")
    assert response.status_code == 404
    line = the_one_line(console_output)
    assert "Not Found 404: GET /cases/<uuid:" in line
    assert str(other_case.pk) not in line


@pytest.mark.django_db
def test_a_disallowed_host_is_one_line_without_a_traceback(console_output: io.StringIO):
    response = Client(HTTP_HOST="attacker.example").get("/accounts/login/")
    assert response.status_code == 400
    line = the_one_line(console_output)
    assert "Bad Request 400" in line
    assert "(DisallowedHost)" in line


def test_an_api_refusal_is_one_line_without_the_case_id(
    api_as, analyst, case, console_output: io.StringIO
):
    response = api_as(analyst).get(f"/api/v1/cases/{case.pk}/assessments")
    assert response.status_code == 403
    line = the_one_line(console_output)
    assert "Forbidden 403: GET /api/v1/" in line
    assert str(case.pk) not in line


def _record_with_exception(status: int) -> logging.LogRecord:
    try:
        raise RuntimeError("the database went away")
    except RuntimeError:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "Internal Server Error: %s",
            ("/cases/",), sys.exc_info(),
        )  # fmt: skip
    record.status_code = status
    return record


def test_a_server_error_keeps_its_message_and_traceback():
    record = _record_with_exception(500)
    assert OneLineRefusals().filter(record) is True
    formatted = logging.Formatter("%(message)s").format(record)
    assert formatted.startswith("Internal Server Error: /cases/\nTraceback")
    assert "RuntimeError: the database went away" in formatted


def test_a_refusal_record_loses_its_traceback_even_without_a_request():
    record = _record_with_exception(403)
    OneLineRefusals().filter(record)
    formatted = logging.Formatter("%(message)s").format(record)
    assert formatted == "Forbidden 403: (no URL matched) (RuntimeError)"
