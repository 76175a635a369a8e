from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

# Browser features Harbour never asks for, all refused for the page and any
# frame in it: a page that cannot use the camera, microphone or location cannot
# be made to by injected script either. Only features browsers recognise are
# named (an unknown one is a console warning). A feature Harbour starts to use
# (passkeys: publickey-credentials-get) must leave this list.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "ambient-light-sensor",
        "autoplay",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "encrypted-media",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class PermissionsPolicyMiddleware:
    """Add Permissions-Policy to every response, staff, public, API and static.

    Sits just after SecurityMiddleware in both stacks (settings.MIDDLEWARE and
    harbour.core.site.PUBLIC_MIDDLEWARE), above WhiteNoise, so that static
    files get it too.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class NoStoreForStaffMiddleware:
    """Keep staff pages out of every cache (ASVS 14.3.2).

    A shared computer's browser cache or a proxy must never hold a case file;
    anything served to a signed-in user, and the login pages, get no-store.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/static/"):
            return response
        if request.user.is_authenticated or request.path.startswith(("/accounts/", "/api/")):
            add_never_cache_headers(response)
            response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
        return response
