"""Dashboard, recognition gap, releases and their CSV. Views authorise
through reports.access, read protected figures (reports.figures) or call a
service, and render. No page shows a case, a person, a pseudonym, a
reference or free text: only controlled counts."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from harbour.audit.services import Actor
from harbour.reports import access, figures, gap, services
from harbour.reports.charts import bar_chart
from harbour.reports.forms import DashboardFilterForm, PublicForm, ReleaseForm
from harbour.reports.models import ReleaseStatus
from harbour.reports.releases import table_definition
from harbour.reports.tables import TABLES_BY_KEY

View = Callable[..., HttpResponse]


def _role(check: Callable[[Any], bool]) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


dashboard_readers = _role(access.can_see_dashboard)
release_readers = _role(access.can_read_releases)
publishers = _role(access.can_publish)


def _charted(views: list[figures.TableView]) -> list[tuple[figures.TableView, Any]]:
    return [(view, bar_chart(view, index)) for index, view in enumerate(views)]


@dashboard_readers
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    form = DashboardFilterForm(request.GET or None)
    filters: tuple[tuple[str, str], ...] = ()
    status = 200
    if request.GET:
        if form.is_valid():
            filters = form.filters()
        else:
            status = 400
    scope = access.dashboard_scope(request.user, filters)
    views = figures.dashboard(scope)
    if filters and all(view.all_suppressed for view in views if view.definition.filterable):
        messages.warning(
            request,
            _(
                "With these filters every figure would be suppressed. "
                "Choose fewer or wider filters."
            ),
        )
    services.record_report_view(Actor.from_request(request), "dashboard", filters=len(filters))
    context = {
        "form": form,
        "tables": _charted([v for v in views if not filters or v.definition.filterable]),
        "whole_installation": scope.organisation_id is None,
        "filtered": bool(filters),
        "query": request.GET.urlencode(),
    }
    return render(request, "reports/dashboard.html", context, status=status)


@dashboard_readers
@require_safe
def dashboard_table_csv(request: HttpRequest, table: str) -> HttpResponse:
    definition = TABLES_BY_KEY.get(table)
    if definition is None:
        raise Http404
    form = DashboardFilterForm(request.GET or None)
    filters = form.filters() if request.GET and form.is_valid() else ()
    if filters and not definition.filterable:
        raise Http404
    scope = access.dashboard_scope(request.user, filters)
    entries = figures.protected_entries(scope)[definition.key]
    services.record_report_view(Actor.from_request(request), "dashboard_csv", table=table)
    return figures.csv_response(f"{definition.key}.csv", entries)


@dashboard_readers
@require_safe
def gap_page(request: HttpRequest) -> HttpResponse:
    scope = access.dashboard_scope(request.user)
    views = figures.dashboard(scope, gap.GAP_TABLES)
    times = gap.waiting_times(scope)
    services.record_report_view(Actor.from_request(request), "gap")
    return render(
        request,
        "reports/gap.html",
        {
            "tables": _charted(views),
            "times": _times_rows(gap.waiting_entries(times)),
            "whole_installation": scope.organisation_id is None,
        },
    )


@dashboard_readers
@require_safe
def gap_table_csv(request: HttpRequest, table: str) -> HttpResponse:
    definition = next((d for d in gap.GAP_TABLES if d.key == table), None)
    if definition is None:
        raise Http404
    scope = access.dashboard_scope(request.user)
    entries = figures.protected_entries(scope, gap.GAP_TABLES)[definition.key]
    return figures.csv_response(f"{definition.key}.csv", entries)


@release_readers
@require_http_methods(["GET", "HEAD", "POST"])
def release_list(request: HttpRequest) -> HttpResponse:
    can_publish = access.can_publish(request.user)
    form = ReleaseForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not can_publish:
            raise PermissionDenied
        if form.is_valid():
            try:
                release = services.publish_release(
                    Actor.from_request(request),
                    form.cleaned_data["title"],
                    epsilon=form.cleaned_data.get("epsilon"),
                )
            except services.ReleaseRefused as problem:
                form.add_error(None, str(problem))
            else:
                messages.success(request, _("The release is being built."))
                return redirect("reports:release_detail", release_id=release.pk)
        status = 400
    releases = access.visible_releases(request.user)
    return render(
        request,
        "reports/release_list.html",
        {"releases": releases, "form": form if can_publish else None},
        status=status,
    )


@release_readers
@require_safe
def release_detail(request: HttpRequest, release_id: str) -> HttpResponse:
    release = access.get_release_for(request.user, release_id)
    views = []
    times: list[list[Any]] = []
    if release.status == ReleaseStatus.PUBLISHED:
        for table in release.tables.all():
            if table.key == "gap_times":
                times = table.cells
                continue
            definition = table_definition(table.key)
            if definition is not None:
                views.append(figures.table_view(definition, table.cells))
    services.record_report_view(Actor.from_request(request), "release", release=str(release.pk))
    return render(
        request,
        "reports/release_detail.html",
        {
            "release": release,
            "tables": _charted(views),
            "times": _times_rows(times),
            "can_publish": access.can_publish(request.user),
        },
    )


def _times_rows(entries: list[list[Any]]) -> list[dict[str, Any]]:
    """Per protection its label and six values in the table's column order."""
    rows: dict[str, dict[str, Any]] = {}
    for protection, _measure, days, flag in entries:
        row = rows.setdefault(
            str(protection),
            {"label": str(gap.PROTECTION_LABELS.get(str(protection), protection)), "values": []},
        )
        row["values"].append({"days": days, "flag": flag})
    return list(rows.values())


@release_readers
@require_safe
def release_table_csv(request: HttpRequest, release_id: str, table: str) -> HttpResponse:
    release = access.get_release_for(request.user, release_id)
    stored = release.tables.filter(key=table).first()
    if stored is None or release.status != ReleaseStatus.PUBLISHED:
        raise Http404
    services.record_report_view(
        Actor.from_request(request), "release_csv", release=str(release.pk), table=table
    )
    return figures.csv_response(f"{release.as_of}-{table}.csv", stored.cells)


@publishers
@require_POST
def release_public(request: HttpRequest, release_id: str) -> HttpResponse:
    release = access.get_release_for(request.user, release_id)
    form = PublicForm(request.POST)
    form.is_valid()
    try:
        services.set_release_public(
            Actor.from_request(request), release, bool(form.cleaned_data.get("public"))
        )
    except services.ReleaseRefused as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, _("Saved."))
    return redirect("reports:release_detail", release_id=release.pk)
