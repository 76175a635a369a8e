"""Public pages computed once per process, per address, answers and day.

A link shared widely brings thousands of visitors in an hour. The public pages
named in MEMOISED_VIEWS are pure: what they show depends only on the address
(language included), the form fields (the self-check's answers, a province)
and the day (deadlines are counted from today), never on the visitor, the
database or a cookie. So the first answer page for a set of answers is built
by the screening and pathways engines and the templates, and every later one
with the same answers, address and day is the same bytes, served from this
process's memory in a fraction of the time.

What the memo holds, and for how long: at most HARBOUR_PUBLIC_PAGE_MEMO pages
(default 512; 0 turns the memo off), in one worker process's memory only,
never on disk, dropped when the process ends or the day changes. It keys on
the answers, not on who sent them: no address, time, cookie or header of any
visitor is kept. Someone able to read the server's memory could learn that
some visitor gave a set of answers recently, which the same person could learn
by watching the requests arrive; docs/configuration.md says so.

The middleware sits last in PUBLIC_MIDDLEWARE, so a remembered page still gets
every header the stack above adds (CSP, nosniff, X-Frame-Options).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

# Views whose page is a function of address, form fields and day alone. A view
# that reads the database (services, statistics, the home page's statistics
# link) or the request's headers (/help/ reads Accept-Language) is not here.
MEMOISED_VIEWS = frozenset({"public:selfcheck", "public:signs", "public:rights", "public:contacts"})
# Larger requests are answered but not remembered: a flood of made-up fields
# cannot fill memory with large keys.
MAX_KEY_BYTES = 4096
MEMO_ATTRIBUTE = "_harbour_page_memo_key"


class PageMemo:
    """A thread-safe least-recently-used map of page keys to finished pages."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._pages: OrderedDict[Hashable, tuple[int, bytes, tuple[tuple[str, str], ...]]]
        self._pages = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> HttpResponse | None:
        with self._lock:
            found = self._pages.get(key)
            if found is None:
                return None
            self._pages.move_to_end(key)
        status, content, headers = found
        response = HttpResponse(content, status=status)
        for name, value in headers:
            response[name] = value
        return response

    def put(self, key: Hashable, response: HttpResponse) -> None:
        entry = (response.status_code, bytes(response.content), tuple(response.items()))
        with self._lock:
            self._pages[key] = entry
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def __len__(self) -> int:
        return len(self._pages)


def page_key(request: HttpRequest) -> Hashable | None:
    """The key of a memoisable request, or None when it must be built afresh."""
    match = request.resolver_match
    if match is None or match.view_name not in MEMOISED_VIEWS:
        return None
    if request.method not in ("GET", "POST"):
        return None
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if length + len(request.META.get("QUERY_STRING", "")) > MAX_KEY_BYTES:
        return None
    if request.method == "POST" and request.FILES:
        return None

    def fields(data: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
        return tuple(sorted((name, tuple(values)) for name, values in data.lists()))

    return (
        match.view_name,
        request.path_info,
        request.method,
        fields(request.GET),
        fields(request.POST) if request.method == "POST" else (),
        timezone.localdate(),
    )


class PublicPageMemoMiddleware:
    """Serve a remembered public page when the same request was answered before."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.memo = PageMemo(int(getattr(settings, "HARBOUR_PUBLIC_PAGE_MEMO", 512)))

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if self.memo.size <= 0:
            return None
        key = page_key(request)
        if key is None:
            return None
        remembered = self.memo.get(key)
        if remembered is None:
            setattr(request, MEMO_ATTRIBUTE, key)  # built now: remember it in __call__
        return remembered

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        key = getattr(request, MEMO_ATTRIBUTE, None)
        if (
            key is not None
            and response.status_code == 200
            and not response.streaming
            and not response.cookies
        ):
            self.memo.put(key, response)
        return response
