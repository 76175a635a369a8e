"""Logs that keep no trace of the public site's visitors.

A worker who looks up "is this exploitation" must not be traceable from the
server either: no address, page, query, browser or referrer of a /help/
request is written anywhere. Two places would write them:

* gunicorn's access log (`harbour serve` passes --access-logfile):
  `PrivateAccessLogger` writes one line "public page served <status>" for a
  public request, with no time, address, path, browser or referrer: enough to
  see load and error rates, nothing to find a visit by. Staff requests keep the
  usual line (their address is wanted for security review) without the query
  string, which may hold a search;
* Django's loggers: `django.request` names the path of every 4xx/5xx
  ("Not Found: /help/…"), and a traceback may quote what was typed.
  `HidePublicRequests`, a filter on the handlers, rewrites those records.

What the reverse proxy in front logs is its own configuration: turn its access
log off for /help/ too (README, "Running the public site apart").

Refusals are a third concern: Django logs every 403 and 400 with the whole
traceback of the PermissionDenied or SuspiciousOperation behind it, and every
4xx with its path. A probe of 140,000 requests wrote 67 MB of those, and a path
can hold what was typed (/cases/HB-2026-0001/). `OneLineRefusals` makes each
4xx record one line: status, method, the URL pattern that matched (never the
path's values, never the query) and the exception's class. 5xx records keep
their message and traceback: those are bugs to fix.
"""

from __future__ import annotations

import logging
import traceback
from http import HTTPStatus
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from gunicorn.glogging import Logger as GunicornLogger

from harbour.core.site import PUBLIC_PREFIX, is_public_path

PUBLIC_RECORD = "public page request (details withheld)"
PUBLIC_ACCESS_LINE = "public page served %s"


def _record_path(record: logging.LogRecord) -> str | None:
    request = getattr(record, "request", None)
    path = getattr(request, "path_info", None) or getattr(request, "path", None)
    return path if isinstance(path, str) else None


def _names_public_path(record: logging.LogRecord) -> bool:
    path = _record_path(record)
    if path is not None and is_public_path(path):
        return True
    try:
        message = record.getMessage()
    except (TypeError, ValueError):
        message = str(record.msg)
    return PUBLIC_PREFIX in message


class HidePublicRequests(logging.Filter):
    """Strip the path, address and exception text from records about /help/.

    The record is kept (an error on the public site must still be seen), its
    message replaced by a fixed one with the status code, the request dropped,
    and a traceback reduced to its frames: an exception's message can quote
    an answer or a query. Installed on the handlers in settings.LOGGING, so it
    also sees records that propagate from child loggers.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not _names_public_path(record):
            return True
        status = getattr(record, "status_code", None)
        record.msg = f"{PUBLIC_RECORD} {status}" if isinstance(status, int) else PUBLIC_RECORD
        record.args = ()
        record.__dict__.pop("request", None)
        if record.exc_info and record.exc_info[0] is not None:
            kind, _value, trace = record.exc_info
            frames = "".join(traceback.format_tb(trace))
            record.exc_text = f"Traceback:\n{frames}{kind.__name__} (message withheld)"
            record.exc_info = None
        return True


# Every handler's filters, in order: refusals become one line first, then
# /help/ records lose what would identify a visit (it reads the request).
HANDLER_FILTERS = ["one_line_refusals", "hide_public_requests"]


def log_handlers(*, log_file: str, max_mb: int, files: int) -> dict[str, dict[str, Any]]:
    """settings.LOGGING's handlers: the console, and a rotated file if one is named.

    The console is for a service manager (journald, Docker) that rotates what it
    captures; HARBOUR_LOG_FILE is for a host without one. The file rotates at
    max_mb and keeps `files` old ones, so a flood of requests cannot fill a disk.
    """
    handlers: dict[str, dict[str, Any]] = {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": list(HANDLER_FILTERS),
        }
    }
    if log_file:
        handlers["file"] = {
            "class": "logging.handlers.RotatingFileHandler",
            "filename": log_file,
            "maxBytes": max_mb * 1024 * 1024,
            "backupCount": files,
            "encoding": "utf-8",
            "formatter": "plain",
            "filters": list(HANDLER_FILTERS),
        }
    return handlers


NO_ROUTE = "(no URL matched)"


def _route(request: Any) -> str:
    """The pattern the request matched, such as /cases/<uuid:case_id>/: no values."""
    match = getattr(request, "resolver_match", None)
    route = getattr(match, "route", None)
    return f"/{route}" if isinstance(route, str) else NO_ROUTE


class OneLineRefusals(logging.Filter):
    """Rewrite a 4xx record as one line without traceback, path values or query.

    Runs before HidePublicRequests on the handlers (settings.LOGGING); keeps the
    request on the record, so that filter still sees a /help/ path.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if not isinstance(status, int) or not 400 <= status < 500:
            return True
        request = getattr(record, "request", None)
        method = getattr(request, "method", None)
        line = f"{HTTPStatus(status).phrase} {status}:"
        if isinstance(method, str):
            line += f" {method}"
        line += f" {_route(request)}"
        if record.exc_info and record.exc_info[0] is not None:
            line += f" ({record.exc_info[0].__name__})"
        record.msg = line
        record.args = ()
        record.exc_info = None
        record.exc_text = None
        return True


def _without_query(url: str) -> str:
    """The URL without its query and fragment; any other text up to its first "?"."""
    if "?" not in url and "#" not in url:
        return url
    try:
        parts = urlsplit(url)
    except ValueError:  # not a URL (a header can hold anything): cut at the "?"
        return url.split("?", 1)[0]
    cut = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    return cut.split("?", 1)[0]


class PrivateAccessLogger(GunicornLogger):
    """gunicorn's logger without visitors' traces (see the module docstring).

    Used by `harbour serve` and the production command through
    harbour/core/gunicorn_conf.py (`logger_class`).
    """

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        # "Error handling request /help/…" and the like from the workers.
        self.error_log.addFilter(HidePublicRequests())

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        if is_public_path(str(environ.get("PATH_INFO", ""))):
            status = str(resp.status).split(None, 1)[0]
            self.access_log.info(PUBLIC_ACCESS_LINE, status)
            return
        super().access(resp, req, environ, request_time)

    def atoms(
        self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any
    ) -> dict[str, Any]:
        """The usual atoms with every query string removed, whatever the format asks for.

        Besides the request line and the referrer, gunicorn offers every request
        header ({name}i), response header ({name}o) and WSGI variable ({name}e)
        as an atom: a redirect's Location (?next=…), htmx's HX-Current-URL, the
        environ's HTTP_REFERER and RAW_URI all carry the query. Every such atom
        loses whatever follows a "?", so a custom access_log_format cannot bring
        a search back into the log (issue 15, finding 4).
        """
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        path = environ.get("PATH_INFO", "")
        for key, value in atoms.items():
            if key.startswith("{") and isinstance(value, str):
                atoms[key] = _without_query(value)
        atoms["r"] = f"{environ['REQUEST_METHOD']} {path} {environ['SERVER_PROTOCOL']}"
        atoms["q"] = ""
        atoms["f"] = _without_query(str(atoms.get("f", "-")))
        atoms["{referer}i"] = atoms["f"]
        atoms["{query_string}e"] = ""
        atoms["{raw_uri}e"] = path
        return atoms
