"""HARBOUR_SITE=public|staff|both: each site alone, or both in one process.

The modes are switched in-process with the settings HARBOUR_SITE decides
(harbour.core.site.site_settings, the function settings.py uses), and once per
mode with a real gunicorn process, as `harbour serve` runs it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.request import HTTPRedirectHandler, build_opener

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, resolve, reverse
from django.urls.resolvers import RoutePattern

from harbour.core.site import (
    PUBLIC_MIDDLEWARE,
    PUBLIC_URLCONF,
    ROUTER,
    is_public_path,
    site_settings,
)
from tests.public.test_access_log import running_gunicorn

STAFF_ONLY_MIDDLEWARE = (
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "axes.middleware.AxesMiddleware",
    "django_otp.middleware.OTPMiddleware",
)

# A value of the right shape for each path converter, so that the sample path
# really resolves to the staff view in the default mode.
SAMPLE_VALUES = ("1", str(uuid.UUID(int=1)), "sample", "2026-01-01")


def staff_middleware() -> list[str]:
    return [name for name in settings.MIDDLEWARE if name != ROUTER]


@contextmanager
def serving(site: str) -> Iterator[Client]:
    """A test client of a process started with HARBOUR_SITE=site."""
    with override_settings(**site_settings(site, staff_middleware())):
        # A new Client builds its handler (and so the middleware chain) from the
        # overridden settings; ROOT_URLCONF's setting_changed clears URL caches.
        yield Client()


def _fill(route: str, converters: dict[str, Any]) -> str:
    for name, converter in converters.items():
        value = next(v for v in SAMPLE_VALUES if re.fullmatch(converter.regex, v))
        route = re.sub(rf"<(?:\w+:)?{name}>", value, route)
    return "/" + route


def staff_paths() -> list[str]:
    """A concrete path for every staff URL pattern (nested includes, API, i18n)."""
    from harbour.urls_staff import urlpatterns

    def walk(entries: list[Any], prefix: str, converters: dict[str, Any]) -> Iterator[str]:
        for entry in entries:
            route = prefix + str(entry.pattern)
            if not isinstance(entry.pattern, RoutePattern):
                raise AssertionError(f"/{route}: a regex pattern; give it a sample here")
            known = {**converters, **entry.pattern.converters}
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, route, known)
            elif isinstance(entry, URLPattern):
                yield _fill(route, known)

    return sorted(set(walk(urlpatterns, "", {})))


STAFF_PATHS = staff_paths()


def test_the_staff_url_list_is_the_whole_staff_site():
    # Every sample resolves in the default mode, so the 404s below are the
    # public mode's doing, not a malformed sample.
    assert len(STAFF_PATHS) > 100
    for path in STAFF_PATHS:
        assert not is_public_path(path)
        resolve(path)
    assert "/accounts/login/" in STAFF_PATHS
    assert any(path.startswith("/api/v1/") for path in STAFF_PATHS)


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_public_site_answers_404_on_every_staff_path(method: str):
    with serving("public") as client:
        answers = {path: getattr(client, method)(path).status_code for path in STAFF_PATHS}
    # The root is the dashboard on the staff site; on a public host it only
    # points to /help/ (test_the_public_sites_root_points_to_the_help_pages).
    assert answers.pop("/") == 302
    served = {path: status for path, status in answers.items() if status != 404}
    assert not served, f"the public site serves staff paths: {served}"


@pytest.mark.parametrize("path", ["/accounts/login/", "/api/v1/docs", "/admin/", "/i18n/setlang/"])
def test_the_public_sites_404_names_nothing_of_the_staff_site(path: str):
    with serving("public") as client:
        response = client.get(path)
    assert response.status_code == 404
    page = response.content.decode()
    assert "/accounts/" not in page
    assert "Dashboard" not in page
    assert 'href="/help/"' in page
    assert "Set-Cookie" not in response.headers


def test_the_public_sites_root_points_to_the_help_pages():
    with serving("public") as client:
        response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/help/"


def test_the_public_site_runs_without_session_auth_messages_axes_or_csrf():
    with serving("public") as client:
        response = client.get("/help/not-a-page/")
        assert settings.MIDDLEWARE == PUBLIC_MIDDLEWARE
    for name in STAFF_ONLY_MIDDLEWARE:
        assert name not in PUBLIC_MIDDLEWARE
    request = response.wsgi_request
    assert not hasattr(request, "session")
    assert not hasattr(request, "user")
    assert not hasattr(request, "_messages")
    assert not response.cookies
    # Security headers and the content security policy stay.
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_staff_site_answers_404_under_help_and_serves_the_login():
    with serving("staff") as client:
        assert client.get("/help/").status_code == 404
        assert client.get("/help/en/").status_code == 404
        login = client.get("/accounts/login/")
    assert login.status_code == 200
    assert hasattr(login.wsgi_request, "session")


@pytest.mark.django_db
def test_both_sites_in_one_process_give_help_pages_the_lean_stack():
    with serving("both") as client:
        public = client.get("/help/not-a-page/")
        staff = client.get("/accounts/login/")
    assert not hasattr(public.wsgi_request, "session")
    assert not public.cookies
    assert public.wsgi_request.urlconf == PUBLIC_URLCONF
    assert staff.status_code == 200
    assert hasattr(staff.wsgi_request, "session")
    assert "csrftoken" in staff.cookies or settings.CSRF_COOKIE_NAME in staff.cookies


def test_a_help_page_resolves_against_the_public_urlconf_alone():
    # The public chain sets request.urlconf, so reverse() in a public view or
    # template uses harbour.urls_public: a staff URL cannot even be named there.
    with serving("both") as client:
        response = client.get("/help/not-a-page/")
    assert response.wsgi_request.urlconf == PUBLIC_URLCONF
    with pytest.raises(NoReverseMatch):
        reverse("accounts:login", urlconf=PUBLIC_URLCONF)
    assert reverse("accounts:login") == "/accounts/login/"


def test_an_unknown_harbour_site_stops_the_process_with_a_clear_message():
    environment = {**os.environ, "HARBOUR_SITE": "publik"}
    environment.setdefault("DJANGO_SETTINGS_MODULE", "tests.django_settings")
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.returncode != 0
    assert "HARBOUR_SITE must be one of both, public, staff, not 'publik'" in result.stderr


def test_site_settings_refuses_an_unknown_site():
    with pytest.raises(ValueError, match="unknown site 'publik'"):
        site_settings("publik", staff_middleware())


class _NoRedirects(HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _status(fetch: Callable[[str], Any], url: str) -> int:
    try:
        with fetch(url) as response:
            return int(response.status)
    except HTTPError as error:
        return error.code


@pytest.mark.parametrize(
    ("site", "expected"),
    [
        ("public", {"/accounts/login/": 404, "/api/v1/openapi.json": 404, "/": 302}),
        ("staff", {"/help/": 404, "/help/en/": 404, "/accounts/login/": 200}),
    ],
)
def test_a_real_gunicorn_process_serves_only_its_site(
    tmp_path: Path, site: str, expected: dict[str, int]
):
    opener = build_opener(_NoRedirects())
    with running_gunicorn(tmp_path, site=site) as base_url:
        answers = {path: _status(opener.open, base_url + path) for path in expected}
    assert answers == expected
