"""Properties over random contracts and results (Hypothesis).

Payments never exceed any cap, a once-only outcome is never paid twice, graded payment
is monotone, and payer shares always add up to the price to the satang.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from saphan.outcomes.engine import Evaluation, Result, contract_parse, evaluate
from saphan.outcomes.engine.money import ZERO, split
from tests.outcomes.engine.builders import base, cohort

START = date(2026, 1, 1)
CODES = ("a", "b", "c")

money = st.integers(min_value=0, max_value=5_000_000).map(lambda satang: Decimal(satang) / 100)
maybe_cap = st.one_of(st.none(), money)


@st.composite
def shares(draw: Any, payers: int) -> list[Decimal]:
    """Shares in hundredths that add up to exactly 1."""
    cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=payers - 1, max_size=payers - 1)))
    bounds = [0, *cuts, 100]
    return [Decimal(bounds[i + 1] - bounds[i]) / 100 for i in range(payers)]


@st.composite
def contracts(draw: Any) -> Any:
    payers = draw(st.integers(1, 3))
    payer_codes = [f"p{i}" for i in range(payers)]
    once_c = draw(st.booleans())
    metrics = [
        {
            "code": "a",
            "name_th": "ก",
            "name_en": "a",
            "unit": "participant",
            "window": {"from_days": 0, "to_days": 400},
        },
        {"code": "b", "name_th": "ข", "name_en": "b", "unit": "participant", "requires": ["a"]},
        {
            "code": "c",
            "name_th": "ค",
            "name_en": "c",
            "unit": "participant",
            "requires": ["a"],
            "once_per_participant": once_c,
        },
    ]
    prices = []
    for code in CODES:
        split_shares = draw(shares(payers))
        prices.append(
            {
                "metric": code,
                "price": str(draw(money)),
                "payer_shares": {p: str(s) for p, s in zip(payer_codes, split_shares, strict=True)},
            }
        )
    caps: dict[str, Any] = {
        "per_participant": draw(maybe_cap),
        "per_period": draw(maybe_cap),
        "total": draw(maybe_cap),
        "per_metric": {c: draw(money) for c in CODES if draw(st.booleans())},
        "per_payer": {p: draw(money) for p in payer_codes if draw(st.booleans())},
    }
    caps = {
        k: (str(v) if isinstance(v, Decimal) else {x: str(y) for x, y in v.items()})
        for k, v in caps.items()
        if v is not None
    }
    data = base(
        payers=[{"code": p, "name_th": p, "name_en": p} for p in payer_codes],
        metrics=metrics,
        rate_cards=[{"version": "v1", "valid_from": "2026-01-01", "prices": prices}],
        caps=caps,
        period=draw(st.sampled_from(["month", "quarter"])),
    )
    return contract_parse(data)


results = st.lists(
    st.builds(
        lambda who, metric, day, enrolled: Result(
            metric,
            START + timedelta(days=day),
            Decimal(1),
            participant=f"P{who}",
            enrolled_on=START + timedelta(days=enrolled),
        ),
        st.integers(0, 4),
        st.sampled_from(CODES),
        st.integers(0, 700),
        st.integers(0, 300),
    ),
    max_size=40,
)


def totals(ev: Evaluation) -> dict[str, dict[str, Decimal]]:
    found: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for line in ev.lines:
        found["per_participant"][line.result.subject] += line.paid
        found["per_metric"][line.result.metric] += line.paid
        found["per_period"][line.period] += line.paid
        found["total"][""] += line.paid
        for payer, part in line.by_payer.items():
            found["per_payer"][payer] += part
    return found


@settings(max_examples=150, deadline=None)
@given(contracts(), results)
def test_payments_never_exceed_any_cap(contract: Any, found: list[Result]) -> None:
    ev = evaluate(contract, found)
    caps = contract.caps
    sums = totals(ev)
    for line in ev.lines:
        assert ZERO <= line.paid <= line.gross
        assert sum(line.by_payer.values(), ZERO) == line.paid
        assert line.paid == line.paid.quantize(Decimal("0.01"))
    if caps.per_participant is not None:
        assert all(v <= caps.per_participant for v in sums["per_participant"].values())
    for code, limit in caps.per_metric.items():
        assert sums["per_metric"][code] <= limit
    for payer, limit in caps.per_payer.items():
        assert sums["per_payer"][payer] <= limit
    if caps.per_period is not None:
        assert all(v <= caps.per_period for v in sums["per_period"].values())
    if caps.total is not None:
        assert ev.total <= caps.total
    assert ev.total == sum(ev.by_payer.values(), ZERO) == sum(ev.by_metric.values(), ZERO)
    assert ev.total == sum(ev.by_period.values(), ZERO)
    # What was cut is exactly the difference between gross and paid.
    assert sum((c.amount for c in ev.caps_applied), ZERO) == sum(
        (ln.gross - ln.paid for ln in ev.lines), ZERO
    )


@settings(max_examples=150, deadline=None)
@given(contracts(), results)
def test_once_only_is_never_paid_twice(contract: Any, found: list[Result]) -> None:
    ev = evaluate(contract, found + found)  # every claim made twice
    seen: set[tuple[str, str]] = set()
    for line in ev.lines:
        metric = contract.metric(line.result.metric)
        if not line.accepted or not metric.once_per_participant:
            continue
        key = (line.result.subject, line.result.metric)
        assert key not in seen
        seen.add(key)
    # …and a once-only outcome is never accepted without its prerequisite before it.
    accepted = {
        (ln.result.subject, ln.result.metric): ln.result.achieved_on
        for ln in reversed(ev.lines)
        if ln.accepted
    }
    for (who, code), on in accepted.items():
        for needed in contract.metric(code).requires:
            assert accepted.get((who, needed), date.max) <= on


@settings(max_examples=200, deadline=None)
@given(
    st.decimals(min_value=0, max_value=100, places=2),
    st.decimals(min_value=0, max_value=100, places=2),
    st.tuples(st.integers(0, 100), st.integers(0, 100)).filter(lambda t: t[0] != t[1]),
    money,
)
def test_graded_payment_is_monotone(
    x: Decimal, y: Decimal, bounds: tuple[int, int], price: Decimal
) -> None:
    lower, upper = bounds
    c = contract_parse(
        base(
            metrics=[
                {
                    "code": "g",
                    "name_th": "ก",
                    "name_en": "g",
                    "unit": "cohort",
                    "graded": {"lower": str(lower), "upper": str(upper)},
                }
            ],
            rate_cards=[
                {
                    "version": "v1",
                    "valid_from": "2026-01-01",
                    "prices": [{"metric": "g", "price": str(price)}],
                }
            ],
        )
    )
    low, high = sorted((x, y))
    pay_low = evaluate(c, [cohort("C", "2026-06-01", "g", str(low))]).total
    pay_high = evaluate(c, [cohort("C", "2026-06-01", "g", str(high))]).total
    assert ZERO <= pay_low <= price and ZERO <= pay_high <= price
    if lower < upper:
        assert pay_low <= pay_high
    else:  # lower > upper: less is better
        assert pay_low >= pay_high


@settings(max_examples=300, deadline=None)
@given(money, st.integers(1, 6).flatmap(lambda n: shares(n)))
def test_payer_shares_always_sum_to_the_price(price: Decimal, weights: list[Decimal]) -> None:
    parts = split(price, weights)
    assert sum(parts, ZERO) == price
    for part, weight in zip(parts, weights, strict=True):
        assert part >= 0 and abs(part - price * weight) < Decimal("0.01")
