from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

LOGIN_AT = "harbour_login_at"
SEEN_AT = "harbour_seen_at"
SEEN_AT_RESOLUTION_SECONDS = 60


class SessionTimeoutMiddleware:
    """End a session after inactivity or after an absolute lifetime (ASVS 7.3).

    Django's cookie age alone cannot do both: the absolute limit stops a
    session kept alive forever by a tab that polls.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            login_at = request.session.get(LOGIN_AT, now)
            seen_at = request.session.get(SEEN_AT, now)
            idle = now - seen_at > settings.SESSION_IDLE_TIMEOUT.total_seconds()
            too_old = now - login_at > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
            if idle or too_old:
                logout(request)
                # MessageMiddleware comes later in the chain and has not run
                # yet, so the notice is stored here (messages.info would raise).
                storage = default_storage(request)
                storage.add(messages.INFO, _("Your session ended. Please sign in again."))
                response = redirect(settings.LOGIN_URL)
                storage.update(response)
                return response
            if LOGIN_AT not in request.session:
                request.session[LOGIN_AT] = now
            # Writing the session on every request costs a database write per
            # page; refreshing "last seen" once a minute costs at most a minute
            # of idle-timeout precision.
            if now - request.session.get(SEEN_AT, 0) >= SEEN_AT_RESOLUTION_SECONDS:
                request.session[SEEN_AT] = now
        return self.get_response(request)


class MembershipMiddleware:
    """Attach the user's membership, and refuse sessions that skipped the
    second factor where one is required."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.membership = None  # type: ignore[attr-defined]
        user = request.user
        if user.is_authenticated:
            # OTPMiddleware adds is_verified() to the user at run time.
            if settings.REQUIRE_MFA and not user.is_verified():  # type: ignore[attr-defined]
                logout(request)
                return redirect(settings.LOGIN_URL)
            request.membership = getattr(user, "membership", None)  # type: ignore[attr-defined]
        return self.get_response(request)
