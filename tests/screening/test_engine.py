"""The screening engine (harbour.screening.engine): every rule branch at its boundary.

No database: the engine is pure Python.
"""

from __future__ import annotations

import copy
import datetime
import json
import subprocess
import sys

import pytest

from harbour.knowledge.loader import KNOWLEDGE_ROOT, load_yaml_strict
from harbour.screening import (
    Answer,
    AnswerValue,
    ElementStatus,
    Facts,
    NextEffect,
    ReadingCode,
    ScreeningInputError,
    evaluate,
    indicator_ids,
    indicator_info,
    load_catalogue,
    next_questions,
)
from harbour.screening.catalogue import Catalogue, catalogue_from_data

A = "adult_labour."
DEC_NATURE = A + "deceptive_recruitment.nature_of_job"  # strong
DEC_WAGES = A + "deceptive_recruitment.wages"  # medium
DEC_HOUSING = A + "deceptive_recruitment.housing"  # medium
DEC_CONDITIONS = A + "deceptive_recruitment.conditions_of_work"  # medium
AOV_STATUS = A + "recruitment_abuse_of_vulnerability.illegal_status"  # medium
AOV_CONTEXT = A + "recruitment_abuse_of_vulnerability.general_context"  # weak
AOV_BELIEFS = A + "recruitment_abuse_of_vulnerability.cultural_or_religious_beliefs"  # weak
AOV_PAST = A + "recruitment_abuse_of_vulnerability.difficulties_in_the_past"  # weak
AOV_TRAVEL = A + "recruitment_abuse_of_vulnerability.difficulty_organising_travel"  # weak
EXP_HOURS = A + "exploitative_conditions.excessive_working_days_or_hours"  # strong
EXP_SALARY = A + "exploitative_conditions.low_or_no_salary"  # medium
EXP_HAZARD = A + "exploitative_conditions.hazardous_work"  # medium
EXP_LIVING = A + "exploitative_conditions.bad_living_conditions"  # medium
EXP_EDUCATION = A + "exploitative_conditions.no_access_to_education"  # weak
COE_DOCS = A + "coercion_at_destination.confiscation_of_documents"  # strong
COE_DEBT = A + "coercion_at_destination.debt_bondage"  # strong
COE_VIOLENCE = A + "coercion_at_destination.violence"  # strong
COE_THREATS = A + "coercion_at_destination.threats_of_violence"  # medium
COE_DENOUNCE = A + "coercion_at_destination.threat_of_denunciation_to_authorities"  # medium
COE_INFORM = A + "coercion_at_destination.threats_to_inform_family_community_or_public"  # weak
REC_DOCS = A + "coercive_recruitment.confiscation_of_documents"  # medium
AOVD_DEPENDENCY = A + "abuse_of_vulnerability_at_destination.dependency_on_exploiters"
AOVD_AREA = A + "abuse_of_vulnerability_at_destination.difficulty_living_in_unknown_area"
AOVD_PERSONAL = A + "abuse_of_vulnerability_at_destination.personal_characteristics"  # weak

TRAFFICKING = [DEC_NATURE, DEC_WAGES, EXP_HOURS, EXP_SALARY, COE_DOCS, COE_DEBT]
ADULT = Facts(under_18=False, came_to_canada_from_abroad=True)


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def yes(*ids: str, rest: str | None = None, catalogue: Catalogue | None = None) -> dict[str, str]:
    """Answers: the given ids yes; every other indicator `rest` (or unanswered)."""
    answers = {}
    if rest is not None:
        answers = {i: rest for i in indicator_ids(catalogue or load_catalogue())}
    answers.update({i: "yes" for i in ids})
    return answers


def dimension(reading, name: str):
    return reading.dimension(f"adult_labour.{name}")


# --- a dimension is positive by the published combination rule ---------------------


def test_two_medium_alone_is_not_positive(catalogue):
    reading = evaluate(catalogue, yes(EXP_SALARY, EXP_HAZARD), ADULT)
    assert not dimension(reading, "exploitative_conditions").positive


