"""413, not 500, for a request body past the upload limit.

The only upload handler (harbour.cases.uploads.LimitedMemoryUploadHandler)
stops a multipart body past the limit (the larger of HARBOUR_UPLOAD_MAX_MB and
the spreadsheet limit) by raising StopUpload. When the Content-Length alone
says so, it raises before Django's parser catches anything, so the first
reader of request.POST fails: that is CsrfViewMiddleware, on every POST, even
to the login page before anyone has signed in, and the answer was a 500. Form
fields past DATA_UPLOAD_MAX_MEMORY_SIZE raise RequestDataTooBig, which Django
answers with a bare 400.

`OversizedUploadMiddleware` sits just before CsrfViewMiddleware
(settings.MIDDLEWARE), so its `process_view` runs before the CSRF check's:

- a multipart body whose Content-Length is past the limit is answered 413
  without reading it;
- otherwise a POST's form is read here, as the CSRF check would read it next,
  and a read that stops answers 413;
- `process_exception` does the same for a view that reads the body itself
  (the API, which is exempt from the CSRF check).

Staff pages get the normal page with the normal "The file is larger than …
MB." message; the API (/api/) gets JSON, `{"detail": "…"}`, as its other
errors. Nothing from the request is echoed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadhandler import StopUpload
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import engines
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from harbour.cases.uploads import upload_limit
from harbour.core.site import is_public_path

logger = logging.getLogger(__name__)

MB = 1024 * 1024
# The upload handler's own allowance for the multipart framing around a file.
FRAMING = 64 * 1024
API_PREFIX = "/api/"

PAGE = """{% extends "base.html" %}
{% block title %}{{ title }}{% endblock %}
{% block content %}
<div class="narrow card">
  <h1>{{ title }}</h1>
  <p role="alert">{{ message }}</p>
  <p>{{ hint }}</p>
</div>
{% endblock %}"""


def _content_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except (TypeError, ValueError):
        return 0


def _is_multipart(request: HttpRequest) -> bool:
    return str(request.META.get("CONTENT_TYPE", "")).lower().startswith("multipart/form-data")


def file_too_large_message() -> str:
    return _("The file is larger than %(limit)s MB.") % {"limit": upload_limit() // MB}


def data_too_large_message() -> str:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
    return _("What was sent is larger than %(limit)s MB.") % {
        "limit": number_format(round(limit / MB, 1))
    }


def too_large(request: HttpRequest, message: str) -> HttpResponse:
    """The 413 answer: JSON for the API, the public site's own plain page on
    /help/ (never the staff layout there), the staff page's layout elsewhere."""
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": message}, status=413)
    if is_public_path(request.path):
        from harbour.public.site_errors import request_too_large

        return request_too_large(request)
    context = {
        "title": _("Too large"),
        "message": message,
        "hint": _("Go back and send a smaller file."),
    }
    try:
        page = engines["django"].from_string(PAGE).render(context, request)
    except Exception as error:  # the refusal must never become a 500 itself
        logger.warning("413 page not rendered: %s", type(error).__name__)
        page = f"<!doctype html><title>413</title><p>{message}</p>"
    return HttpResponse(page, status=413)


def _answer_for(request: HttpRequest, error: BaseException) -> HttpResponse | None:
    if isinstance(error, StopUpload):
        return too_large(request, file_too_large_message())
    if isinstance(error, RequestDataTooBig):
        return too_large(request, data_too_large_message())
    return None


class OversizedUploadMiddleware:
    """Answer 413 for a body past the limit; see the module's docstring."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
            return None
        if _is_multipart(request) and _content_length(request) > upload_limit() + FRAMING:
            return too_large(request, file_too_large_message())
        if request.method != "POST" or getattr(view, "csrf_exempt", False):
            return None  # the view reads its own body; process_exception answers
        try:
            request.POST  # noqa: B018 - read now, as the CSRF check would next
        except (StopUpload, RequestDataTooBig) as error:
            return _answer_for(request, error)
        return None

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        return _answer_for(request, exception)
