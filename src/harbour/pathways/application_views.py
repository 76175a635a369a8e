"""Pages of a case's applications for protection and their decisions.

Views parse, authorise through cases.access (another organisation's case or
application answers 404; roles without case files get 403 from the
decorator), and call `pathways.applications`; every page that shows an
application's reference number, documents or conditions is an audited read.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from harbour.audit.services import Actor
from harbour.cases import access
from harbour.cases.models import Case
from harbour.core.decorators import case_staff_required
from harbour.pathways import applications
from harbour.pathways.application_forms import ApplicationForm, DecisionForm
from harbour.pathways.models import Application


def _application_of(request: HttpRequest, case_id: str, application_id: str) -> Application:
    case = access.get_case_for(request.user, case_id)
    return get_object_or_404(
        Application.objects.select_related("case", "case__person", "created_by"),
        pk=application_id,
        case=case,
    )


def _detail_url(application: Application) -> str:
    return reverse("pathways:application_detail", args=[application.case_id, application.pk])


def _apply_errors(form: forms.Form, problem: applications.InvalidApplication) -> None:
    form.add_error(problem.field if problem.field in form.fields else None, str(problem))


def _form_page(
    request: HttpRequest, case: Case, form: ApplicationForm, application: Application | None
) -> HttpResponse:
    context = {
        "case": case,
        "form": form,
        "application": application,
        "follow_up_days": applications.FOLLOW_UP_DAYS,
    }
    status = 400 if form.is_bound else 200
    return render(request, "pathways/application_form.html", context, status=status)


@case_staff_required
@require_http_methods(["GET", "POST"])
def application_new(request: HttpRequest, case_id: str) -> HttpResponse:
    case = access.get_case_for(request.user, case_id)
    if request.method == "POST":
        form = ApplicationForm(request.POST)
        if form.is_valid():
            try:
                application = applications.record_application(
                    Actor.from_request(request), case, form.cleaned_data
                )
            except applications.InvalidApplication as problem:
                _apply_errors(form, problem)
            else:
                messages.success(
                    request,
                    _("Application recorded. A task to check its status is on the case."),
                )
                return redirect(_detail_url(application))
        return _form_page(request, case, form, None)
    # From the navigator: the pathway comes preselected (an id, not a fact).
    wanted = request.GET.get("pathway", "")
    initial: dict[str, Any] = {"submitted_on": timezone.localdate()}
    if wanted in applications.pathways_by_id():
        initial["pathway_id"] = wanted
    return _form_page(request, case, ApplicationForm(initial=initial), None)


@case_staff_required
@require_safe
def application_detail(request: HttpRequest, case_id: str, application_id: str) -> HttpResponse:
    application = _application_of(request, case_id, application_id)
    applications.record_application_view(Actor.from_request(request), application)
    decision = getattr(application, "decision", None)
    context = {
        "case": application.case,
        "application": application,
        "decision": decision,
        "pathway_title": applications.pathway_title(application.pathway_id),
        "known_pathway": application.pathway_id in applications.pathways_by_id(),
        "tasks": application.case.tasks.filter(
            source__startswith=f"application:{application.pk}:"
        ).order_by("due_on"),
    }
    return render(request, "pathways/application_detail.html", context)


@case_staff_required
@require_http_methods(["GET", "POST"])
def application_edit(request: HttpRequest, case_id: str, application_id: str) -> HttpResponse:
    application = _application_of(request, case_id, application_id)
    actor = Actor.from_request(request)
    if request.method == "POST":
        form = ApplicationForm(request.POST)
        if form.is_valid():
            try:
                changed = applications.update_application(actor, application, form.cleaned_data)
            except applications.InvalidApplication as problem:
                _apply_errors(form, problem)
            else:
                messages.success(
                    request, _("Application updated.") if changed else _("Nothing changed.")
                )
                return redirect(_detail_url(application))
        return _form_page(request, application.case, form, application)
    applications.record_application_view(actor, application)
    initial = {name: getattr(application, name) for name in applications.APPLICATION_FIELDS}
    return _form_page(request, application.case, ApplicationForm(initial=initial), application)


@case_staff_required
@require_http_methods(["GET", "POST"])
def application_decision(request: HttpRequest, case_id: str, application_id: str) -> HttpResponse:
    application = _application_of(request, case_id, application_id)
    actor = Actor.from_request(request)
    decision = getattr(application, "decision", None)
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if form.is_valid():
            try:
                applications.record_decision(actor, application, form.cleaned_data)
            except applications.InvalidApplication as problem:
                _apply_errors(form, problem)
            else:
                messages.success(request, _("Decision recorded. The case's tasks follow it."))
                return redirect(_detail_url(application))
    else:
        applications.record_application_view(actor, application)
        initial = (
            {name: getattr(decision, name) for name in applications.DECISION_FIELDS}
            if decision is not None
            else {"decided_on": timezone.localdate()}
        )
        form = DecisionForm(initial=initial)
    context = {
        "case": application.case,
        "application": application,
        "decision": decision,
        "form": form,
        "pathway_title": applications.pathway_title(application.pathway_id),
    }
    status = 400 if form.is_bound else 200
    return render(request, "pathways/application_decision.html", context, status=status)
