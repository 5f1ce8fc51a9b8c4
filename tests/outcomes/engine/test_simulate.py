"""The Monte Carlo: known answers in degenerate cases, caps, and the vectorised IRR."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import pyxirr

from saphan.outcomes.engine import contract_parse
from saphan.outcomes.engine.simulate import flows, irr_vector, simulate
from tests.outcomes.engine.builders import contract, example_contract_dict
from tests.outcomes.engine.test_pricing import ladder

INVESTMENT = {
    "commitments": [{"investor": "a", "name_th": "ก", "name_en": "A", "amount": "300000"}],
    "tranches": [{"on": "2026-01-01", "amount": "300000"}],
    "return_cap": {"pct_of_principal": "20"},
}


def test_a_certain_world_gives_exact_figures() -> None:
    # 10 participants, every one succeeds: 10 × 10,000 in every scenario.
    c = contract(investment=INVESTMENT)
    sim = simulate(c, scenarios=1000, enrolment=(10, 10), success={"housed_3m": (1, 1)})
    assert sim.payer_cost.p5 == sim.payer_cost.p95 == 100_000
    assert sim.prob_investor_loss == 1.0  # 100,000 back of 300,000
    assert sim.investor_multiple.p50 == pytest.approx(1 / 3)


def test_per_participant_cap_in_vector_form() -> None:
    # 10,000 + 15,000 + 25,000 capped at 40,000 a person; everybody reaches all three.
    c = ladder(per_participant="40000")
    sim = simulate(
        c,
        scenarios=100,
        enrolment=(10, 10),
        success={"housed_3m": (1, 1), "housed_6m": (1, 1), "housed_12m": (1, 1)},
    )
    assert sim.payer_cost.mean == 400_000


def test_total_and_payer_caps_hold_in_every_scenario() -> None:
    c = ladder(total="300000", per_payer={"thaihealth": "50000"})
    ranges = {"housed_3m": (0.5, 1.0), "housed_6m": (0.5, 1.0), "housed_12m": (0.5, 1.0)}
    f = flows(c, np.full(2000, 20.0), ranges, np.random.default_rng(1))
    assert f.payer_cost.max() <= 300_000 + 1e-6
    assert f.payer_cost.min() < 300_000  # the cap does not bind everywhere


def test_binomial_mean_is_near_the_expectation() -> None:
    c = contract()
    sim = simulate(
        c, scenarios=20_000, seed=3, enrolment=(100, 100), success={"housed_3m": (0.5, 0.5)}
    )
    assert sim.payer_cost.mean == pytest.approx(500_000, rel=0.01)
    assert 400_000 < sim.payer_cost.p5 < sim.payer_cost.p50 < sim.payer_cost.p95 < 600_000


def test_the_same_seed_gives_the_same_simulation() -> None:
    c = contract_parse(example_contract_dict())
    first = simulate(c, scenarios=5000, seed=7)
    assert simulate(c, scenarios=5000, seed=7) == first
    assert simulate(c, scenarios=5000, seed=8) != first
    assert sum(first.payer_cost.counts) == 5000
    assert 0 <= first.prob_investor_loss <= 1


def test_vectorised_irr_matches_pyxirr() -> None:
    c = contract_parse(example_contract_dict())
    ranges = {k: (float(a), float(b)) for k, (a, b) in c.assumptions.success.items()}  # type: ignore[union-attr]
    f = flows(c, np.full(50, 11.0), ranges, np.random.default_rng(5))
    rates = irr_vector(f.dates, f.investor)
    checked = 0
    for row, rate in zip(f.investor, rates, strict=True):
        expected = pyxirr.xirr(list(f.dates), list(row))
        if expected is None or np.isnan(rate):
            assert expected is None or expected < -0.99 or np.isnan(rate)
            continue
        assert rate == pytest.approx(expected, abs=1e-9)
        checked += 1
    assert checked >= 40


def test_break_even_success_rate_is_where_investors_get_their_money_back() -> None:
    # 300,000 invested, 10 participants at 10,000 each with certainty: never breaks even;
    # 40 participants: 300,000 / 400,000 = a success rate of 75 %.
    c = contract(investment=INVESTMENT)
    assert (
        simulate(
            c, scenarios=10, enrolment=(10, 10), success={"housed_3m": (1, 1)}
        ).break_even_success_rate
        is None
    )
    sim = simulate(c, scenarios=10, enrolment=(40, 40), success={"housed_3m": (0.5, 1)})
    assert sim.break_even_success_rate == pytest.approx(0.75, abs=1e-9)


def test_missing_ranges_are_refused() -> None:
    c: Any = contract()
    with pytest.raises(ValueError, match="enrolment"):
        simulate(c, scenarios=10, success={"housed_3m": (0, 1)})
    with pytest.raises(ValueError, match="housed_3m"):
        simulate(c, scenarios=10, enrolment=(1, 2))
