"""Error pages of the public site.

The staff error pages extend the staff layout, which links to the dashboard
and sign-in: on a public host (HARBOUR_SITE=public) those links do not exist,
and a visitor must never learn from a 404 where the staff site lives. These
pages name nothing but the public help pages. A public template
`public/<status>.html`, when the public site has one, is used instead.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

from harbour.core.site import PUBLIC_PREFIX


def _page(request: HttpRequest, status: int, title: str, text: str) -> HttpResponse:
    try:
        body = render_to_string(f"public/{status}.html", {"title": title, "text": text}, request)
    except TemplateDoesNotExist:
        language = translation.get_language() or "en"
        body = format_html(
            '<!doctype html><html lang="{}" dir="{}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>{}</title></head><body><main><h1>{}</h1><p>{}</p>"
            '<p><a href="{}">{}</a></p></main></body></html>',
            language,
            "rtl" if translation.get_language_bidi() else "ltr",
            title,
            title,
            text,
            PUBLIC_PREFIX,
            _("Go to the help pages"),
        )
    response = HttpResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 400, _("Something is wrong"), _("We could not read this request."))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 403, _("Not allowed"), _("This page is not open to the public."))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 404, _("Page not found"), _("There is no page at this address."))


def server_error(request: HttpRequest) -> HttpResponse:
    return _page(request, 500, _("Something went wrong"), _("Please try again in a few minutes."))


def request_too_large(request: HttpRequest) -> HttpResponse:
    """413 for a body past the upload limit (harbour.core.upload_limit): the
    self-check takes no file, so the 400 page's words, with the right status."""
    return _page(request, 413, _("Something is wrong"), _("We could not read this request."))
