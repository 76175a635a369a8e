"""Protection navigator pages: from a case or on their own, the knowledge page,
and support letters. Views parse, authorise through cases.access, and call the
engine or a pathways service; which pathway is open is the engine's decision."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.utils.translation import override as language_override
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from harbour.accounts.models import Province
from harbour.audit.services import Actor
from harbour.cases import access
from harbour.cases.models import Case
from harbour.core.decorators import case_staff_required
from harbour.pathways import engine, services
from harbour.pathways.facts import fact_label
from harbour.pathways.forms import DeadlinesForm, LetterForm, NavigatorForm
from harbour.pathways.letters import LETTERS, letter_filename, support_letter_docx
from harbour.pathways.rules import Pathway, load_pathways
from harbour.screening import services as screening_services
from harbour.screening.catalogue import load_catalogue
from harbour.screening.documents import DOCX_CONTENT_TYPE, build_evidence_summary
from harbour.screening.templatetags.screening_text import in_language

STATUS_ORDER = (
    (engine.Status.LIKELY_ELIGIBLE, gettext_lazy("Likely eligible")),
    (
        engine.Status.POSSIBLY_ELIGIBLE,
        gettext_lazy("Possibly eligible: facts missing or rules unverified"),
    ),
    (engine.Status.NOT_YET, gettext_lazy("Not yet: open on a known date")),
    (engine.Status.NOT_ELIGIBLE, gettext_lazy("Not eligible on these facts")),
    (engine.Status.NOT_APPLICABLE, gettext_lazy("Not applicable")),
)
# The results page opens the groups a caseworker acts on; the others stay folded.
OPEN_GROUPS = (
    engine.Status.LIKELY_ELIGIBLE,
    engine.Status.POSSIBLY_ELIGIBLE,
    engine.Status.NOT_YET,
)
NEXT_FACTS_SHOWN = 6


@dataclass(frozen=True)
class StatusGroup:
    status: engine.Status
    title: Any
    pathways: list[engine.PathwayResult]
    # Not applicable only because they are another province's law: one line.
    other_provinces: list[engine.PathwayResult] = field(default_factory=list)

    @property
    def open(self) -> bool:
        return self.status in OPEN_GROUPS

    @property
    def count(self) -> int:
        return len(self.pathways) + len(self.other_provinces)


VALUE_LABELS_PROVINCE = dict(Province.choices)


@dataclass(frozen=True)
class NextFactView:
    fact: engine.NextFact
    label: str


def _elsewhere(pathway: engine.PathwayResult) -> bool:
    return (
        pathway.status is engine.Status.NOT_APPLICABLE and "province" in pathway.not_applicable_on
    )


def _grouped(result: engine.Result) -> list[StatusGroup]:
    groups = []
    for status, title in STATUS_ORDER:
        pathways = [p for p in result.pathways if p.status is status]
        groups.append(
            StatusGroup(
                status,
                title,
                [p for p in pathways if not _elsewhere(p)],
                [p for p in pathways if _elsewhere(p)],
            )
        )
    return groups


def _province_name(code: str | None) -> str:
    return str(VALUE_LABELS_PROVINCE.get(code or "", code or "")) if code else ""


def _results_context(
    result: engine.Result, documents: dict[str, str] | None = None
) -> dict[str, Any]:
    return {
        "result": result,
        "groups": _grouped(result),
        "province_name": _province_name(result.facts.province),
        "document_names": documents or {},
        "next_facts": [
            NextFactView(item, fact_label(item.fact)) for item in result.ask_next[:NEXT_FACTS_SHOWN]
        ],
        "today": timezone.localdate(),
    }


def _as_of(request: HttpRequest) -> datetime.date:
    raw = request.GET.get("as_of", "")
    try:
        return datetime.date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        raise Http404 from None


# --- Standalone ------------------------------------------------------------------------------


@case_staff_required
@require_http_methods(["GET", "POST"])
def navigator(request: HttpRequest) -> HttpResponse:
    """Facts typed here are evaluated and shown, never stored (and sent by POST,
    so they stay out of URLs and logs)."""
    form = NavigatorForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "case": None}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            context |= _results_context(
                engine.evaluate(load_pathways(), form.facts, form.as_of_date)
            )
        else:
            status = 400
    return render(request, "pathways/navigator.html", context, status=status)


# --- From a case -----------------------------------------------------------------------------


@case_staff_required
@require_http_methods(["GET", "POST"])
def case_navigator(request: HttpRequest, case_id: str) -> HttpResponse:
    case = access.get_case_for(request.user, case_id)
    actor = Actor.from_request(request)
    documents = _case_documents(case)
    if request.method == "POST":
        form = NavigatorForm(request.POST, documents=list(documents.items()))
        if form.is_valid():
            services.save_case_facts(actor, case, form.facts, form.sources)
            messages.success(request, _("Facts saved. The results below use them."))
            url = reverse("pathways:case_navigator", args=[case.pk])
            return redirect(f"{url}?as_of={form.as_of_date.isoformat()}#results")
        form.origins = services.facts_for_case(case).origins()
        context = {"case": case, "form": form}
        return render(request, "pathways/navigator.html", context, status=400)
    as_of = _as_of(request)
    facts_view, result = services.evaluate_case(case, as_of)
    services.record_navigator_view(actor, case)
    form = NavigatorForm(
        facts=facts_view.facts,
        origins=facts_view.origins(),
        documents=list(documents.items()),
        sources=facts_view.sources,
        recorded=facts_view.confirmed,
        initial={"as_of": as_of},
    )
    choices = services.deadline_choices(result)
    deadlines_form = DeadlinesForm(
        choices=[(c.key, c.key) for c in choices], initial={"as_of": as_of}
    )
    context = {
        "case": case,
        "form": form,
        "facts_view": facts_view,
        "deadline_choices": choices,
        "deadlines_form": deadlines_form,
        "letters": LETTERS.values(),
        "letter_form": LetterForm(initial={"language": _letter_language(request)}),
        **_results_context(result, documents),
    }
    return render(request, "pathways/navigator.html", context)


def _case_documents(case: Case) -> dict[str, str]:
    """The case's documents staff may name as showing a fact: id -> file name."""
    return {
        str(document.pk): f"{document.original_name} ({document.uploaded_at:%Y-%m-%d})"
        for document in case.documents.order_by("-uploaded_at")
    }


