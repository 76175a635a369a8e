"""Properties of the pathways engine (hypothesis).

The central one, stated precisely: take any facts F and make one known fact
unknown, giving F'. Then for every pathway

- each criterion's outcome under F' is its outcome under F, or `unknown`;
- if the pathway is `not_eligible` under F' it was `not_eligible` under F, or
  did not apply at all (`not_applicable`): an unknown fact never makes a pathway
  that applies not eligible;
- if it is `likely_eligible` under F' it was `likely_eligible` under F (an unknown
  fact never makes one likely eligible either).

Applicability is decided before any criterion: a `not_applicable` pathway has
no criterion result, asks nothing next, and keeps its status and reason whatever
the facts that only its criteria read say.

Also: with nothing known, nothing is `not_eligible`; the result does not depend on
the order the facts are given in; evaluation is deterministic; a pathway capped
at `possibly_eligible` names an unverified rule it rests on.
"""

from __future__ import annotations

import datetime
import json
import random
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harbour.pathways.engine import Facts, Outcome, Status, evaluate
from harbour.pathways.rules import FACT_SPECS, load_pathways

PATHWAYS = load_pathways()
DATES = st.dates(datetime.date(2015, 1, 1), datetime.date(2028, 12, 31))
AS_OF = st.dates(datetime.date(2019, 1, 1), datetime.date(2028, 12, 31))


def _value(name: str) -> st.SearchStrategy[Any]:
    kind, allowed = FACT_SPECS[name]
    if kind == "bool":
        return st.booleans()
    if kind == "date":
        return DATES
    return st.sampled_from(allowed)


FACT_VALUES = st.fixed_dictionaries({}, optional={name: _value(name) for name in FACT_SPECS})
PROFILE = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROFILE
@given(values=FACT_VALUES, as_of=AS_OF, data=st.data())
def test_making_a_known_fact_unknown_never_makes_a_pathway_not_eligible(values, as_of, data):
    if not values:
        return
    name = data.draw(st.sampled_from(sorted(values)))
    known = evaluate(PATHWAYS, Facts(**values), as_of)
    fewer = evaluate(PATHWAYS, Facts(**values).without(name), as_of)
    for before, after in zip(known.pathways, fewer.pathways, strict=True):
        if after.status is Status.NOT_ELIGIBLE:
            assert before.status in (Status.NOT_ELIGIBLE, Status.NOT_APPLICABLE), (before.id, name)
        if before.status is Status.NOT_APPLICABLE or after.status is Status.NOT_APPLICABLE:
            continue  # criteria are not evaluated for it under one of the two
        if after.status is Status.LIKELY_ELIGIBLE:
            assert before.status is Status.LIKELY_ELIGIBLE, (before.id, name)
        for c_before, c_after in zip(before.criteria, after.criteria, strict=True):
            assert c_after.outcome in (c_before.outcome, Outcome.UNKNOWN), (c_before.id, name)


@PROFILE
@given(as_of=AS_OF)
def test_with_nothing_known_no_pathway_is_not_eligible(as_of):
    result = evaluate(PATHWAYS, Facts(), as_of)
    assert Status.NOT_ELIGIBLE not in {p.status for p in result.pathways}
    # Only a pathway open to everyone, with no criterion, can be likely on nothing.
    assert Status.LIKELY_ELIGIBLE not in {
        p.status for p in result.pathways if any(c.facts for c in p.criteria)
    }


@PROFILE
@given(values=FACT_VALUES, as_of=AS_OF, seed=st.integers(0, 1000))
def test_the_result_does_not_depend_on_the_order_of_the_facts(values, as_of, seed):
    as_text = {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in values.items()}
    shuffled = list(as_text.items())
    random.Random(seed).shuffle(shuffled)
    first = evaluate(PATHWAYS, Facts.from_mapping(as_text), as_of).to_dict()
    second = evaluate(PATHWAYS, Facts.from_mapping(dict(shuffled)), as_of).to_dict()
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)


@PROFILE
@given(values=FACT_VALUES, as_of=AS_OF)
def test_evaluation_is_deterministic_and_every_missing_fact_is_really_unknown(values, as_of):
    facts = Facts(**values)
    first = evaluate(PATHWAYS, facts, as_of)
    assert first == evaluate(PATHWAYS, facts, as_of)
    for pathway in first.pathways:
        assert set(pathway.missing) <= set(FACT_SPECS) - set(values)
        if pathway.status is Status.POSSIBLY_ELIGIBLE:
            assert pathway.missing or pathway.capped_by
        for rule in pathway.capping_rules:
            assert rule.outcome is Outcome.MET and not rule.source.verified
    for asked in first.ask_next:
        assert asked.fact not in values and asked.decides == len(asked.pathways)


@PROFILE
@given(name=st.text(min_size=1, max_size=12).filter(lambda n: n not in FACT_SPECS))
def test_an_unknown_fact_name_is_always_named_in_the_error(name):
    try:
        Facts.from_mapping({name: True})
    except ValueError as error:
        assert name in str(error)
    else:  # pragma: no cover
        raise AssertionError("accepted an unknown fact")


CRITERION_ONLY = {
    p.id: sorted(
        {n for c in p.criteria for n in c.test.facts()}
        - {n for c in p.applies_to for n in c.test.facts()}
    )
    for p in PATHWAYS
}


@PROFILE
@given(values=FACT_VALUES, other=FACT_VALUES, as_of=AS_OF)
def test_not_applicable_is_decided_before_any_criterion(values, other, as_of):
    result = evaluate(PATHWAYS, Facts(**values), as_of)
    asked = {(p, n.fact) for n in result.ask_next for p in n.pathways}
    for pathway in result.pathways:
        if pathway.status is not Status.NOT_APPLICABLE:
            continue
        assert all(c.role == "applicability" for c in pathway.criteria), pathway.id
        assert pathway.missing == () and pathway.dates == (), pathway.id
        assert not {n for p, n in asked if p == pathway.id}, pathway.id
        # Change every fact only its criteria read: still not applicable, same reason.
        changed = {
            **values,
            **{n: other.get(n) for n in CRITERION_ONLY[pathway.id]},
        }
        again = evaluate(PATHWAYS, Facts(**changed), as_of).pathway(pathway.id)
        assert again.status is Status.NOT_APPLICABLE, pathway.id
        assert again.explanation == pathway.explanation, pathway.id
        assert again.not_applicable_on == pathway.not_applicable_on, pathway.id


@PROFILE
@given(values=FACT_VALUES, as_of=AS_OF)
def test_a_not_yet_pathway_opens_on_its_day_if_nothing_else_changes(values, as_of):
    for pathway in evaluate(PATHWAYS, Facts(**values), as_of).pathways:
        if pathway.status is not Status.NOT_YET:
            continue
        assert pathway.eligible_on is not None and pathway.eligible_on > as_of
        later = evaluate(PATHWAYS, Facts(**values), pathway.eligible_on).pathway(pathway.id)
        assert later.status in (
            Status.LIKELY_ELIGIBLE,
            Status.POSSIBLY_ELIGIBLE,
            Status.NOT_APPLICABLE,  # the rules themselves may end by then
        ), (pathway.id, later.explanation.en)
