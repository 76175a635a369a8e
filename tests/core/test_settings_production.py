"""Production settings, checked in fresh processes.

Settings are read once, at import, so each case runs `python` in a subprocess
with HARBOUR_ENV=production and real-looking secrets, never the test settings.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import string
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet

HOST = "harbour.example.org"
ROOT = Path(__file__).resolve().parents[2]
HSTS = "max-age=31536000; includeSubDomains; preload"


def _secret_key() -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(60))


def production_env(data_dir: Path, **changes: str | None) -> dict[str, str]:
    """A clean environment (nothing inherited from the test run) for production.

    `changes` sets variables; a value of None removes one.
    """
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(data_dir)),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "HARBOUR_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "harbour.settings",
        "HARBOUR_SECRET_KEY": _secret_key(),
        "HARBOUR_FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode("ascii"),
        "HARBOUR_INDEX_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode("ascii"),
        "HARBOUR_ALLOWED_HOSTS": HOST,
        "HARBOUR_DATA_DIR": str(data_dir),
        "DATABASE_URL": f"sqlite:///{data_dir / 'harbour.sqlite3'}",
    }
    for name, value in changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def run_python(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        env=env,
        cwd=env["HARBOUR_DATA_DIR"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def django_admin(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return run_python(env, "-m", "django", *args)


# A browser's visit to production Harbour, driven by Django's test client in
# the production process: HTTP first, then the HTTPS login in both steps.
VISIT = r"""
import json

import django

django.setup()

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from harbour.accounts.models import Province, Role
from harbour.accounts.services import create_organisation, create_staff
from harbour.audit.services import Actor

PASSWORD = "correct-horse-battery-staple-42"
actor = Actor.system("test")
organisation = create_organisation(actor, "Home Workers Centre", Province.ON)
user = create_staff(actor, organisation, "casey", PASSWORD, Role.CASEWORKER)
device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def describe(response):
    cookies = {
        name: {key: morsel[key] for key in ("path", "domain", "secure", "httponly", "samesite")}
        for name, morsel in response.cookies.items()
    }
    return {"status": response.status_code, "headers": dict(response.items()), "cookies": cookies}


def refusals(password):
    try:
        validate_password(password, user)
    except ValidationError as error:
        return [e.code for e in error.error_list]
    return []


