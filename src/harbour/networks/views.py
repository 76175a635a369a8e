"""Mentions on a case, entity and network pages, corrections, linkage runs
and the sharing setting. Views parse, authorise through cases.access and
networks.access, call a service and render."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from harbour.accounts.models import ORG_WIDE_CASE_ROLES
from harbour.audit.services import Actor, record
from harbour.cases import access as case_access
from harbour.cases.services import NotAllowed, record_case_view
from harbour.core.decorators import case_staff_required
from harbour.networks import access, services
from harbour.networks.forms import MentionForm, MergeForm, SharingForm
from harbour.networks.models import Entity, LinkageRun, RunStatus

View = Callable[..., HttpResponse]


def network_readers(view: View) -> View:
    """Supervisors, organisation admins and coalition analysts (403 for others)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not access.is_network_reader(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def network_staff(view: View) -> View:
    """Supervisors and organisation admins (403 for others)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        membership = getattr(request, "membership", None)
        if membership is None or membership.role not in ORG_WIDE_CASE_ROLES:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _form_errors(form: MentionForm, problem: services.InvalidMention) -> None:
    form.add_error(problem.field if problem.field in form.fields else None, str(problem))


@case_staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def mention_list(request: HttpRequest, case_id: str) -> HttpResponse:
    case = case_access.get_case_for(request.user, case_id)
    form = MentionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.add_mention(Actor.from_request(request), case, form.cleaned_data)
            except services.InvalidMention as problem:
                _form_errors(form, problem)
            else:
                messages.success(request, _("Party recorded."))
                return redirect("networks:mention_list", case_id=case.pk)
        status = 400
    else:
        record_case_view(Actor.from_request(request), case)
    context = {
        "case": case,
        "form": form,
        "mentions": case.mentions.select_related("entity"),
        "can_correct": access.is_network_reader(request.user)
        and not access.is_analyst(request.user),
    }
    return render(request, "networks/mention_list.html", context, status=status)


@case_staff_required
@require_http_methods(["GET", "HEAD", "POST"])
def mention_edit(request: HttpRequest, case_id: str, mention_id: str) -> HttpResponse:
    case = case_access.get_case_for(request.user, case_id)
    mention = access.get_mention_for(request.user, case, mention_id)
    initial = {name: getattr(mention, name) for name in services.MENTION_FIELDS}
    form = MentionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_mention(Actor.from_request(request), mention, form.cleaned_data)
        except services.InvalidMention as problem:
            _form_errors(form, problem)
        else:
            messages.success(request, _("Party saved."))
            return redirect("networks:mention_list", case_id=case.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "networks/mention_form.html",
        {"case": case, "mention": mention, "form": form},
        status=status,
    )


@case_staff_required
@require_POST
def mention_delete(request: HttpRequest, case_id: str, mention_id: str) -> HttpResponse:
    case = case_access.get_case_for(request.user, case_id)
    mention = access.get_mention_for(request.user, case, mention_id)
    services.remove_mention(Actor.from_request(request), mention)
    messages.success(request, _("Party removed."))
    return redirect("networks:mention_list", case_id=case.pk)


@case_staff_required
@require_POST
def mention_split(request: HttpRequest, case_id: str, mention_id: str) -> HttpResponse:
    case = case_access.get_case_for(request.user, case_id)
    mention = access.get_mention_for(request.user, case, mention_id)
    try:
        services.split_mention(Actor.from_request(request), mention)
    except NotAllowed:
        raise PermissionDenied from None
    messages.success(request, _("Kept apart: later linkage runs will respect this."))
    return redirect("networks:mention_list", case_id=case.pk)


def _merge_choices(request: HttpRequest, entity: Entity) -> list[tuple[str, str]]:
    """Other parties of the same role named on the organisation's cases."""
    membership = request.membership  # type: ignore[attr-defined]
    mentions = (
        services.consented_mentions()
        .filter(organisation_id=membership.organisation_id, role=entity.role)
        .exclude(entity=entity)
        .exclude(entity__isnull=True)
        .select_related("case")
    )
    choices: dict[str, str] = {}
    for mention in mentions:
        label = f"{mention.display_name} ({mention.case.reference})"
        choices.setdefault(str(mention.entity_id), label)
    return sorted(choices.items(), key=lambda item: item[1])


@case_staff_required
@require_safe
def entity_detail(request: HttpRequest, entity_id: str) -> HttpResponse:
    entity = access.get_entity_for(request.user, entity_id)
    readable, others = access.entity_mentions(request.user, entity)
    record(
        Actor.from_request(request),
        "entity.view",
        entity,
        detail={"cases": sorted({str(m.case_id) for m in readable})},
    )
    network = (
        access.describe_network(request.user, entity.network, detail=False)
        if entity.network
        else None
    )
    can_correct = request.membership.role in ORG_WIDE_CASE_ROLES  # type: ignore[attr-defined]
    context = {
        "entity": entity,
        "mentions": readable,
        "others": others,
        "network": network,
        "can_correct": can_correct,
        "merge_form": MergeForm(choices=_merge_choices(request, entity)) if can_correct else None,
    }
    return render(request, "networks/entity_detail.html", context)


@network_staff
@require_POST
def entity_merge(request: HttpRequest, entity_id: str) -> HttpResponse:
    entity = access.get_entity_for(request.user, entity_id)
    choices = _merge_choices(request, entity)
    form = MergeForm(request.POST, choices=choices)
    if not form.is_valid():
        messages.error(request, _("Choose the party to merge with."))
        return redirect("networks:entity_detail", entity_id=entity.pk)
    other = Entity.objects.get(pk=form.cleaned_data["other"])
    try:
        services.merge_entities(Actor.from_request(request), entity, other)
    except (services.InvalidMention, NotAllowed) as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, _("Merged: later linkage runs will respect this."))
    return redirect("networks:entity_detail", entity_id=entity.pk)


