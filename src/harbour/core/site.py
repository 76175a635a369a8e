"""Which site a process serves: the public site, the staff site, or both.

HARBOUR_SITE=public|staff|both (default both) picks the URLconf and the
middleware stack in settings.py. The public site (everything under /help/)
runs on a lean stack of its own in every mode: no sessions, no authentication,
no messages, no login throttling, no CSRF cookie. Those would each give an
anonymous visitor a cookie or a database read they never asked for, and cost
time on a page that must survive a link shared widely. Security headers and
the content security policy stay.

With both sites in one process, `PublicSiteRouter` sits first in the staff
stack and hands every /help/ request to a second, lean middleware chain that
resolves against the public URLconf only: a public page cannot even reverse a
staff URL. Why an organisation would run the two apart: README, "Running the
public site apart".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.core.handlers.base import BaseHandler
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpRequest, HttpResponse
from django.urls import set_urlconf
from django.utils.module_loading import import_string

SITES = ("both", "public", "staff")

# Every path of the public site starts with this; the access-log filters
# (harbour.core.logging) and the router use the same test.
PUBLIC_PREFIX = "/help/"

PUBLIC_URLCONF = "harbour.urls_public"
STAFF_URLCONF = "harbour.urls_staff"
BOTH_URLCONF = "harbour.urls"

# The public site's whole stack. Security headers (nosniff, HSTS, COOP,
# X-Frame-Options, Permissions-Policy) and the CSP stay; WhiteNoise serves the
# site's own CSS and scripts so that no page needs another host; LocaleMiddleware only reads the
# browser's Accept-Language (it never sets a cookie); the page memo, last, serves
# a pure page already built for the same answers (harbour/core/page_memo.py).
PUBLIC_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "harbour.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # 413, not 500, for a multipart body past the upload limit (the self-check takes none).
    "harbour.core.upload_limit.OversizedUploadMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "harbour.core.page_memo.PublicPageMemoMiddleware",
]

ROUTER = "harbour.core.site.PublicSiteRouter"


def is_public_path(path: str) -> bool:
    return path.startswith(PUBLIC_PREFIX)


def is_public_pattern(entry: object) -> bool:
    """Whether a top-level entry of harbour.urls (a URLPattern or URLResolver) is public."""
    return is_public_path("/" + str(getattr(entry, "pattern", "")))


def urlconf_for(site: str) -> str:
    return {"both": BOTH_URLCONF, "public": PUBLIC_URLCONF, "staff": STAFF_URLCONF}[site]


def middleware_for(site: str, staff_middleware: list[str]) -> list[str]:
    """The MIDDLEWARE setting for a site, given the staff site's stack."""
    if site == "public":
        return list(PUBLIC_MIDDLEWARE)
    if site == "both":
        return [ROUTER, *staff_middleware]
    return list(staff_middleware)


def site_settings(site: str, staff_middleware: list[str]) -> dict[str, object]:
    """The settings HARBOUR_SITE decides, for settings.py and for tests that switch site."""
    if site not in SITES:
        raise ValueError(f"unknown site {site!r}: expected one of {', '.join(SITES)}")
    return {
        "HARBOUR_SITE": site,
        "ROOT_URLCONF": urlconf_for(site),
        "MIDDLEWARE": middleware_for(site, staff_middleware),
    }


class PublicHandler(BaseHandler):
    """A second request handler: the public middleware chain and URLconf.

    Built like Django's own handler (BaseHandler.load_middleware), for the
    synchronous case only: the router that calls it is synchronous, and every
    middleware of the public stack supports it.
    """

    def __init__(self, middleware: list[str], urlconf: str) -> None:
        self.urlconf = urlconf
        self._view_middleware: list[Any] = []
        self._template_response_middleware: list[Any] = []
        self._exception_middleware: list[Any] = []
        handler = convert_exception_to_response(self._get_response)  # type: ignore[attr-defined]
        for middleware_path in reversed(middleware):
            try:
                instance = import_string(middleware_path)(handler)
            except MiddlewareNotUsed:
                continue
            if hasattr(instance, "process_view"):
                self._view_middleware.insert(0, instance.process_view)
            if hasattr(instance, "process_template_response"):
                self._template_response_middleware.append(instance.process_template_response)
            if hasattr(instance, "process_exception"):
                self._exception_middleware.append(instance.process_exception)
            handler = convert_exception_to_response(instance)
        self._middleware_chain = handler

    def get_response(self, request: HttpRequest) -> HttpResponse:
        # resolve_request() reads request.urlconf; set_urlconf() makes reverse()
        # in the views and templates use the same, public-only URLconf.
        request.urlconf = self.urlconf  # type: ignore[attr-defined]
        set_urlconf(self.urlconf)
        return cast(HttpResponse, self._middleware_chain(request))


class PublicSiteRouter:
    """First in the staff stack when one process serves both sites.

    A /help/ request leaves the staff stack before any of it runs: no session
    is looked up, no user loaded, no CSRF cookie set.
    """

    sync_capable = True
    async_capable = False

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.public = PublicHandler(list(settings.PUBLIC_MIDDLEWARE), PUBLIC_URLCONF)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_public_path(request.path_info):
            return self.public.get_response(request)
        return self.get_response(request)
