"""Screening endpoints: evaluate answers without storing them, and create and
read assessments on a case. Data is reached through cases.access and changed
through screening.services, like the web interview."""

from __future__ import annotations

import datetime
import uuid
from enum import StrEnum
from typing import Any, Literal

from django.db import transaction
from django.http import HttpRequest
from ninja import Router, Status
from ninja.errors import ValidationError
from pydantic import Field, StrictBool

from harbour.api.common import Errors, actor_of, case_staff, get_visible
from harbour.api.schemas import LongText, Out, ShortText, Strict
from harbour.cases import access
from harbour.knowledge.loader import KnowledgeError
from harbour.screening import engine
from harbour.screening.catalogue import Catalogue, available_versions, load_catalogue
from harbour.screening.models import Assessment
from harbour.screening.services import (
    AnswerInput,
    complete_assessment,
    evaluate_assessment,
    record_answers,
    record_assessment_view,
    start_assessment,
)

router = Router(tags=["screening"])

AnswerValue = Literal["yes", "no", "unknown", "declined"]


# The schema lists the catalogue versions and indicator ids the server knows, so
# that a client (and the fuzzer) can tell a valid request from an invalid one
# before sending it. Built when the API loads; a new catalogue file needs a restart.
def _law_questions(catalogue: Catalogue) -> list[Any]:
    law = catalogue.legal.law_first
    return list(law.questions) if law is not None else []


_VERSIONS = available_versions()
CatalogueVersion = StrEnum("CatalogueVersion", {v: v for v in _VERSIONS})  # type: ignore[misc]
# Law-first question ids (`law.…`, the Criminal Code's own elements) are answered
# the same way as indicators, so they are in the same enum.
_INDICATORS = sorted(
    {i for v in _VERSIONS for i in load_catalogue(v).indicator_ids()}
    | {q.id for v in _VERSIONS for q in _law_questions(load_catalogue(v))}
)
IndicatorId = StrEnum("IndicatorId", {i: i for i in _INDICATORS})  # type: ignore[misc]


class AnswerIn(Strict):
    value: AnswerValue
    evidence: LongText = ""
    given_by: ShortText = ""


class FactsIn(Strict):
    under_18: StrictBool | None = None
    came_to_canada_from_abroad: StrictBool | None = None
    # Chooses the sexual-exploitation list (pending verification): the law-first
    # questions then carry the reading.
    sexual_exploitation: StrictBool | None = None


class EvaluateIn(Strict):
    catalogue: CatalogueVersion | None = None
    # Read the law in force on this day (default: the elements with no end date).
    as_of: datetime.date | None = None
    facts: FactsIn = Field(default_factory=FactsIn)
    # Keyed by indicator or law-first question id, so none can be answered twice.
    answers: dict[IndicatorId, AnswerIn] = Field(default_factory=dict)


class AssessmentIn(Strict):
    interview_language: Literal["en", "fr"] = "en"
    facts: FactsIn = Field(default_factory=FactsIn)
    answers: dict[IndicatorId, AnswerIn] = Field(default_factory=dict)
    complete: StrictBool = False


class ReadingOut(Out):
    reading: dict[str, Any]


class AnswerOut(Out):
    indicator_id: str
    value: AnswerValue
    evidence: str
    given_by: str


class AssessmentSummaryOut(Out):
    id: uuid.UUID
    case_id: uuid.UUID
    status: Literal["in_progress", "completed"]
    interview_language: str
    catalogue_version: str
    forced_labour_version: str
    legal_elements_version: str
    reading_code: str
    created_at: datetime.datetime
    completed_at: datetime.datetime | None


class AssessmentOut(AssessmentSummaryOut):
    under_18: bool | None
    came_to_canada_from_abroad: bool | None
    sexual_exploitation: bool | None
    # Which reading leads: "ilo_list", or "law_first" when the list that applies is
    # pending verification (a child, sexual exploitation); the reading has both.
    path: Literal["ilo_list", "law_first"]
    answers: list[AnswerOut]
    reading: dict[str, Any]


