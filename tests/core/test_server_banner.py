"""No `Server: gunicorn` banner (issue 15, finding 11).

gunicorn runs for real, with the config `harbour serve` gives it
(harbour/core/gunicorn_conf.py), and the raw response bytes are read back.
"""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import urlsplit

from tests.public.test_access_log import running_gunicorn


def raw_response(base_url: str, request: bytes) -> bytes:
    address = urlsplit(base_url)
    with socket.create_connection((address.hostname, address.port), timeout=30) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    return received


def head_of(response: bytes) -> str:
    return response.split(b"\r\n\r\n", 1)[0].decode("latin-1")


def get(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()


def test_gunicorn_sends_no_server_banner_on_staff_public_api_or_its_own_errors(tmp_path: Path):
    with running_gunicorn(tmp_path) as base_url:
        answers = {
            "login page": raw_response(base_url, get("/accounts/login/")),
            "public site": raw_response(base_url, get("/help/no-such-page/")),
            "API": raw_response(base_url, get("/api/v1/cases")),
            "malformed request": raw_response(base_url, b"NOT HTTP AT ALL\r\n\r\n"),
        }
    for what, response in answers.items():
        head = head_of(response)
        assert head.startswith("HTTP/1."), f"{what}: {head!r}"
        lines = head.lower().splitlines()
        assert not [line for line in lines if line.startswith("server:")], f"{what}: {head}"
        assert "gunicorn" not in head.lower(), f"{what}: {head}"
    for what in ("login page", "public site", "API"):
        policy = [
            line
            for line in head_of(answers[what]).lower().splitlines()
            if line.startswith("permissions-policy:")
        ]
        assert policy and "camera=()" in policy[0], what
