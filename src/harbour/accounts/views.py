"""Sign-in in two steps: password, then a TOTP code (or enrolment of one).

Between the steps the session holds only the pending user's id; the user is
not logged in, and `login()` (which issues a new session id) runs only once
the second factor is proven.
"""

from __future__ import annotations

import base64
import io
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from harbour.accounts.forms import LoginForm, TokenForm
from harbour.accounts.middleware import LOGIN_AT
from harbour.accounts.models import User
from harbour.audit.services import Actor, client_ip, record

PENDING_USER = "harbour_pending_user"
PENDING_NEXT = "harbour_pending_next"
PENDING_AT = "harbour_pending_at"
PENDING_DEVICE = "harbour_pending_device"
PENDING_SECONDS = 300


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return ""


def _pending_user(request: HttpRequest) -> User | None:
    user_id = request.session.get(PENDING_USER)
    started = request.session.get(PENDING_AT, 0)
    if not user_id or timezone.now().timestamp() - started > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=user_id, is_active=True).first()


def _finish_login(request: HttpRequest, user: User, device: TOTPDevice | None) -> HttpResponse:
    target = request.session.get(PENDING_NEXT, "")
    for key in (PENDING_USER, PENDING_NEXT, PENDING_AT, PENDING_DEVICE):
        request.session.pop(key, None)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    if device is not None:
        otp_login(request, device)
    request.session[LOGIN_AT] = timezone.now().timestamp()
    record(Actor.from_request(request), "auth.login", detail={"second_factor": device is not None})
    return redirect(target or settings.LOGIN_REDIRECT_URL)


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if getattr(request, "axes_locked_out", False):
            return lockout_response(request)
        if user is None:
            # The typed username is not recorded: people type passwords into it.
            record(Actor.from_request(request), "auth.login_failed")
            form.add_error(None, _("That username and password do not match an account."))
        else:
            request.session.cycle_key()
            request.session[PENDING_USER] = user.pk
            request.session[PENDING_AT] = timezone.now().timestamp()
            request.session[PENDING_NEXT] = _safe_next(request)
            if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
                return redirect("accounts:verify")
            if settings.REQUIRE_MFA:
                return redirect("accounts:enrol")
            return _finish_login(request, user, None)
    return render(request, "accounts/login.html", {"form": form, "next": _safe_next(request)})


@require_http_methods(["GET", "POST"])
def verify_view(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:login")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        devices = list(TOTPDevice.objects.filter(user=user, confirmed=True))
        open_devices = [device for device in devices if device.verify_is_allowed()[0]]
        for device in open_devices:
            if device.verify_token(form.cleaned_data["token"]):
                return _finish_login(request, user, device)
        record(Actor(user=None, ip_address=client_ip(request)), "auth.otp_failed")
        form.add_error("token", _otp_refusal(throttled=not open_devices))
    return render(request, "accounts/verify.html", {"form": form})


def _otp_refusal(*, throttled: bool) -> str:
    # After a wrong code django-otp refuses every code for a growing delay;
    # saying "wrong code" then would send people hunting for a clock problem.
    if throttled:
        return _("Too many tries. Wait a few seconds, then enter the newest code.")
    return _("That code is not right or has expired. Check the time on your phone and try again.")


def _qr_svg_data_uri(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


@require_http_methods(["GET", "POST"])
def enrol_view(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:login")
    # Someone holding only the password must not add their own authenticator
    # to an account that already has one: that would skip the second factor.
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect("accounts:verify")
    device = TOTPDevice.objects.filter(
        pk=request.session.get(PENDING_DEVICE), user=user, confirmed=False
    ).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
        request.session[PENDING_DEVICE] = device.pk
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        throttled = not device.verify_is_allowed()[0]
        if not throttled and device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save()
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            record(
                Actor(user=user, ip_address=client_ip(request)),
                "auth.mfa_enrolled",
            )
            return _finish_login(request, user, device)
        form.add_error("token", _otp_refusal(throttled=throttled))
    secret = base64.b32encode(device.bin_key).decode("ascii")
    context: dict[str, Any] = {
        "form": form,
        "qr": _qr_svg_data_uri(device.config_url),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }
    return render(request, "accounts/enrol.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        record(Actor.from_request(request), "auth.logout")
    logout(request)
    response = redirect("accounts:login")
    # Tell the browser to drop cached pages and storage of this site (ASVS 14.3.1).
    response["Clear-Site-Data"] = '"cache", "storage"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def password_change_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        # Other sessions of this user stop working (their auth hash no longer
        # matches); this one is kept, under a new id.
        update_session_auth_hash(request, user)
        record(Actor.from_request(request), "auth.password_changed")
        messages.success(request, _("Your password was changed. Other sessions were signed out."))
        return redirect("cases:dashboard")
    return render(request, "accounts/password_change.html", {"form": form})


def lockout_response(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked.html", {"minutes": minutes}, status=429)
