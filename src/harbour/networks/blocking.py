"""Which pairs of mentions the model compares: blocking keys, counted and capped.

Splink scores the pairs that agree on at least one blocking rule. An exact rule
costs n·(n−1)/2 pairs for a key that n mentions share, so one party behind a
quarter of a role's mentions (a recruiter behind hundreds of workers, which is
what a network looks like) made billions of pairs and ran the machine out of
memory, in training as in scoring. So no rule runs blind:

- every rule is a tuple of feature columns, and its key is computed here, in
  Python, as one column of the table handed to Splink (`block_<columns>`);
- before anything runs, each rule's pairs are counted (the progress output
  says how many);
- a key shared by more than `KEY_CAP` mentions is left out of its column (a
  NULL never blocks), and so are the largest remaining keys of a rule whose
  pairs still exceed `PAIR_BUDGET`;
- where equal values on the rule mean the same party (the role's deterministic
  keys, such as one phone for a recruiter), the mentions of a left-out key are
  linked directly, with probability 1; otherwise they still meet through the
  role's other rules. Either way the progress output names the rule.

So a run's cost is bounded by the caps, not by how the mentions happen to be
spread over parties.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

Rule = tuple[str, ...]

# A key shared by more mentions than this is not used to pair them (at 1,000,
# one key alone is half a million pairs).
KEY_CAP = 1_000
# Pairs one rule may generate, after the cap: about what DuckDB scores in
# well under a gigabyte.
PAIR_BUDGET = 20_000_000
SEPARATOR = "\x1f"
R = TypeVar("R")  # a row of features, read through `value`


def prediction_rules(role: str) -> list[Rule]:
    """The rules whose pairs are scored."""
    rules: list[Rule] = [
        ("phone",),
        ("name_key",),
        # The same civic number and street recur across cities: pair them only
        # within a city, a postal code or a province.
        ("street_key", "city"),
        ("street_key", "postal"),
        ("street_key", "province"),
    ]
    if role == "employer":
        rules.append(("number_key",))
    # A typo in the name and no phone: the start or the last word of the name,
    # and the civic number.
    rules += [("name4", "civic"), ("name_last", "civic")]
    if role in ("housing", "worksite"):
        # A place is mostly its address: a typo in the street still meets its
        # civic number within the province.
        rules += [("postal",), ("civic", "province")]
    else:
        rules.append(("name4", "postal"))
    return rules


def training_rules(role: str) -> tuple[list[Rule], list[Rule]]:
    """(rules for estimating the prior, the blocking of each EM session)."""
    if role in ("housing", "worksite"):
        return [("street_key", "postal"), ("street_key", "phone")], [("street_key",), ("phone",)]
    return [("name_key", "phone"), ("name_key", "street_key")], [("phone",), ("name_key",)]


def column_name(rule: Rule) -> str:
    return "block_" + "_".join(rule)


def pairs_of(count: int) -> int:
    return count * (count - 1) // 2


@dataclass
class BlockingPlan:
    """Key columns (by `column_name`, one value per mention, None where the
    mention does not block on the rule), pairs of mention positions to link
    directly, and one line per rule for the progress output."""

    columns: dict[str, list[str | None]] = field(default_factory=dict)
    pairs: dict[Rule, int] = field(default_factory=dict)  # pairs each rule generates
    direct: list[tuple[int, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _keys(rule: Rule, rows: Sequence[R], value: Callable[[R, str], str | None]) -> list[str | None]:
    keys: list[str | None] = []
    for row in rows:
        parts = [value(row, column) for column in rule]
        keys.append(SEPARATOR.join(part for part in parts if part) if all(parts) else None)
    return keys


def plan_blocking(
    rules: Sequence[Rule],
    rows: Sequence[R],
    value: Callable[[R, str], str | None],
    *,
    direct_rules: Sequence[Rule] = (),
    key_cap: int | None = None,
    pair_budget: int | None = None,
) -> BlockingPlan:
    """Key columns for every rule (each once), capped as the module says.
    `value(row, column)` reads one feature of a row (None when missing);
    the caps default to KEY_CAP and PAIR_BUDGET."""
    key_cap = KEY_CAP if key_cap is None else key_cap
    pair_budget = PAIR_BUDGET if pair_budget is None else pair_budget
    plan = BlockingPlan()
    direct = set(direct_rules)
    for rule in dict.fromkeys(rules):
        keys = _keys(rule, rows, value)
        counts = Counter(key for key in keys if key is not None)
        total = sum(pairs_of(n) for n in counts.values())
        dropped = {key for key, n in counts.items() if n > key_cap}
        kept = total - sum(pairs_of(counts[key]) for key in dropped)
        for key, n in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
            if kept <= pair_budget:
                break
            if key not in dropped:
                dropped.add(key)
                kept -= pairs_of(n)
        line = f"{' + '.join(rule)}: {kept:,} pairs"
        if dropped:
            largest = max(counts[key] for key in dropped)
            line += (
                f"; {len(dropped):,} key(s) of up to {largest:,} mentions left out"
                f" ({total - kept:,} pairs), "
                + ("their mentions linked directly" if rule in direct else "left to other rules")
            )
            members: dict[str, list[int]] = defaultdict(list)
            for position, found in enumerate(keys):
                if found is not None and found in dropped:
                    members[found].append(position)
                    keys[position] = None
            if rule in direct:
                for positions in members.values():
                    plan.direct.extend((positions[0], other) for other in positions[1:])
        plan.columns[column_name(rule)] = keys
        plan.pairs[rule] = kept
        plan.notes.append(line)
    return plan