def _input_problem(problem: Exception, where: str) -> ValidationError:
    return ValidationError([{"loc": ["body", where], "msg": str(problem), "type": "value_error"}])


def _engine_answers(answers: dict[Any, AnswerIn]) -> list[engine.Answer]:
    return [engine.Answer(str(i), a.value, a.evidence, a.given_by) for i, a in answers.items()]


def _assessment_out(assessment: Assessment) -> dict[str, Any]:
    reading = evaluate_assessment(assessment)
    return {
        "id": assessment.pk,
        "case_id": assessment.case_id,
        "status": assessment.status,
        "interview_language": assessment.interview_language,
        "catalogue_version": assessment.catalogue_version,
        "forced_labour_version": assessment.forced_labour_version,
        "legal_elements_version": assessment.legal_elements_version,
        "reading_code": assessment.reading_code or reading.code.value,
        "created_at": assessment.created_at,
        "completed_at": assessment.completed_at,
        "under_18": assessment.under_18,
        "came_to_canada_from_abroad": assessment.came_to_canada_from_abroad,
        "sexual_exploitation": assessment.sexual_exploitation,
        "path": reading.path,
        "answers": list(assessment.answers.all()),
        "reading": reading.to_dict(),
    }


def _assessment_for(user: Any, assessment_id: str) -> Assessment:
    visible = Assessment.objects.select_related("case").filter(case__in=access.visible_cases(user))
    return get_visible(visible, assessment_id)


@router.post("/screening/evaluate", response={200: ReadingOut, **Errors})
def evaluate_answers(request: HttpRequest, payload: EvaluateIn) -> Any:
    """Read answers against a catalogue without storing anything."""
    case_staff(request)
    try:
        catalogue = load_catalogue(payload.catalogue.value if payload.catalogue else None)
    except KnowledgeError as problem:
        raise _input_problem(problem, "catalogue") from None
    try:
        reading = engine.evaluate(
            catalogue,
            _engine_answers(payload.answers),
            engine.Facts(**payload.facts.model_dump()),
            as_of=payload.as_of,
        )
    except engine.ScreeningInputError as problem:
        raise _input_problem(problem, "answers") from None
    return {"reading": reading.to_dict()}


@router.get("/cases/{case_id}/assessments", response={200: list[AssessmentSummaryOut], **Errors})
def list_assessments(request: HttpRequest, case_id: str) -> Any:
    case = access.get_case_for(case_staff(request), case_id)
    return [
        {**_summary_fields(a), "reading_code": a.reading_code}
        for a in case.assessments.order_by("created_at")
    ]


def _summary_fields(assessment: Assessment) -> dict[str, Any]:
    return {
        name: getattr(assessment, name)
        for name in AssessmentSummaryOut.model_fields
        if name not in ("id", "case_id")
    } | {"id": assessment.pk, "case_id": assessment.case_id}


@router.post("/cases/{case_id}/assessments", response={201: AssessmentOut, **Errors})
def create_assessment(request: HttpRequest, case_id: str, payload: AssessmentIn) -> Any:
    case = access.get_case_for(case_staff(request), case_id)
    actor = actor_of(request)
    try:
        with transaction.atomic():
            assessment = start_assessment(
                actor,
                case,
                interview_language=payload.interview_language,
                **payload.facts.model_dump(),
            )
            record_answers(
                actor,
                assessment,
                [
                    AnswerInput(str(i), a.value, a.evidence, a.given_by)
                    for i, a in payload.answers.items()
                ],
            )
            if payload.complete:
                complete_assessment(actor, assessment)
    except engine.ScreeningInputError as problem:
        raise _input_problem(problem, "answers") from None
    return Status(201, _assessment_out(assessment))


@router.get("/assessments/{assessment_id}", response={200: AssessmentOut, **Errors})
def get_assessment(request: HttpRequest, assessment_id: str) -> Any:
    assessment = _assessment_for(case_staff(request), assessment_id)
    record_assessment_view(actor_of(request), assessment, via="api")
    return _assessment_out(assessment)
