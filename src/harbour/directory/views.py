"""Services directory pages. Everyone who works on cases reads the directory;
supervisors and organisation admins add services, edit their organisation's,
and import spreadsheets. Views parse, authorise, call a service and render."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from harbour.audit.services import Actor
from harbour.cases.services import NotAllowed
from harbour.core.decorators import case_staff_required
from harbour.core.spreadsheets import DEFAULT_MAX_BYTES
from harbour.directory import services
from harbour.directory.forms import ImportForm, ServiceFilterForm, ServiceForm
from harbour.directory.importer import check_file
from harbour.directory.models import DirectoryUpload, Language, Need, Service
from harbour.directory.queries import ServiceQuery, search_services
from harbour.directory.records import COLUMNS, REQUIRED

PREVIEW_ROWS = 10
SHOWN_PROBLEMS = 200


def get_service(service_id: Any) -> Service:
    try:
        return Service.objects.select_related("provider", "maintained_by").get(
            pk=uuid.UUID(str(service_id))
        )
    except (ValueError, Service.DoesNotExist):
        raise Http404 from None


def _require_editor(request: HttpRequest) -> None:
    if not services.is_directory_editor(request.user):
        raise PermissionDenied


def _label(service: Service, language: str) -> None:
    service.shown_name = service.display_name(language)  # type: ignore[attr-defined]
    service.shown_description = service.display_description(language)  # type: ignore[attr-defined]


@case_staff_required
@require_safe
def service_list(request: HttpRequest) -> HttpResponse:
    form = ServiceFilterForm(request.GET or None)
    query = ServiceQuery()
    if form.is_valid():
        data = form.cleaned_data
        query = ServiceQuery(
            need=data["need"], province=data["province"], language=data["language"], text=data["q"]
        )
    page = Paginator(search_services(query), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    language = translation.get_language() or "en"
    needs = {key: str(label) for key, label in Need.choices}
    for service in page.object_list:
        _label(service, language)
        service.needs_label = ", ".join(needs[n] for n in service.need_list if n in needs)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "filter_form": form,
        "page": page,
        "query_without_page": params.urlencode(),
        "can_edit": services.is_directory_editor(request.user),
    }
    template = "directory/_service_table.html" if request.htmx else "directory/service_list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@case_staff_required
@require_safe
def service_detail(request: HttpRequest, service_id: str) -> HttpResponse:
    service = get_service(service_id)
    _label(service, translation.get_language() or "en")
    context = {
        "service": service,
        "can_edit": services.can_edit_service(request.user, service),
    }
    return render(request, "directory/service_detail.html", context)


@case_staff_required
@require_http_methods(["GET", "POST"])
def service_new(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    form = ServiceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            service = services.add_service(
                Actor.from_request(request), form.cleaned_data["provider_name"], form.service_data()
            )
        except NotAllowed as refusal:
            raise PermissionDenied(str(refusal)) from None
        messages.success(request, _("Service added to the directory."))
        return redirect("directory:service_detail", service_id=service.pk)
    return render(request, "directory/service_form.html", {"form": form})


@case_staff_required
@require_http_methods(["GET", "POST"])
def service_edit(request: HttpRequest, service_id: str) -> HttpResponse:
    service = get_service(service_id)
    if not services.can_edit_service(request.user, service):
        raise PermissionDenied
    form = ServiceForm(request.POST or None, initial=ServiceForm.initial_for(service))
    if request.method == "POST" and form.is_valid():
        services.update_service(
            Actor.from_request(request),
            service,
            form.service_data(),
            provider_name=form.cleaned_data["provider_name"],
        )
        messages.success(request, _("Service saved."))
        return redirect("directory:service_detail", service_id=service.pk)
    return render(request, "directory/service_form.html", {"form": form, "service": service})


@case_staff_required
@require_POST
def service_active(request: HttpRequest, service_id: str) -> HttpResponse:
    service = get_service(service_id)
    if not services.can_edit_service(request.user, service):
        raise PermissionDenied
    active = request.POST.get("active") == "1"
    services.set_service_active(Actor.from_request(request), service, active)
    if active:
        messages.success(request, _("Service shown in the directory again."))
    else:
        messages.success(request, _("Service deactivated: it no longer appears in searches."))
    return redirect("directory:service_detail", service_id=service.pk)


def _import_context(form: ImportForm, report: Any = None, upload: Any = None) -> dict[str, Any]:
    return {
        "form": form,
        "report": report,
        "upload": upload,
        "problems": report.problems[:SHOWN_PROBLEMS] if report else [],
        "preview": report.records[:PREVIEW_ROWS] if report else [],
        # The optional columns (the page lists the required ones first).
        "columns": [column for column in COLUMNS if column not in REQUIRED],
        "required": REQUIRED,
        "needs": Need.values,
        "languages": Language.values,
    }


@case_staff_required
@require_http_methods(["GET", "POST"])
def service_import(request: HttpRequest) -> HttpResponse:
    """Step 1: upload and check (a dry run); nothing is written to the directory."""
    _require_editor(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        status = 400 if request.method == "POST" else 200
        return render(
            request, "directory/service_import.html", _import_context(form), status=status
        )
    upload_file = form.cleaned_data["file"]
    if upload_file.size > DEFAULT_MAX_BYTES:
        form.add_error("file", _("The file is larger than 10 MB."))
        return render(request, "directory/service_import.html", _import_context(form), status=400)
    data = upload_file.read()
    report = check_file(data, upload_file.name)
    upload = None
    if report.ok:
        membership = request.membership  # type: ignore[attr-defined]
        upload = DirectoryUpload.objects.create(
            organisation_id=membership.organisation_id,
            created_by=request.user if request.user.is_authenticated else None,
            filename=upload_file.name[-200:],
            data=data,
        )
    context = _import_context(ImportForm(), report, upload)
    return render(
        request, "directory/service_import.html", context, status=200 if report.ok else 400
    )


@case_staff_required
@require_POST
def service_import_commit(request: HttpRequest) -> HttpResponse:
    """Step 2: import a checked file, all or nothing."""
    _require_editor(request)
    membership = request.membership  # type: ignore[attr-defined]
    try:
        upload = DirectoryUpload.objects.get(
            pk=uuid.UUID(request.POST.get("upload", "")),
            organisation_id=membership.organisation_id,
        )
    except (ValueError, DirectoryUpload.DoesNotExist):
        messages.error(
            request, _("That upload is no longer waiting; please upload the file again.")
        )
        return redirect("directory:service_import")
    report = check_file(bytes(upload.data), upload.filename)
    if not report.ok:
        upload.delete()
        context = _import_context(ImportForm(), report)
        return render(request, "directory/service_import.html", context, status=400)
    created = services.import_services(Actor.from_request(request), report.records)
    upload.delete()
    messages.success(
        request, _("%(count)s services imported into the directory.") % {"count": created}
    )
    return redirect("directory:service_list")