@network_readers
@require_safe
def network_list(request: HttpRequest) -> HttpResponse:
    views = [
        access.describe_network(request.user, network, detail=False)
        for network in access.visible_networks(request.user)
    ]
    views.sort(key=lambda view: (not view.alert, -view.cases, view.id))
    show_all = request.GET.get("all") == "1"
    context = {
        "alerts": [view for view in views if view.alert],
        "networks": views if show_all else [view for view in views if view.alert],
        "show_all": show_all,
        "total": len(views),
        "is_analyst": access.is_analyst(request.user),
        "run": LinkageRun.objects.first(),
    }
    return render(request, "networks/network_list.html", context)


@network_readers
@require_safe
def network_detail(request: HttpRequest, network_id: str) -> HttpResponse:
    network = access.get_network_for(request.user, network_id)
    analyst = access.is_analyst(request.user)
    view = access.describe_network(request.user, network, detail=not analyst)
    if not analyst:
        record(
            Actor.from_request(request),
            "network.view",
            network,
            detail={"cases": sorted(str(case.pk) for case in view.own_cases)},
        )
    context = {
        "network": view,
        "is_analyst": analyst,
        "graph": access.graph_data(view) if not analyst else None,
    }
    return render(request, "networks/network_detail.html", context)


def _run_context(run: LinkageRun | None) -> dict[str, Any]:
    working = bool(run and run.status in (RunStatus.QUEUED, RunStatus.RUNNING))
    return {"run": run, "working": working}


@network_staff
@require_http_methods(["GET", "HEAD", "POST"])
def linkage_run(request: HttpRequest) -> HttpResponse:
    """Start a full re-linkage; the page (and its htmx fragment) shows progress."""
    if request.method == "POST":
        try:
            services.queue_linkage(Actor.from_request(request))
        except services.RunRefused as refusal:
            messages.error(request, str(refusal))
        return redirect("networks:linkage_run")
    context = _run_context(LinkageRun.objects.first())
    template = "networks/_run_progress.html" if request.htmx else "networks/linkage_run.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@network_staff
@require_http_methods(["GET", "HEAD", "POST"])
def sharing(request: HttpRequest) -> HttpResponse:
    organisation_id = request.membership.organisation_id  # type: ignore[attr-defined]
    setting = services.sharing_of(organisation_id)
    initial = {"contact": setting.contact, "shares_with": list(setting.shares_with.all())}
    data = request.POST if request.method == "POST" else None
    form = SharingForm(data, initial=initial, organisation_id=organisation_id)
    if request.method == "POST" and form.is_valid():
        services.update_sharing(
            Actor.from_request(request),
            form.cleaned_data["contact"],
            form.cleaned_data["shares_with"],
        )
        messages.success(request, _("Sharing saved."))
        return redirect("networks:sharing")
    status = 400 if request.method == "POST" else 200
    return render(request, "networks/sharing.html", {"form": form}, status=status)
