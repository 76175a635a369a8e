"""Screening pages: a guided interview from a case, its reading, and the
evidence summary. Views parse, authorise through cases.access, call a
screening service or the engine, and render; the engine decides everything
about what the answers mean."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from harbour.audit.services import Actor
from harbour.cases import access
from harbour.cases.models import Case
from harbour.core.decorators import case_staff_required
from harbour.screening import engine, services
from harbour.screening.catalogue import Catalogue, Indicator, load_catalogue
from harbour.screening.documents import (
    DOCX_CONTENT_TYPE,
    build_evidence_summary,
    evidence_summary_docx,
    language_name,
    summary_filename,
)
from harbour.screening.engine import plan_interview
from harbour.screening.engine.law_first import LawFirstQuestionInfo, compile_law_first
from harbour.screening.forms import (
    FactsForm,
    InterviewStep,
    StartForm,
    StepForm,
    anchor_for,
    interview_steps,
    tri_state,
)
from harbour.screening.models import Assessment, AssessmentStatus
from harbour.screening.templatetags.screening_text import in_language

# How many of the engine's suggested questions the result page lists; the rest
# are one click away in the interview, and a long list is not a calm one.
NEXT_QUESTIONS_SHOWN = 8


# --- Fetching, always through the case -----------------------------------------------------


def _case_and_assessment(
    request: HttpRequest, case_id: Any, assessment_id: Any
) -> tuple[Case, Assessment]:
    """The case as the user may see it, then the assessment *of that case*:
    another organisation's assessment, or one of another case, is not found."""
    case = access.get_case_for(request.user, case_id)
    try:
        assessment = case.assessments.get(pk=assessment_id)
    except Assessment.DoesNotExist:
        raise Http404 from None
    assessment.case = case  # already loaded, with its person
    return case, assessment


def _is_completed(assessment: Assessment) -> bool:
    return assessment.status == AssessmentStatus.COMPLETED


# --- Where an interview stands ---------------------------------------------------------------


@dataclass(frozen=True)
class StepProgress:
    step: InterviewStep
    answered: int

    @property
    def total(self) -> int:
        return len(self.step.indicators)


def _progress(steps: list[InterviewStep], answered_ids: set[str]) -> list[StepProgress]:
    return [
        StepProgress(step, sum(1 for i in step.indicator_ids if i in answered_ids))
        for step in steps
    ]


def resume_step(steps: list[InterviewStep], answered_ids: set[str]) -> int:
    """Where to continue: the last step with an answer, or the one after it
    when every question there is answered.

    Questions may be skipped, so "the first open question" would send the
    caseworker back to the start; the last step they worked on is where they
    stopped. Nothing past it is passed over.
    """
    last = next((p for p in reversed(_progress(steps, answered_ids)) if p.answered), None)
    if last is None:
        return 1
    if last.answered == last.total and last.step.number < len(steps):
        return last.step.number + 1
    return last.step.number


@dataclass(frozen=True)
class AssessmentRow:
    """One line of a case's screening history."""

    assessment: Assessment
    reading_title: Any  # a bilingual text
    reading_code: str
    resume_step: int
    answered: int

    @property
    def interview_language(self) -> str:
        return language_name(self.assessment.interview_language)


def assessment_history(case: Case) -> list[AssessmentRow]:
    """Every assessment of the case, newest first, with its reading.

    A completed assessment shows the reading it was completed with; one still
    in progress is read now, against the catalogue it was started with.
    """
    rows: list[AssessmentRow] = []
    for assessment in case.assessments.prefetch_related("answers"):
        catalogue = services.catalogue_for(assessment)
        answered = {a.indicator_id for a in assessment.answers.all()}
        if _is_completed(assessment) and assessment.reading_code:
            code = assessment.reading_code
            title: Any = getattr(catalogue.indicators.readings, code).title
        else:
            reading = services.evaluate_assessment(assessment, with_next_questions=False)
            code, title = reading.code.value, reading.title
        rows.append(
            AssessmentRow(
                assessment,
                title,
                code,
                resume_step(interview_steps(catalogue, services.facts_for(assessment)), answered),
                len(answered),
            )
        )
    return rows


