"""No address, path, query, browser or referrer of a public-site visit in any log.

gunicorn runs for real here, with the logger `harbour serve` gives it, and the
access log file is read back; Django's loggers are checked through the
handler settings.LOGGING configures.
"""

from __future__ import annotations

import io
import logging
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.request import Request, urlopen

import pytest
from django.test import Client

from harbour.core.logging import PUBLIC_RECORD, HidePublicRequests

REPO_ROOT = Path(__file__).resolve().parents[2]
CLIENT_ADDRESS = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((CLIENT_ADDRESS, 0))
        return int(probe.getsockname()[1])


@contextmanager
def running_gunicorn(
    folder: Path, *, site: str = "both", access_log: Path | None = None
) -> Iterator[str]:
    """gunicorn with Harbour's config and one worker on a free loopback port.

    Its error output (gunicorn's and Django's loggers) goes to folder/server.log.
    The requests made through it need no tables: an in-memory SQLite suffices.
    """
    port = free_port()
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.django_settings",
        "PYTHONPATH": str(REPO_ROOT),
        "DATABASE_URL": "sqlite://",
        "HARBOUR_DATA_DIR": str(folder / "data"),
        "HARBOUR_SITE": site,
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--config",
        "python:harbour.core.gunicorn_conf",
        "harbour.wsgi:application",
        "--bind",
        f"{CLIENT_ADDRESS}:{port}",
        "--workers",
        "1",
        "--access-logfile",
        str(access_log or os.devnull),
    ]
    with (folder / "server.log").open("wb") as errors:
        server = subprocess.Popen(
            command, cwd=REPO_ROOT, env=environment, stdout=errors, stderr=errors
        )
        try:
            _wait_until_listening(port, server)
            yield f"http://{CLIENT_ADDRESS}:{port}"
        except AssertionError as failure:
            output = (folder / "server.log").read_text(encoding="utf-8", errors="replace")
            raise AssertionError(f"{failure}\n--- gunicorn output ---\n{output[-3000:]}") from None
        finally:
            server.terminate()
            server.wait(timeout=30)


