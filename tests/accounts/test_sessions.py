"""Sessions: a new id at sign-in, idle and absolute limits, and an end on
password change and sign-out. Time is moved by editing the session's own
timestamps, never by sleeping."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.test import Client, override_settings
from django.utils import timezone

from harbour.accounts.middleware import LOGIN_AT, SEEN_AT
from harbour.audit.models import AuditEvent
from tests.accounts.conftest import (
    HOME_URL,
    LOGIN_URL,
    VERIFY_URL,
    code_for,
    is_signed_in,
    log_in,
    session_cookie,
    submit_code,
    submit_password,
)
from tests.conftest import PASSWORD, sign_in

NEW_PASSWORD = "a-brand-new-long-passphrase-77"
PASSWORD_URL = "/accounts/password/"
LOGOUT_URL = "/accounts/logout/"


def _age_session(client: Client, **seconds_ago: float) -> None:
    """Move the session's clocks into the past: login_at=..., seen_at=..."""
    keys = {"login_at": LOGIN_AT, "seen_at": SEEN_AT}
    now = timezone.now().timestamp()
    session = client.session
    for name, ago in seconds_ago.items():
        session[keys[name]] = now - ago
    session.save()


def _with_cookie(value: str) -> Client:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = value
    return client


# --- A new session id at sign-in --------------------------------------------------


def test_each_sign_in_step_issues_a_new_session_id(caseworker, device):
    client = Client()
    session = client.session
    session["planted"] = "by someone else"
    session.save()
    before = session_cookie(client)
    assert before

    assert submit_password(client, "casey")["Location"] == VERIFY_URL
    after_password = session_cookie(client)
    assert submit_code(client, code_for(device))["Location"] == HOME_URL
    after_code = session_cookie(client)

    assert len({before, after_password, after_code}) == 3
    assert is_signed_in(client)


