"""The pathway knowledge files and their strict loader (harbour.pathways.rules).

No database: these tests read YAML and pydantic models only.
"""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path

import pytest

from harbour.knowledge.loader import KnowledgeError
from harbour.pathways.rules import (
    FACT_SPECS,
    PATHWAYS_DIR,
    PROVINCES,
    load_pathway_file,
    load_pathways,
    load_pathways_from,
)

FIXTURES = Path(__file__).parent / "fixtures"
BAD = FIXTURES / "bad"


def error_for(name: str) -> KnowledgeError:
    with pytest.raises(KnowledgeError) as caught:
        load_pathway_file(BAD / f"{name}.yaml", check_name=False)
    assert f"{name}.yaml" in str(caught.value), "the message names the file"
    return caught.value


def by_id(pathway_id: str):
    return next(p for p in load_pathways() if p.id == pathway_id)


# --- the shipped files --------------------------------------------------------------


def test_every_shipped_pathway_file_loads():
    ids = {p.id for p in load_pathways()}
    assert {
        "vtip_trp",
        "owp_vulnerable_workers",
        "refugee_claim",
        "hc_permanent_residence",
        "pr_permit_holders",
        "restoration_of_status",
        "employer_tip_line",
        "human_trafficking_hotline",
        "criminal_complaint",
        "on_esa_claim",
        "on_epfna",
        "bc_tfwpa",
        "qc_cnesst",
        "mb_wrapa",
    } <= ids


def test_every_province_and_territory_has_an_employment_recourse():
    covered = set()
    for pathway in load_pathways():
        for condition in pathway.applies_to:
            test = condition.test
            if condition.about == "province" and test.fact == "province":
                covered.add(test.is_)
    assert covered == set(PROVINCES)


def test_the_good_fixture_loads_so_each_bad_one_fails_for_its_own_reason():
    assert load_pathway_file(FIXTURES / "good.yaml", check_name=False).id == "sample"


def test_the_trp_validity_is_two_dated_versions_split_on_4_february_2025():
    versions = [d for d in by_id("vtip_trp").durations if d.id == "initial_validity"]
    assert [(v.valid_from, v.valid_until) for v in versions][1:] == [
        (datetime.date(2025, 2, 4), None)
    ]
    assert versions[0].valid_until == datetime.date(2025, 2, 3)
    assert versions[0].period and versions[0].period.days == 180
    assert versions[1].period and versions[1].period.months == 12
    assert versions[1].bound == "at_least"


def test_every_dated_entry_has_a_source_listed_in_its_file():
    for pathway in load_pathways():
        listed = {s.id for s in pathway.sources}
        for _section, entry in pathway.dated_entries():
            assert entry.source.ref in listed


def test_unverified_entries_say_what_to_check():
    unverified = [
        (p.id, e.id) for p in load_pathways() for _s, e in p.dated_entries() if not e.verified
    ]
    assert ("vtip_trp", "no_recent_refugee_claim") in unverified
    assert ("refugee_claim", "one_year_bar") in unverified
    assert ("on_esa_claim", "two_year_limit") in unverified
    for pathway in load_pathways():
        for _section, entry in pathway.dated_entries():
            if not entry.verified:
                assert (entry.verification_note or "").strip()


def test_provinces_without_research_are_entirely_unverified_and_have_no_deadline():
    for code in ("ab", "sk", "ns", "nb", "pe", "nl", "yt", "nt", "nu"):
        pathway = by_id(f"employment_standards_{code}")
        assert all(not e.verified for _s, e in pathway.dated_entries())
        assert pathway.durations == []


def test_no_criterion_anywhere_requires_a_police_report_or_testimony():
    for pathway in load_pathways():
        for criterion in pathway.criteria:
            assert not {"police", "testimony", "testify"} & set(criterion.label.en.lower().split())
    assert by_id("criminal_complaint").criteria == []


def test_every_fact_a_rule_reads_is_a_known_fact():
    for pathway in load_pathways():
        for _entry, test in pathway.tests():
            assert set(test.facts()) <= set(FACT_SPECS)


