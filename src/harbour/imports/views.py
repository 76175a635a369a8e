"""Spreadsheet import pages: upload, map columns, check (dry run), start, follow.

Supervisors and organisation admins only; caseworkers, analysts and platform
admins get 403 and another organisation's job answers 404 (imports.access).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from harbour.audit.services import Actor
from harbour.cases.services import NotAllowed
from harbour.core.decorators import case_staff_required
from harbour.imports import access, services
from harbour.imports.models import ImportJob, ImportStatus
from harbour.imports.rows import TARGETS

PREVIEW_ROWS = 10
SHOWN_ERRORS = 200


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (.csv or .xlsx)"),
        help_text=gettext_lazy(
            "Up to 10 MB. The first row names the columns. The file is stored encrypted "
            "and deleted once imported."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class MappingForm(forms.Form):
    """One select per Harbour field, listing the file's columns."""

    def __init__(self, *args: Any, headers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Outside the f-string, so that makemessages finds it.
        no_header = _("(no header)")
        columns = [("", _("— not in the file —"))] + [
            (str(index), f"{_column_letter(index)}: {header or no_header}")
            for index, header in enumerate(headers)
        ]
        for target in TARGETS:
            self.fields[target.name] = forms.ChoiceField(
                label=target.label, choices=columns, required=target.required
            )


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


@case_staff_required
@require_http_methods(["GET", "POST"])
def import_new(request: HttpRequest) -> HttpResponse:
    access.require_importer_role(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            if upload.size > services.DEFAULT_MAX_BYTES:
                raise services.ImportRefused(_("The file is larger than 10 MB."))
            job = services.upload_spreadsheet(
                Actor.from_request(request), upload.read(), upload.name
            )
        except services.ImportRefused as refusal:
            form.add_error("file", str(refusal))
        else:
            return redirect("imports:import_mapping", job_id=job.pk)
    status = 400 if request.method == "POST" else 200
    jobs = access.visible_jobs(request.user).defer("payload").select_related("created_by")[:20]
    return render(request, "imports/import_new.html", {"form": form, "jobs": jobs}, status=status)


@case_staff_required
@require_http_methods(["GET", "POST"])
def import_mapping(request: HttpRequest, job_id: str) -> HttpResponse:
    job = access.get_job_for(request.user, job_id, with_file=True)
    if job.status not in (ImportStatus.UPLOADED, ImportStatus.CHECKED, ImportStatus.FAILED):
        return redirect("imports:import_progress", job_id=job.pk)
    try:
        headers = services.open_job_sheet(job).headers
    except services.ImportRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("imports:import_new")
    initial = {name: str(index) for name, index in job.mapping.items()}
    form = MappingForm(request.POST or None, initial=initial, headers=headers)
    if request.method == "POST" and form.is_valid():
        try:
            services.check_import(Actor.from_request(request), job, form.cleaned_data)
        except services.ImportRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            return redirect("imports:import_preview", job_id=job.pk)
    return render(request, "imports/import_mapping.html", {"form": form, "job": job})


@case_staff_required
@require_safe
def import_preview(request: HttpRequest, job_id: str) -> HttpResponse:
    job = access.get_job_for(request.user, job_id, with_file=True)
    if job.status == ImportStatus.UPLOADED:
        return redirect("imports:import_mapping", job_id=job.pk)
    preview = []
    if job.payload:
        for parsed in services.parsed_rows(job):
            if not parsed.problems:
                preview.append(parsed)
            if len(preview) >= PREVIEW_ROWS:
                break
    labels = {target.name: target.label for target in TARGETS}
    shown = [name for name in labels if name in job.mapping]
    rows = [
        {
            "row": parsed.row,
            "cells": [
                ", ".join(parsed.forms)
                if name == "forms"
                else parsed.person.get(name, parsed.case.get(name, ""))
                for name in shown
            ],
        }
        for parsed in preview
    ]
    context = {
        "job": job,
        "columns": [labels[name] for name in shown],
        "rows": rows,
        "errors": job.errors[:SHOWN_ERRORS],
        "can_queue": services.can_queue(job),
        "labels": labels,
    }
    return render(request, "imports/import_preview.html", context)


@case_staff_required
@require_POST
def import_commit(request: HttpRequest, job_id: str) -> HttpResponse:
    job = access.get_job_for(request.user, job_id)
    try:
        services.queue_import(Actor.from_request(request), job)
    except (services.ImportRefused, NotAllowed) as refusal:
        messages.error(request, str(refusal))
        return redirect("imports:import_preview", job_id=job.pk)
    return redirect("imports:import_progress", job_id=job.pk)


@case_staff_required
@require_POST
def import_discard(request: HttpRequest, job_id: str) -> HttpResponse:
    job = access.get_job_for(request.user, job_id)
    try:
        services.discard_import(Actor.from_request(request), job)
    except services.ImportRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("imports:import_progress", job_id=job.pk)
    messages.success(request, _("Import discarded; its file has been deleted."))
    return redirect("imports:import_new")


def progress_context(job: ImportJob) -> dict[str, Any]:
    done = services.rows_done(job)
    total = job.total_rows or 0
    return {
        "job": job,
        "done": done,
        "total": total,
        "percent": min(100, round(100 * done / total)) if total else 0,
        "working": job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
        and not services.is_stalled(job),
        "stalled": services.is_stalled(job),
        "can_queue": services.can_queue(job),
    }


@case_staff_required
@require_safe
def import_progress(request: HttpRequest, job_id: str) -> HttpResponse:
    """The progress page; htmx polls it for the progress fragment while it runs."""
    job = access.get_job_for(request.user, job_id)
    template = "imports/_progress.html" if request.htmx else "imports/import_progress.html"  # type: ignore[attr-defined]
    return render(request, template, progress_context(job))
