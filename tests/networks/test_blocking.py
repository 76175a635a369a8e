"""Blocking keys are counted and capped before anything runs (harbour.networks.blocking),
so one party behind a large share of a role's mentions cannot blow up a run."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harbour.networks import blocking
from harbour.networks.linkage import LinkageError, Mention, link


def value(row: dict[str, str | None], column: str) -> str | None:
    return row.get(column)


def test_a_key_over_the_cap_is_left_out_and_its_mentions_linked_directly_on_a_deciding_rule():
    rows = [{"phone": "4165550100"}] * 5 + [{"phone": "4165550199"}] * 2 + [{"phone": None}]
    plan = blocking.plan_blocking([("phone",)], rows, value, direct_rules=[("phone",)], key_cap=4)
    assert plan.columns["block_phone"] == [None] * 5 + ["4165550199"] * 2 + [None]
    assert plan.pairs[("phone",)] == 1
    assert plan.direct == [(0, 1), (0, 2), (0, 3), (0, 4)]
    assert (
        "1 key(s) of up to 5 mentions left out (10 pairs), their mentions linked directly"
        in (plan.notes[0])
    )


def test_a_left_out_key_of_a_rule_that_does_not_decide_links_nothing():
    rows = [{"name_key": "garcia maria"}] * 6
    plan = blocking.plan_blocking([("name_key",)], rows, value, key_cap=5)
    assert plan.columns["block_name_key"] == [None] * 6
    assert plan.direct == []
    assert plan.notes[0].endswith("left to other rules")


def test_a_rule_over_its_pair_budget_leaves_out_its_largest_keys_first():
    rows = [{"postal": "A"}] * 4 + [{"postal": "B"}] * 3 + [{"postal": "C"}] * 2
    plan = blocking.plan_blocking([("postal",)], rows, value, key_cap=100, pair_budget=4)
    assert plan.columns["block_postal"] == [None] * 4 + ["B"] * 3 + ["C"] * 2
    assert plan.pairs[("postal",)] == 3 + 1


def test_a_composite_key_needs_every_part_and_a_rule_is_planned_once():
    rows = [{"street_key": "12 main", "city": "barrie"}, {"street_key": "12 main", "city": None}]
    rule = ("street_key", "city")
    plan = blocking.plan_blocking([rule, rule], rows, value)
    assert plan.columns == {"block_street_key_city": ["12 main\x1fbarrie", None]}
    assert len(plan.notes) == 1


@settings(max_examples=60, deadline=None)
@given(
    keys=st.lists(st.sampled_from(["a", "b", "c", "d", None]), max_size=60),
    cap=st.integers(min_value=1, max_value=20),
    budget=st.integers(min_value=0, max_value=200),
)
def test_no_rule_generates_more_pairs_than_its_caps_allow(keys, cap, budget):
    rows = [{"phone": key} for key in keys]
    plan = blocking.plan_blocking([("phone",)], rows, value, key_cap=cap, pair_budget=budget)
    kept = Counter(key for key in plan.columns["block_phone"] if key is not None)
    assert all(count <= cap for count in kept.values())
    pairs = sum(blocking.pairs_of(count) for count in kept.values())
    assert pairs == plan.pairs[("phone",)] <= budget
    # A key is either kept whole or left out whole.
    for key, count in kept.items():
        assert count == keys.count(key)


def test_a_recruiter_behind_a_quarter_of_the_mentions_is_one_party_under_a_small_cap(monkeypatch):
    monkeypatch.setattr(blocking, "KEY_CAP", 40)
    hub = [
        Mention(f"h{i:03d}", "recruiter", name=f"Agence {i % 7} Placement", phone="416 555 0100")
        for i in range(150)
    ]
    others = [
        Mention(
            f"o{i:03d}",
            "recruiter",
            name=f"Person{i // 3} Lastname{i // 3}",
            phone=f"905 555 {1000 + i // 3:04d}",
        )
        for i in range(450)
    ]
    said: list[str] = []
    result = link([*hub, *others], progress=said.append)
    entities = {a.mention_id: a.entity_id for a in result.assignments}
    assert len({entities[m.mention_id] for m in hub}) == 1
    assert any("phone" in line and "linked directly" in line for line in said)
    assert not any(entities[m.mention_id] == entities["h000"] for m in others)


def test_duckdb_gets_a_memory_limit_and_a_spill_folder(monkeypatch, tmp_path):
    import duckdb

    from harbour.networks.linkage import duckdb_config

    monkeypatch.setenv("HARBOUR_LINK_MEMORY_GB", "1.5")
    monkeypatch.setenv("HARBOUR_LINK_TEMP_DIR", str(tmp_path))
    connection = duckdb.connect(config=duckdb_config())
    limit = connection.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    folder = connection.execute("SELECT current_setting('temp_directory')").fetchone()[0]
    assert limit == "1.3 GiB"  # 1.5 GB (10^9 bytes) as DuckDB prints it
    assert folder == str(tmp_path)


@pytest.mark.parametrize("raw", ["lots", "0", "-2"])
def test_a_bad_memory_limit_for_linkage_is_refused_by_name(monkeypatch, raw):
    monkeypatch.setenv("HARBOUR_LINK_MEMORY_GB", raw)
    with pytest.raises(LinkageError, match="HARBOUR_LINK_MEMORY_GB must be a number"):
        link([Mention("m1", "recruiter", name="A")])