def test_two_medium_and_one_weak_is_positive(catalogue):
    reading = evaluate(catalogue, yes(EXP_SALARY, EXP_HAZARD, EXP_EDUCATION), ADULT)
    result = dimension(reading, "exploitative_conditions")
    assert result.positive and result.rule == "two_medium_and_one_weak"
    assert set(result.decided_by) == {EXP_SALARY, EXP_HAZARD, EXP_EDUCATION}


def test_one_strong_alone_is_not_positive(catalogue):
    reading = evaluate(catalogue, yes(EXP_HOURS), ADULT)
    assert not dimension(reading, "exploitative_conditions").positive


def test_one_strong_and_one_weak_is_positive(catalogue):
    reading = evaluate(catalogue, yes(EXP_HOURS, EXP_EDUCATION), ADULT)
    result = dimension(reading, "exploitative_conditions")
    assert result.positive and result.rule == "one_strong_and_one_medium_or_weak"
    assert result.decided_by == (EXP_HOURS, EXP_EDUCATION)


def test_one_strong_and_one_medium_is_positive(catalogue):
    reading = evaluate(catalogue, yes(EXP_HOURS, EXP_SALARY), ADULT)
    assert dimension(reading, "exploitative_conditions").positive


def test_three_medium_is_positive(catalogue):
    reading = evaluate(catalogue, yes(EXP_SALARY, EXP_HAZARD, EXP_LIVING), ADULT)
    result = dimension(reading, "exploitative_conditions")
    assert result.positive and result.rule == "three_medium"


def test_two_strong_is_positive(catalogue):
    reading = evaluate(catalogue, yes(COE_DOCS, COE_DEBT), ADULT)
    result = dimension(reading, "coercion_at_destination")
    assert result.positive and result.rule == "two_strong"


def test_one_medium_and_two_weak_is_not_positive(catalogue):
    reading = evaluate(catalogue, yes(AOV_STATUS, AOV_CONTEXT, AOV_BELIEFS), ADULT)
    assert not dimension(reading, "recruitment_abuse_of_vulnerability").positive


def test_weak_indicators_alone_never_make_a_dimension_positive(catalogue):
    reading = evaluate(catalogue, yes(AOV_CONTEXT, AOV_BELIEFS, AOV_PAST, AOV_TRAVEL), ADULT)
    result = dimension(reading, "recruitment_abuse_of_vulnerability")
    assert not result.positive and result.weak == 4


def test_unknown_and_declined_never_count_as_yes(catalogue):
    answers = {EXP_HOURS: "yes", EXP_SALARY: "unknown", EXP_HAZARD: "declined"}
    result = dimension(evaluate(catalogue, answers, ADULT), "exploitative_conditions")
    assert not result.positive
    assert (result.strong, result.medium, result.weak) == (1, 0, 0)
    assert result.declined == 1 and result.open == 7  # 9 indicators: 1 yes, 1 declined


def test_the_fewest_deciding_indicators_are_named_strongest_first(catalogue):
    answers = yes(COE_THREATS, COE_DENOUNCE, COE_DEBT, COE_DOCS, COE_INFORM)
    result = dimension(evaluate(catalogue, answers, ADULT), "coercion_at_destination")
    assert result.rule == "two_strong"
    assert result.decided_by == (COE_DOCS, COE_DEBT)
    assert set(result.present) == {COE_THREATS, COE_DENOUNCE, COE_DEBT, COE_DOCS, COE_INFORM}


def test_a_dimension_explains_itself_in_both_languages(catalogue):
    result = dimension(evaluate(catalogue, yes(EXP_HOURS), ADULT), "exploitative_conditions")
    assert result.explanation.en.startswith("Not positive: 1 strong, 0 medium, 0 weak")
    assert result.explanation.fr.startswith("Non positive : 1 fort(s)")


# --- the overall reading ------------------------------------------------------------


