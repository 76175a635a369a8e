"""The knowledge files and their strict loader (harbour.screening.catalogue,
harbour.knowledge.loader).

No database: these tests read YAML and pydantic models only.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from harbour.knowledge.loader import KNOWLEDGE_ROOT, KnowledgeError, parse_yaml_strict
from harbour.screening.catalogue import (
    Catalogue,
    ForcedLabourFile,
    LegalElementsFile,
    assemble,
    available_versions,
    load_catalogue,
    load_catalogue_files,
    load_knowledge_file,
)

BAD = Path(__file__).parent / "fixtures" / "bad"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue()


def adult_labour(catalogue: Catalogue):
    return next(lst for lst in catalogue.lists if lst.id == "adult_labour")


def load_bad(name: str) -> None:
    """Load a known-bad fixture the way it would be used: a legal or forced-labour
    file is assembled with the shipped indicator catalogue."""
    model = load_knowledge_file(BAD / name, versioned_name=False)
    shipped = load_catalogue()
    if isinstance(model, LegalElementsFile):
        assemble(shipped.indicators, shipped.forced_labour, model, files=("fl", name))
    elif isinstance(model, ForcedLabourFile):
        assemble(shipped.indicators, model, shipped.legal, files=(name, "legal"))


def error_for(name: str) -> KnowledgeError:
    with pytest.raises(KnowledgeError) as caught:
        load_bad(name)
    assert name in str(caught.value), "the message names the file"
    return caught.value


# --- the shipped catalogue ----------------------------------------------------------


def test_the_shipped_catalogue_loads_with_its_three_versioned_files(catalogue):
    assert catalogue.versions == {
        "catalogue": "ilo-ec-2009.v1",
        "forced_labour": "ilo-forced-labour-2012.v1",
        "legal_elements": "ca-trafficking-elements.v2",
    }


def test_the_data_files_are_found_next_to_the_package_code():
    assert (KNOWLEDGE_ROOT / "indicators" / "ilo-ec-2009.v1.yaml").is_file()
    assert (KNOWLEDGE_ROOT / "legal" / "ca-trafficking-elements.v1.yaml").is_file()
    assert KNOWLEDGE_ROOT.parent.name == "harbour"


def test_a_named_version_loads_and_is_the_default_while_it_is_the_only_one():
    assert available_versions() == ["ilo-ec-2009.v1"]
    assert load_catalogue("ilo-ec-2009.v1").version == "ilo-ec-2009.v1"
    assert load_catalogue().version == "ilo-ec-2009.v1"


def test_an_old_reading_can_ask_for_the_exact_companion_files_it_used():
    named = load_catalogue(
        "ilo-ec-2009.v1",
        forced_labour_version="ilo-forced-labour-2012.v1",
        legal_version="ca-trafficking-elements.v1",
    )
    assert named.versions["legal_elements"] == "ca-trafficking-elements.v1"


def test_an_unknown_catalogue_version_is_an_error_naming_it():
    with pytest.raises(KnowledgeError, match=r"ilo-ec-2009\.v9: no such version"):
        load_catalogue("ilo-ec-2009.v9")


def test_an_unknown_legal_version_is_an_error_naming_it():
    with pytest.raises(KnowledgeError, match=r"ca-trafficking-elements\.v4: no such version"):
        load_catalogue(legal_version="ca-trafficking-elements.v4")


def test_the_catalogue_is_valid_from_the_september_2009_revision(catalogue):
    indicators = catalogue.indicators
    assert indicators.valid_from.isoformat() == "2009-09-01"
    assert "September 2009" in (indicators.valid_from_note or "")
    assert indicators.valid_until is None


def test_the_adult_labour_list_has_67_indicators_in_six_dimensions_counted_as_published(
    catalogue,
):
    lst = adult_labour(catalogue)
    per_dimension = Counter(i.dimension for i in lst.indicators)
    assert [per_dimension[d.id] for d in lst.dimensions] == [10, 10, 16, 9, 15, 7]
    assert len(lst.indicators) == 67


def test_the_grades_in_each_dimension_are_those_of_the_research_notes(catalogue):
    lst = adult_labour(catalogue)
    grades = Counter((i.dimension, i.grade) for i in lst.indicators)
    expected = {
        "deceptive_recruitment": (1, 8, 1),
        "coercive_recruitment": (1, 9, 0),
        "recruitment_abuse_of_vulnerability": (0, 12, 4),
        "exploitative_conditions": (1, 7, 1),
        "coercion_at_destination": (4, 10, 1),
        "abuse_of_vulnerability_at_destination": (0, 5, 2),
    }
    for dimension, (strong, medium, weak) in expected.items():
        assert grades[(dimension, "strong")] == strong, dimension
        assert grades[(dimension, "medium")] == medium, dimension
        assert grades[(dimension, "weak")] == weak, dimension


def test_every_indicator_id_reads_list_dimension_name(catalogue):
    for indicator in adult_labour(catalogue).indicators:
        list_id, dimension, name = indicator.id.split(".")
        assert (list_id, dimension) == ("adult_labour", indicator.dimension)
        assert name


def test_every_indicator_has_a_question_and_help_in_english_and_french(catalogue):
    for indicator in adult_labour(catalogue).indicators:
        for text in (indicator.label, indicator.question, indicator.help):
            assert text.en.strip() and text.fr.strip(), indicator.id
        assert indicator.question.en.rstrip().endswith((".", "?")), indicator.id


def test_questions_do_not_ask_the_person_to_name_their_own_victimisation(catalogue):
    leading = ("were you deceived", "were you trafficked", "are you a victim", "were you forced")
    for indicator in adult_labour(catalogue).indicators:
        assert not any(phrase in indicator.question.en.lower() for phrase in leading)


def test_every_adult_labour_indicator_is_unverified_and_says_what_to_check(catalogue):
    lst = adult_labour(catalogue)
    assert lst.verified is False
    for indicator in lst.indicators:
        assert indicator.verified is False
        assert "WCMS_105023" in (indicator.verification_note or "")


def test_the_two_disputed_weak_grades_carry_the_secondary_grading_in_their_note(catalogue):
    notes = {i.id: i.verification_note or "" for i in adult_labour(catalogue).indicators}
    for name in ("difficulties_in_the_past", "difficulty_organising_travel"):
        note = notes[f"adult_labour.recruitment_abuse_of_vulnerability.{name}"]
        assert "medium rather than weak" in note


def test_the_combination_rule_and_the_list_rule_are_marked_unverified(catalogue):
    assert catalogue.indicators.dimension_rule.verified is False
    assert adult_labour(catalogue).rule.verified is False


def test_the_lists_the_research_does_not_give_are_pending_with_no_invented_content(catalogue):
    pending = {lst.id: lst for lst in catalogue.lists if lst.status == "pending_verification"}
    assert set(pending) == {"adult_sexual", "child_labour", "child_sexual"}
    for lst in pending.values():
        assert lst.indicators == [] and lst.dimensions == [] and lst.rule is None
        assert lst.verified is False and "not invented" in (lst.verification_note or "")


def test_the_forced_labour_file_lists_the_ilos_eleven_indicators(catalogue):
    titles = [f.title.en for f in catalogue.forced_labour.indicators]
    assert titles == [
        "Abuse of vulnerability",
        "Deception",
        "Restriction of movement",
        "Isolation",
        "Physical and sexual violence",
        "Intimidation and threats",
        "Retention of identity documents",
        "Withholding of wages",
        "Debt bondage",
        "Abusive working and living conditions",
        "Excessive overtime",
    ]


def test_the_forced_labour_mapping_is_labelled_harbours_and_unreviewed(catalogue):
    mapping = catalogue.forced_labour.mapping
    assert mapping.by == "harbour" and mapping.reviewed is False
    assert "not the ILO's" in mapping.note.en


def test_every_legal_element_names_its_statute_section_and_date(catalogue):
    for element in catalogue.legal.elements:
        assert element.source.statute in {"criminal_code", "irpa"}
        assert element.source.section
        assert element.valid_from is not None


def test_the_legal_elements_cover_the_sections_the_screening_needs(catalogue):
    sections = {(e.source.statute, e.source.section) for e in catalogue.legal.elements}
    assert sections == {
        ("criminal_code", "279.01(1)"),
        ("criminal_code", "279.011(1)"),
        ("criminal_code", "279.03"),
        ("criminal_code", "279.04(1)"),
        ("criminal_code", "279.04(2)(a)"),
        ("criminal_code", "279.04(2)(b)"),
        ("criminal_code", "279.04(2)(c)"),
        ("irpa", "118(1)"),
    }


def test_element_dates_not_in_the_research_are_unverified_with_a_note(catalogue):
    for element in catalogue.legal.elements:
        assert element.verified is False
        assert "not in the research" in (element.verification_note or "")


def test_statute_quotations_are_short(catalogue):
    for element in catalogue.legal.elements:
        assert element.quote is None or len(element.quote.split()) <= 30


def test_the_section_279_04_factors_are_factors_not_required_elements(catalogue):
    kinds = {e.id: e.kind for e in catalogue.legal.elements}
    assert kinds["cc_279_04.factor_force_or_coercion"] == "factor"
    assert kinds["cc_279_04.factor_deception"] == "factor"
    assert kinds["cc_279_04.factor_abuse_of_trust_power_or_authority"] == "factor"
    assert kinds["cc_279_04.safety"] == "element"


# --- the strict YAML reader ---------------------------------------------------------


def test_the_yaml_reader_refuses_a_duplicate_key_and_names_the_entry():
    text = "items:\n  - id: first\n    grade: strong\n    grade: weak\n"
    with pytest.raises(KnowledgeError, match=r"mem\.yaml: first: duplicate key 'grade'"):
        parse_yaml_strict(text, "mem.yaml")


def test_the_yaml_reader_keeps_yes_and_no_as_text():
    assert parse_yaml_strict("a: yes\nb: no\nc: true\n", "mem.yaml") == {
        "a": "yes",
        "b": "no",
        "c": True,
    }


def test_the_yaml_reader_leaves_dates_for_the_models_to_check():
    assert parse_yaml_strict("d: 2009-09-01\n", "mem.yaml") == {"d": "2009-09-01"}


def test_invalid_yaml_is_an_error_naming_the_file_and_line():
    with pytest.raises(KnowledgeError, match=r"mem\.yaml: line \d+: is not valid YAML"):
        parse_yaml_strict("a: [1, 2\n", "mem.yaml")


def test_a_file_must_be_named_after_its_version(tmp_path):
    wrong = tmp_path / "indicators.yaml"
    wrong.write_text((KNOWLEDGE_ROOT / "indicators" / "ilo-ec-2009.v1.yaml").read_text())
    with pytest.raises(KnowledgeError, match=r"must be named ilo-ec-2009\.v1\.yaml"):
        load_knowledge_file(wrong)


def test_three_files_can_be_loaded_together_by_path():
    root = KNOWLEDGE_ROOT
    loaded = load_catalogue_files(
        root / "indicators" / "ilo-ec-2009.v1.yaml",
        root / "indicators" / "ilo-forced-labour-2012.v1.yaml",
        root / "legal" / "ca-trafficking-elements.v1.yaml",
    )
    assert loaded.version == "ilo-ec-2009.v1"


# --- the known-bad fixtures: one test each ------------------------------------------


def test_a_key_written_twice_is_refused_with_the_entry_and_lines():
    error = error_for("duplicate_key.yaml")
    assert error.entry == "adult_labour.recruitment.threatened"
    assert "duplicate key 'grade'" in error.problem
    assert "line" in error.problem


def test_a_date_that_does_not_exist_is_refused():
    error = error_for("bad_date.yaml")
    assert error.entry == "fixture-catalogue.v1"
    assert "valid_from" in error.problem and "not a real date" in error.problem


def test_a_date_written_in_words_is_refused():
    error = error_for("date_as_words.yaml")
    assert "valid_from" in error.problem and "YYYY-MM-DD" in error.problem


def test_an_unknown_grade_is_refused_with_the_indicator_id():
    error = error_for("unknown_grade.yaml")
    assert error.entry == "adult_labour.recruitment.threatened"
    assert "grade" in error.problem and "'very strong'" in error.problem


def test_an_indicator_in_an_unknown_dimension_is_refused():
    error = error_for("unknown_dimension.yaml")
    assert error.entry == "adult_labour.conditions.long_hours"
    assert "'working_conditions' is not a dimension" in error.problem


def test_two_indicators_with_one_id_are_refused():
    error = error_for("duplicate_indicator_id.yaml")
    assert error.entry == "adult_labour.recruitment.lied_about_job"
    assert "duplicate indicator id" in error.problem


def test_a_missing_french_question_is_refused_with_the_indicator_id():
    error = error_for("missing_french_question.yaml")
    assert error.entry == "adult_labour.conditions.long_hours"
    assert error.problem == "question.fr is missing"


def test_an_unknown_key_is_refused():
    error = error_for("unknown_key.yaml")
    assert error.entry == "adult_labour.conditions.long_hours"
    assert "weight is not a known field" in error.problem


def test_a_rule_naming_an_unknown_dimension_is_refused():
    error = error_for("rule_unknown_dimension.yaml")
    assert error.entry == "adult_labour.rule"
    assert "unknown dimension 'coercion_at_destination'" in error.problem


def test_a_dimension_with_the_wrong_number_of_indicators_is_refused():
    error = error_for("wrong_indicator_count.yaml")
    assert error.entry == "adult_labour.recruitment"
    assert "has 2 indicators but expected_indicator_count is 3" in error.problem


def test_an_unverified_entry_without_a_note_is_refused():
    error = error_for("unverified_without_note.yaml")
    assert error.entry == "adult_labour.recruitment.threatened"
    assert "verification_note must say what to check" in error.problem


def test_a_pending_list_that_has_indicators_is_refused():
    error = error_for("pending_list_with_indicators.yaml")
    assert error.entry == "adult_labour"
    assert "pending verification must have no" in error.problem


def test_an_unknown_source_reference_is_refused():
    error = error_for("unknown_source_ref.yaml")
    assert error.entry == "adult_labour.conditions.long_hours"
    assert "source ref 'ilo-2099'" in error.problem


def test_a_yaml_1_1_boolean_is_refused_rather_than_guessed():
    error = error_for("answer_style_boolean.yaml")
    assert error.entry == "fixture.dimension-rule"
    assert "verified" in error.problem and "'yes'" in error.problem


def test_a_legal_element_citing_an_unknown_indicator_is_refused():
    error = error_for("element_unknown_indicator.yaml")
    assert error.entry == "cc_279_03.documents"
    assert "unknown indicator 'adult_labour.coercion_at_destination.passport_kept_by_boss'" in (
        error.problem
    )


def test_a_legal_file_for_another_catalogue_is_refused():
    error = error_for("element_wrong_catalogue.yaml")
    assert error.entry == "fixture-legal.v1"
    assert "written for catalogue 'ilo-ec-2009.v7'" in error.problem


def test_a_legal_element_requiring_an_unknown_fact_is_refused():
    error = error_for("element_unknown_fact.yaml")
    assert error.entry == "cc_279_03.documents"
    assert "requires_fact" in error.problem and "'is_citizen'" in error.problem


def test_a_forced_labour_indicator_citing_an_unknown_indicator_is_refused():
    error = error_for("forced_labour_unknown_indicator.yaml")
    assert error.entry == "fl.debt_bondage"
    assert "unknown indicator 'adult_labour.coercion_at_destination.debt'" in error.problem


def test_a_mapping_claimed_for_the_ilo_is_refused():
    error = error_for("forced_labour_mapped_by_the_ilo.yaml")
    assert "mapping.by" in error.problem and "'harbour'" in error.problem


def test_every_known_bad_fixture_has_a_test():
    source = Path(__file__).read_text(encoding="utf-8")
    for fixture in sorted(BAD.glob("*.yaml")):
        assert f'"{fixture.name}"' in source, f"{fixture.name} has no test"


# --- the law-first path (legal elements v2) -----------------------------------------


def test_a_law_first_element_naming_an_unknown_question_is_refused():
    error = error_for("law_first_unknown_question.yaml")
    assert error.entry == "cc_279_03.documents"
    assert "unknown question 'law.means.passport_burnt'" in error.problem


def test_a_law_first_question_that_bears_on_no_element_is_refused():
    error = error_for("law_first_unused_question.yaml")
    assert error.entry == "law.means.never_used"
    assert "bears on no element" in error.problem


def test_a_law_first_question_id_must_read_law_part_name():
    error = error_for("law_first_question_bad_id.yaml")
    assert error.entry == "documents_withheld"
    assert "law.<part>.<name>" in error.problem


def test_the_shipped_law_first_path_cites_a_section_for_every_question(catalogue):
    law = catalogue.legal.law_first
    assert law is not None
    statutes = {s.id for s in catalogue.legal.sources}
    for question in law.questions:
        assert question.source.statute in statutes and question.source.section
        assert question.question.en and question.question.fr
        assert question.verified or question.verification_note
    sections = {q.source.section for q in law.questions}
    # the act, exploitation, its factors, the child section's elements, documents,
    # material benefit, organs and IRPA s. 118 are all asked about
    for section in ("279.01(1)", "279.04(1)", "279.04(2)(a)", "279.04(2)(b)", "279.04(2)(c)"):
        assert section in sections
    for section in ("279.03(1)", "279.02(1)", "279.04(3)", "118(1)"):
        assert section in sections
    assert any(e.requires_fact == "under_18" for e in law.elements)


def test_the_first_legal_file_has_no_law_first_path_and_still_loads():
    old = load_catalogue(legal_version="ca-trafficking-elements.v1")
    assert old.legal.law_first is None