def test_every_pathway_has_a_review_date_and_french_texts():
    for pathway in load_pathways():
        assert pathway.review_by > pathway.valid_from
        assert pathway.title.fr and pathway.summary.fr


def test_a_file_must_be_named_after_its_pathway_id(tmp_path):
    shutil.copy(PATHWAYS_DIR / "vtip-trp.yaml", tmp_path / "trp.yaml")
    with pytest.raises(KnowledgeError, match=r"must be named vtip-trp\.yaml"):
        load_pathway_file(tmp_path / "trp.yaml")


def test_two_files_with_the_same_pathway_id_are_refused(tmp_path):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        shutil.copy(PATHWAYS_DIR / "vtip-trp.yaml", tmp_path / name / "vtip-trp.yaml")
    with pytest.raises(KnowledgeError, match="more than one file"):
        load_pathways_from([tmp_path / "a" / "vtip-trp.yaml", tmp_path / "b" / "vtip-trp.yaml"])


# --- known-bad fixtures, one test each ----------------------------------------------


def test_a_key_written_twice_is_refused():
    assert "duplicate key 'kind'" in str(error_for("duplicate_key"))


def test_an_unknown_key_is_refused():
    error = error_for("unknown_key")
    assert "legal_weight" in str(error) and "not a known field" in str(error)
    assert error.entry == "in_canada"


def test_an_impossible_date_is_refused():
    assert "2025-02-30" in str(error_for("impossible_date"))


def test_a_date_written_in_words_is_refused():
    assert "YYYY-MM-DD" in str(error_for("date_as_words"))


def test_valid_until_before_valid_from_is_refused():
    assert "before valid_from" in str(error_for("valid_until_before_valid_from"))


def test_an_unverified_entry_without_a_note_is_refused():
    assert "verification_note" in str(error_for("unverified_without_note"))


def test_a_rule_reading_an_unknown_fact_is_refused():
    assert "in_canda" in str(error_for("unknown_fact"))


def test_a_rule_comparing_a_fact_with_a_value_it_cannot_take_is_refused():
    assert "'XX' is not a value of province" in str(error_for("bad_fact_value"))


def test_a_yes_no_fact_compared_with_text_is_refused():
    assert "true or false" in str(error_for("boolean_fact_compared_with_text"))


def test_a_yaml_1_1_yes_is_not_read_as_true():
    assert "true or false" in str(error_for("yaml_11_boolean"))


def test_a_test_with_two_comparisons_is_refused():
    assert "exactly one comparison" in str(error_for("two_comparisons"))


def test_a_period_with_two_units_is_refused():
    assert "exactly one of days, months or years" in str(error_for("period_with_two_units"))


def test_a_date_window_on_a_yes_no_fact_is_refused():
    assert "not a date fact" in str(error_for("date_window_on_non_date_fact"))


def test_a_source_not_listed_in_the_file_is_refused():
    assert "'elsewhere' is not in this file's sources" in str(error_for("unknown_source_ref"))


def test_a_label_without_french_is_refused():
    assert "fr is missing" in str(error_for("missing_french"))


def test_an_unknown_pathway_kind_is_refused():
    assert "kind" in str(error_for("unknown_kind"))


def test_two_versions_of_a_rule_in_force_together_are_refused():
    error = error_for("overlapping_versions")
    assert "in force together" in str(error) and error.entry == "in_canada"


def test_a_duration_counted_from_a_non_date_fact_is_refused():
    assert "province is not a date fact" in str(error_for("duration_from_non_date_fact"))


def test_a_criterion_without_a_source_is_refused():
    assert "source is missing" in str(error_for("missing_source"))


def test_every_bad_fixture_has_its_own_test():
    names = {path.stem for path in BAD.glob("*.yaml")}
    source = Path(__file__).read_text(encoding="utf-8")
    assert {name for name in names if f'error_for("{name}")' not in source} == set()
