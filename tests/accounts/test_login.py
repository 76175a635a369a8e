"""Sign-in: a password, then a code from an authenticator app (or enrolment of one)."""

from __future__ import annotations

import json

import pytest
from django.forms.models import model_to_dict
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from harbour.accounts.views import PENDING_AT, PENDING_USER
from harbour.audit.models import AuditEvent
from tests.accounts.conftest import (
    ENROL_URL,
    HOME_URL,
    LOGIN_URL,
    VERIFY_URL,
    code_for,
    is_signed_in,
    log_in,
    submit_code,
    submit_password,
    wrong_code_for,
)


def test_the_right_password_then_the_right_code_signs_the_user_in(caseworker, device):
    client = Client()
    response = log_in(client, caseworker, device)
    assert response.status_code == 302
    assert response["Location"] == HOME_URL
    assert client.get(HOME_URL).status_code == 200
    assert AuditEvent.objects.filter(action="auth.login", actor=caseworker).exists()


def test_the_password_alone_signs_nobody_in(caseworker, device):
    client = Client()
    response = submit_password(client, "casey")
    assert response["Location"] == VERIFY_URL
    assert "_auth_user_id" not in client.session
    response = client.get(HOME_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def test_a_wrong_password_and_an_unknown_username_get_the_same_answer(caseworker, device):
    wrong_password = submit_password(Client(), "casey", "not-the-password-at-all")
    unknown_user = submit_password(Client(), "nobody-by-this-name", "not-the-password-at-all")
    assert wrong_password.status_code == unknown_user.status_code == 200
    message = b"That username and password do not match an account."
    assert message in wrong_password.content
    assert message in unknown_user.content


def test_a_wrong_code_is_refused(caseworker, device):
    client = Client()
    submit_password(client, "casey")
    response = submit_code(client, wrong_code_for(device))
    assert response.status_code == 200
    assert b"That code is not right" in response.content
    assert not is_signed_in(client)
    assert AuditEvent.objects.filter(action="auth.otp_failed").exists()


def test_the_right_code_right_after_a_wrong_one_waits_for_the_throttle(caseworker, device):
    client = Client()
    submit_password(client, "casey")
    submit_code(client, wrong_code_for(device))
    response = submit_code(client, code_for(device))
    assert response.status_code == 200, "a guess right after a failure must be throttled"
    # Once the throttle delay is over (moved into the past, no sleeping), the code works.
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=timezone.now() - timezone.timedelta(minutes=1)
    )
    response = submit_code(client, code_for(device))
    assert response["Location"] == HOME_URL


def test_a_code_that_was_already_used_is_refused(caseworker, device):
    client = Client()
    submit_password(client, "casey")
    used = code_for(device)
    assert submit_code(client, used)["Location"] == HOME_URL
    client.post("/accounts/logout/")

    submit_password(client, "casey")
    response = submit_code(client, used)
    assert response.status_code == 200
    assert not is_signed_in(client)


def test_a_code_from_another_users_device_does_not_finish_the_login(
    caseworker, device, intruder, intruder_device
):
    """Someone who phished Casey's password cannot use their own authenticator."""
    client = Client()
    submit_password(client, "casey")
    response = submit_code(client, code_for(intruder_device))
    assert response.status_code == 200
    assert not is_signed_in(client)


def test_a_user_without_a_device_must_enrol_one_before_getting_in(caseworker):
    client = Client()
    response = submit_password(client, "casey")
    assert response["Location"] == ENROL_URL
    assert not is_signed_in(client)

    page = client.get(ENROL_URL)
    assert page.status_code == 200
    assert b"data:image/svg+xml;base64," in page.content
    pending = TOTPDevice.objects.get(user=caseworker, confirmed=False)
    # Reloading the page shows the same key, not a new one each time.
    client.get(ENROL_URL)
    assert TOTPDevice.objects.filter(user=caseworker).count() == 1

    response = submit_code(client, code_for(pending), ENROL_URL)
    assert response["Location"] == HOME_URL
    pending.refresh_from_db()
    assert pending.confirmed
    assert is_signed_in(client)
    assert AuditEvent.objects.filter(action="auth.mfa_enrolled", actor=caseworker).exists()


def test_enrolment_refuses_a_wrong_code(caseworker):
    client = Client()
    submit_password(client, "casey")
    client.get(ENROL_URL)
    pending = TOTPDevice.objects.get(user=caseworker, confirmed=False)
    response = submit_code(client, wrong_code_for(pending), ENROL_URL)
    assert response.status_code == 200
    pending.refresh_from_db()
    assert not pending.confirmed
    assert not is_signed_in(client)


