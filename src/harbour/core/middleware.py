from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


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