# --- Starting, and the facts -----------------------------------------------------------------


@case_staff_required
@require_http_methods(["GET", "POST"])
def assessment_start(request: HttpRequest, case_id: str) -> HttpResponse:
    case = access.get_case_for(request.user, case_id)
    # What the case already says about the form of exploitation is the starting
    # point; the caseworker confirms or changes it.
    initial = {"sexual_exploitation": "yes"} if "sexual_exploitation" in case.forms else {}
    form = StartForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        assessment = services.start_assessment(
            Actor.from_request(request),
            case,
            interview_language=form.cleaned_data["interview_language"],
            **form.facts(),
        )
        return redirect(_step_url(assessment, 1))
    catalogue = load_catalogue()
    context = {
        "case": case,
        "form": form,
        "catalogue": catalogue,
        "steps": interview_steps(catalogue),
    }
    return render(request, "screening/start.html", context, status=400 if form.errors else 200)


@case_staff_required
@require_http_methods(["GET", "POST"])
def assessment_facts(request: HttpRequest, case_id: str, assessment_id: str) -> HttpResponse:
    case, assessment = _case_and_assessment(request, case_id, assessment_id)
    initial = {
        "under_18": tri_state(assessment.under_18),
        "came_to_canada_from_abroad": tri_state(assessment.came_to_canada_from_abroad),
        "sexual_exploitation": tri_state(assessment.sexual_exploitation),
    }
    form = FactsForm(request.POST or None, initial=initial)
    if _is_completed(assessment):
        for field in form.fields.values():
            field.disabled = True
    status = 200
    if request.method == "POST":
        if _is_completed(assessment):
            status = 409
        elif form.is_valid():
            services.update_facts(Actor.from_request(request), assessment, **form.facts())
            messages.success(request, _("Facts saved."))
            return redirect("screening:assessment_result", case.pk, assessment.pk)
        else:
            status = 400
    else:
        services.record_assessment_view(Actor.from_request(request), assessment, via="facts")
    context = {"case": case, "assessment": assessment, "form": form}
    return render(request, "screening/facts.html", context, status=status)


# --- The interview, one dimension per step -------------------------------------------------


def _step_url(assessment: Assessment, number: int) -> str:
    return reverse(
        "screening:assessment_step",
        kwargs={"case_id": assessment.case_id, "assessment_id": assessment.pk, "step": number},
    )


def _after_saving(request: HttpRequest, assessment: Assessment, step: int, total: int) -> str:
    """Where the buttons of a step page lead, once its answers are saved."""
    action = request.POST.get("action", "next")
    goto = request.POST.get("goto", "")
    if goto.isdigit() and 1 <= int(goto) <= total:
        return _step_url(assessment, int(goto))
    if action == "later":
        messages.success(
            request, _("Answers saved. You can continue the interview from this case.")
        )
        return reverse("cases:case_detail", kwargs={"case_id": assessment.case_id})
    if action == "previous" and step > 1:
        return _step_url(assessment, step - 1)
    if action == "result" or step >= total:
        return reverse(
            "screening:assessment_result",
            kwargs={"case_id": assessment.case_id, "assessment_id": assessment.pk},
        )
    return _step_url(assessment, step + 1)


