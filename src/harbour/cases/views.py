"""Case management pages. Views parse, authorise through cases.access, call a
service and render; rules live in services and access."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from harbour.accounts.models import CASE_ROLES, Role, User
from harbour.audit.services import Actor, events_for
from harbour.cases import access, ical, plan, services
from harbour.cases.access_log import label_events
from harbour.cases.documents import KINDS, DocumentRefused
from harbour.cases.forms import (
    AssignForm,
    CaseForm,
    ClosureDecisionForm,
    ClosureRequestForm,
    ConsentForm,
    DeadlineFilterForm,
    DocumentForm,
    ExportForm,
    IdentifierSearchForm,
    NeedForm,
    NeedUpdateForm,
    NoteForm,
    PersonForm,
    PlanActionForm,
    ReasonForm,
    TaskForm,
    TimelineFilterForm,
)
from harbour.cases.models import (
    CalendarFeed,
    Case,
    CaseStatus,
    ClosureRequest,
    ClosureStatus,
    Document,
    LegalHold,
    Person,
    Task,
    TaskStatus,
)
from harbour.cases.timeline import timeline as case_timeline_entries
from harbour.core.decorators import case_staff_required
from harbour.screening.views import assessment_history

DEADLINE_WINDOW_DAYS = 60
DUE_SOON_DAYS = 7


def _case_form_kwargs(request: HttpRequest) -> dict[str, Any]:
    return {"organisation_id": request.membership.organisation_id}  # type: ignore[attr-defined]


def _case_extras(form: CaseForm) -> dict[str, Any]:
    staff = list(form.cleaned_data.get("assigned_staff") or [])
    return {
        "forms": form.cleaned_data.get("forms_of_exploitation") or [],
        "assigned_to": staff or None,
    }


def dashboard(request: HttpRequest) -> HttpResponse:
    """The start page. Coalition analysts and platform admins work with
    aggregates, not case files: they start on the statistics, or on the
    releases they publish, rather than on a refusal (other methods keep the
    role check first)."""
    membership = getattr(request, "membership", None)
    if request.method in ("GET", "HEAD") and membership is not None:
        if membership.role == Role.ANALYST:
            return redirect("reports:dashboard")
        if membership.role == Role.PLATFORM_ADMIN:
            return redirect("reports:release_list")
    return _case_dashboard(request)


@case_staff_required
@require_safe
def _case_dashboard(request: HttpRequest) -> HttpResponse:
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
    my_tasks = access.visible_tasks(request.user).filter(assigned_to=request.user.pk)
    due_tasks = (
        my_tasks.filter(
            status=TaskStatus.OPEN, due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS)
        )
        .select_related("case", "case__person")
        .defer("details")[:10]
    )
    reminders = services.tasks_reminding_on(my_tasks.select_related("case", "case__person"), today)
    context = {
        "my_cases": mine,
        "expiring": expiring,
        "today": today,
        "due_tasks": due_tasks,
        "reminders_today": reminders,
    }
    return render(request, "cases/dashboard.html", context)


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


def _detail_context(
    request: HttpRequest,
    case: Case,
    note_form: NoteForm,
    task_form: TaskForm | None = None,
    need_form: NeedForm | None = None,
) -> dict[str, Any]:
    return {
        "stage": plan.stage_view(case),
        "needs": plan.needs_of(case),
        "need_form": need_form or NeedForm(prefix="need"),
        "tasks": case.tasks.select_related("assigned_to").order_by("status", "due_on"),
        "current_consents": case.person.consents.filter(withdrawn_on__isnull=True),
        "task_form": task_form or TaskForm(case=case, prefix="task"),
        "today": timezone.localdate(),
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
        "document_count": case.documents.count(),
        "pending_closure": services.pending_closure(case),
        "closure_form": ClosureRequestForm(),
        "supervises": access.sees_whole_organisation(request.user),
        "under_hold": LegalHold.objects.filter(case=case).exists(),
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
    if (
        request.method == "POST"
        and form.is_valid()
        and form.cleaned_data.get("status") == CaseStatus.CLOSED
        and case.status != CaseStatus.CLOSED
        and not access.sees_whole_organisation(request.user)
    ):
        form.add_error(
            "status",
            _("A supervisor approves closures: use “Ask a supervisor to close the case”."),
        )
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
    page = Paginator(events_for("case", str(case.pk)), 50).get_page(request.GET.get("page"))
    label_events(page.object_list, case.organisation_id)
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
    return render(request, "cases/person_detail.html", _person_context(request, person))


def _person_context(
    request: HttpRequest, person: Person, consent_form: ConsentForm | None = None
) -> dict[str, Any]:
    consents = person.consents.select_related("recorded_by", "withdrawn_by")
    return {
        "person": person,
        "cases": access.visible_cases(request.user).filter(person=person),
        "current_consents": [c for c in consents if c.is_current],
        "past_consents": [c for c in consents if not c.is_current],
        "consent_form": consent_form or ConsentForm(prefix="consent"),
        "today": timezone.localdate(),
    }


@case_staff_required
@require_POST
def consent_record(request: HttpRequest, person_id: str) -> HttpResponse:
    person = access.get_person_for(request.user, person_id)
    form = ConsentForm(request.POST, prefix="consent")
    if form.is_valid():
        try:
            services.record_consent(
                Actor.from_request(request),
                person,
                form.cleaned_data["purpose"],
                given_on=form.cleaned_data["given_on"],
                method=form.cleaned_data["method"],
            )
        except services.InvalidConsent as problem:
            form.add_error(problem.field if problem.field in form.fields else None, str(problem))
        else:
            messages.success(request, _("Consent recorded."))
            return redirect(f"{reverse('cases:person_detail', args=[person.pk])}#consents")
    services.record_person_view(Actor.from_request(request), person)
    context = _person_context(request, person, form)
    return render(request, "cases/person_detail.html", context, status=400)


@case_staff_required
@require_POST
def consent_withdraw(request: HttpRequest, person_id: str, consent_id: str) -> HttpResponse:
    person = access.get_person_for(request.user, person_id)
    consent = access.get_consent_for(request.user, person, consent_id)
    if services.withdraw_consent(Actor.from_request(request), consent):
        messages.success(request, _("Consent withdrawn. It no longer applies from today."))
    return redirect(f"{reverse('cases:person_detail', args=[person.pk])}#consents")


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


# --- Tasks and deadlines ----------------------------------------------------------------


def _task_changes(form: TaskForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {name: data[name] for name in services.TASK_FIELDS}


def _saved_task(request: HttpRequest, form: TaskForm, save: Any, target: Any) -> bool:
    """Add or update a task from a valid form; a refusal becomes a form error."""
    try:
        save(
            Actor.from_request(request),
            target,
            _task_changes(form),
            assigned_to=form.cleaned_data["assigned_to"],
        )
    except services.InvalidTask as problem:
        form.add_error(problem.field if problem.field in form.fields else None, str(problem))
        return False
    except services.NotAllowed as refusal:
        form.add_error("assigned_to", str(refusal))
        return False
    return True


@case_staff_required
@require_POST
def task_add(request: HttpRequest, case_id: str) -> HttpResponse:
    case = access.get_case_for(request.user, case_id)
    form = TaskForm(request.POST, case=case, prefix="task")
    if form.is_valid() and _saved_task(request, form, services.add_task, case):
        messages.success(request, _("Task added."))
        return redirect("cases:case_detail", case_id=case.pk)
    services.record_case_view(Actor.from_request(request), case)
    context = _detail_context(request, case, NoteForm(), form)
    return render(request, "cases/case_detail.html", context, status=400)


@case_staff_required
@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, case_id: str, task_id: str) -> HttpResponse:
    case = access.get_case_for(request.user, case_id)
    task = access.get_task_for(request.user, case, task_id)
    initial = {
        **model_to_dict(task, fields=services.TASK_FIELDS),
        "assigned_to": task.assigned_to_id,
    }
    form = TaskForm(request.POST or None, initial=initial, case=case)
    if (
        request.method == "POST"
        and form.is_valid()
        and _saved_task(request, form, services.update_task, task)
    ):
        messages.success(request, _("Task saved."))
        return redirect("cases:case_detail", case_id=case.pk)
    context = {"form": form, "case": case, "task": task}
    return render(request, "cases/task_form.html", context, status=400 if form.errors else 200)


TASK_ACTIONS = {
    "complete": (services.complete_task, _("Task marked as done.")),
    "reopen": (services.reopen_task, _("Task reopened.")),
    "cancel": (services.cancel_task, _("Task cancelled.")),
}


@case_staff_required
@require_POST
def task_status(request: HttpRequest, case_id: str, task_id: str) -> HttpResponse:
    case = access.get_case_for(request.user, case_id)
    task = access.get_task_for(request.user, case, task_id)
    action = TASK_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        return HttpResponse(_("Unknown action."), status=400, content_type="text/plain")
    change, message = action
    if change(Actor.from_request(request), task):
        messages.success(request, str(message))
    return redirect(_safe_next(request) or f"{reverse('cases:case_detail', args=[case.pk])}#tasks")


def _safe_next(request: HttpRequest) -> str:
    """Back to the deadlines page the button was on, never to another site."""
    target = request.POST.get("next", "")
    allowed = (reverse("cases:deadlines"), reverse("cases:organisation_deadlines"))
    return target if target.split("?", 1)[0] in allowed else ""


def _filter_deadlines(tasks: QuerySet[Task], form: DeadlineFilterForm) -> QuerySet[Task]:
    today = timezone.localdate()
    data = form.cleaned_data if form.is_valid() else {}
    status = data.get("status") or TaskStatus.OPEN
    if status != "all":
        tasks = tasks.filter(status=status)
    due = data.get("due") or ""
    if due == "overdue":
        tasks = tasks.filter(due_on__lt=today)
    elif due:
        tasks = tasks.filter(due_on__lte=today + datetime.timedelta(days=int(due)))
    if data.get("assignee"):
        tasks = tasks.filter(assigned_to=data["assignee"])
    return tasks


def _deadline_page(
    request: HttpRequest, tasks: QuerySet[Task], form: DeadlineFilterForm, organisation: bool
) -> HttpResponse:
    tasks = _filter_deadlines(tasks, form).select_related("case", "case__person", "assigned_to")
    page = Paginator(tasks.defer("details").order_by("due_on", "pk"), 50).get_page(
        request.GET.get("page")
    )
    context = {
        "filter_form": form,
        "page": page,
        "today": timezone.localdate(),
        "organisation_view": organisation,
        "sees_organisation": access.sees_organisation_deadlines(request.user),
        "query_without_page": _query_without_page(request),
        "here": request.get_full_path(),
    }
    return render(request, "cases/deadlines.html", context)


@case_staff_required
@require_safe
def deadlines(request: HttpRequest) -> HttpResponse:
    tasks = access.visible_tasks(request.user).filter(assigned_to=request.user.pk)
    return _deadline_page(request, tasks, DeadlineFilterForm(request.GET or None), False)


@case_staff_required
@require_safe
def organisation_deadlines(request: HttpRequest) -> HttpResponse:
    if not access.sees_organisation_deadlines(request.user):
        raise PermissionDenied
    organisation_id = request.membership.organisation_id  # type: ignore[attr-defined]
    form = DeadlineFilterForm(request.GET or None, organisation_id=organisation_id)
    return _deadline_page(request, access.visible_tasks(request.user), form, True)


@case_staff_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request: HttpRequest) -> HttpResponse:
    """Create or revoke the secret calendar address. A new address is shown on
    the answer to the POST only: it is not stored, so it cannot be shown again."""
    actor = Actor.from_request(request)
    feed_url = ""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            if services.revoke_calendar_feed(actor):
                messages.success(request, _("Calendar address revoked."))
            return redirect("cases:calendar_settings")
        if request.POST.get("action") != "create":
            return HttpResponse(_("Unknown action."), status=400, content_type="text/plain")
        token = services.create_calendar_feed(actor)
        feed_url = request.build_absolute_uri(reverse("cases:calendar_feed", args=[token]))
    feed = CalendarFeed.objects.filter(user=request.user.pk).first()
    return render(request, "cases/calendar_settings.html", {"feed": feed, "feed_url": feed_url})


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The user's open tasks as iCalendar, for calendar apps that cannot sign in.

    The secret address is the only credential and ends up in calendar apps,
    sync services and server logs, so the feed carries no personal data: a
    generic summary with the case reference (an office number, not a name)
    and the reminders. A wrong or revoked token is simply "not found".
    """
    user = services.user_for_calendar_token(token)
    if user is None:
        raise Http404
    today = timezone.localdate()
    tasks = (
        access.visible_tasks(user)
        .filter(assigned_to=user, status=TaskStatus.OPEN, due_on__gte=today - FEED_PAST)
        .select_related("case")
        .only("pk", "due_on", "reminder_days", "case__reference", "case__id")
        .order_by("due_on", "pk")
    )
    with translation.override(settings.LANGUAGE_CODE):
        body = ical.calendar(
            _("Harbour deadlines"),
            [_feed_event(request, task) for task in tasks],
            now=timezone.now(),
            product="-//Harbour//Deadlines//EN",
        )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "no-store, private, max-age=0"
    response["X-Robots-Tag"] = "noindex"
    return response


