"""The investor waterfall, the return cap, IRR against hand calculations, payer figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pyxirr

from saphan.outcomes.engine import (
    evaluate,
    investor_figures,
    irr,
    payer_figures,
    payment_schedule,
    period_end,
)
from tests.outcomes.engine.builders import contract, housed

D = Decimal


def invested(return_cap: dict[str, str] | None, remainder: str = "payer", **more: Any) -> Any:
    investment: dict[str, Any] = {
        "commitments": [
            {"investor": "a", "name_th": "ก", "name_en": "A", "amount": "60000"},
            {"investor": "b", "name_th": "ข", "name_en": "B", "amount": "40000"},
        ],
        "tranches": [{"on": "2026-01-01", "amount": "100000"}],
        "remainder": remainder,
    }
    if return_cap is not None:
        investment["return_cap"] = return_cap
    return contract(investment=investment, **more)


def test_irr_against_a_hand_calculation() -> None:
    # −100 today, +110 a year (365 days) later: 10 % a year.
    ten = irr([(date(2026, 1, 1), D(-100)), (date(2027, 1, 1), D(110))])
    assert ten is not None and abs(ten - 0.10) < 1e-12
    # −100, then +50 after half a year and +60 after a year: solve 100 = 50/(1+r)^(181/365)
    # + 60/(1+r): at r = 13.23 % the present values are 47.01 + 52.99 = 100.
    rate = irr([(date(2026, 1, 1), D(-100)), (date(2026, 7, 1), D(50)), (date(2027, 1, 1), D(60))])
    assert rate is not None
    npv = -100 + 50 / (1 + rate) ** (181 / 365) + 60 / (1 + rate)
    assert abs(npv) < 1e-9 and round(rate, 4) == 0.1323
    # Undefined: nothing back at all, or no flows.
    assert irr([(date(2026, 1, 1), D(-100))]) is None
    assert irr([]) is None


def test_waterfall_principal_first_then_return_up_to_the_cap() -> None:
    # 100,000 drawn; return capped at 10 % of principal. 60,000 then 70,000 come in:
    # 60,000 principal; then 40,000 principal + 10,000 return + 20,000 remainder.
    c = invested({"pct_of_principal": "10"})
    figures = investor_figures(c, [(date(2026, 7, 1), D(60000)), (date(2027, 1, 1), D(70000))])
    assert [(f.on.isoformat(), f.amount, f.kind) for f in figures.cash_flows] == [
        ("2026-01-01", D(-100000), "drawdown"),
        ("2026-07-01", D(60000), "principal"),
        ("2027-01-01", D(40000), "principal"),
        ("2027-01-01", D("10000.00"), "return"),
    ]
    assert (figures.drawn, figures.principal_repaid, figures.return_paid) == (
        D(100000),
        D(100000),
        D("10000.00"),
    )
    assert figures.returned_to_payer == D("20000.00") and figures.recycled == 0
    assert figures.multiple == D("1.1000") and figures.peak_capital == D(100000)
    assert figures.outstanding == 0
    expected = pyxirr.xirr(
        [date(2026, 1, 1), date(2026, 7, 1), date(2027, 1, 1)], [-100000, 60000, 50000]
    )
    assert figures.irr is not None and expected is not None
    assert abs(figures.irr - expected) < 1e-12
    a, b = figures.investors
    assert (a.investor, a.drawn, a.principal_repaid, a.return_paid) == (
        "a",
        D("60000.00"),
        D("60000.00"),
        D("6000.00"),
    )
    assert (b.drawn, b.return_paid, b.multiple) == (D("40000.00"), D("4000.00"), D("1.1000"))


def test_annual_return_cap_accrues_on_principal_outstanding() -> None:
    # 8 % a year on 100,000 for 365 days is 8,000: IRR exactly 8 %.
    c = invested({"annual_pct": "8"}, remainder="recycle")
    figures = investor_figures(c, [(date(2027, 1, 1), D(120000))])
    assert (figures.return_paid, figures.recycled) == (D("8000.00"), D("12000.00"))
    assert figures.irr is not None and abs(figures.irr - 0.08) < 1e-12
    # Both caps: the smaller wins (5 % of principal < 8 % a year).
    both = invested({"annual_pct": "8", "pct_of_principal": "5"})
    assert investor_figures(both, [(date(2027, 1, 1), D(120000))]).return_paid == D("5000.00")
    # Half the principal repaid after half a year halves the accrual from then on:
    # 100,000 × 8 % × 181/365 + 50,000 × 8 % × 184/365 = 3,967.12 + 2,016.44.
    halves = investor_figures(c, [(date(2026, 7, 1), D(50000)), (date(2027, 1, 1), D(90000))])
    assert halves.return_paid == D("5983.56")


def test_a_total_loss_has_no_irr() -> None:
    figures = investor_figures(invested(None), [])
    assert figures.irr is None and figures.multiple == D("0.0000")
    assert figures.outstanding == D(100000)


def test_no_return_cap_gives_investors_everything_after_principal() -> None:
    figures = investor_figures(invested(None), [(date(2027, 1, 1), D(130000))])
    assert figures.return_paid == D(30000) and figures.returned_to_payer == 0


def test_payment_schedule_and_payer_figures() -> None:
    c = contract(caps={"total": "50000"}, payment_lag_days=30)
    ev = evaluate(
        c,
        [
            housed("P1", "2026-02-01"),
            housed("P2", "2026-05-01"),
            housed("P3", "2026-05-02"),
            housed("P3", "2026-06-01", value="0"),
        ],
    )
    assert payment_schedule(c, ev) == [
        (date(2026, 4, 30), D("10000.00")),
        (date(2026, 7, 30), D("20000.00")),
    ]
    assert payment_schedule(c, ev, date(2026, 12, 1)) == [(date(2026, 12, 1), D("30000.00"))]
    figures = payer_figures(c, ev, returned_to_payer=D("1000.00"))
    assert (figures.total_paid, figures.outcomes_paid, figures.participants) == (
        D("30000.00"),
        3,
        3,
    )
    assert figures.cost_per_outcome == D("10000.00")
    assert (figures.maximum, figures.pct_of_maximum, figures.remaining_liability) == (
        D(50000),
        D("60.00"),
        D("20000.00"),
    )
    assert figures.net_cost == D("29000.00")


def test_period_end() -> None:
    assert period_end("quarter", date(2026, 11, 3)) == date(2026, 12, 31)
    assert period_end("quarter", date(2026, 2, 3)) == date(2026, 3, 31)
    assert period_end("month", date(2028, 2, 3)) == date(2028, 2, 29)
