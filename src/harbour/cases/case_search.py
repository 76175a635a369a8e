"""The case list and its search, with what was typed kept out of every URL.

A pseudonym or a case reference is L2 data that docs/data-classification.md
keeps out of URLs: `GET /cases/?q=Birch` sat in the browser's history, in a
proxy's log and in the Referer of the next page (issue 15, finding 4). The
filter form is therefore a POST. The view keeps the text in the session,
encrypted under the field keys, under a random token, and answers with the
list's address: that token and the filters that name no one (status, form of
exploitation, province, "only my cases"). Paging, reloading, the Back button
and htmx's history all work from that address. A token means nothing outside
the session that made it and goes with the session (sign-out, 30 minutes idle,
12 hours); a `q` in the query string is ignored.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django_htmx.http import push_url

from harbour.accounts.models import Province
from harbour.cases import access, plan
from harbour.cases.forms import CaseFilterForm, IdentifierSearchForm
from harbour.cases.models import Case, CaseStatus, ExploitationForm, Person
from harbour.core import crypto
from harbour.core.decorators import case_staff_required
from harbour.core.fields import encrypted_field_names

SESSION_KEY = "harbour_case_searches"
SEARCH_PARAMETER = "search"
KEPT_SEARCHES = 20  # per session; the oldest is forgotten first
# The filters that may stay in the address: choices, never typed text.
ADDRESS_FILTERS = ("status", "form", "province", "mine")

# The case list shows pseudonyms and case facts only; its 25 rows need none of
# the encrypted fields, so they are neither loaded nor decrypted (about 250
# decryptions a page otherwise).
_LIST_DEFERRED = [
    *encrypted_field_names(Case),
    *(f"person__{name}" for name in encrypted_field_names(Person)),
]


def remember_search(request: HttpRequest, text: str) -> str:
    """Keep the text in the session, encrypted; the random token that finds it again."""
    token = secrets.token_urlsafe(12)
    kept = [pair for pair in request.session.get(SESSION_KEY, []) if isinstance(pair, list)][
        -(KEPT_SEARCHES - 1) :
    ]
    kept.append([token, crypto.encrypt(text)])
    request.session[SESSION_KEY] = kept
    return token


def recall_search(request: HttpRequest, token: str) -> str | None:
    """The text a token stands for in this session, or None if it is unknown."""
    for pair in request.session.get(SESSION_KEY, []):
        if isinstance(pair, list) and len(pair) == 2 and secrets.compare_digest(pair[0], token):
            try:
                return crypto.decrypt(pair[1])
            except crypto.DecryptionError:  # the key it was kept under was retired
                return None
    return None


def _filtered_cases(request: HttpRequest, form: CaseFilterForm) -> QuerySet[Case]:
    cases = access.visible_cases(request.user).select_related("person").defer(*_LIST_DEFERRED)
    if not form.is_valid():
        return cases
    data = form.cleaned_data
    if data["q"]:
        # The same match as person__pseudonym__icontains, written as a subquery
        # on people so that PostgreSQL can answer it from the trigram index
        # (cases migration 0002) instead of reading every person.
        people = Person.objects.filter(pseudonym__icontains=data["q"]).values("pk")
        cases = cases.filter(Q(person__in=people) | Q(reference__iexact=data["q"]))
    if data["status"]:
        cases = cases.filter(status=data["status"])
    if data["form"]:
        cases = cases.filter(exploitation_forms__contains=f"|{data['form']}|")
    if data["province"]:
        cases = cases.filter(province=data["province"])
    if data["mine"]:
        cases = cases.filter(assigned_to=request.user.pk)
    return cases


def label_rows(cases: Iterable[Case]) -> None:
    """Give each listed case its display labels, translated once per page.

    get_status_display() and friends rebuild and hash the whole list of
    translated choices on every call; over a page of rows that was a third of
    the time the list took to render (docs/benchmarks.md).
    """
    statuses = {key: str(label) for key, label in CaseStatus.choices}
    provinces = {key: str(label) for key, label in Province.choices}
    forms = {key: str(label) for key, label in ExploitationForm.choices}
    for case in cases:
        case.status_label = statuses.get(case.status, case.status)  # type: ignore[attr-defined]
        case.province_label = provinces.get(case.province, case.province)  # type: ignore[attr-defined]
        case.forms_label = ", ".join(forms.get(f, f) for f in case.forms)  # type: ignore[attr-defined]


def _address_query(form: CaseFilterForm, token: str | None) -> str:
    """The query string of the list's address: the token and the choice filters."""
    data = form.cleaned_data
    pairs = [(name, "on" if name == "mine" else data[name]) for name in ADDRESS_FILTERS]
    query = [(name, value) for name, value in pairs if data[name]]
    if token:
        query.append((SEARCH_PARAMETER, token))
    return urlencode(query)


def _render_list(
    request: HttpRequest,
    form: CaseFilterForm,
    query: str,
    *,
    search_expired: bool = False,
    status: int = 200,
) -> HttpResponse:
    page = Paginator(_filtered_cases(request, form), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    label_rows(page.object_list)
    plan.label_stages(page.object_list)
    context = {
        "filter_form": form,
        "page": page,
        "search_form": IdentifierSearchForm(),
        "query_without_page": query,
        "search_expired": search_expired,
    }
    template = "cases/_case_table.html" if request.htmx else "cases/case_list.html"  # type: ignore[attr-defined]
    return render(request, template, context, status=status)


def _filters_from_address(request: HttpRequest) -> tuple[QueryDict | None, bool]:
    """The form's data from the address (a `q` there is ignored), and whether
    its search token has expired."""
    data = QueryDict(mutable=True)
    for name in ADDRESS_FILTERS:
        if name in request.GET:
            data[name] = request.GET[name]
    token = request.GET.get(SEARCH_PARAMETER, "")
    expired = False
    if token:
        text = recall_search(request, token)
        if text is None:
            expired = True
        else:
            data["q"] = text
    return (data or None), expired


@case_staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def case_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _search(request)
    data, expired = _filters_from_address(request)
    form = CaseFilterForm(data)
    query = ""
    if form.is_valid():
        token = request.GET.get(SEARCH_PARAMETER) if form.cleaned_data["q"] else None
        query = _address_query(form, token)
    return _render_list(request, form, query, search_expired=expired)


def _search(request: HttpRequest) -> HttpResponse:
    """The filter form, posted: remember the text, answer with an address without it."""
    form = CaseFilterForm(request.POST)
    if not form.is_valid():
        return _render_list(request, form, "", status=400)
    text = form.cleaned_data["q"]
    token = remember_search(request, text) if text else None
    query = _address_query(form, token)
    address = reverse("cases:case_list") + (f"?{query}" if query else "")
    if not request.htmx:  # type: ignore[attr-defined]
        return redirect(address)
    # htmx swaps the table in place; the address it keeps in the history is ours.
    return push_url(_render_list(request, form, query), address)
