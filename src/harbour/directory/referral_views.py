"""Referral and transfer pages: a case's referrals (with the forms to refer,
transfer, and track referrals outside Harbour), the inbox of referrals sent
to and by the organisation, and one referral as its receiver sees it.

Views parse, authorise through cases.access and directory.access, call a
service and render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from harbour.audit.services import Actor, record
from harbour.cases import access as case_access
from harbour.cases.consent import has_consent
from harbour.cases.models import Case
from harbour.cases.services import NotAllowed, record_case_view
from harbour.core.decorators import case_staff_required
from harbour.directory import access, services
from harbour.directory.forms import (
    DeclineForm,
    OutsideReferralForm,
    OutsideStatusForm,
    ReferForm,
    TransferForm,
)
from harbour.directory.models import OutsideStatus, Referral, ReferralStatus
from harbour.directory.sharing import SHARING_PURPOSE, shared_view

INBOX_ROWS = 50


def _organisation_id(request: HttpRequest) -> int:
    return int(request.membership.organisation_id)  # type: ignore[attr-defined]


def _case_context(
    request: HttpRequest,
    case: Case,
    *,
    refer_form: ReferForm | None = None,
    transfer_form: TransferForm | None = None,
    outside_form: OutsideReferralForm | None = None,
) -> dict[str, Any]:
    organisation_id = _organisation_id(request)
    return {
        "case": case,
        "referrals": case.referrals.select_related(
            "to_organisation", "from_organisation", "service", "created_by"
        ),
        "outside_referrals": case.outside_referrals.select_related(
            "service", "service__provider", "created_by", "status_changed_by"
        ),
        "consent_in_force": has_consent(case.person_id, SHARING_PURPOSE),
        "refer_form": refer_form or ReferForm(prefix="refer", organisation_id=organisation_id),
        "transfer_form": transfer_form
        or TransferForm(prefix="transfer", organisation_id=organisation_id),
        "outside_form": outside_form or OutsideReferralForm(prefix="outside"),
        "outside_statuses": OutsideStatus.choices,
    }


def _render_case(request: HttpRequest, case: Case, status: int = 200, **forms: Any) -> HttpResponse:
    record_case_view(Actor.from_request(request), case, via="referrals")
    return render(
        request,
        "directory/case_referrals.html",
        _case_context(request, case, **forms),
        status=status,
    )


def _place_error(form: Any, problem: services.InvalidReferral) -> None:
    form.add_error(problem.field if problem.field in form.fields else None, str(problem))


@case_staff_required
@require_safe
def case_referrals(request: HttpRequest, case_id: str) -> HttpResponse:
    case = case_access.get_case_for(request.user, case_id)
    return _render_case(request, case)


@case_staff_required
@require_POST
def referral_create(request: HttpRequest, case_id: str) -> HttpResponse:
    case = case_access.get_case_for(request.user, case_id)
    form = ReferForm(request.POST, prefix="refer", organisation_id=_organisation_id(request))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.refer_case(
                Actor.from_request(request),
                case,
                data["to_organisation"],
                need=data["need"],
                urgency=data["urgency"],
                languages=data["languages"],
                note=data["note"],
                service=data["service"],
                share_personal=data["share_personal"],
            )
        except services.InvalidReferral as problem:
            _place_error(form, problem)
        else:
            messages.success(request, _("Referral sent."))
            return redirect("directory:case_referrals", case_id=case.pk)
    return _render_case(request, case, 400, refer_form=form)


@case_staff_required
@require_POST
def transfer_create(request: HttpRequest, case_id: str) -> HttpResponse:
    case = case_access.get_case_for(request.user, case_id)
    form = TransferForm(request.POST, prefix="transfer", organisation_id=_organisation_id(request))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.request_transfer(
                Actor.from_request(request),
                case,
                data["to_organisation"],
                urgency=data["urgency"],
                note=data["note"],
            )
        except services.InvalidReferral as problem:
            _place_error(form, problem)
        else:
            messages.success(
                request,
                _("Transfer requested. The case stays yours until the organisation accepts it."),
            )
            return redirect("directory:case_referrals", case_id=case.pk)
    return _render_case(request, case, 400, transfer_form=form)


@case_staff_required
@require_POST
def outside_create(request: HttpRequest, case_id: str) -> HttpResponse:
    case = case_access.get_case_for(request.user, case_id)
    form = OutsideReferralForm(request.POST, prefix="outside")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.refer_outside(
                Actor.from_request(request),
                case,
                service=data["service"],
                name=data["name"],
                need=data["need"],
                note=data["note"],
            )
        except services.InvalidReferral as problem:
            _place_error(form, problem)
        else:
            messages.success(request, _("Referral outside Harbour recorded."))
            return redirect("directory:case_referrals", case_id=case.pk)
    return _render_case(request, case, 400, outside_form=form)


@case_staff_required
@require_POST
def outside_status(request: HttpRequest, case_id: str, outside_id: str) -> HttpResponse:
    case = case_access.get_case_for(request.user, case_id)
    outside = access.get_outside_referral_for(request.user, case, outside_id)
    form = OutsideStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the listed statuses."))
    elif services.set_outside_referral_status(
        Actor.from_request(request), outside, form.cleaned_data["status"]
    ):
        messages.success(request, _("Status saved."))
    return redirect("directory:case_referrals", case_id=case.pk)


@case_staff_required
@require_safe
def inbox(request: HttpRequest) -> HttpResponse:
    related = ("case", "from_organisation", "to_organisation", "service")
    incoming = access.incoming_referrals(request.user).select_related(*related)
    outgoing = access.outgoing_referrals(request.user).select_related(*related)
    context = {
        "waiting": incoming.filter(status=ReferralStatus.PENDING).order_by("-created_at"),
        "incoming": incoming.exclude(status=ReferralStatus.PENDING).order_by("-created_at")[
            :INBOX_ROWS
        ],
        "outgoing": outgoing.order_by("-created_at")[:INBOX_ROWS],
    }
    return render(request, "directory/inbox.html", context)


def _detail_context(
    request: HttpRequest, referral: Referral, decline_form: DeclineForm | None = None
) -> dict[str, Any]:
    receiver = access.is_receiver(request.user, referral)
    owner = access.is_case_owner(request.user, referral)
    view = shared_view(referral)
    return {
        "referral": referral,
        "view": view,
        "is_receiver": receiver,
        "is_owner": owner,
        "decline_form": decline_form or DeclineForm(),
        "can_accept": receiver and referral.status == ReferralStatus.PENDING,
        "can_complete": receiver
        and not referral.is_transfer
        and referral.status == ReferralStatus.ACCEPTED,
        "can_revoke": owner
        and (
            referral.status == ReferralStatus.PENDING
            or (not referral.is_transfer and referral.status == ReferralStatus.ACCEPTED)
        ),
    }


def _record_view(request: HttpRequest, referral: Referral, level: str) -> None:
    # A read of what was shared is an event too, on the referral (not the case,
    # so the sender's timeline is not filled with the receiver's reads).
    record(Actor.from_request(request), "referral.view", referral, detail={"level": level})


@case_staff_required
@require_safe
def referral_detail(request: HttpRequest, referral_id: str) -> HttpResponse:
    referral = access.get_referral_for(request.user, referral_id)
    context = _detail_context(request, referral)
    _record_view(request, referral, context["view"].level)
    return render(request, "directory/referral_detail.html", context)


@case_staff_required
@require_POST
def referral_status(request: HttpRequest, referral_id: str) -> HttpResponse:
    referral = access.get_referral_for(request.user, referral_id)
    actor = Actor.from_request(request)
    action = request.POST.get("action", "")
    try:
        if action == "accept":
            services.accept_referral(actor, referral)
            if referral.is_transfer:
                messages.success(request, _("Transfer accepted: the case is now yours."))
                return redirect("cases:case_detail", case_id=referral.case_id)
            messages.success(request, _("Referral accepted."))
        elif action == "decline":
            form = DeclineForm(request.POST)
            if not form.is_valid():
                context = _detail_context(request, referral, form)
                _record_view(request, referral, context["view"].level)
                return render(request, "directory/referral_detail.html", context, status=400)
            services.decline_referral(actor, referral, form.cleaned_data["reason"])
            messages.success(request, _("Referral declined."))
        elif action == "complete":
            services.complete_referral(actor, referral)
            messages.success(request, _("Referral completed."))
        elif action == "revoke":
            services.revoke_referral(actor, referral)
            messages.success(request, _("Referral revoked."))
        else:
            messages.error(request, _("Choose what to do with the referral."))
    except NotAllowed as refusal:
        raise PermissionDenied(str(refusal)) from None
    except services.InvalidReferral as problem:
        messages.error(request, str(problem))
    return redirect("directory:referral_detail", referral_id=referral.pk)