def test_trafficking_is_indicated_when_recruitment_conditions_and_coercion_are_positive(
    catalogue,
):
    reading = evaluate(catalogue, yes(*TRAFFICKING), ADULT)
    assert reading.code is ReadingCode.TRAFFICKING_INDICATED
    assert reading.forms == ("labour",)
    assert "labour exploitation" in reading.summary.en
    assert "d'exploitation par le travail" in reading.summary.fr
    assert "Deceptive recruitment" in reading.because.en


def test_the_trafficking_rule_is_not_met_without_a_recruitment_dimension(catalogue):
    reading = evaluate(catalogue, yes(EXP_HOURS, EXP_SALARY, COE_DOCS, COE_DEBT), ADULT)
    assert reading.code is ReadingCode.FORCED_LABOUR_INDICATORS
    assert reading.lists[0].rule_met is False


def test_the_trafficking_rule_is_not_met_without_exploitative_conditions(catalogue):
    reading = evaluate(catalogue, yes(DEC_NATURE, DEC_WAGES, COE_DOCS, COE_DEBT), ADULT)
    assert reading.code is ReadingCode.FORCED_LABOUR_INDICATORS


def test_the_trafficking_rule_is_not_met_without_coercion_or_vulnerability_at_destination(
    catalogue,
):
    reading = evaluate(catalogue, yes(DEC_NATURE, DEC_WAGES, EXP_HOURS, EXP_SALARY), ADULT)
    assert reading.code is ReadingCode.FORCED_LABOUR_INDICATORS  # deception is a means
    requirement = {r.id: r for r in reading.lists[0].requirements}["means_at_destination"]
    assert not requirement.met


def test_abuse_of_vulnerability_at_destination_can_complete_the_rule(catalogue):
    answers = yes(
        DEC_NATURE, DEC_WAGES, EXP_HOURS, EXP_SALARY, AOVD_DEPENDENCY, AOVD_AREA, AOVD_PERSONAL
    )
    reading = evaluate(catalogue, answers, ADULT)
    assert reading.code is ReadingCode.TRAFFICKING_INDICATED
    requirement = {r.id: r for r in reading.lists[0].requirements}["means_at_destination"]
    assert requirement.met_by == ("abuse_of_vulnerability_at_destination",)


def test_a_means_indicator_without_the_rule_gives_the_forced_labour_reading(catalogue):
    reading = evaluate(catalogue, yes(COE_DOCS, rest="no"), ADULT)
    assert reading.code is ReadingCode.FORCED_LABOUR_INDICATORS
    assert "Retention of identity documents" in reading.because.en
    assert reading.positive_dimensions == ()


def test_exploitative_conditions_alone_give_the_exploitative_conditions_reading(catalogue):
    reading = evaluate(catalogue, yes(EXP_HOURS, EXP_SALARY, rest="no"), ADULT)
    assert reading.code is ReadingCode.EXPLOITATIVE_CONDITIONS_ONLY
    present = {f.id for f in reading.forced_labour if f.present}
    assert present == {"fl.excessive_overtime", "fl.abusive_working_and_living_conditions"}


def test_every_question_answered_no_gives_no_indicator_identified(catalogue):
    reading = evaluate(catalogue, yes(rest="no"), ADULT)
    assert reading.code is ReadingCode.NO_INDICATORS_IDENTIFIED
    assert reading.next_questions == ()
    assert "cannot rule out" in reading.summary.en


def test_a_declined_question_keeps_the_reading_at_not_enough_information(catalogue):
    answers = yes(rest="no")
    answers[COE_VIOLENCE] = "declined"
    assert evaluate(catalogue, answers, ADULT).code is ReadingCode.NOT_ENOUGH_INFORMATION


def test_no_answers_give_not_enough_information(catalogue):
    reading = evaluate(catalogue, {}, ADULT)
    assert reading.code is ReadingCode.NOT_ENOUGH_INFORMATION
    assert reading.answer_counts == {
        "yes": 0,
        "no": 0,
        "unknown": 0,
        "declined": 0,
        "unanswered": 67,
    }


