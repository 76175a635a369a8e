"""Helpers for driving the real two-step sign-in: password, then a TOTP code."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from harbour.accounts.models import User
from tests.conftest import PASSWORD

LOGIN_URL = reverse("accounts:login")
VERIFY_URL = reverse("accounts:verify")
ENROL_URL = reverse("accounts:enrol")
HOME_URL = reverse(settings.LOGIN_REDIRECT_URL)


def code_for(device: TOTPDevice, *, drift: int = 0) -> str:
    """The six digits the user's authenticator app shows now (or `drift` steps away)."""
    device.refresh_from_db()
    token = totp(device.bin_key, device.step, device.t0, device.digits, device.drift + drift)
    return f"{token:0{device.digits}d}"


def wrong_code_for(device: TOTPDevice) -> str:
    """Six digits that no step inside the device's tolerance accepts."""
    accepted = {code_for(device, drift=d) for d in range(-device.tolerance, device.tolerance + 1)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in accepted)


def submit_password(
    client: Client, username: str, password: str = PASSWORD, **extra: Any
) -> HttpResponse:
    data = {"username": username, "password": password}
    if "next" in extra:
        data["next"] = extra.pop("next")
    return client.post(LOGIN_URL, data, **extra)


def submit_code(client: Client, code: str, url: str = VERIFY_URL, **extra: Any) -> HttpResponse:
    return client.post(url, {"token": code}, **extra)


def log_in(client: Client, user: User, device: TOTPDevice, **extra: Any) -> HttpResponse:
    """Both steps, as a person at a browser does them. Returns the final redirect."""
    response = submit_password(client, user.get_username(), **extra)
    assert response.status_code == 302, response.content[:500]
    assert response["Location"] == VERIFY_URL
    return submit_code(client, code_for(device), **extra)


def is_signed_in(client: Client) -> bool:
    return client.get(HOME_URL).status_code == 200


def session_cookie(client: Client) -> str:
    morsel = client.cookies.get(settings.SESSION_COOKIE_NAME)
    return morsel.value if morsel is not None else ""


@pytest.fixture
def device(caseworker: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=caseworker, name="phone", confirmed=True)


@pytest.fixture
def intruder_device(intruder: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=intruder, name="intruder phone", confirmed=True)
