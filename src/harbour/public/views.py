"""The public site: pages for workers under /help/<language>/.

Nothing traceable: these views never touch the session, the user or the CSRF token
(so no cookie is ever set), never write to the database (the services page reads
the directory; nothing else reads at all), answer with `Cache-Control: no-store` and
`Referrer-Policy: no-referrer`, and take the self-check's answers by POST only, so
they are never in an address, a history or a log. The self-check views are
`csrf_exempt`: their POST changes nothing on the server, so there is nothing to
forge (docs/threat-model.md, "The public site").
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from pydantic import BaseModel

from harbour.directory.queries import ServiceQuery, search_services
from harbour.public import labels
from harbour.public.conf import exit_url
from harbour.public.content import Knowledge, LocalText, load_public_knowledge
from harbour.public.languages import PUBLIC_LANGUAGES, from_accept_language, language
from harbour.public.selfcheck import (
    SelfCheckInputError,
    parse_answers,
    protections_in,
    read_answers,
)
from harbour.public.statistics import latest_release, statistics_in, table_entries
from harbour.public.translation_status import is_reviewed
from harbour.reports.figures import csv_response

SERVICES_SHOWN = 50
View = Callable[..., HttpResponse]


def knowledge() -> Knowledge:
    return load_public_knowledge()


@functools.lru_cache(maxsize=16)
def has_untranslated(language_code: str) -> bool:
    """Whether some text a page may show has no value in this language.

    The pathways knowledge is written in English and French only.
    """
    if language_code not in ("en", "fr"):
        return True
    found = knowledge()

    def walk(value: Any) -> bool:
        if isinstance(value, LocalText):
            return not value.get(language_code).translated
        if isinstance(value, list | tuple):
            return any(walk(item) for item in value)
        if isinstance(value, dict):
            return any(walk(item) for item in value.values())
        if isinstance(value, BaseModel):
            return any(walk(getattr(value, name)) for name in type(value).model_fields)
        return False

    return walk(found.selfcheck) or walk(found.pages)


def privacy_headers(response: HttpResponse, language_code: str) -> HttpResponse:
    # no-store: a shared phone's browser cache must not keep a page, least of all
    # an answer page. no-referrer: a click to a service's site must not tell it
    # (or a network watching it) that the visitor came from here.
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["Content-Language"] = language_code
    return response


def public_page(view: View) -> View:
    """Render in the URL's language and add the privacy headers."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, language_code: str, **kwargs: Any) -> HttpResponse:
        with translation.override(language_code):
            response = view(request, language_code, **kwargs)
        return privacy_headers(response, language_code)

    return wrapper


def page_context(request: HttpRequest, language_code: str, **extra: Any) -> dict[str, Any]:
    match = request.resolver_match
    view_name = match.view_name if match and "language_code" in match.kwargs else "public:index"
    kwargs = dict(match.kwargs) if match and "language_code" in match.kwargs else {}
    languages = [
        {
            "language": other,
            "url": reverse(view_name, kwargs={**kwargs, "language_code": other.code}),
            "current": other.code == language_code,
        }
        for other in PUBLIC_LANGUAGES
    ]
    return {
        "lang": language(language_code),
        "languages": languages,
        "exit_url": exit_url(),
        "reviewed": is_reviewed(language_code),
        "untranslated": has_untranslated(language_code),
        "pages": knowledge().pages,
        **extra,
    }


@require_GET
def root(request: HttpRequest) -> HttpResponse:
    """/help/: the home page in the browser's language, without a redirect or a cookie."""
    language_code = from_accept_language(request.headers.get("Accept-Language", ""))
    with translation.override(language_code):
        response = render(request, "public/index.html", index_context(request, language_code))
    response["Vary"] = "Accept-Language"
    return privacy_headers(response, language_code)


@require_GET
@public_page
def index(request: HttpRequest, language_code: str) -> HttpResponse:
    return render(request, "public/index.html", index_context(request, language_code))


def index_context(request: HttpRequest, language_code: str) -> dict[str, Any]:
    # The only page besides services and statistics that reads the database: one
    # query, to link the statistics only when a release is public.
    return page_context(request, language_code, has_statistics=latest_release() is not None)


@require_GET
@public_page
def signs(request: HttpRequest, language_code: str) -> HttpResponse:
    return render(request, "public/signs.html", page_context(request, language_code))


def province_choices(language_code: str) -> list[tuple[str, str]]:
    where = knowledge().selfcheck.question("where")
    return [
        (option.id, option.label.get(language_code).text)
        for option in where.options
        if "province" in option.facts
    ]