def test_a_user_with_a_device_cannot_enrol_another_to_skip_the_code(caseworker, device):
    """With only the password, enrolling a fresh authenticator would bypass the second factor."""
    client = Client()
    submit_password(client, "casey")
    response = client.get(ENROL_URL)
    assert response.status_code == 302
    assert response["Location"] == VERIFY_URL
    assert not TOTPDevice.objects.filter(user=caseworker, confirmed=False).exists()
    response = submit_code(client, "123456", ENROL_URL)
    assert response["Location"] == VERIFY_URL
    assert not is_signed_in(client)


def test_without_required_mfa_a_user_without_a_device_goes_straight_in(caseworker):
    with override_settings(REQUIRE_MFA=False):
        client = Client()
        response = submit_password(client, "casey")
        assert response["Location"] == HOME_URL
        assert is_signed_in(client)


def test_a_pending_login_expires_after_five_minutes(caseworker, device):
    client = Client()
    submit_password(client, "casey")
    session = client.session
    session[PENDING_AT] = timezone.now().timestamp() - 301
    session.save()

    assert client.get(VERIFY_URL)["Location"] == LOGIN_URL
    response = submit_code(client, code_for(device))
    assert response["Location"] == LOGIN_URL
    assert not is_signed_in(client)


def test_a_pending_login_for_a_deactivated_account_goes_nowhere(caseworker, device):
    client = Client()
    submit_password(client, "casey")
    caseworker.is_active = False
    caseworker.save()
    response = submit_code(client, code_for(device))
    assert response["Location"] == LOGIN_URL
    assert not is_signed_in(client)


def test_verify_and_enrol_without_a_pending_login_send_back_to_the_login_page(db):
    assert Client().get(VERIFY_URL)["Location"] == LOGIN_URL
    assert Client().get(ENROL_URL)["Location"] == LOGIN_URL


def test_next_on_the_same_host_is_followed_after_the_code(caseworker, device):
    client = Client()
    page = client.get(LOGIN_URL, {"next": "/cases/?status=intake"})
    assert b'name="next" value="/cases/?status=intake"' in page.content
    submit_password(client, "casey", next="/cases/?status=intake")
    response = submit_code(client, code_for(device))
    assert response["Location"] == "/cases/?status=intake"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "/\\evil.example/phish",
        "\\\\evil.example",
        "https://testserver.evil.example/",
        "javascript:alert(1)",
        "ftp://testserver/",
    ],
)
def test_next_to_another_host_or_scheme_is_ignored(caseworker, device, target):
    client = Client()
    page = client.get(LOGIN_URL, {"next": target})
    assert page.context["next"] == "", "the form must not carry the target on"
    submit_password(client, "casey", next=target)
    response = submit_code(client, code_for(device))
    assert response["Location"] == HOME_URL


def test_next_over_http_is_refused_when_the_login_came_over_https(caseworker, device):
    client = Client()
    submit_password(client, "casey", next="http://testserver/cases/", secure=True)
    response = submit_code(client, code_for(device), secure=True)
    assert response["Location"] == HOME_URL


def test_a_failed_login_is_audited_without_the_typed_username(caseworker):
    typed = "my-secret-passphrase-typed-in-the-wrong-box"
    submit_password(Client(), typed, "also-wrong-password-1")
    event = AuditEvent.objects.get(action="auth.login_failed")
    stored = json.dumps(model_to_dict(event), default=str)
    assert typed not in stored
    assert "also-wrong-password-1" not in stored
    assert event.actor is None
    assert event.actor_name == "127.0.0.1"


def test_a_failed_login_for_a_real_account_names_no_account(caseworker, device):
    submit_password(Client(), "casey", "not-the-password-at-all")
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.actor is None
    assert "casey" not in json.dumps(model_to_dict(event), default=str)


def test_a_session_without_a_verified_second_factor_is_signed_out(caseworker, device):
    client = Client()
    client.force_login(caseworker)  # a session that skipped the code
    response = client.get(HOME_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)
    assert "_auth_user_id" not in client.session


def test_a_session_without_a_second_factor_is_let_in_when_mfa_is_not_required(caseworker):
    with override_settings(REQUIRE_MFA=False):
        client = Client()
        client.force_login(caseworker)
        assert client.get(HOME_URL).status_code == 200


def test_a_signed_in_user_visiting_the_login_page_goes_to_the_dashboard(caseworker, device):
    client = Client()
    log_in(client, caseworker, device)
    response = client.get(LOGIN_URL)
    assert response["Location"] == HOME_URL


def test_the_intruder_signs_into_their_own_organisation_only(
    caseworker, device, intruder, intruder_device, case
):
    client = Client()
    log_in(client, intruder, intruder_device)
    assert client.get(HOME_URL).status_code == 200
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    assert client.session["_auth_user_id"] == str(intruder.pk)


def test_the_intruders_own_password_does_not_open_caseys_account(caseworker, device, intruder):
    intruder.set_password("the-intruders-own-passphrase-9")
    intruder.save()
    response = submit_password(Client(), "casey", "the-intruders-own-passphrase-9")
    assert response.status_code == 200
    assert PENDING_USER not in response.wsgi_request.session