FEED_PAST = datetime.timedelta(days=90)


def _feed_event(request: HttpRequest, task: Task) -> ical.AllDayEvent:
    reference = task.case.reference
    alarm_text = _("Harbour task due (case %(reference)s)") % {"reference": reference}
    return ical.AllDayEvent(
        uid=f"task-{task.pk}@harbour",
        day=task.due_on,
        summary=alarm_text,
        description=_("Sign in to Harbour to see this task."),
        url=request.build_absolute_uri(reverse("cases:case_detail", args=[task.case.pk])),
        alarms=[ical.Alarm(days, alarm_text) for days in task.reminders],
    )


# --- Needs and case plan ---------------------------------------------------------------


@case_staff_required
@require_POST
def need_add(request: HttpRequest, case_id: str) -> HttpResponse:
    case = access.get_case_for(request.user, case_id)
    form = NeedForm(request.POST, prefix="need")
    if form.is_valid():
        data = {key: value for key, value in form.cleaned_data.items() if value is not None}
        try:
            services.identify_need(Actor.from_request(request), case, data)
        except services.InvalidNeed as problem:
            form.add_error(problem.field if problem.field in form.fields else None, str(problem))
        else:
            messages.success(request, _("Need added to the plan."))
            return redirect(f"{reverse('cases:case_detail', args=[case.pk])}#needs")
    services.record_case_view(Actor.from_request(request), case)
    context = _detail_context(request, case, NoteForm(), need_form=form)
    return render(request, "cases/case_detail.html", context, status=400)