@case_staff_required
@require_http_methods(["GET", "POST"])
def assessment_step(
    request: HttpRequest, case_id: str, assessment_id: str, step: int
) -> HttpResponse:
    case, assessment = _case_and_assessment(request, case_id, assessment_id)
    catalogue = services.catalogue_for(assessment)
    steps = interview_steps(catalogue, services.facts_for(assessment))
    if not 1 <= step <= len(steps):
        raise Http404
    current = steps[step - 1]
    completed = _is_completed(assessment)
    answers = {a.indicator_id: a for a in assessment.answers.all()}
    actor = Actor.from_request(request)
    status = 200
    if request.method == "POST" and completed:
        form = StepForm(current, answers=answers, disabled=True)
        status = 409
    elif request.method == "POST":
        form = StepForm(current, request.POST, answers=answers)
        if form.is_valid():
            try:
                services.record_answers(actor, assessment, form.answer_inputs())
            except engine.ScreeningInputError as error:
                form.add_error(None, _("Nothing was saved: %(problem)s") % {"problem": error})
            else:
                return redirect(_after_saving(request, assessment, step, len(steps)))
        status = 400
    else:
        form = StepForm(current, answers=answers, disabled=completed)
        services.record_assessment_view(actor, assessment, via="interview")
    context = {
        "case": case,
        "assessment": assessment,
        "catalogue": catalogue,
        "step": current,
        "steps": _progress(steps, set(answers)),
        "total": len(steps),
        "form": form,
        "questions": form.questions(),
        "completed": completed,
        "interview_language": language_name(assessment.interview_language),
        "plan": plan_interview(catalogue, services.facts_for(assessment)),
    }
    return render(request, "screening/step.html", context, status=status)


# --- The reading -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DimensionView:
    result: engine.DimensionResult
    decided_by: list[Indicator]
    present: list[Indicator]
    step: int | None


@dataclass(frozen=True)
class ListView:
    result: engine.ListResult
    dimensions: list[DimensionView]


@dataclass(frozen=True)
class ForcedLabourView:
    result: engine.ForcedLabourResult
    evidenced_by: list[Indicator]


@dataclass(frozen=True)
class LegalView:
    result: engine.LegalElementResult
    supporting: list[Indicator]


@dataclass(frozen=True)
class NextView:
    question: engine.NextQuestion
    indicator: Indicator
    step: int | None
    anchor: str


def _reading_context(
    assessment: Assessment, reading: engine.Reading, catalogue: Catalogue
) -> dict[str, Any]:
    """Put each indicator id of the reading next to the catalogue's texts for it."""
    indicators = {i.id: i for lst in catalogue.lists for i in lst.indicators}
    steps = interview_steps(catalogue, services.facts_for(assessment))
    step_of = {step.key: step.number for step in steps}
    lists = [
        ListView(
            lst,
            [
                DimensionView(
                    d,
                    [indicators[i] for i in d.decided_by],
                    [indicators[i] for i in d.present],
                    step_of.get(d.key),
                )
                for d in lst.dimensions
            ],
        )
        for lst in reading.lists
    ]
    next_questions = [
        NextView(
            q,
            indicators[q.indicator_id],
            step_of.get(f"{q.indicator.list_id}.{q.indicator.dimension_id}"),
            anchor_for(q.indicator_id),
        )
        for q in reading.next_questions[:NEXT_QUESTIONS_SHOWN]
    ]
    list_notes = {lst.id: lst for lst in catalogue.lists}
    return {
        "reading": reading,
        "lists": lists,
        "list_notes": list_notes,
        "forced_labour": [
            ForcedLabourView(f, [indicators[i] for i in f.evidenced_by])
            for f in reading.forced_labour
        ],
        "forced_labour_present": [f for f in reading.forced_labour if f.present],
        "legal_elements": [
            LegalView(e, [indicators[i] for i in e.supporting]) for e in reading.legal_elements
        ],
        "next_questions": next_questions,
        "more_questions": max(0, len(reading.next_questions) - NEXT_QUESTIONS_SHOWN),
        "law_first": law_first_context(reading, catalogue, steps),
        "resume_step": resume_step(steps, {a.indicator_id for a in assessment.answers.all()}),
        "total_steps": len(steps),
    }


@dataclass(frozen=True)
class LawElementView:
    result: engine.LawFirstElementResult
    supporting: list[LawFirstQuestionInfo]


@dataclass(frozen=True)
class LawNextView:
    question: LawFirstQuestionInfo
    step: int | None
    anchor: str