def test_a_few_yes_answers_short_of_any_rule_give_not_enough_information(catalogue):
    reading = evaluate(catalogue, yes(EXP_SALARY), ADULT)
    assert reading.code is ReadingCode.NOT_ENOUGH_INFORMATION


def test_no_reading_claims_a_legal_finding(catalogue):
    for answers in ({}, yes(rest="no"), yes(EXP_HOURS, EXP_SALARY), yes(COE_DOCS), TRAFFICKING):
        reading = evaluate(catalogue, yes(*answers) if isinstance(answers, list) else answers)
        text = reading.summary.en.lower()
        assert "is a victim of" not in text and "was trafficked" not in text
        if reading.code is not ReadingCode.NO_INDICATORS_IDENTIFIED and (
            reading.code is not ReadingCode.NOT_ENOUGH_INFORMATION
        ):
            assert "consistent with" in text and "not a legal finding" in text
            assert "compatibles avec" in reading.summary.fr


def test_every_reading_names_the_versions_of_its_three_files(catalogue):
    reading = evaluate(catalogue, {}, ADULT)
    assert reading.catalogue_version == "ilo-ec-2009.v1"
    assert reading.forced_labour_version == "ilo-forced-labour-2012.v1"
    assert reading.legal_elements_version == "ca-trafficking-elements.v2"


def test_every_reading_warns_that_the_indicators_and_mapping_are_unverified(catalogue):
    notices = " ".join(n.en for n in evaluate(catalogue, {}, ADULT).notices)
    assert "not yet verified against the ILO/European Commission publication" in notices
    assert "Harbour's mapping, not the ILO's" in notices
    assert "Whether the person was made to provide sexual services is not recorded" in notices


def test_an_unrecorded_age_uses_the_adult_lists_and_says_so(catalogue):
    reading = evaluate(catalogue, yes(*TRAFFICKING))
    assert reading.subject == "adult" and reading.code is ReadingCode.TRAFFICKING_INDICATED
    assert any("age is not recorded" in n.en for n in reading.notices)


# --- children -----------------------------------------------------------------------


def test_a_child_gets_no_trafficking_reading_while_the_child_lists_are_pending(catalogue):
    reading = evaluate(catalogue, yes(*TRAFFICKING), Facts(under_18=True))
    assert reading.subject == "child"
    assert reading.code is ReadingCode.FORCED_LABOUR_INDICATORS
    assert reading.forms == ()
    adult_list = reading.lists[0]
    assert adult_list.rule_met is True and adult_list.applies is False
    # The child list applies and is pending: the law-first path leads, and the
    # result says which list applies, that it is pending, and which section.
    assert reading.path == "law_first"
    notices = " ".join(n.en for n in reading.notices)
    assert "The list that applies is “Children: trafficking for labour exploitation”" in notices
    assert "pending verification" in notices
    assert "s. 279.011 applies" in notices


