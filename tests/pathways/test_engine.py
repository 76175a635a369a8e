"""The pathways engine (harbour.pathways.engine): facts in, explained results out.

No database: the engine is pure Python.
"""

from __future__ import annotations

import ast
import datetime
import json
from pathlib import Path

import pytest

from harbour.pathways import engine
from harbour.pathways.engine import Facts, FactsError, Outcome, Status, evaluate
from harbour.pathways.rules import Period, load_pathways

DAY = datetime.date(2025, 6, 1)
TRAFFICKED = Facts(
    in_canada=True,
    status="out_of_status",
    screening_reading="trafficking_indicated",
    prior_refugee_claim=False,
    designated_foreign_national=False,
)


def run(facts: Facts, as_of: datetime.date = DAY) -> engine.Result:
    return evaluate(load_pathways(), facts, as_of)


def test_the_engine_imports_neither_django_nor_the_loader():
    tree = ast.parse(Path(engine.__file__).read_text(encoding="utf-8"))
    modules = {
        node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    } | {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert not {m for m in modules if m.startswith("django")}
    assert "harbour.knowledge.loader" not in modules


def test_every_pathway_gets_a_result_in_file_order():
    result = run(TRAFFICKED)
    assert [p.id for p in result.pathways] == [p.id for p in load_pathways()]


def test_a_criterion_result_carries_its_source_and_the_rule_version_in_force():
    trp = run(TRAFFICKED).pathway("vtip_trp")
    bar = trp.criterion("no_recent_refugee_claim")
    assert bar.source.section == "s. 24(4)"
    assert bar.source.url.startswith("https://laws-lois.justice.gc.ca/")
    assert bar.source.valid_from == datetime.date(2023, 6, 13)
    assert bar.source.verified is False and bar.source.verification_note


def test_the_explanation_names_the_unmet_criterion_in_english_and_french():
    trp = run(Facts(in_canada=True, designated_foreign_national=True)).pathway("vtip_trp")
    assert trp.status is Status.NOT_ELIGIBLE
    assert "not a designated foreign national" in trp.explanation.en
    assert "n'est pas un étranger désigné" in trp.explanation.fr


def test_a_person_outside_canada_is_not_applicable_for_the_trp_with_the_reason():
    trp = run(Facts(in_canada=False)).pathway("vtip_trp")
    assert trp.status is Status.NOT_APPLICABLE and trp.not_applicable_on == ("place",)
    assert "The person is in Canada" in trp.explanation.en
    assert "La personne se trouve au Canada" in trp.explanation.fr


def test_a_possibly_eligible_pathway_lists_its_missing_facts():
    trp = run(Facts(in_canada=True)).pathway("vtip_trp")
    assert trp.status is Status.POSSIBLY_ELIGIBLE
    assert "screening_reading" in trp.missing
    assert trp.criterion("needs_status").missing == ("status", "needs_status_otherwise")


def test_facts_are_asked_next_by_how_many_pathways_they_bear_on():
    result = run(Facts())
    counts = [n.decides for n in result.ask_next]
    assert counts == sorted(counts, reverse=True)
    first = result.ask_next[0]
    assert first.decides == len(first.pathways) >= 2
    assert "province" in {n.fact for n in result.ask_next}


def test_a_known_fact_is_never_asked_for():
    result = run(TRAFFICKED)
    assert not {n.fact for n in result.ask_next} & set(TRAFFICKED.known())


def test_benefits_fees_and_documents_follow_the_day_of_evaluation():
    before = run(TRAFFICKED, datetime.date(2025, 2, 3)).pathway("vtip_trp")
    after = run(TRAFFICKED, datetime.date(2025, 2, 4)).pathway("vtip_trp")
    assert "biometrics_fee" not in {f.id for f in before.fees}
    assert {"permit_fee", "biometrics_fee"} <= {f.id for f in after.fees}
    assert all(f.exempt and f.amount_cad == 0 for f in after.fees)
    assert "interim_federal_health" in {b.id for b in after.benefits}
    assert "dependants_in_canada" in {b.id for b in after.benefits}


def test_the_trp_validity_rule_follows_the_day_the_permit_was_issued():
    old = run(Facts(trp_issued_on=datetime.date(2025, 2, 3)), datetime.date(2025, 9, 1))
    new = run(Facts(trp_issued_on=datetime.date(2025, 2, 4)), datetime.date(2025, 9, 1))
    old_validity = old.pathway("vtip_trp").date("initial_validity")
    new_validity = new.pathway("vtip_trp").date("initial_validity")
    assert (old_validity.bound, old_validity.period) == ("at_most", "180 days")
    assert (new_validity.bound, new_validity.period) == ("at_least", "12 months")
    assert old_validity.source.valid_until == datetime.date(2025, 2, 3)


def test_a_deadline_whose_date_fact_is_unknown_names_the_missing_fact():
    restoration = run(Facts()).pathway("restoration_of_status")
    deadline = restoration.date("restoration_deadline")
    assert deadline.date is None and deadline.missing == ("status_lost_on",)


def test_the_basis_of_claim_deadline_appears_only_for_the_place_of_the_claim():
    facts = Facts(refugee_claim_on=datetime.date(2025, 3, 10), refugee_claim_at="port_of_entry")
    dates = {d.id for d in run(facts).pathway("refugee_claim").dates}
    assert "basis_of_claim_due" in dates and "basis_of_claim_inland" not in dates


def test_no_pathway_requires_a_criminal_complaint():
    result = run(Facts())
    complaint = result.pathway("criminal_complaint")
    assert complaint.kind == "criminal"
    assert [c.role for c in complaint.criteria] == ["applicability"]
    # Open to everyone, but the research does not say so in words: capped.
    assert complaint.status is Status.POSSIBLY_ELIGIBLE
    assert complaint.capped_by == ("everyone",)
    assert "not a condition" in complaint.summary.en


def test_the_result_is_plain_json():
    data = run(TRAFFICKED).to_dict()
    text = json.dumps(data, ensure_ascii=False)
    assert json.loads(text)["pathways"][0]["status"] in {s.value for s in Status}
    assert data["facts"]["status"] == "out_of_status"


def test_unknown_fact_names_raise_an_error_naming_them():
    with pytest.raises(FactsError, match="unknown fact\\(s\\): citizenship, pets") as caught:
        Facts.from_mapping({"pets": 2, "citizenship": "MX", "in_canada": True})
    assert caught.value.unknown == ("citizenship", "pets")


def test_bad_fact_values_raise_an_error_naming_each_fact():
    with pytest.raises(FactsError) as caught:
        Facts.from_mapping(
            {"in_canada": "yes", "province": "Ontario", "status_lost_on": "2025-02-30"}
        )
    message = str(caught.value)
    assert "in_canada must be true, false or null" in message
    assert "province must be one of" in message
    assert "status_lost_on must be a real date" in message


def test_a_facts_object_built_directly_is_checked_too():
    with pytest.raises(FactsError, match="permit_type"):
        Facts(permit_type="tourist")
    with pytest.raises(FactsError, match="entered_canada_on"):
        Facts(entered_canada_on="2025-01-01")  # type: ignore[arg-type]


def test_as_of_must_be_a_date():
    with pytest.raises(FactsError, match="as_of"):
        evaluate(load_pathways(), Facts(), "2025-01-01")  # type: ignore[arg-type]


def test_a_period_of_months_is_clamped_to_the_end_of_a_short_month():
    assert engine.add_period(datetime.date(2025, 1, 31), Period(months=1)) == datetime.date(
        2025, 2, 28
    )
    assert engine.add_period(datetime.date(2024, 2, 29), Period(years=1)) == datetime.date(
        2025, 2, 28
    )
    assert engine.add_period(datetime.date(2025, 1, 10), Period(days=90)) == datetime.date(
        2025, 4, 10
    )


def test_three_valued_logic_any_is_met_by_one_known_branch():
    hc = run(
        Facts(
            prior_refugee_claim=True,
            prior_claim_ended_on=datetime.date(2025, 5, 1),
            hc_bar_exception=True,
        )
    ).pathway("hc_permanent_residence")
    assert hc.criterion("twelve_month_bar").outcome is Outcome.MET


def test_family_benefits_are_hidden_only_when_there_is_no_family_in_canada():
    def benefit_ids(facts: Facts) -> set[str]:
        return {b.id for b in run(facts).pathway("owp_vulnerable_workers").benefits}

    assert "family_members" in benefit_ids(Facts(family_in_canada=True))
    assert "family_members" in benefit_ids(Facts())
    assert "family_members" not in benefit_ids(Facts(family_in_canada=False))
    trp = run(Facts(family_in_canada=False)).pathway("vtip_trp")
    assert "dependants_in_canada" not in {b.id for b in trp.benefits}
