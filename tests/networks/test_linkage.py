"""Linking mentions into parties (harbour.networks.linkage) on DuckDB."""

from __future__ import annotations

import pytest

from harbour.networks.linkage import (
    LinkageError,
    Mention,
    _clusters,
    _feature_row,
    features,
    link,
)

from .parties import employers, pairwise_f1


def entity_of(result) -> dict[str, str]:
    return {a.mention_id: a.entity_id for a in result.assignments}


def test_the_model_finds_the_parties_behind_differently_written_mentions():
    mentions, truth = employers(parties=60, mentions_each=5)
    result = link(mentions, min_for_model=100)
    assert result.method == {"employer": "model"}
    precision, recall, _ = pairwise_f1(entity_of(result), truth)
    assert precision >= 0.99
    assert recall >= 0.95


def test_a_small_set_is_linked_on_exact_normalised_keys():
    mentions = [
        Mention("a", "employer", "1234567 Ontario Inc.", "", ""),
        Mention("b", "employer", "1234567 ONTARIO LIMITED", "", ""),
        Mention("c", "employer", "Maple Farms Ltd.", "(519) 555-0142", ""),
        Mention("d", "employer", "Érable Farms", "1-519-555-0142", ""),
        Mention("e", "employer", "Maple Farms", "", ""),
        Mention("f", "employer", "Other Farms", "519 555 0199", ""),
    ]
    result = link(mentions)
    assert result.method == {"employer": "deterministic"}
    groups = entity_of(result)
    assert groups["a"] == groups["b"] == "employer:a"
    assert groups["c"] == groups["d"] == groups["e"] == "employer:c"
    assert groups["f"] == "employer:f"


def test_a_linked_mention_reports_its_strongest_link_and_a_lone_one_none():
    mentions = [
        Mention("a", "recruiter", "Bob Smith", "519-555-0142", ""),
        Mention("b", "recruiter", "Smith, Robert", "(519) 555-0142", ""),
        Mention("c", "recruiter", "Ana Reyes", "", ""),
    ]
    by_id = {a.mention_id: a for a in link(mentions).assignments}
    assert by_id["a"].match_probability == by_id["b"].match_probability == 1.0
    assert by_id["c"].match_probability is None


def test_parties_of_different_roles_never_share_an_entity():
    mentions = [
        Mention("a", "housing", "", "", "12 Talbot St, Leamington ON"),
        Mention("b", "worksite", "", "", "12 Talbot St, Leamington ON"),
    ]
    groups = entity_of(link(mentions))
    assert groups["a"] != groups["b"]


def clusters_of(mentions: list[Mention], edges: list[tuple[str, str, float]]) -> dict[str, str]:
    rows = [_feature_row(m) for m in mentions]
    ids = [m.mention_id for m in mentions]
    return {a.mention_id: a.entity_id for a in _clusters("employer", ids, rows, edges, 0.5)}


def test_a_name_alone_does_not_chain_two_parties_with_different_phones():
    mentions = [
        Mention("x", "employer", "Sunrise Farms Inc.", "519-555-0101"),
        Mention("y", "employer", "Sunrise Farms Ltd.", "604-555-0177"),
        Mention("z", "employer", "Sunrise Farms"),
    ]
    groups = clusters_of(mentions, [("x", "z", 0.99), ("y", "z", 0.98)])
    assert groups["z"] == groups["x"]
    assert groups["y"] != groups["x"]


def test_a_direct_link_between_two_phones_may_join_a_party_that_uses_both():
    mentions = [
        Mention("x", "employer", "Sunrise Farms Inc.", "519-555-0101"),
        Mention("y", "employer", "Sunrise Farms Inc.", "604-555-0177"),
    ]
    groups = clusters_of(mentions, [("x", "y", 0.97)])
    assert groups["x"] == groups["y"]


def test_links_below_the_threshold_are_ignored():
    mentions = [Mention("x", "employer", "A"), Mention("y", "employer", "A")]
    groups = clusters_of(mentions, [("x", "y", 0.2)])
    assert groups["x"] != groups["y"]


def test_the_threshold_decides_which_links_count():
    mentions, truth = employers(parties=40, mentions_each=4)
    strict = entity_of(link(mentions, min_for_model=100, threshold=1.0))
    loose = entity_of(link(mentions, min_for_model=100, threshold=0.5))
    assert len(set(strict.values())) >= len(set(loose.values()))
    assert pairwise_f1(loose, truth)[1] >= pairwise_f1(strict, truth)[1]


def test_entity_ids_do_not_depend_on_the_order_of_the_mentions():
    mentions, _ = employers(parties=30, mentions_each=3)
    forwards = entity_of(link(mentions))
    backwards = entity_of(link(list(reversed(mentions))))
    assert forwards == backwards


def test_features_are_normalised_and_missing_values_are_none():
    row = features(Mention("a", "employer", "9123-4567 Québec inc.", "1-514-555-0100 ext. 4", ""))
    assert row["name"] == "91234567 quebec"
    assert row["number_key"] == "91234567"
    assert row["phone"] == "+15145550100"
    assert row["address"] is None


def test_a_recruiter_may_be_a_person_or_an_agency():
    assert features(Mention("a", "recruiter", "Smith, Bob"))["name"] == "robert smith"
    agency = features(Mention("b", "recruiter", "Bob's Staffing & Placement Inc."))
    assert agency["name"] == "bobs staffing and placement"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"engine": "sqlite"}, "unknown engine"),
        ({"threshold": 0}, "threshold"),
        ({"threshold": 1.5}, "threshold"),
    ],
)
def test_bad_settings_are_refused_with_a_message(arguments, message):
    with pytest.raises(LinkageError, match=message):
        link([Mention("a", "employer", "X")], **arguments)


def test_an_unknown_role_and_a_repeated_id_are_refused():
    with pytest.raises(LinkageError, match="unknown role 'landlord'"):
        link([Mention("a", "landlord", "X")])
    with pytest.raises(LinkageError, match="appears twice"):
        link([Mention("a", "employer", "X"), Mention("a", "employer", "Y")])