def _need_context(
    case: Case,
    need: Any,
    form: NeedUpdateForm | None = None,
    action_form: PlanActionForm | None = None,
) -> dict[str, Any]:
    return {
        "case": case,
        "need": need,
        "form": form
        or NeedUpdateForm(
            initial={"priority": need.priority, "status": need.status, "note": need.note}
        ),
        "action_form": action_form or PlanActionForm(case=case, prefix="action"),
        "actions": need.actions.select_related("assigned_to").order_by("due_on", "created_at"),
        "history": need.status_changes.select_related("changed_by"),
        "today": timezone.localdate(),
    }


@case_staff_required
@require_http_methods(["GET", "POST"])
def need_detail(request: HttpRequest, case_id: str, need_id: str) -> HttpResponse:
    """A need with its actions and status history; POST updates the need."""
    case = access.get_case_for(request.user, case_id)
    need = access.get_need_for(request.user, case, need_id)
    actor = Actor.from_request(request)
    form = NeedUpdateForm(request.POST) if request.method == "POST" else None
    if form is not None and form.is_valid():
        try:
            changed = services.update_need(actor, need, form.cleaned_data)
        except services.InvalidNeed as problem:
            form.add_error(problem.field if problem.field in form.fields else None, str(problem))
        else:
            if changed:
                messages.success(request, _("Need saved."))
            return redirect(f"{reverse('cases:case_detail', args=[case.pk])}#needs")
    services.record_case_view(actor, case)
    status = 400 if form is not None else 200
    return render(request, "cases/need_detail.html", _need_context(case, need, form), status=status)


