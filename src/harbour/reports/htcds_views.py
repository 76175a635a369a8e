"""HTCDS pages: the export page of a supervisor or organisation admin (their
own organisation's cases, JSON or XLSX), Harbour's schema, and the platform
admin's page that grants and revokes identified export to a partner."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from harbour.accounts.models import Organisation
from harbour.audit.services import Actor
from harbour.cases.services import NotAllowed
from harbour.reports import htcds, htcds_export
from harbour.reports.models import IdentifiedExportGrant

View = Callable[..., HttpResponse]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _only(allowed: Callable[[Any], bool]) -> Callable[[View], View]:
    """Signed in and allowed by role (403 otherwise, before the method check)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not allowed(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=gettext_lazy("File"),
        choices=[
            ("json", gettext_lazy("JSON (checked against Harbour's HTCDS schema)")),
            ("xlsx", gettext_lazy("Spreadsheet (XLSX, official column order)")),
        ],
        widget=forms.RadioSelect,
        initial="json",
    )
    partner = forms.ModelChoiceField(
        label=gettext_lazy("Identified export for"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=gettext_lazy("Nobody: de-identified records only"),
        help_text=gettext_lazy(
            "Only partners the platform admin has allowed are listed. Records are "
            "identified only for people whose consent to sharing is in force."
        ),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partner_ids = htcds_export.active_grants(organisation).values("partner_id")
        self.fields["partner"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=partner_ids
        )


@_only(htcds_export.can_export)
@require_http_methods(["GET", "HEAD", "POST"])
def htcds_export_page(request: HttpRequest) -> HttpResponse:
    organisation = htcds_export.organisation_of(request.user)
    form = ExportForm(request.POST or None, organisation=organisation)
    problems: list[htcds.Problem] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            partner = form.cleaned_data["partner"]
            try:
                result = htcds_export.export_htcds(
                    Actor.from_request(request), organisation, partner=partner
                )
            except htcds_export.InvalidExport as invalid:
                problems = invalid.problems
            else:
                return _download(result, form.cleaned_data["format"])
        status = 400
    context = {
        "form": form,
        "preview": htcds_export.preview(organisation),
        "problems": problems[:50],
        "more_problems": max(0, len(problems) - 50),
        "sheet": htcds.load_field_sheet(),
    }
    return render(request, "reports/htcds_export.html", context, status=status)


def _download(result: htcds_export.ExportResult, file_format: str) -> HttpResponse:
    day = timezone.localdate().isoformat()
    if file_format == "xlsx":
        response = HttpResponse(htcds_export.workbook_bytes(result), content_type=XLSX)
        name = f"htcds-{day}.xlsx"
    else:
        response = HttpResponse(
            htcds_export.document_bytes(result), content_type="application/json"
        )
        name = f"htcds-{day}.json"
    # Generic names: a download's name says nothing about the organisation or anyone.
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@_only(lambda user: user.is_authenticated)
@require_safe
def htcds_schema(request: HttpRequest) -> HttpResponse:
    """Harbour's JSON Schema of HTCDS v2.0: names fields, never data."""
    body = json.dumps(htcds.build_schema(), ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/schema+json")
    response["Content-Disposition"] = 'inline; filename="htcds-2.0-harbour.schema.json"'
    return response


class GrantForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation that exports"), queryset=Organisation.objects.all()
    )
    partner = forms.ModelChoiceField(
        label=gettext_lazy("Partner that receives identified records"),
        queryset=Organisation.objects.all(),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("organisation") and data.get("organisation") == data.get("partner"):
            self.add_error("partner", _("Choose another organisation than the one that exports."))
        return data


@_only(htcds_export.is_platform_admin)
@require_http_methods(["GET", "HEAD", "POST"])
def htcds_grants(request: HttpRequest) -> HttpResponse:
    actor = Actor.from_request(request)
    form = GrantForm(request.POST if request.POST.get("action") == "grant" else None)
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            grant = IdentifiedExportGrant.objects.filter(
                pk=_as_int(request.POST.get("grant")), revoked_at__isnull=True
            ).first()
            if grant is not None:
                htcds_export.revoke_identified_export(actor, grant)
                messages.success(request, _("Identified export revoked."))
                return redirect("reports:htcds_grants")
        elif form.is_valid():
            try:
                htcds_export.grant_identified_export(
                    actor, form.cleaned_data["organisation"], form.cleaned_data["partner"]
                )
            except (NotAllowed, ValueError) as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, _("Identified export allowed."))
                return redirect("reports:htcds_grants")
        status = 400
    grants = IdentifiedExportGrant.objects.select_related(
        "organisation", "partner", "granted_by", "revoked_by"
    )
    context = {
        "form": form,
        "active": [grant for grant in grants if grant.is_active],
        "revoked": [grant for grant in grants if not grant.is_active][:50],
    }
    return render(request, "reports/htcds_grants.html", context, status=status)


def _as_int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