@require_GET
@public_page
def rights(request: HttpRequest, language_code: str) -> HttpResponse:
    provinces = province_choices(language_code)
    province = request.GET.get("province", "")
    error = ""
    if province and province not in dict(provinces):
        error = _("Choose a province or territory from the list.")
        province = ""
    protections = protections_in(knowledge(), province or None, timezone.localdate())
    context = page_context(
        request,
        language_code,
        provinces=provinces,
        province=province,
        province_name=dict(provinces).get(province, ""),
        protections=protections,
        error=error,
    )
    return render(request, "public/rights.html", context, status=400 if error else 200)


@require_GET
@public_page
def contacts(request: HttpRequest, language_code: str) -> HttpResponse:
    return render(request, "public/contacts.html", page_context(request, language_code))


@require_GET
@public_page
def services(request: HttpRequest, language_code: str) -> HttpResponse:
    provinces = province_choices(language_code)
    needs = [(key, str(label)) for key, label in labels.NEEDS.items()]
    province = request.GET.get("province", "")
    need = request.GET.get("need", "")
    errors = []
    if province and province not in dict(provinces):
        errors.append(_("Choose a province or territory from the list."))
        province = ""
    if need and need not in dict(needs):
        errors.append(_("Choose a kind of help from the list."))
        need = ""
    found: list[dict[str, Any]] = []
    if province:
        # Read only: the directory is public-facing organisational data (L1), and
        # only active entries are listed.
        query = ServiceQuery(need=need, province=province)
        for service in search_services(query)[:SERVICES_SHOWN]:
            found.append(
                {
                    "name": service.display_name(language_code),
                    "provider": service.provider.name,
                    "description": service.display_description(language_code),
                    "phone": service.phone,
                    "email": service.email,
                    "website": service.website,
                    "hours": service.hours,
                    "cost": labels.COSTS.get(service.cost, ""),
                    "languages": [
                        (
                            labels.LANGUAGE_TAGS.get(code, code),
                            labels.LANGUAGE_NAMES.get(code, code),
                        )
                        for code in service.language_list
                    ],
                    "needs": [labels.NEEDS[n] for n in service.need_list if n in labels.NEEDS],
                }
            )
    context = page_context(
        request,
        language_code,
        provinces=provinces,
        needs=needs,
        province=province,
        need=need,
        services=found,
        errors=errors,
        searched=bool(province),
    )
    return render(request, "public/services.html", context, status=400 if errors else 200)


def spoken(code: str) -> tuple[str, str]:
    """A service's language as (lang attribute, name in its own script)."""
    return labels.LANGUAGE_TAGS.get(code, code), labels.LANGUAGE_NAMES.get(code, code)


# The self-check's POST changes nothing on the server (the answers are read and
# forgotten), so there is nothing for a forged request to do; a CSRF token would
# need a cookie, which this site never sets. See docs/threat-model.md.
@csrf_exempt
@require_http_methods(["GET", "POST"])
@public_page
def selfcheck(request: HttpRequest, language_code: str) -> HttpResponse:
    found = knowledge()
    if request.method == "GET":
        return render(
            request,
            "public/selfcheck.html",
            page_context(request, language_code, selfcheck=found.selfcheck, chosen={}),
        )
    try:
        answers = parse_answers(found, request.POST)
    except SelfCheckInputError:
        context = page_context(
            request,
            language_code,
            selfcheck=found.selfcheck,
            chosen={},
            error=_("Some answers were not ones this form offers. Please answer again."),
        )
        return render(request, "public/selfcheck.html", context, status=400)
    advice = read_answers(found, answers, timezone.localdate())
    reading_text = found.pages.readings[advice.reading.code.value]
    context = page_context(
        request,
        language_code,
        advice=advice,
        reading_text=reading_text,
        province_name=dict(province_choices(language_code)).get(advice.province or "", ""),
    )
    return render(request, "public/result.html", context)


@require_GET
@public_page
def statistics(request: HttpRequest, language_code: str) -> HttpResponse:
    found = statistics_in(language_code)
    return render(
        request,
        "public/statistics.html",
        page_context(request, language_code, statistics=found),
        status=200 if found is not None else 404,
    )


@require_GET
@public_page
def statistics_csv(request: HttpRequest, language_code: str, table: str) -> HttpResponse:
    """One table of the public release as `row,col,count,flag` (codes, not labels)."""
    entries = table_entries(table)
    if entries is None:
        return render(
            request, "public/statistics.html", page_context(request, language_code), status=404
        )
    return csv_response(f"{table}.csv", entries)
