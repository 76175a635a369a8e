"""Screening services: start an assessment, record answers, complete it,
and read it against the catalogue it was made with."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from harbour.audit.services import Actor, record
from harbour.cases.models import Case
from harbour.cases.services import NotAllowed, require_case_role
from harbour.screening import engine
from harbour.screening.catalogue import Catalogue, load_catalogue
from harbour.screening.models import Answer, Assessment, AssessmentStatus

INTERVIEW_LANGUAGES = ("en", "fr")


@dataclass(frozen=True)
class AnswerInput:
    indicator_id: str
    value: str
    evidence: str = ""
    given_by: str = ""


def catalogue_for(assessment: Assessment) -> Catalogue:
    return load_catalogue(
        assessment.catalogue_version,
        forced_labour_version=assessment.forced_labour_version,
        legal_version=assessment.legal_elements_version,
    )


def facts_for(assessment: Assessment) -> engine.Facts:
    return engine.Facts(
        under_18=assessment.under_18,
        came_to_canada_from_abroad=assessment.came_to_canada_from_abroad,
        sexual_exploitation=assessment.sexual_exploitation,
    )


def start_assessment(
    actor: Actor,
    case: Case,
    *,
    interview_language: str = "en",
    under_18: bool | None = None,
    came_to_canada_from_abroad: bool | None = None,
    sexual_exploitation: bool | None = None,
) -> Assessment:
    require_case_role(actor, case)
    if interview_language not in INTERVIEW_LANGUAGES:
        raise ValueError(f"interview language {interview_language!r} is not available")
    catalogue = load_catalogue()
    versions = catalogue.versions
    with transaction.atomic():
        assessment = Assessment.objects.create(
            case=case,
            catalogue_version=versions["catalogue"],
            forced_labour_version=versions["forced_labour"],
            legal_elements_version=versions["legal_elements"],
            interview_language=interview_language,
            under_18=under_18,
            came_to_canada_from_abroad=came_to_canada_from_abroad,
            sexual_exploitation=sexual_exploitation,
            created_by=actor.user_or_none,
        )
        record(
            actor,
            "assessment.create",
            case,
            detail={"assessment": str(assessment.pk), "catalogue": versions["catalogue"]},
        )
    return assessment


def _require_open(actor: Actor, assessment: Assessment) -> None:
    require_case_role(actor, assessment.case)
    # A completed assessment is a record of what was known then; what is
    # learned later goes in a new assessment, so the case shows the change.
    if assessment.status == AssessmentStatus.COMPLETED:
        raise AssessmentCompleted(_("A completed assessment cannot be changed; start a new one."))


def record_answers(
    actor: Actor, assessment: Assessment, answers: Iterable[AnswerInput]
) -> list[str]:
    """Save answers (new or changed); an empty value removes an answer.

    Every id and value is checked against the assessment's catalogue first,
    so a bad entry saves nothing and the error names it. Ids are indicator ids
    or, with a legal file that has one, law-first question ids (`law.…`).
    """
    _require_open(actor, assessment)
    answers = list(answers)
    given = {a.indicator_id: a for a in answers if a.value}
    # The engine is the one judge of ids and values.
    engine.evaluate(
        catalogue_for(assessment),
        {i: a.value for i, a in given.items()},
        with_next_questions=False,
    )
    changed: list[str] = []
    with transaction.atomic():
        existing = {a.indicator_id: a for a in assessment.answers.all()}
        for item in answers:
            current = existing.get(item.indicator_id)
            if not item.value:
                if current is not None:
                    current.delete()
                    changed.append(item.indicator_id)
                continue
            if current is None:
                Answer.objects.create(
                    assessment=assessment,
                    indicator_id=item.indicator_id,
                    value=item.value,
                    evidence=item.evidence,
                    given_by=item.given_by,
                    recorded_by=actor.user_or_none,
                )
                changed.append(item.indicator_id)
            elif (current.value, current.evidence, current.given_by) != (
                item.value,
                item.evidence,
                item.given_by,
            ):
                current.value = item.value
                current.evidence = item.evidence
                current.given_by = item.given_by
                current.recorded_by = actor.user_or_none
                current.save()
                changed.append(item.indicator_id)
        if changed:
            assessment.save(update_fields=["updated_at"])
            # Indicator ids are not personal data; evidence never goes in the trail.
            record(
                actor,
                "assessment.answer",
                assessment.case,
                detail={"assessment": str(assessment.pk), "indicators": changed},
            )
    return changed


def update_facts(
    actor: Actor,
    assessment: Assessment,
    *,
    under_18: bool | None,
    came_to_canada_from_abroad: bool | None,
    sexual_exploitation: bool | None = None,
) -> None:
    _require_open(actor, assessment)
    with transaction.atomic():
        assessment.under_18 = under_18
        assessment.came_to_canada_from_abroad = came_to_canada_from_abroad
        assessment.sexual_exploitation = sexual_exploitation
        assessment.save()
        record(
            actor, "assessment.facts", assessment.case, detail={"assessment": str(assessment.pk)}
        )


def evaluate_assessment(
    assessment: Assessment, *, with_next_questions: bool = True
) -> engine.Reading:
    answers = [
        engine.Answer(a.indicator_id, a.value, a.evidence, a.given_by)
        for a in assessment.answers.all()
    ]
    return engine.evaluate(
        catalogue_for(assessment),
        answers,
        facts_for(assessment),
        as_of=timezone.localdate(assessment.created_at),
        with_next_questions=with_next_questions,
    )


def complete_assessment(actor: Actor, assessment: Assessment) -> engine.Reading:
    """Freeze the assessment with its reading. Completing twice keeps the first."""
    require_case_role(actor, assessment.case)
    reading = evaluate_assessment(assessment, with_next_questions=False)
    if assessment.status == AssessmentStatus.COMPLETED:
        return reading
    with transaction.atomic():
        assessment.status = AssessmentStatus.COMPLETED
        assessment.reading_code = reading.code.value
        assessment.completed_at = timezone.now()
        assessment.save()
        record(
            actor,
            "assessment.complete",
            assessment.case,
            detail={"assessment": str(assessment.pk), "reading": reading.code.value},
        )
    return reading


def record_assessment_view(actor: Actor, assessment: Assessment, *, via: str = "web") -> None:
    require_case_role(actor, assessment.case)
    record(
        actor,
        "assessment.view",
        assessment.case,
        detail={"assessment": str(assessment.pk), "via": via},
    )


def record_assessment_export(actor: Actor, assessment: Assessment, *, file_format: str) -> None:
    """A document that leaves Harbour is a read of the case file, and more: audit it."""
    require_case_role(actor, assessment.case)
    record(
        actor,
        "assessment.export",
        assessment.case,
        detail={"assessment": str(assessment.pk), "format": file_format},
    )


def latest_completed(case: Case) -> Assessment | None:
    """The case's most recent completed assessment: what other capabilities (the
    protection navigator, letters) rely on. One still in progress may change."""
    return (
        case.assessments.filter(status=AssessmentStatus.COMPLETED)
        .order_by("-completed_at", "-created_at")
        .first()
    )


class AssessmentCompleted(NotAllowed):
    """The assessment is completed and read-only."""


__all__ = [
    "AnswerInput",
    "AssessmentCompleted",
    "NotAllowed",
    "complete_assessment",
    "evaluate_assessment",
    "latest_completed",
    "record_answers",
    "record_assessment_export",
    "record_assessment_view",
    "start_assessment",
    "update_facts",
]