def synthetic_child_catalogue() -> Catalogue:
    """The shipped catalogue with a made-up child list whose rule has no means
    requirement: shows that the engine supports the child rule structurally."""
    indicators = copy.deepcopy(load_yaml_strict(KNOWLEDGE_ROOT / "indicators/ilo-ec-2009.v1.yaml"))
    child = next(lst for lst in indicators["lists"] if lst["id"] == "child_labour")
    text = {"en": "Synthetic", "fr": "Synthétique"}
    source = {"ref": "ilo-ec-2009", "page": None, "note": None}

    def indicator(dimension: str, name: str, grade: str) -> dict[str, object]:
        return {
            "id": f"child_labour.{dimension}.{name}",
            "dimension": dimension,
            "grade": grade,
            "label": text,
            "question": text,
            "help": text,
            "source": source,
            "verified": False,
            "verification_note": "Synthetic test indicator.",
        }

    child.update(
        status="available",
        dimensions=[
            {"id": d, "kind": k, "expected_indicator_count": 2, "title": text, "description": text}
            for d, k in (
                ("recruitment", "recruitment"),
                ("exploitation", "exploitation"),
                ("coercion", "destination"),
            )
        ],
        indicators=[
            indicator("recruitment", "moved_by_adult", "strong"),
            indicator("recruitment", "promised_school", "medium"),
            indicator("exploitation", "long_hours", "strong"),
            indicator("exploitation", "no_pay", "medium"),
            indicator("coercion", "threatened", "strong"),
            indicator("coercion", "locked_in", "medium"),
        ],
        rule={
            "id": "child_labour.rule",
            "description": text,
            "requires": [
                {"id": "recruitment", "any_of": ["recruitment"], "label": text},
                {"id": "exploitation", "any_of": ["exploitation"], "label": text},
            ],
            "source": source,
            "verified": False,
            "verification_note": "Synthetic test rule.",
        },
    )
    return catalogue_from_data(
        indicators,
        load_yaml_strict(KNOWLEDGE_ROOT / "indicators/ilo-forced-labour-2012.v1.yaml"),
        load_yaml_strict(KNOWLEDGE_ROOT / "legal/ca-trafficking-elements.v1.yaml"),
    )


CHILD_YES = [
    "child_labour.recruitment.moved_by_adult",
    "child_labour.recruitment.promised_school",
    "child_labour.exploitation.long_hours",
    "child_labour.exploitation.no_pay",
]


def test_a_child_rule_without_means_is_met_without_any_coercion():
    synthetic = synthetic_child_catalogue()
    reading = evaluate(synthetic, {i: "yes" for i in CHILD_YES}, Facts(under_18=True))
    assert reading.code is ReadingCode.TRAFFICKING_INDICATED
    assert reading.forms == ("labour",)
    child = next(lst for lst in reading.lists if lst.list_id == "child_labour")
    assert child.applies and child.rule_met
    assert not reading.dimension("child_labour.coercion").positive


def test_a_child_list_gives_no_reading_for_an_adult():
    synthetic = synthetic_child_catalogue()
    reading = evaluate(synthetic, {i: "yes" for i in CHILD_YES}, ADULT)
    assert reading.code is not ReadingCode.TRAFFICKING_INDICATED


# --- legal elements -----------------------------------------------------------------


def test_the_act_of_s_279_01_is_supported_by_a_recruitment_indicator(catalogue):
    element = evaluate(catalogue, yes(DEC_NATURE), ADULT).element("cc_279_01.act")
    assert element.status is ElementStatus.SUPPORTED
    assert element.supporting == (DEC_NATURE,)
    assert element.citation.en == "Criminal Code, s. 279.01(1)"
    assert element.citation.fr == "Code criminel, art. 279.01(1)"


def test_an_element_is_not_supported_when_every_supporting_indicator_is_no(catalogue):
    answers = {COE_DOCS: "no", REC_DOCS: "no"}
    element = evaluate(catalogue, answers, ADULT).element("cc_279_03.documents")
    assert element.status is ElementStatus.NOT_SUPPORTED
    assert "every supporting indicator was answered no" in element.reason.en


def test_an_element_stays_unknown_while_a_supporting_indicator_is_open(catalogue):
    for open_value in ("unknown", "declined", None):
        answers = {COE_DOCS: "no"}
        if open_value:
            answers[REC_DOCS] = open_value
        element = evaluate(catalogue, answers, ADULT).element("cc_279_03.documents")
        assert element.status is ElementStatus.UNKNOWN
        assert element.open == 1


def test_the_under_18_element_follows_the_recorded_age(catalogue):
    def status(under_18):
        reading = evaluate(catalogue, {}, Facts(under_18=under_18))
        return reading.element("cc_279_011.under_18").status

    assert status(True) is ElementStatus.SUPPORTED
    assert status(False) is ElementStatus.NOT_SUPPORTED
    assert status(None) is ElementStatus.UNKNOWN