@dataclass(frozen=True)
class LawFirstView:
    reading: engine.LawFirstReading
    leads: bool  # the ILO/EC list that applies is pending: this reading is the result
    offences: list[engine.OffenceResult]
    elements: list[LawElementView]
    next_questions: list[LawNextView]
    more_questions: int


def law_first_context(
    reading: engine.Reading, catalogue: Catalogue, steps: list[InterviewStep]
) -> LawFirstView | None:
    """The law-first reading with the question texts beside each id."""
    law = reading.law_first
    compiled = compile_law_first(catalogue)
    if law is None or compiled is None:
        return None
    questions = {q.id: q for q in compiled.questions}
    step_of = {step.key: step.number for step in steps}
    return LawFirstView(
        reading=law,
        leads=reading.path == "law_first",
        offences=[o for o in law.offences if o.applies],
        elements=[LawElementView(e, [questions[i] for i in e.supporting]) for e in law.elements],
        next_questions=[
            LawNextView(questions[i], step_of.get(f"law.{questions[i].section_id}"), anchor_for(i))
            for i in law.next_questions[:NEXT_QUESTIONS_SHOWN]
        ],
        more_questions=max(0, len(law.next_questions) - NEXT_QUESTIONS_SHOWN),
    )


@case_staff_required
@require_safe
def assessment_result(request: HttpRequest, case_id: str, assessment_id: str) -> HttpResponse:
    case, assessment = _case_and_assessment(request, case_id, assessment_id)
    catalogue = services.catalogue_for(assessment)
    reading = services.evaluate_assessment(assessment)
    services.record_assessment_view(Actor.from_request(request), assessment, via="result")
    context = {
        "case": case,
        "assessment": assessment,
        "catalogue": catalogue,
        "completed": _is_completed(assessment),
        "interview_language": language_name(assessment.interview_language),
        **_reading_context(assessment, reading, catalogue),
    }
    return render(request, "screening/result.html", context)


@case_staff_required
@require_POST
def assessment_complete(request: HttpRequest, case_id: str, assessment_id: str) -> HttpResponse:
    case, assessment = _case_and_assessment(request, case_id, assessment_id)
    if _is_completed(assessment):
        # A second press (or a second tab) changes nothing: the first reading stands.
        messages.info(request, _("This assessment was already completed."))
    else:
        reading = services.complete_assessment(Actor.from_request(request), assessment)
        messages.success(
            request,
            _("Assessment completed. Reading: %(title)s.") % {"title": in_language(reading.title)},
        )
    return redirect("screening:assessment_result", case.pk, assessment.pk)


# --- The evidence summary --------------------------------------------------------------------


@case_staff_required
@require_safe
def assessment_summary(request: HttpRequest, case_id: str, assessment_id: str) -> HttpResponse:
    case, assessment = _case_and_assessment(request, case_id, assessment_id)
    catalogue = services.catalogue_for(assessment)
    reading = services.evaluate_assessment(assessment, with_next_questions=False)
    services.record_assessment_view(Actor.from_request(request), assessment, via="summary")
    context = {
        "case": case,
        "assessment": assessment,
        "summary": build_evidence_summary(assessment, reading, catalogue),
    }
    return render(request, "screening/summary.html", context)


@case_staff_required
@require_safe
def assessment_summary_docx(request: HttpRequest, case_id: str, assessment_id: str) -> HttpResponse:
    _case, assessment = _case_and_assessment(request, case_id, assessment_id)
    catalogue = services.catalogue_for(assessment)
    reading = services.evaluate_assessment(assessment, with_next_questions=False)
    content = evidence_summary_docx(build_evidence_summary(assessment, reading, catalogue))
    services.record_assessment_export(Actor.from_request(request), assessment, file_format="docx")
    response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{summary_filename(assessment)}"'
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, private, max-age=0"
    response["X-Content-Type-Options"] = "nosniff"
    return response


__all__ = [
    "AssessmentRow",
    "assessment_complete",
    "assessment_facts",
    "assessment_history",
    "assessment_result",
    "assessment_start",
    "assessment_step",
    "assessment_summary",
    "assessment_summary_docx",
    "resume_step",
]
