"""gunicorn settings for Harbour: `gunicorn -c python:harbour.core.gunicorn_conf harbour.wsgi`.

`harbour serve` loads this file too; options given on the command line win.
The logger keeps no trace of public-site visitors (harbour/core/logging.py).
Each worker drops gunicorn's `Server: gunicorn` banner (see `hide_server_banner`).
"""

from __future__ import annotations

from typing import Any

from gunicorn.http import wsgi

logger_class = "harbour.core.logging.PrivateAccessLogger"

SERVER_LINE = "Server:"


def hide_server_banner() -> None:
    """Send no Server header: it names the server for anyone scanning for its flaws.

    gunicorn has no setting for it: Response.default_headers always writes
    "Server: gunicorn" (gunicorn/http/wsgi.py). Wrapping that method drops the
    line from every HTTP/1 response, the worker's own error pages included
    (they are built on the same Response). HTTP/2, which gunicorn offers only
    over its own TLS, is not used by Harbour: TLS ends at the reverse proxy.
    """
    response_class: Any = wsgi.Response
    if getattr(response_class, "harbour_banner_hidden", False):
        return
    default_headers = response_class.default_headers

    def headers_without_server(self: Any) -> list[str]:
        return [line for line in default_headers(self) if not line.startswith(SERVER_LINE)]

    response_class.default_headers = headers_without_server
    response_class.harbour_banner_hidden = True


def post_worker_init(worker: Any) -> None:
    """gunicorn's hook, run in each worker before it takes a request."""
    hide_server_banner()