def test_irpa_118_needs_the_person_to_have_come_to_canada_from_abroad(catalogue):
    def element(came):
        reading = evaluate(catalogue, yes(DEC_NATURE), Facts(False, came))
        return reading.element("irpa_118.organized_entry")

    assert element(True).status is ElementStatus.SUPPORTED
    assert element(False).status is ElementStatus.NOT_SUPPORTED
    assert "not having come to Canada from abroad" in element(False).reason.en
    unknown = element(None)
    assert unknown.status is ElementStatus.UNKNOWN
    assert "depends on whether the person came to Canada from abroad" in unknown.reason.en


def test_legal_results_carry_the_unverified_date_and_note(catalogue):
    element = evaluate(catalogue, {}, ADULT).element("irpa_118.organized_entry")
    assert element.element.valid_from == "2002-06-28"
    assert element.element.verified is False


def test_as_of_leaves_out_elements_not_yet_in_force_on_that_date(catalogue):
    reading = evaluate(catalogue, {}, ADULT, as_of=datetime.date(2003, 1, 1))
    assert [e.id for e in reading.legal_elements] == ["irpa_118.organized_entry"]
    assert len(evaluate(catalogue, {}, ADULT).legal_elements) == 9


# --- what to ask next ---------------------------------------------------------------


def test_the_question_that_would_complete_the_trafficking_rule_comes_first(catalogue):
    answers = yes(DEC_NATURE, DEC_WAGES, EXP_HOURS, EXP_SALARY, COE_THREATS)
    reading = evaluate(catalogue, answers, ADULT)
    assert reading.code is ReadingCode.FORCED_LABOUR_INDICATORS
    first = reading.next_questions[0]
    assert first.indicator_id == COE_DOCS
    assert first.effect is NextEffect.CHANGES_READING
    assert "Indicators consistent with trafficking" in first.explanation.en
    assert first.indicator.question.fr


def test_a_yes_suggested_as_changing_the_reading_does_change_it(catalogue):
    answers = yes(DEC_NATURE, DEC_WAGES, EXP_HOURS, EXP_SALARY, COE_THREATS)
    reading = evaluate(catalogue, answers, ADULT)
    for question in reading.next_questions:
        if question.effect is NextEffect.CHANGES_READING:
            after = evaluate(catalogue, {**answers, question.indicator_id: "yes"}, ADULT)
            assert after.code is not reading.code


def test_within_a_tier_stronger_indicators_come_first(catalogue):
    reading = evaluate(catalogue, yes(EXP_HOURS), ADULT)
    ranked = [q for q in reading.next_questions if q.effect is NextEffect.CHANGES_READING]
    order = {"strong": 0, "medium": 1, "weak": 2}
    by_reading: dict[str, list[int]] = {}
    for q in ranked:
        by_reading.setdefault(q.explanation.en, []).append(order[q.indicator.grade])
    for grades in by_reading.values():
        assert grades == sorted(grades)


def test_declined_questions_are_never_suggested_again(catalogue):
    reading = evaluate(catalogue, {COE_VIOLENCE: "declined", COE_DOCS: "unknown"}, ADULT)
    suggested = {q.indicator_id for q in reading.next_questions}
    assert COE_VIOLENCE not in suggested and COE_DOCS in suggested


def test_answered_questions_are_not_suggested(catalogue):
    reading = evaluate(catalogue, yes(EXP_HOURS, EXP_SALARY), ADULT)
    suggested = {q.indicator_id for q in reading.next_questions}
    assert not {EXP_HOURS, EXP_SALARY} & suggested


def test_a_question_whose_answer_could_change_nothing_is_left_out(catalogue):
    answers = yes(*TRAFFICKING, rest="no")
    answers[COE_INFORM] = "unknown"
    assert evaluate(catalogue, answers, ADULT).next_questions == ()


def test_next_questions_can_be_limited(catalogue):
    assert len(next_questions(catalogue, {}, ADULT, limit=3)) == 3