@case_staff_required
@require_POST
def need_action_add(request: HttpRequest, case_id: str, need_id: str) -> HttpResponse:
    case = access.get_case_for(request.user, case_id)
    need = access.get_need_for(request.user, case, need_id)
    actor = Actor.from_request(request)
    form = PlanActionForm(request.POST, case=case, prefix="action")
    if form.is_valid():
        data = {"title": form.cleaned_data["title"], "due_on": form.cleaned_data["due_on"]}
        try:
            services.add_plan_action(actor, need, data, owner=form.cleaned_data["owner"])
        except (services.InvalidNeed, services.InvalidTask) as problem:
            form.add_error(problem.field if problem.field in form.fields else None, str(problem))
        except services.NotAllowed as refusal:
            form.add_error("owner", str(refusal))
        else:
            messages.success(request, _("Action added to the plan."))
            return redirect(f"{reverse('cases:case_detail', args=[case.pk])}#needs")
    services.record_case_view(actor, case)
    context = _need_context(case, need, action_form=form)
    return render(request, "cases/need_detail.html", context, status=400)


# --- Documents --------------------------------------------------------------------------


def _too_large_message() -> str:
    return _("The file is larger than %(limit)s MB.") % {"limit": settings.UPLOAD_MAX_MB}


@case_staff_required
@require_http_methods(["GET", "POST"])
def document_list(request: HttpRequest, case_id: str) -> HttpResponse:
    """The case's documents, and the upload form (POST adds one)."""
    case = access.get_case_for(request.user, case_id)
    actor = Actor.from_request(request)
    posted = request.method == "POST"
    form = DocumentForm(request.POST if posted else None, request.FILES if posted else None)
    status = 200
    if request.method == "POST":
        if getattr(request, "upload_too_large", False):
            form = DocumentForm()
            form.add_error("file", _too_large_message())
        elif form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                services.upload_document(
                    actor,
                    case,
                    upload.read(),
                    upload.name or "",
                    description=form.cleaned_data["description"],
                )
            except DocumentRefused as refusal:
                form.add_error("file", str(refusal))
            else:
                messages.success(request, _("Document added."))
                return redirect("cases:document_list", case_id=case.pk)
        status = 400
    services.record_case_view(actor, case)
    context = {
        "case": case,
        "documents": case.documents.select_related("uploaded_by"),
        "form": form,
        "kinds": KINDS,
    }
    return render(request, "cases/documents.html", context, status=status)


