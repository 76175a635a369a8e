"""Differential privacy in the engine and the yearly privacy budget (pure)."""

from __future__ import annotations

import datetime
import math

import numpy as np
import pytest

from harbour.reports.disclosure import Axis, Rules, TwoWayTable, protect_release
from harbour.reports.privacy_budget import (
    LedgerEntry,
    check_budget,
    keyed_laplace,
    laplace_noise,
    privacy_loss,
    release_epsilon,
)


def large_table(table_id: str = "t") -> TwoWayTable:
    """Counts far above k, so that nothing is suppressed and every entry is noised."""
    rng = np.random.default_rng(11)
    cells = rng.integers(60, 200, (8, 6))
    return TwoWayTable(
        table_id=table_id,
        universe="people",
        rows=Axis("row", tuple(f"r{i}" for i in range(8))),
        cols=Axis("col", tuple(f"c{j}" for j in range(6))),
        cells=tuple(tuple(int(v) for v in line) for line in cells),
        row_totals=tuple(int(v) for v in cells.sum(axis=1)),
        col_totals=tuple(int(v) for v in cells.sum(axis=0)),
        grand_total=int(cells.sum()),
    )


def exact_and_noisy(epsilon: float | None, seed: bytes) -> tuple[list[int], list[int]]:
    table = large_table()
    result = protect_release([table], Rules(rounding_base=1, epsilon=epsilon), seed)
    exact = protect_release([table], Rules(rounding_base=1), seed)
    counts = [e.count for e in result.tables[0].entries]
    truth = [e.count for e in exact.tables[0].entries]
    assert None not in counts and None not in truth
    return [int(c) for c in truth], [int(c) for c in counts]  # type: ignore[arg-type]


def test_noise_is_added_to_every_published_count_when_epsilon_is_set() -> None:
    truth, noisy = exact_and_noisy(0.5, b"release seed")
    differences = np.array(noisy) - np.array(truth)
    # A person changes 4 entries of a two-way table (cell, two margins, total):
    # scale 4 / 0.5 = 8, so the mean absolute noise is about 8.
    assert np.mean(differences != 0) > 0.8
    assert 4 < np.mean(np.abs(differences)) < 14


def test_without_epsilon_there_is_no_noise() -> None:
    truth, published = exact_and_noisy(None, b"release seed")
    assert published == truth


def test_the_same_seed_gives_the_same_noisy_answer_and_another_seed_another() -> None:
    _, first = exact_and_noisy(0.5, b"seed one")
    _, again = exact_and_noisy(0.5, b"seed one")
    _, other = exact_and_noisy(0.5, b"seed two")
    assert first == again
    assert sum(a != b for a, b in zip(first, other, strict=True)) > len(first) // 2


def test_the_same_entry_in_two_tables_of_a_release_gets_one_noisy_value() -> None:
    one, two = large_table("one"), large_table("two")
    release = protect_release([one, two], Rules(rounding_base=1, epsilon=1.0), b"s")
    assert release.tables[0].rows() == release.tables[1].rows()
    assert release.epsilon_spent == pytest.approx(2.0)  # sequential composition


def test_the_keyed_sampler_has_the_discrete_laplace_distribution_opendp_draws() -> None:
    scale = 4.0
    keyed = np.array([keyed_laplace(scale, b"seed", f"entry {n}") for n in range(4000)])
    drawn = np.array(laplace_noise([0] * 4000, scale))  # opendp, from the system's source
    q = math.exp(-1 / scale)
    variance = 2 * q / (1 - q) ** 2  # of the discrete Laplace distribution
    at_zero = (1 - q) / (1 + q)
    for sample in (keyed, drawn):
        assert abs(sample.mean()) < 0.5
        assert sample.var() == pytest.approx(variance, rel=0.15)
        assert np.mean(sample == 0) == pytest.approx(at_zero, abs=0.03)


def test_opendp_gives_the_privacy_loss_of_the_noise() -> None:
    assert privacy_loss(8.0, 4) == pytest.approx(0.5)
    assert privacy_loss(2.0, 1) == pytest.approx(0.5)
    assert release_epsilon(0.25, 4) == pytest.approx(1.0)


def test_a_bad_noise_scale_is_named() -> None:
    with pytest.raises(ValueError, match="noise scale must be a positive number"):
        keyed_laplace(0.0, b"s", "x")


# --- The yearly ledger ----------------------------------------------------------------------

SPRING = datetime.date(2026, 4, 1)
LEDGER = [
    LedgerEntry("winter", datetime.date(2026, 1, 15), 1.0),
    LedgerEntry("spring", SPRING, 1.0),
    LedgerEntry("summer", datetime.date(2026, 7, 1), 1.0),
    LedgerEntry("last year", datetime.date(2025, 12, 30), 1.0),
]


def test_the_ledger_accepts_a_release_within_the_yearly_budget() -> None:
    decision = check_budget(LEDGER, 0.75, datetime.date(2026, 9, 1), yearly_budget=4.0)
    assert decision.accepted and decision.spent_this_year == pytest.approx(3.0)
    assert "3.75 of its budget of 4" in decision.reason


def test_the_ledger_refuses_a_release_over_the_budget_and_names_what_is_left() -> None:
    decision = check_budget(
        LEDGER, 1.0, datetime.date(2026, 9, 1), yearly_budget=3.5, release_limit=2.0
    )
    assert not decision.accepted
    assert decision.remaining == pytest.approx(0.5)
    assert "0.5 left" in decision.reason and "3.5" in decision.reason


def test_the_budget_renews_with_the_calendar_year() -> None:
    refused = check_budget(LEDGER, 1.0, datetime.date(2026, 12, 31), yearly_budget=3.0)
    renewed = check_budget(LEDGER, 1.0, datetime.date(2027, 1, 1), yearly_budget=3.0)
    assert not refused.accepted and "0 left" in refused.reason
    assert renewed.accepted and renewed.spent_this_year == 0.0 and renewed.remaining == 3.0


def test_the_ledger_refuses_one_release_above_the_per_release_limit() -> None:
    decision = check_budget([], 1.5, SPRING, yearly_budget=4.0, release_limit=1.0)
    assert not decision.accepted and "above the limit of 1" in decision.reason


@pytest.mark.parametrize("requested", [0.0, -1.0, math.nan, math.inf])
def test_the_ledger_refuses_an_epsilon_that_is_not_a_positive_number(requested: float) -> None:
    decision = check_budget([], requested, SPRING)
    assert not decision.accepted and "must be a number above 0" in decision.reason