def test_ranks_count_from_one_in_order(catalogue):
    ranks = [q.rank for q in evaluate(catalogue, yes(EXP_SALARY), ADULT).next_questions]
    assert ranks == list(range(1, len(ranks) + 1))


# --- input errors -------------------------------------------------------------------


def test_an_unknown_indicator_id_is_an_error_naming_it(catalogue):
    with pytest.raises(ScreeningInputError) as caught:
        evaluate(catalogue, {"adult_labour.made_up": "yes"})
    assert caught.value.unknown_ids == ("adult_labour.made_up",)
    assert "unknown indicator id(s) in catalogue ilo-ec-2009.v1: adult_labour.made_up" in str(
        caught.value
    )


def test_a_bad_answer_value_is_an_error_naming_the_indicator_and_the_value(catalogue):
    with pytest.raises(ScreeningInputError, match=rf"{EXP_HOURS}='maybe'"):
        evaluate(catalogue, {EXP_HOURS: "maybe"})


def test_a_yaml_style_boolean_answer_is_refused(catalogue):
    with pytest.raises(ScreeningInputError, match=r"=True"):
        evaluate(catalogue, {EXP_HOURS: True})  # type: ignore[dict-item]


def test_an_indicator_answered_twice_is_an_error(catalogue):
    answers = [Answer(EXP_HOURS, "yes"), Answer(EXP_HOURS, "no")]
    with pytest.raises(ScreeningInputError, match="answered more than once"):
        evaluate(catalogue, answers)


def test_every_problem_is_reported_at_once(catalogue):
    answers = [Answer("nope", "yes"), Answer(EXP_HOURS, "YES"), Answer(EXP_SALARY, "yes")]
    with pytest.raises(ScreeningInputError) as caught:
        evaluate(catalogue, answers)
    assert caught.value.unknown_ids == ("nope",)
    assert caught.value.bad_values == ((EXP_HOURS, "YES"),)


def test_the_answer_value_enum_is_accepted(catalogue):
    reading = evaluate(catalogue, {EXP_HOURS: AnswerValue.YES, EXP_SALARY: AnswerValue.YES})
    assert dimension(reading, "exploitative_conditions").positive


# --- shape of the output ------------------------------------------------------------


def test_answer_objects_and_a_mapping_give_the_same_reading(catalogue):
    mapping = {EXP_HOURS: "yes", COE_DOCS: "no", DEC_WAGES: "unknown"}
    objects = [Answer(i, v) for i, v in mapping.items()]
    assert evaluate(catalogue, mapping).to_dict() == evaluate(catalogue, objects).to_dict()


def test_evidence_notes_and_who_gave_them_are_kept(catalogue):
    answers = [Answer(COE_DOCS, "yes", evidence="Passport kept in the office safe.", given_by="P")]
    reading = evaluate(catalogue, answers)
    assert reading.evidence[COE_DOCS].evidence == "Passport kept in the office safe."
    assert reading.evidence[COE_DOCS].given_by == "P"


def test_the_reading_converts_to_plain_json(catalogue):
    data = evaluate(catalogue, yes(*TRAFFICKING), ADULT).to_dict()
    decoded = json.loads(json.dumps(data, ensure_ascii=False))
    assert decoded["code"] == "trafficking_indicated"
    assert decoded["catalogue_version"] == "ilo-ec-2009.v1"
    assert decoded["next_questions"][0]["indicator"]["question"]["fr"]
    assert decoded["legal_elements"][0]["element"]["citation"]["en"]


def test_indicator_info_gives_the_question_and_help_for_a_form(catalogue):
    info = indicator_info(catalogue, COE_DOCS)
    assert info.grade == "strong" and info.dimension_id == "coercion_at_destination"
    assert info.question.en.endswith("?") and info.help.fr


def test_the_engine_and_catalogue_import_nothing_from_django():
    code = (
        "import sys; import harbour.screening.engine, harbour.screening.catalogue; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