@case_staff_required
@require_safe
def document_download(request: HttpRequest, case_id: str, document_id: str) -> HttpResponse:
    case = access.get_case_for(request.user, case_id)
    document = access.get_document_for(request.user, case, document_id)
    data = services.read_document(Actor.from_request(request), document)
    return document_response(document, data)


def document_response(document: Document, data: bytes) -> HttpResponse:
    """The file as an attachment, never shown inline: a document is not a page."""
    kind = KINDS.get(document.kind)
    response = HttpResponse(
        data, content_type=kind.content_type if kind else "application/octet-stream"
    )
    response["Content-Disposition"] = (
        content_disposition_header(True, document.original_name) or "attachment"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store, private, max-age=0"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@case_staff_required
@require_POST
def document_delete(request: HttpRequest, case_id: str, document_id: str) -> HttpResponse:
    case = access.get_case_for(request.user, case_id)
    document = access.get_document_for(request.user, case, document_id)
    services.delete_document(Actor.from_request(request), document)
    messages.success(request, _("Document deleted."))
    return redirect("cases:document_list", case_id=case.pk)


# --- Timeline ---------------------------------------------------------------------------


@case_staff_required
@require_safe
def case_timeline(request: HttpRequest, case_id: str) -> HttpResponse:
    case = access.get_case_for(request.user, case_id)
    services.record_case_view(Actor.from_request(request), case)
    form = TimelineFilterForm(request.GET or None)
    kind = form.cleaned_data["kind"] if form.is_valid() else ""
    entries = case_timeline_entries(case, kind)
    return render(
        request,
        "cases/timeline.html",
        {"case": case, "form": form, "entries": entries, "kind": kind},
    )


# --- Supervision ------------------------------------------------------------------------


def _require_supervisor(request: HttpRequest) -> None:
    membership = access.membership_of(request.user)
    if membership is None or not membership.sees_whole_organisation:
        raise PermissionDenied


@case_staff_required
@require_POST
def closure_request(request: HttpRequest, case_id: str) -> HttpResponse:
    case = access.get_case_for(request.user, case_id)
    form = ClosureRequestForm(request.POST)
    if form.is_valid():
        try:
            made = services.request_closure(
                Actor.from_request(request), case, form.cleaned_data["reason"]
            )
        except services.InvalidClosure as problem:
            messages.error(request, str(problem))
        else:
            if made.status == ClosureStatus.APPROVED:
                messages.success(request, _("Case closed."))
            else:
                messages.success(request, _("Closure requested: a supervisor will decide."))
    return redirect("cases:case_detail", case_id=case.pk)


@case_staff_required
@require_POST
def closure_decide(request: HttpRequest, case_id: str, closure_id: str) -> HttpResponse:
    case = access.get_case_for(request.user, case_id)
    _require_supervisor(request)
    pending = access.get_closure_for(request.user, case, closure_id)
    form = ClosureDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or decline the closure."))
        return redirect("cases:case_detail", case_id=case.pk)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.decide_closure(
            Actor.from_request(request), pending, approve=approve, note=form.cleaned_data["note"]
        )
    except services.InvalidClosure as problem:
        messages.error(request, str(problem))
    else:
        messages.success(request, _("Case closed.") if approve else _("Closure declined."))
    return redirect("cases:case_detail", case_id=case.pk)


@case_staff_required
@require_http_methods(["GET", "POST"])
def case_assign(request: HttpRequest, case_id: str) -> HttpResponse:
    case = access.get_case_for(request.user, case_id)
    _require_supervisor(request)
    form = AssignForm(
        request.POST if request.method == "POST" else None,
        initial={"staff": list(case.assigned_to.all())},
        organisation_id=case.organisation_id,
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.assign_case(
                Actor.from_request(request), case, list(form.cleaned_data["staff"])
            )
        except services.NotAllowed as refusal:
            form.add_error("staff", str(refusal))
        else:
            if changed:
                messages.success(request, _("Assignment saved."))
            return redirect("cases:case_detail", case_id=case.pk)
    status = 400 if form.errors else 200
    return render(request, "cases/case_assign.html", {"case": case, "form": form}, status=status)


@case_staff_required
@require_safe
def team(request: HttpRequest) -> HttpResponse:
    """A supervisor's view of the team: caseloads, overdue tasks, closures to decide."""
    _require_supervisor(request)
    organisation_id = request.membership.organisation_id  # type: ignore[attr-defined]
    today = timezone.localdate()
    cases = access.visible_cases(request.user)
    open_cases = cases.exclude(status=CaseStatus.CLOSED)
    overdue = access.visible_tasks(request.user).filter(status=TaskStatus.OPEN, due_on__lt=today)
    staff = (
        User.objects.filter(
            membership__organisation_id=organisation_id,
            membership__role__in=[role.value for role in CASE_ROLES],
            is_active=True,
        )
        .annotate(
            open_cases=Count(
                "assigned_cases",
                filter=Q(assigned_cases__in=open_cases),
                distinct=True,
            ),
            overdue_tasks=Count("tasks", filter=Q(tasks__in=overdue), distinct=True),
        )
        .order_by("username")
    )
    context = {
        "staff": staff,
        "unassigned": open_cases.filter(assigned_to__isnull=True).select_related("person"),
        "closures": ClosureRequest.objects.filter(
            case__in=cases, status=ClosureStatus.PENDING
        ).select_related("case", "case__person", "requested_by"),
        "overdue": overdue.select_related("case", "case__person", "assigned_to")
        .defer("details")
        .order_by("due_on")[:50],
        "decision_form": ClosureDecisionForm(),
        "today": today,
    }
    return render(request, "cases/team.html", context)


# --- Export, legal hold and retention ---------------------------------------------------


@case_staff_required
@require_http_methods(["GET", "POST"])
def case_export(request: HttpRequest, case_id: str) -> HttpResponse:
    """The case file as a password-protected archive (supervisors and org admins)."""
    case = access.get_case_for(request.user, case_id)
    _require_supervisor(request)
    form = ExportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            archive = services.export_case(
                Actor.from_request(request), case, form.cleaned_data["password"]
            )
        except services.InvalidExport as problem:
            form.add_error("password", str(problem))
        else:
            response = HttpResponse(archive, content_type="application/zip")
            response["Content-Disposition"] = (
                content_disposition_header(True, f"{case.reference}.zip") or "attachment"
            )
            response["X-Content-Type-Options"] = "nosniff"
            response["Cache-Control"] = "no-store, private, max-age=0"
            return response
    status = 400 if form.errors else 200
    return render(request, "cases/case_export.html", {"case": case, "form": form}, status=status)


def _retention_context(request: HttpRequest, case: Case, hold_form: ReasonForm) -> dict[str, Any]:
    hold = LegalHold.objects.filter(case=case).select_related("set_by").first()
    return {
        "case": case,
        "hold": hold,
        "hold_form": hold_form,
        "years": services.retention_years(case.organisation_id),
        "due_on": services.shred_due_on(case),
        "counts": {
            _("Notes"): case.notes.count(),
            _("Tasks"): case.tasks.count(),
            _("Screenings"): case.assessments.count(),
            _("Documents"): case.documents.count(),
            _("Closure requests"): case.closure_requests.count(),
        },
        "person_goes": not case.person.cases.exclude(pk=case.pk).exists(),
    }


@case_staff_required
@require_safe
def case_retention(request: HttpRequest, case_id: str) -> HttpResponse:
    """What shredding will remove from this case, and when (export-before-delete)."""
    case = access.get_case_for(request.user, case_id)
    _require_supervisor(request)
    context = _retention_context(request, case, ReasonForm())
    return render(request, "cases/case_retention.html", context)


@case_staff_required
@require_POST
def legal_hold(request: HttpRequest, case_id: str) -> HttpResponse:
    case = access.get_case_for(request.user, case_id)
    _require_supervisor(request)
    form = ReasonForm(request.POST)
    action = request.POST.get("action")
    if action not in ("set", "clear"):
        return HttpResponse(_("Unknown action."), status=400, content_type="text/plain")
    if form.is_valid():
        actor = Actor.from_request(request)
        if action == "set":
            services.set_legal_hold(actor, case, form.cleaned_data["reason"])
            messages.success(request, _("Legal hold set: this case will not be shredded."))
        else:
            services.clear_legal_hold(actor, case, form.cleaned_data["reason"])
            messages.success(request, _("Legal hold lifted."))
        return redirect("cases:case_retention", case_id=case.pk)
    context = _retention_context(request, case, form)
    return render(request, "cases/case_retention.html", context, status=400)


RETENTION_WINDOW_DAYS = 90


@case_staff_required
@require_safe
def retention_list(request: HttpRequest) -> HttpResponse:
    """Closed cases due for shredding now or within 90 days, for supervisors."""
    _require_supervisor(request)
    organisation_id = request.membership.organisation_id  # type: ignore[attr-defined]
    schedule = services.shredding_schedule(
        within_days=RETENTION_WINDOW_DAYS, organisation_id=organisation_id
    )
    context = {
        "schedule": schedule,
        "today": timezone.localdate(),
        "years": services.retention_years(organisation_id),
        "window": RETENTION_WINDOW_DAYS,
    }
    return render(request, "cases/retention_list.html", context)
