"""Lockout: django-axes pauses a (username, address) pair after too many
failures, never the username alone, so nobody can lock a caseworker out
from elsewhere."""

from __future__ import annotations

import datetime

from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone

from harbour.core.net import client_ip
from tests.accounts.conftest import (
    HOME_URL,
    VERIFY_URL,
    code_for,
    submit_code,
    submit_password,
)

HERE = "203.0.113.5"
ELSEWHERE = "198.51.100.9"
WRONG = "not-the-password-at-all"


def _fail(times: int, username: str = "casey", address: str = HERE, **extra) -> list[int]:
    return [
        submit_password(Client(), username, WRONG, REMOTE_ADDR=address, **extra).status_code
        for _ in range(times)
    ]


def _is_locked(username: str = "casey", address: str = HERE) -> bool:
    return submit_password(Client(), username, REMOTE_ADDR=address).status_code == 429


def test_the_configured_limit_is_five_failures():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_four_failures_do_not_lock(caseworker, device):
    assert _fail(4) == [200] * 4
    client = Client()
    assert submit_password(client, "casey", REMOTE_ADDR=HERE)["Location"] == VERIFY_URL


def test_after_five_failures_even_the_right_password_gets_the_paused_page(caseworker, device):
    statuses = _fail(5)
    assert statuses[:4] == [200] * 4
    assert statuses[4] == 429

    client = Client()
    response = submit_password(client, "casey", REMOTE_ADDR=HERE)
    assert response.status_code == 429
    assert b"Sign-in from this device is paused for 15 minutes" in response.content
    assert b"casey" not in response.content
    assert "harbour_pending_user" not in client.session, "no step towards the code was taken"


def test_the_same_username_from_another_address_can_still_sign_in(caseworker, device):
    _fail(5)
    assert _is_locked(address=HERE)

    client = Client()
    response = submit_password(client, "casey", REMOTE_ADDR=ELSEWHERE)
    assert response["Location"] == VERIFY_URL
    response = submit_code(client, code_for(device), REMOTE_ADDR=ELSEWHERE)
    assert response["Location"] == HOME_URL
    assert client.get(HOME_URL, REMOTE_ADDR=ELSEWHERE).status_code == 200


def test_other_people_at_the_same_address_are_not_locked(
    caseworker, device, intruder, intruder_device
):
    """A shared office address: one person's typos do not pause their colleagues."""
    _fail(5, username="casey")
    assert _is_locked("casey", HERE)
    response = submit_password(Client(), "intruder", REMOTE_ADDR=HERE)
    assert response["Location"] == VERIFY_URL


def test_an_intruder_guessing_from_many_addresses_never_locks_the_owner_out(caseworker, device):
    for n in range(1, 7):
        _fail(5, address=f"192.0.2.{n}")
    assert _is_locked(address="192.0.2.1")
    assert submit_password(Client(), "casey", REMOTE_ADDR=HERE)["Location"] == VERIFY_URL


def test_a_forged_forwarded_for_header_does_not_dodge_the_lock(caseworker, device):
    for n in range(5):
        submit_password(
            Client(), "casey", WRONG, REMOTE_ADDR=HERE, HTTP_X_FORWARDED_FOR=f"10.9.9.{n}"
        )
    response = submit_password(
        Client(), "casey", REMOTE_ADDR=HERE, HTTP_X_FORWARDED_FOR="10.9.9.200"
    )
    assert response.status_code == 429


def test_unknown_usernames_are_paused_too_so_the_page_reveals_nothing(db):
    assert _fail(5, username="no-such-person")[4] == 429


def test_failures_during_the_pause_keep_it_paused(caseworker, device):
    _fail(5)
    assert _fail(3) == [429] * 3
    assert _is_locked()


def test_the_pause_lifts_once_the_cool_off_has_passed(caseworker, device):
    _fail(5)
    assert _is_locked()
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1)
    )
    client = Client()
    assert submit_password(client, "casey", REMOTE_ADDR=HERE)["Location"] == VERIFY_URL


def test_the_pause_still_holds_just_before_the_cool_off_ends(caseworker, device):
    _fail(5)
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME + datetime.timedelta(seconds=30)
    )
    assert _is_locked()


def test_an_administrator_reset_lifts_the_pause(caseworker, device):
    _fail(5)
    assert _is_locked()
    assert reset(username="casey") >= 1
    assert submit_password(Client(), "casey", REMOTE_ADDR=HERE)["Location"] == VERIFY_URL


def test_a_successful_sign_in_clears_earlier_failures(caseworker, device):
    _fail(4)
    client = Client()
    submit_password(client, "casey", REMOTE_ADDR=HERE)
    submit_code(client, code_for(device), REMOTE_ADDR=HERE)
    assert _fail(4) == [200] * 4, "the count started again after the success"


@override_settings(AXES_FAILURE_LIMIT=2, AXES_COOLOFF_TIME=datetime.timedelta(minutes=1))
def test_the_limit_and_the_pause_follow_the_settings(caseworker, device):
    assert _fail(2) == [200, 429]
    response = submit_password(Client(), "casey", REMOTE_ADDR=HERE)
    assert response.status_code == 429
    assert b"paused for 1 minute." in response.content
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(seconds=61))
    assert submit_password(Client(), "casey", REMOTE_ADDR=HERE)["Location"] == VERIFY_URL


PROXY = "10.0.0.1"


@override_settings(HARBOUR_PROXY_COUNT=1)
def test_behind_a_proxy_the_lock_holds_the_client_the_proxy_saw_not_everyone(caseworker, device):
    """Behind a proxy every request comes from the proxy's address; the lock
    must still hold one (username, client) pair, not the username for all."""
    statuses = _fail(5, address=PROXY, HTTP_X_FORWARDED_FOR=HERE)
    assert statuses[4] == 429
    elsewhere = submit_password(
        Client(), "casey", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ELSEWHERE
    )
    assert elsewhere["Location"] == VERIFY_URL


@override_settings(HARBOUR_PROXY_COUNT=1)
def test_a_client_cannot_choose_its_address_by_prepending_to_the_forwarded_header():
    request = RequestFactory().get(
        "/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{ELSEWHERE}, {HERE}"
    )
    assert client_ip(request) == HERE


@override_settings(HARBOUR_PROXY_COUNT=1)
def test_a_garbled_forwarded_header_falls_back_to_the_connecting_address():
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="not-an-ip")
    assert client_ip(request) == PROXY