def _wait_until_listening(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"gunicorn exited with {server.returncode}")
        try:
            with socket.create_connection((CLIENT_ADDRESS, port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start listening within 60 s")


def _get(url: str, **headers: str) -> int:
    try:
        with urlopen(Request(url, headers=headers), timeout=30) as response:  # noqa: S310
            return int(response.status)
    except HTTPError as error:
        return error.code
    except URLError as error:
        raise AssertionError(f"{url}: {error}") from error


def _wait_for_lines(log: Path, count: int) -> list[str]:
    # gunicorn writes the access line after the response is sent.
    deadline = time.monotonic() + 10
    lines: list[str] = []
    while time.monotonic() < deadline:
        lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
        if len(lines) >= count:
            break
        time.sleep(0.1)
    return lines


def test_gunicorn_logs_no_trace_of_a_public_visit_but_logs_staff_requests(tmp_path: Path):
    marker = f"marker{uuid.uuid4().hex}"
    access_log = tmp_path / "access.log"
    public_paths = [
        f"/help/{marker}/?q={marker}",
        f"/help/?answer={marker}",
        f"/help/en/{marker}",
    ]
    with running_gunicorn(tmp_path, access_log=access_log) as base_url:
        for path in public_paths:
            _get(
                base_url + path,
                Referer=f"https://social.example/{marker}",
                **{"User-Agent": f"Phone {marker}"},
            )
        staff_status = _get(f"{base_url}/accounts/login/?next=/cases/{marker}")
        lines = _wait_for_lines(access_log, len(public_paths) + 1)
    text = access_log.read_text(encoding="utf-8")
    server_output = (tmp_path / "server.log").read_text(encoding="utf-8")

    assert marker not in text
    assert marker not in server_output, "the error log names a public path or query"
    public_lines = [line for line in lines if "public page served" in line]
    assert len(public_lines) == len(public_paths)
    for line in public_lines:
        assert CLIENT_ADDRESS not in line
        assert "/help/" not in line
        assert "Phone" not in line
    staff_lines = [line for line in lines if "/accounts/login/" in line]
    assert len(staff_lines) == 1, lines
    assert staff_lines[0].startswith(CLIENT_ADDRESS)
    assert f'"GET /accounts/login/ HTTP/1.1" {staff_status}' in staff_lines[0]
    assert "next=" not in staff_lines[0]


@pytest.fixture
def console_output() -> Iterator[io.StringIO]:
    """What the handler configured in settings.LOGGING writes, captured."""
    handler = next(h for h in logging.getLogger().handlers if _has_privacy_filter(h))
    captured = io.StringIO()
    # Swapped by hand, not with setStream(): that flushes the old stream, which an
    # earlier test's captured stderr may have left closed.
    with handler.lock:  # type: ignore[union-attr]
        previous = handler.stream  # type: ignore[attr-defined]
        handler.stream = captured  # type: ignore[attr-defined]
    try:
        yield captured
    finally:
        with handler.lock:  # type: ignore[union-attr]
            handler.stream = previous  # type: ignore[attr-defined]


def _has_privacy_filter(handler: logging.Handler) -> bool:
    return any(isinstance(f, HidePublicRequests) for f in handler.filters)


def test_django_logs_a_public_404_without_its_path(console_output: io.StringIO):
    marker = f"marker{uuid.uuid4().hex}"
    response = Client().get(f"/help/{marker}/", {"q": marker})
    assert response.status_code == 404
    written = console_output.getvalue()
    assert f"{PUBLIC_RECORD} 404" in written
    assert marker not in written


@pytest.mark.django_db
def test_django_still_logs_a_staff_404_in_one_line_without_its_path(
    console_output: io.StringIO,
):
    # The path is withheld too: it may be a case reference typed into the
    # address bar (tests/core/test_refusal_logging.py).
    response = Client().get("/no-such-staff-page/")
    assert response.status_code == 404
    written = console_output.getvalue()
    assert "Not Found 404: GET (no URL matched)" in written
    assert "no-such-staff-page" not in written


def _record(message: str, *args: object, **extra: object) -> logging.LogRecord:
    record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, message, args, None)
    record.__dict__.update(extra)
    return record


class _FakeRequest:
    def __init__(self, path: str) -> None:
        self.path = self.path_info = path


def test_the_filter_keeps_the_frames_of_a_public_error_but_not_its_message():
    secret = f"typed{uuid.uuid4().hex}"
    try:
        raise ValueError(f"cannot read {secret}")
    except ValueError:
        record = _record(
            "Internal Server Error: %s",
            "/help/en/self-check/",
            request=_FakeRequest("/help/en/self-check/"),
            status_code=500,
            exc_info=sys.exc_info(),
        )
    assert HidePublicRequests().filter(record) is True
    formatted = logging.Formatter("%(message)s").format(record)
    assert formatted.startswith(f"{PUBLIC_RECORD} 500\nTraceback:")
    assert "test_the_filter_keeps_the_frames" in formatted
    assert "ValueError (message withheld)" in formatted
    assert secret not in formatted
    assert "/help/" not in formatted
    assert "request" not in record.__dict__


def test_the_filter_rewrites_a_message_that_names_a_public_path_without_a_request():
    record = _record("Error handling request %s", "/help/?q=secret")
    HidePublicRequests().filter(record)
    assert record.getMessage() == PUBLIC_RECORD


def test_the_filter_leaves_staff_records_alone():
    record = _record("Not Found: %s", "/cases/", request=_FakeRequest("/cases/"), status_code=404)
    HidePublicRequests().filter(record)
    assert record.getMessage() == "Not Found: /cases/"
    assert "request" in record.__dict__