client = Client(HTTP_HOST="harbour.example.org")
visit = {
    "http": describe(client.get("/accounts/login/")),
    "login_page": describe(client.get("/accounts/login/", secure=True)),
    "password": describe(
        client.post("/accounts/login/", {"username": "casey", "password": PASSWORD}, secure=True)
    ),
}
code = f"{totp(device.bin_key):06d}"
visit["code"] = describe(client.post("/accounts/login/verify/", {"token": code}, secure=True))
visit["dashboard"] = describe(client.get("/", secure=True))
visit["language"] = describe(
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"}, secure=True)
)
visit["hashers"] = settings.PASSWORD_HASHERS
visit["stored_hash"] = user.password.split("$")[0]
visit["new_hash"] = make_password("a long enough passphrase").split("$")[0]
visit["short_password"] = refusals("Xq7#kLm2")
visit["common_password"] = refusals("q1w2e3r4t5y6")
visit["good_password"] = refusals("harbour-lantern-orchard-58")
print(json.dumps(visit))
"""


@pytest.fixture(scope="module")
def prod_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("production")


@pytest.fixture(scope="module")
def visit(prod_dir: Path) -> dict[str, Any]:
    env = production_env(prod_dir)
    for command in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        done = django_admin(env, *command)
        assert done.returncode == 0, done.stderr
    done = run_python(env, "-c", VISIT)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- The deployment checklist ---------------------------------------------------------


def test_django_deploy_check_passes_with_no_warnings(tmp_path):
    done = django_admin(production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_the_deploy_check_flags_a_weak_secret_key(tmp_path):
    env = production_env(tmp_path, HARBOUR_SECRET_KEY="too-short")
    done = django_admin(env, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode != 0
    assert "security.W009" in done.stderr


def test_production_refuses_to_start_without_allowed_hosts(tmp_path):
    env = production_env(tmp_path, HARBOUR_ALLOWED_HOSTS=None)
    done = django_admin(env, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode != 0
    assert "HARBOUR_ALLOWED_HOSTS is required" in done.stderr


# --- Refusing to start ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"HARBOUR_DEMO": "true"}, "HARBOUR_DEMO"),
        ({"HARBOUR_DEBUG": "true"}, "HARBOUR_DEBUG"),
        ({"HARBOUR_SECRET_KEY": None}, "HARBOUR_SECRET_KEY"),
        ({"HARBOUR_FIELD_ENCRYPTION_KEYS": None}, "HARBOUR_FIELD_ENCRYPTION_KEYS"),
        ({"HARBOUR_INDEX_KEY": None}, "HARBOUR_INDEX_KEY"),
        ({"HARBOUR_SESSION_IDLE_MINUTES": "abc"}, "HARBOUR_SESSION_IDLE_MINUTES"),
        ({"HARBOUR_SESSION_MAX_HOURS": "0"}, "HARBOUR_SESSION_MAX_HOURS"),
        ({"HARBOUR_LOGIN_FAILURE_LIMIT": "five"}, "HARBOUR_LOGIN_FAILURE_LIMIT"),
        ({"HARBOUR_DEMO": "ture"}, "HARBOUR_DEMO"),
        ({"HARBOUR_ENV": "prod"}, "HARBOUR_ENV"),
        ({"HARBOUR_SECRET_KEY_FILE": "/nonexistent/secret.key"}, "HARBOUR_SECRET_KEY"),
        ({"HARBOUR_FIELD_ENCRYPTION_KEYS": "garbage"}, "HARBOUR_FIELD_ENCRYPTION_KEYS"),
        ({"HARBOUR_INDEX_KEY": "c2hvcnQ="}, "HARBOUR_INDEX_KEY"),
    ],
    ids=[
        "demo mode",
        "debug",
        "no secret key",
        "no field keys",
        "no index key",
        "idle minutes not a number",
        "max hours below one",
        "failure limit not a number",
        "misspelt boolean",
        "unknown environment",
        "secret key twice",
        "malformed field key",
        "index key too short",
    ],
)
def test_production_refuses_to_start_and_names_the_variable(tmp_path, changes, named):
    done = django_admin(production_env(tmp_path, **changes), "check")
    assert done.returncode != 0, done.stdout
    assert "ImproperlyConfigured" in done.stderr
    last_line = done.stderr.strip().splitlines()[-1]
    assert named in last_line, done.stderr


def test_a_malformed_number_is_quoted_in_the_message(tmp_path):
    env = production_env(tmp_path, HARBOUR_SESSION_IDLE_MINUTES="abc")
    done = django_admin(env, "check")
    assert "HARBOUR_SESSION_IDLE_MINUTES must be a whole number, not 'abc'" in done.stderr


def test_a_secret_key_can_come_from_a_file(tmp_path):
    # The key lives beside the data folder, not in it (inside, check --deploy warns W001).
    (tmp_path / "secrets").mkdir()
    key_file = tmp_path / "secrets" / "secret.key"
    key_file.write_text(_secret_key() + "\n", encoding="utf-8")
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    env = production_env(data_dir, HARBOUR_SECRET_KEY=None, HARBOUR_SECRET_KEY_FILE=str(key_file))
    done = django_admin(env, "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stderr


# --- Transport and headers on a real visit ------------------------------------------------


def test_plain_http_is_redirected_to_https(visit):
    response = visit["http"]
    assert response["status"] == 301
    assert response["headers"]["Location"] == f"https://{HOST}/accounts/login/"


def test_the_login_page_is_served_over_https(visit):
    assert visit["login_page"]["status"] == 200


@pytest.mark.parametrize("page", ["login_page", "dashboard"])
def test_strict_transport_security_is_a_preloadable_year(visit, page):
    assert visit[page]["headers"]["Strict-Transport-Security"] == HSTS


@pytest.mark.parametrize("page", ["login_page", "dashboard"])
def test_the_content_security_policy_forbids_framing_and_inline_code(visit, page):
    policy = visit[page]["headers"]["Content-Security-Policy"]
    directives = {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


@pytest.mark.parametrize("page", ["login_page", "dashboard"])
def test_framing_sniffing_and_referrers_are_off(visit, page):
    headers = visit[page]["headers"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize("page", ["login_page", "dashboard"])
def test_login_and_signed_in_pages_are_never_stored(visit, page):
    cache_control = [d.strip() for d in visit[page]["headers"]["Cache-Control"].split(",")]
    assert "no-store" in cache_control
    assert "private" in cache_control


def test_the_login_reaches_the_signed_in_dashboard(visit):
    assert visit["password"]["status"] == 302
    assert visit["password"]["headers"]["Location"] == "/accounts/login/verify/"
    assert visit["code"]["status"] == 302
    assert visit["code"]["headers"]["Location"] == "/"
    assert visit["dashboard"]["status"] == 200


def test_the_session_cookie_is_a_host_only_secure_httponly_cookie(visit):
    cookie = visit["code"]["cookies"]["__Host-sessionid"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["path"] == "/"
    assert cookie["domain"] == ""
    assert cookie["samesite"] == "Lax"
    # The session id was set by the password step and replaced by the code step.
    assert "__Host-sessionid" in visit["password"]["cookies"]


def test_the_csrf_cookie_is_a_host_only_secure_cookie(visit):
    cookie = visit["login_page"]["cookies"]["__Host-csrftoken"]
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["path"] == "/"
    assert cookie["domain"] == ""


def test_the_language_cookie_is_a_host_only_secure_cookie(visit):
    cookie = visit["language"]["cookies"]["__Host-language"]
    assert cookie["secure"] is True
    assert cookie["path"] == "/"
    assert cookie["domain"] == ""


def test_no_cookie_uses_a_name_without_the_host_prefix(visit):
    names = {
        name
        for step in ("http", "login_page", "password", "code", "dashboard", "language")
        for name in visit[step]["cookies"]
    }
    assert names
    assert all(name.startswith("__Host-") for name in names), names


# --- Passwords ---------------------------------------------------------------------------------


def test_production_hashes_passwords_with_argon2(visit):
    assert visit["hashers"][0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert visit["stored_hash"] == "argon2"
    assert visit["new_hash"] == "argon2"


def test_a_short_password_is_refused(visit):
    assert "password_too_short" in visit["short_password"]


def test_a_common_password_is_refused(visit):
    assert visit["common_password"] == ["password_too_common"]


def test_a_long_uncommon_password_is_accepted(visit):
    assert visit["good_password"] == []