def test_a_session_id_planted_before_sign_in_is_worthless_afterwards(caseworker, device):
    """Session fixation: the id an attacker set in the victim's browser stays anonymous."""
    victim = Client()
    session = victim.session
    session.save()
    planted = session_cookie(victim)
    log_in(victim, caseworker, device)

    attacker = _with_cookie(planted)
    response = attacker.get(HOME_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def test_the_id_between_password_and_code_is_not_signed_in(caseworker, device):
    client = Client()
    submit_password(client, "casey")
    half_way = session_cookie(client)
    submit_code(client, code_for(device))
    assert not is_signed_in(_with_cookie(half_way))


def test_the_session_cookie_lasts_only_until_the_browser_closes(caseworker, device):
    client = Client()
    log_in(client, caseworker, device)
    morsel = client.cookies[settings.SESSION_COOKIE_NAME]
    assert morsel["expires"] == ""
    assert morsel["max-age"] == ""
    assert morsel["httponly"]
    assert morsel["samesite"] == "Lax"


# --- Idle and absolute limits ------------------------------------------------------


def test_a_session_idle_longer_than_the_limit_ends(caseworker, device):
    client = Client()
    log_in(client, caseworker, device)
    _age_session(client, seen_at=settings.SESSION_IDLE_TIMEOUT.total_seconds() + 1)
    response = client.get(HOME_URL)
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert "_auth_user_id" not in client.session
    # The person is told why, on the login page.
    assert b"Your session ended" in client.get(LOGIN_URL).content


def test_a_session_idle_just_under_the_limit_goes_on(caseworker, device):
    client = Client()
    log_in(client, caseworker, device)
    _age_session(client, seen_at=settings.SESSION_IDLE_TIMEOUT.total_seconds() - 5)
    assert client.get(HOME_URL).status_code == 200


def test_an_active_session_ends_at_the_absolute_limit(caseworker, device):
    client = Client()
    log_in(client, caseworker, device)
    _age_session(client, login_at=settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds() + 1, seen_at=1)
    response = client.get(HOME_URL)
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert not is_signed_in(client)


def test_a_session_just_under_the_absolute_limit_goes_on(caseworker, device):
    client = Client()
    log_in(client, caseworker, device)
    _age_session(client, login_at=settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds() - 5, seen_at=1)
    assert client.get(HOME_URL).status_code == 200


def test_sign_in_records_when_the_session_started(caseworker, device):
    client = Client()
    before = timezone.now().timestamp()
    log_in(client, caseworker, device)
    assert client.session[LOGIN_AT] >= before


def test_every_request_keeps_the_session_awake(caseworker, device):
    client = Client()
    log_in(client, caseworker, device)
    _age_session(client, seen_at=settings.SESSION_IDLE_TIMEOUT.total_seconds() - 5)
    client.get(HOME_URL)
    assert timezone.now().timestamp() - client.session[SEEN_AT] < 5


@override_settings(
    SESSION_IDLE_TIMEOUT=datetime.timedelta(minutes=1),
    SESSION_ABSOLUTE_TIMEOUT=datetime.timedelta(minutes=10),
)
def test_the_limits_follow_the_settings(caseworker):
    idle = sign_in(Client(), caseworker)
    _age_session(idle, seen_at=61)
    assert not is_signed_in(idle)

    fresh = sign_in(Client(), caseworker)
    _age_session(fresh, seen_at=59)
    assert is_signed_in(fresh)

    old = sign_in(Client(), caseworker)
    _age_session(old, login_at=601, seen_at=1)
    assert not is_signed_in(old)


def test_one_users_session_timing_out_leaves_another_users_alone(caseworker, intruder):
    theirs = sign_in(Client(), intruder)
    ours = sign_in(Client(), caseworker)
    _age_session(theirs, seen_at=settings.SESSION_IDLE_TIMEOUT.total_seconds() + 1)
    assert not is_signed_in(theirs)
    assert is_signed_in(ours)


# --- Password change ----------------------------------------------------------------


def _change_password(client: Client) -> None:
    response = client.post(
        PASSWORD_URL,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.content[:2000]
    assert response["Location"] == HOME_URL


def test_changing_the_password_ends_the_users_other_sessions(caseworker, device, intruder):
    here = Client()
    log_in(here, caseworker, device)
    laptop = sign_in(Client(), caseworker)
    bystander = sign_in(Client(), intruder)
    assert is_signed_in(laptop)

    _change_password(here)

    response = laptop.get(HOME_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    assert is_signed_in(here)
    assert is_signed_in(bystander), "another user's session is not touched"
    assert AuditEvent.objects.filter(action="auth.password_changed", actor=caseworker).exists()


def test_changing_the_password_gives_this_session_a_new_id(caseworker, device):
    client = Client()
    log_in(client, caseworker, device)
    before = session_cookie(client)
    _change_password(client)
    assert session_cookie(client) != before
    assert not is_signed_in(_with_cookie(before))


def test_the_new_password_works_and_the_old_one_does_not(caseworker, device):
    client = Client()
    log_in(client, caseworker, device)
    _change_password(client)
    assert submit_password(Client(), "casey", PASSWORD).status_code == 200
    assert submit_password(Client(), "casey", NEW_PASSWORD)["Location"] == VERIFY_URL


def test_a_password_change_needs_the_old_password(caseworker):
    client = sign_in(Client(), caseworker)
    response = client.post(
        PASSWORD_URL,
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    caseworker.refresh_from_db()
    assert caseworker.check_password(PASSWORD)


def test_a_password_change_refuses_a_weak_new_password(caseworker):
    client = sign_in(Client(), caseworker)
    response = client.post(
        PASSWORD_URL,
        {"old_password": PASSWORD, "new_password1": "password", "new_password2": "password"},
    )
    assert response.status_code == 200
    caseworker.refresh_from_db()
    assert caseworker.check_password(PASSWORD)


# --- Sign-out ------------------------------------------------------------------------


def test_sign_out_refuses_get(caseworker):
    client = sign_in(Client(), caseworker)
    assert client.get(LOGOUT_URL).status_code == 405
    assert is_signed_in(client), "a link or an image must not sign anyone out"


def test_sign_out_ends_the_session_and_clears_site_data(caseworker, device):
    client = Client()
    log_in(client, caseworker, device)
    before = session_cookie(client)
    response = client.post(LOGOUT_URL)
    assert response.status_code == 302
    assert response["Location"] == LOGIN_URL
    assert '"cache"' in response["Clear-Site-Data"]
    assert '"storage"' in response["Clear-Site-Data"]
    assert not is_signed_in(client)
    assert not is_signed_in(_with_cookie(before)), "the old id must be dead on the server too"
    assert AuditEvent.objects.filter(action="auth.logout", actor=caseworker).exists()


def test_signing_out_leaves_other_users_signed_in(caseworker, intruder):
    ours = sign_in(Client(), caseworker)
    theirs = sign_in(Client(), intruder)
    ours.post(LOGOUT_URL)
    assert is_signed_in(theirs)
