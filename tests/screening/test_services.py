"""Screening services: versions kept, answers saved in one transaction and
audited without evidence, another organisation refused."""

from __future__ import annotations

import pytest
from django.db import connection

from harbour.audit.models import AuditEvent
from harbour.audit.services import Actor
from harbour.cases.services import NotAllowed
from harbour.screening import engine
from harbour.screening.catalogue import load_catalogue
from harbour.screening.models import Answer, AssessmentStatus
from harbour.screening.services import (
    AnswerInput,
    complete_assessment,
    evaluate_assessment,
    record_answers,
    start_assessment,
)
from tests.screening.test_cli import TRAFFICKING

EVIDENCE = "Zyxwv passport kept in the owner's safe"


def actor(user):
    return Actor(user=user, ip_address="127.0.0.1")


@pytest.fixture
def assessment(caseworker, case):
    return start_assessment(actor(caseworker), case, interview_language="fr", under_18=False)


def answers(values: dict[str, str]) -> list[AnswerInput]:
    return [AnswerInput(key, value, EVIDENCE, "the person") for key, value in values.items()]


def test_an_assessment_keeps_the_catalogue_versions_it_was_made_with(assessment):
    catalogue = load_catalogue()
    assert assessment.catalogue_version == catalogue.versions["catalogue"]
    assert assessment.forced_labour_version == catalogue.versions["forced_labour"]
    assert assessment.legal_elements_version == catalogue.versions["legal_elements"]
    assert assessment.interview_language == "fr"


def test_answers_are_saved_and_read_back_into_the_reading(caseworker, assessment):
    changed = record_answers(actor(caseworker), assessment, answers(TRAFFICKING))
    assert sorted(changed) == sorted(TRAFFICKING)
    reading = evaluate_assessment(assessment)
    assert reading.code == engine.ReadingCode.TRAFFICKING_INDICATED
    assert reading.catalogue_version == assessment.catalogue_version


def test_a_bad_indicator_saves_nothing_and_names_it(caseworker, assessment):
    bad = [*answers(TRAFFICKING), AnswerInput("adult_labour.invented", "yes")]
    with pytest.raises(engine.ScreeningInputError, match=r"adult_labour\.invented"):
        record_answers(actor(caseworker), assessment, bad)
    assert Answer.objects.count() == 0


def test_an_empty_value_removes_an_answer(caseworker, assessment):
    key = next(iter(TRAFFICKING))
    record_answers(actor(caseworker), assessment, [AnswerInput(key, "yes")])
    record_answers(actor(caseworker), assessment, [AnswerInput(key, "")])
    assert not assessment.answers.exists()


def test_unchanged_answers_write_no_event(caseworker, assessment):
    record_answers(actor(caseworker), assessment, answers(TRAFFICKING))
    before = AuditEvent.objects.count()
    assert record_answers(actor(caseworker), assessment, answers(TRAFFICKING)) == []
    assert AuditEvent.objects.count() == before


def test_evidence_is_encrypted_and_never_in_the_audit_trail(caseworker, assessment):
    record_answers(actor(caseworker), assessment, answers(TRAFFICKING))
    with connection.cursor() as cursor:
        cursor.execute("SELECT evidence, given_by FROM screening_answer")
        raw = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert "Zyxwv" not in raw
    assert "the person" not in raw
    details = " ".join(str(event.detail) for event in AuditEvent.objects.all())
    assert "Zyxwv" not in details
    event = AuditEvent.objects.filter(action="assessment.answer").get()
    assert sorted(event.detail["indicators"]) == sorted(TRAFFICKING)


def test_completing_stores_the_reading_for_the_case_history(caseworker, assessment):
    record_answers(actor(caseworker), assessment, answers(TRAFFICKING))
    reading = complete_assessment(actor(caseworker), assessment)
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.COMPLETED
    assert assessment.reading_code == reading.code.value == "trafficking_indicated"
    assert assessment.completed_at is not None


def test_an_intruder_cannot_start_or_answer_on_another_organisations_case(
    intruder, case, assessment
):
    with pytest.raises(NotAllowed):
        start_assessment(actor(intruder), case)
    with pytest.raises(NotAllowed):
        record_answers(actor(intruder), assessment, answers(TRAFFICKING))
    assert Answer.objects.count() == 0


def test_an_analyst_cannot_start_an_assessment(analyst, case):
    with pytest.raises(NotAllowed):
        start_assessment(actor(analyst), case)


def test_an_unavailable_interview_language_is_refused(caseworker, case):
    with pytest.raises(ValueError, match="xx"):
        start_assessment(actor(caseworker), case, interview_language="xx")


def test_a_completed_assessment_cannot_be_changed_by_any_interface(caseworker, assessment):
    from harbour.screening.services import AssessmentCompleted, update_facts

    record_answers(actor(caseworker), assessment, answers(TRAFFICKING))
    first = complete_assessment(actor(caseworker), assessment)
    with pytest.raises(AssessmentCompleted):
        record_answers(actor(caseworker), assessment, [AnswerInput(next(iter(TRAFFICKING)), "no")])
    with pytest.raises(AssessmentCompleted):
        update_facts(actor(caseworker), assessment, under_18=True, came_to_canada_from_abroad=None)
    again = complete_assessment(actor(caseworker), assessment)
    assert again.code == first.code
    assert AuditEvent.objects.filter(action="assessment.complete").count() == 1
