"""The client's address, as lockout and the audit trail must see it."""

from __future__ import annotations

import contextlib
import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR, or with HARBOUR_PROXY_COUNT=N the address the Nth proxy saw.

    Each trusted proxy appends the address it received from, so the client is
    N entries from the right of X-Forwarded-For. Entries further left are
    whatever the client chose to send and are never trusted: otherwise a
    guesser could rotate fake addresses past the lockout, or lock a
    caseworker out by claiming their address.
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.HARBOUR_PROXY_COUNT
    if proxies:
        forwarded = [
            part.strip()
            for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            with contextlib.suppress(ValueError):
                remote = str(ipaddress.ip_address(forwarded[-proxies]))
    return remote[:45]