@case_staff_required
@require_POST
def case_deadlines(request: HttpRequest, case_id: str) -> HttpResponse:
    case = access.get_case_for(request.user, case_id)
    as_of = _posted_as_of(request)
    _facts, result = services.evaluate_case(case, as_of)
    choices = services.deadline_choices(result)
    form = DeadlinesForm(request.POST, choices=[(c.key, c.key) for c in choices])
    url = reverse("pathways:case_navigator", args=[case.pk]) + f"?as_of={as_of.isoformat()}"
    if not form.is_valid():
        messages.error(
            request,
            _("Nothing was added: choose at least one deadline that is still open."),
        )
        return redirect(url + "#deadlines")
    tasks = services.add_deadlines_to_case(
        Actor.from_request(request), case, result, form.cleaned_data["deadlines"]
    )
    messages.success(
        request,
        _("%(count)s deadline(s) added to the case as tasks, with reminders.")
        % {"count": len(tasks)}
        if tasks
        else _("These deadlines were already on the case; nothing changed."),
    )
    return redirect(url + "#deadlines")


def _posted_as_of(request: HttpRequest) -> datetime.date:
    try:
        return datetime.date.fromisoformat(request.POST.get("as_of", ""))
    except ValueError:
        return timezone.localdate()


def _letter_language(request: HttpRequest) -> str:
    code = (getattr(request, "LANGUAGE_CODE", "") or "en")[:2]
    return code if code in ("en", "fr") else "en"


@case_staff_required
@require_safe
def case_letter(request: HttpRequest, case_id: str, letter: str) -> HttpResponse:
    case = access.get_case_for(request.user, case_id)
    kind = LETTERS.get(letter)
    if kind is None:
        raise Http404
    form = LetterForm(request.GET or {"language": _letter_language(request)})
    language = form.cleaned_data["language"] if form.is_valid() else _letter_language(request)
    as_of = _as_of(request)
    _facts, result = services.evaluate_case(case, as_of)
    assessment = screening_services.latest_completed(case)
    summary = None
    if assessment is not None:
        with language_override(language):
            summary = build_evidence_summary(
                assessment,
                screening_services.evaluate_assessment(assessment, with_next_questions=False),
                screening_services.catalogue_for(assessment),
            )
    user = request.user
    signer = user.get_full_name() if hasattr(user, "get_full_name") else ""
    content = support_letter_docx(kind, case, result, summary, language=language, signer=signer)
    services.record_letter_export(
        Actor.from_request(request), case, letter=kind.slug, language=language
    )
    response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE)
    filename = letter_filename(case, kind, as_of)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- The knowledge page ----------------------------------------------------------------------


@dataclass(frozen=True)
class RuleRow:
    section: str
    entry: Any
    text: Any
    source_title: str
    source_url: str


SECTION_TITLES = {
    "applies_to": gettext_lazy("Applies to"),
    "criteria": gettext_lazy("Criterion"),
    "benefits": gettext_lazy("Benefit"),
    "fees": gettext_lazy("Fee"),
    "documents": gettext_lazy("Document"),
    "durations": gettext_lazy("Deadline or duration"),
    "notes": gettext_lazy("Note"),
}


@dataclass(frozen=True)
class PathwayRules:
    pathway: Pathway
    rows: list[RuleRow]
    overdue: bool
    unverified: int


def _rules_of(pathway: Pathway, today: datetime.date) -> PathwayRules:
    sources = {s.id: s for s in pathway.sources}
    rows = []
    for section, entry in pathway.dated_entries():
        text = getattr(entry, "label", None) or getattr(entry, "text", None)
        source = sources[entry.source.ref]
        rows.append(RuleRow(str(SECTION_TITLES[section]), entry, text, source.title, source.url))
    return PathwayRules(
        pathway,
        rows,
        overdue=pathway.review_by < today,
        unverified=sum(1 for row in rows if not row.entry.verified),
    )


def knowledge_rows(pathways: Sequence[Pathway], today: datetime.date) -> list[PathwayRules]:
    return [
        _rules_of(pathway, today)
        for pathway in sorted(pathways, key=lambda p: in_language(p.title))
    ]


@login_required
@require_safe
def knowledge(request: HttpRequest) -> HttpResponse:
    """Every rule Harbour applies, with its source and the dates it holds.

    Public law, no case data: any signed-in account may read it.
    """
    today = timezone.localdate()
    rules = knowledge_rows(load_pathways(), today)
    catalogue = load_catalogue()
    context = {
        "rules": rules,
        "today": today,
        "overdue": [r for r in rules if r.overdue],
        "catalogue": catalogue,
        "total_rules": sum(len(r.rows) for r in rules),
        "total_unverified": sum(r.unverified for r in rules),
    }
    return render(request, "pathways/knowledge.html", context)
