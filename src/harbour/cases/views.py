"""Case management pages. Views parse, authorise through cases.access, call a
service and render; rules live in services and access."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from harbour.accounts.models import Province
from harbour.audit.services import Actor, events_for
from harbour.cases import access, services
from harbour.cases.forms import (
    CaseFilterForm,
    CaseForm,
    IdentifierSearchForm,
    NoteForm,
    PersonForm,
)
from harbour.cases.models import Case, CaseStatus, ExploitationForm, Person
from harbour.core.decorators import case_staff_required
from harbour.core.fields import encrypted_field_names
from harbour.screening.views import assessment_history

DEADLINE_WINDOW_DAYS = 60


def _case_form_kwargs(request: HttpRequest) -> dict[str, Any]:
    return {"organisation_id": request.membership.organisation_id}  # type: ignore[attr-defined]


def _case_extras(form: CaseForm) -> dict[str, Any]:
    staff = list(form.cleaned_data.get("assigned_staff") or [])
    return {
        "forms": form.cleaned_data.get("forms_of_exploitation") or [],
        "assigned_to": staff or None,
    }


@case_staff_required
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    mine = (
        access.visible_cases(request.user)
        .filter(assigned_to=request.user.pk)
        .exclude(status=CaseStatus.CLOSED)
        .select_related("person")[:10]
    )
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=DEADLINE_WINDOW_DAYS)
    expiring = (
        access.visible_people(request.user)
        .filter(permit_expiry__isnull=False, permit_expiry__lte=soon)
        .order_by("permit_expiry")[:10]
    )
    context = {"my_cases": mine, "expiring": expiring, "today": today}
    return render(request, "cases/dashboard.html", context)


# The case list shows pseudonyms and case facts only; its 25 rows need none of
# the encrypted fields, so they are neither loaded nor decrypted (about 250
# decryptions a page otherwise).
_LIST_DEFERRED = [
    *encrypted_field_names(Case),
    *(f"person__{name}" for name in encrypted_field_names(Person)),
]


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


@case_staff_required
@require_safe
def case_list(request: HttpRequest) -> HttpResponse:
    form = CaseFilterForm(request.GET or None)
    page = Paginator(_filtered_cases(request, form), settings.PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    label_rows(page.object_list)
    context = {
        "filter_form": form,
        "page": page,
        "search_form": IdentifierSearchForm(),
        "query_without_page": _query_without_page(request),
    }
    template = "cases/_case_table.html" if request.htmx else "cases/case_list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


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


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@case_staff_required
@require_POST
def case_find(request: HttpRequest) -> HttpResponse:
    """Exact phone or document search. POST, so the number never lands in a URL,
    a browser history or a server log."""
    form = IdentifierSearchForm(request.POST)
    results: list[Case] | None = None
    if form.is_valid():
        results = list(
            services.find_cases_by_identifier(
                Actor.from_request(request), form.cleaned_data["kind"], form.cleaned_data["value"]
            )
        )
    context = {"search_form": form, "results": results}
    template = "cases/_find_results.html" if request.htmx else "cases/case_find.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@case_staff_required
@require_http_methods(["GET", "POST"])
def case_new(request: HttpRequest) -> HttpResponse:
    person_form = PersonForm(request.POST or None, prefix="person")
    case_form = CaseForm(request.POST or None, prefix="case", **_case_form_kwargs(request))
    if request.method == "POST" and person_form.is_valid() and case_form.is_valid():
        try:
            case = services.open_case_for_new_person(
                Actor.from_request(request),
                person_form.cleaned_data,
                case_form.cleaned_data,
                **_case_extras(case_form),
            )
        except services.NotAllowed as refusal:
            case_form.add_error("assigned_staff", str(refusal))
        else:
            messages.success(request, _("Case %(ref)s opened.") % {"ref": case.reference})
            return redirect("cases:case_detail", case_id=case.pk)
    context = {"person_form": person_form, "case_form": case_form}
    return render(request, "cases/case_new.html", context)


@case_staff_required
@require_http_methods(["GET", "POST"])
def case_new_for_person(request: HttpRequest, person_id: str) -> HttpResponse:
    person = access.get_person_for(request.user, person_id)
    form = CaseForm(request.POST or None, **_case_form_kwargs(request))
    if request.method == "POST" and form.is_valid():
        try:
            case = services.open_case(
                Actor.from_request(request), person, form.cleaned_data, **_case_extras(form)
            )
        except services.NotAllowed as refusal:
            form.add_error("assigned_staff", str(refusal))
        else:
            messages.success(request, _("Case %(ref)s opened.") % {"ref": case.reference})
            return redirect("cases:case_detail", case_id=case.pk)
    return render(request, "cases/case_form.html", {"form": form, "person": person})


def _detail_context(request: HttpRequest, case: Case, note_form: NoteForm) -> dict[str, Any]:
    return {
        "case": case,
        "person": case.person,
        "notes": case.notes.select_related("author"),
        "note_form": note_form,
        "assigned": case.assigned_to.order_by("username"),
        "can_view_access_log": access.can_view_access_log(request.user),
        "other_cases": access.visible_cases(request.user)
        .filter(person=case.person)
        .exclude(pk=case.pk),
        # Every screening of the case with its reading, to see how it changed.
        "assessments": assessment_history(case),
    }


@case_staff_required
@require_safe
def case_detail(request: HttpRequest, case_id: str) -> HttpResponse:
    case = access.get_case_for(request.user, case_id)
    services.record_case_view(Actor.from_request(request), case)
    return render(request, "cases/case_detail.html", _detail_context(request, case, NoteForm()))


@case_staff_required
@require_http_methods(["GET", "POST"])
def case_edit(request: HttpRequest, case_id: str) -> HttpResponse:
    case = access.get_case_for(request.user, case_id)
    initial = {
        **model_to_dict(case, fields=services.CASE_FIELDS),
        "forms_of_exploitation": case.forms,
        "assigned_staff": list(case.assigned_to.all()),
    }
    form = CaseForm(request.POST or None, initial=initial, **_case_form_kwargs(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_case(
                Actor.from_request(request),
                case,
                form.cleaned_data,
                forms=form.cleaned_data.get("forms_of_exploitation") or [],
                assigned_to=list(form.cleaned_data.get("assigned_staff") or [request.user]),
            )
        except services.NotAllowed as refusal:
            form.add_error("assigned_staff", str(refusal))
        else:
            messages.success(request, _("Case saved."))
            return redirect("cases:case_detail", case_id=case.pk)
    return render(request, "cases/case_form.html", {"form": form, "case": case})


@case_staff_required
@require_POST
def note_add(request: HttpRequest, case_id: str) -> HttpResponse:
    case = access.get_case_for(request.user, case_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.add_note(Actor.from_request(request), case, form.cleaned_data["body"])
        messages.success(request, _("Note added."))
        return redirect("cases:case_detail", case_id=case.pk)
    services.record_case_view(Actor.from_request(request), case)
    context = _detail_context(request, case, form)
    return render(request, "cases/case_detail.html", context, status=400)


@case_staff_required
@require_safe
def case_access_log(request: HttpRequest, case_id: str) -> HttpResponse:
    case = access.get_case_for(request.user, case_id)
    if not access.can_view_access_log(request.user):
        raise PermissionDenied
    page = Paginator(events_for("case", str(case.pk)).select_related("actor"), 50).get_page(
        request.GET.get("page")
    )
    return render(request, "cases/case_access_log.html", {"case": case, "page": page})


@case_staff_required
@require_http_methods(["GET", "POST"])
def person_new(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = services.register_person(Actor.from_request(request), form.cleaned_data)
        messages.success(request, _("Person registered."))
        return redirect("cases:person_detail", person_id=person.pk)
    return render(request, "cases/person_form.html", {"form": form})


@case_staff_required
@require_safe
def person_detail(request: HttpRequest, person_id: str) -> HttpResponse:
    person = access.get_person_for(request.user, person_id)
    services.record_person_view(Actor.from_request(request), person)
    cases = access.visible_cases(request.user).filter(person=person)
    return render(request, "cases/person_detail.html", {"person": person, "cases": cases})


@case_staff_required
@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, person_id: str) -> HttpResponse:
    person = access.get_person_for(request.user, person_id)
    form = PersonForm(
        request.POST or None, initial=model_to_dict(person, fields=services.PERSON_FIELDS)
    )
    if request.method == "POST" and form.is_valid():
        services.update_person(Actor.from_request(request), person, form.cleaned_data)
        messages.success(request, _("Person saved."))
        return redirect("cases:person_detail", person_id=person.pk)
    return render(request, "cases/person_form.html", {"form": form, "person": person})
