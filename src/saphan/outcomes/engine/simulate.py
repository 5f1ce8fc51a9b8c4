"""Monte Carlo before signing: what could the payers pay and the investors earn?

Every scenario draws an enrolment and a success rate per metric (uniform over the ranges
given), turns them into outcome payments with the rate card and caps, runs the payments
down the investor waterfall and solves for the IRR, all as NumPy arrays over scenarios:
the Python loops run over metrics, participant types, dates and solver steps, never
over scenarios. The model and its simplifications are in ``docs/outcomes.md``.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from numpy.typing import NDArray

from saphan.outcomes.engine.contract import Contract, Metric
from saphan.outcomes.engine.investor import period_end

Array = NDArray[np.float64]
Range = tuple[float, float]
MAX_PARTICIPANT_METRICS = 12  # 2**12 success patterns per scenario is the practical limit
_IRR_LOW, _IRR_HIGH, _IRR_STEPS = -0.99, 10.0, 60


@dataclass(frozen=True)
class Distribution:
    """Summary of one figure over scenarios; ``bins`` has one more edge than ``counts``."""

    mean: float
    p5: float
    p50: float
    p95: float
    bins: tuple[float, ...]
    counts: tuple[int, ...]


@dataclass(frozen=True)
class Simulation:
    scenarios: int
    seed: int
    enrolment: Range
    success: dict[str, Range]
    payer_cost: Distribution
    investor_multiple: Distribution
    investor_irr: Distribution | None  # over scenarios where the IRR is defined
    irr_undefined_share: float  # total losses (nothing comes back)
    prob_investor_loss: float  # investors get back less than they put in
    break_even_success_rate: float | None
    flow_dates: tuple[date, ...]


@dataclass(frozen=True)
class Flows:
    """Per-scenario arrays: investor cash flows on ``dates`` (columns), payer cost."""

    dates: tuple[date, ...]
    investor: Array  # (scenarios, dates): negative paid in, positive received
    payer_cost: Array
    drawn: float
    received: Array


def _distribution(values: Array, bins: int = 20) -> Distribution:
    counts, edges = np.histogram(values, bins=bins)
    p5, p50, p95 = np.percentile(values, [5, 50, 95])
    return Distribution(
        float(values.mean()),
        float(p5),
        float(p50),
        float(p95),
        tuple(float(e) for e in edges),
        tuple(int(c) for c in counts),
    )


def _ranges(
    contract: Contract, enrolment: Range | None, success: dict[str, Range] | None
) -> tuple[Range, dict[str, Range]]:
    assumed = contract.assumptions
    if enrolment is None:
        if assumed is None or assumed.enrolment is None:
            raise ValueError("give the enrolment range (or assumptions.enrolment in the contract)")
        enrolment = (float(assumed.enrolment[0]), float(assumed.enrolment[1]))
    ranges = {
        k: (float(lo), float(hi)) for k, (lo, hi) in (assumed.success if assumed else {}).items()
    }
    ranges.update(success or {})
    missing = [m.code for m in contract.metrics if m.code not in ranges]
    if missing:
        raise ValueError(f"give a success range for: {', '.join(missing)}")
    return enrolment, ranges


# -- payments per metric -----------------------------------------------------------------


def _participant_amounts(
    contract: Contract,
    metrics: list[Metric],
    n: Array,
    rates: dict[str, Array],
    rng: np.random.Generator | None,
) -> dict[str, Array]:
    """Payment per participant metric after the per-participant cap, per scenario.

    A participant's pattern of successes is a vector of independent draws, one per metric
    (the rate is the chance of success given the prerequisites); a metric is achieved
    when its draw succeeds and its prerequisites are achieved. Patterns that achieve the
    same set are one type; the counts of types are multinomial (sampled as successive
    binomials, or their expectations when ``rng`` is None).
    """
    card = contract.rate_cards[0]
    cap = contract.caps.per_participant
    codes = [m.code for m in metrics]
    types: dict[frozenset[str], Array] = {}
    for bits in itertools.product((False, True), repeat=len(metrics)):
        achieved: set[str] = set()
        prob = np.ones_like(n)
        for metric, bit in zip(metrics, bits, strict=True):
            prob = prob * (rates[metric.code] if bit else 1 - rates[metric.code])
            if bit and all(r in achieved for r in metric.requires):
                achieved.add(metric.code)
        key = frozenset(achieved)
        types[key] = types.get(key, np.zeros_like(n)) + prob
    amounts = {code: np.zeros_like(n) for code in codes}
    remaining, rest = n.copy(), np.ones_like(n)
    for i, (achieved_set, prob) in enumerate(types.items()):
        if rng is None:
            count = n * prob
        elif i == len(types) - 1:
            count = remaining
        else:
            share = np.clip(np.divide(prob, rest, out=np.zeros_like(n), where=rest > 0), 0, 1)
            count = rng.binomial(remaining.astype(np.int64), share).astype(np.float64)
            remaining, rest = remaining - count, rest - prob
        room = float("inf") if cap is None else float(cap)
        for code in codes:  # earlier metrics are paid first, as in the ledger
            if code in achieved_set:
                pay = min(float(card.prices[code].price), room)
                room -= pay
                amounts[code] += count * pay
    return amounts


def _cohort_amount(contract: Contract, metric: Metric, values: Array) -> Array:
    price = float(contract.rate_cards[0].prices[metric.code].price)
    if metric.graded is not None:
        lower, upper = float(metric.graded.lower), float(metric.graded.upper)
        return price * np.clip((values - lower) / (upper - lower), 0, 1)
    t = metric.threshold
    assert t is not None
    reference = t.baseline if t.against == "baseline" else t.expected_comparison
    if reference is None:
        raise ValueError(f"{metric.code}: give threshold.expected_comparison to simulate it")
    ref = float(reference)
    gain = (values - ref) * (-1 if t.direction == "lower" else 1)
    if t.improvement == "relative":
        gain = gain / abs(ref) * 100 if ref else np.full_like(values, -np.inf)
    return np.where(gain >= float(t.min_improvement_pct), price, 0.0)


def _payment_date(contract: Contract, metric: Metric) -> date:
    """When a metric's payments arrive: participants enrol evenly until the last date that
    still leaves room for every window; each outcome is dated at the middle of its window."""
    if metric.unit == "cohort" or metric.window is None:
        on = contract.end
    else:
        longest = max((m.window.to_days for m in contract.metrics if m.window), default=0)
        enrol_days = max(0, (contract.end - contract.start).days - longest)
        middle = (metric.window.from_days + metric.window.to_days) // 2
        on = min(contract.end, contract.start + timedelta(days=enrol_days // 2 + middle))
    return period_end(contract.period, on) + timedelta(days=contract.payment_lag_days)


def _payer_payments(
    contract: Contract, per_metric: dict[str, Array], size: int
) -> tuple[list[date], Array]:
    """Payments per date (scenarios × dates) after per-payer and total caps, which cut the
    latest payments first (the per-period cap is not modelled)."""
    caps, card = contract.caps, contract.rate_cards[0]
    dates = sorted({_payment_date(contract, m) for m in contract.metrics})
    column = {d: i for i, d in enumerate(dates)}
    total = np.zeros((size, len(dates)))
    for payer in contract.payers:
        own = np.zeros((size, len(dates)))
        for metric in contract.metrics:
            share = float(card.prices[metric.code].payer_shares.get(payer.code, 0))
            own[:, column[_payment_date(contract, metric)]] += per_metric[metric.code] * share
        if (limit := caps.per_payer.get(payer.code)) is not None:
            own = np.diff(np.minimum(np.cumsum(own, axis=1), float(limit)), axis=1, prepend=0)
        total += own
    if caps.total is not None:
        total = np.diff(np.minimum(np.cumsum(total, axis=1), float(caps.total)), axis=1, prepend=0)
    return dates, total


def flows(
    contract: Contract,
    n: Array,
    ranges: dict[str, Range],
    rng: np.random.Generator | None,
    rates: dict[str, Array] | None = None,
) -> Flows:
    """Payer cost and investor cash flows for each scenario (``rng`` None: expectations)."""
    size = len(n)
    participant = [m for m in contract.metrics if m.unit == "participant"]
    order = contract.metric_order()
    participant.sort(key=lambda m: order[m.code])
    if len(participant) > MAX_PARTICIPANT_METRICS:
        raise ValueError(f"at most {MAX_PARTICIPANT_METRICS} participant metrics can be simulated")
    if rates is None:
        rates = {
            m.code: np.full(size, sum(ranges[m.code]) / 2)
            if rng is None
            else rng.uniform(*ranges[m.code], size)
            for m in participant
        }
    per_metric = _participant_amounts(contract, participant, n, rates, rng)
    cohorts = contract.assumptions.cohorts if contract.assumptions else 1
    for metric in contract.metrics:
        if metric.unit == "cohort":
            lo, hi = ranges[metric.code]
            values = (
                np.full((size, cohorts), (lo + hi) / 2)
                if rng is None
                else rng.uniform(lo, hi, (size, cohorts))
            )
            per_metric[metric.code] = _cohort_amount(contract, metric, values).sum(axis=1)
    for code, limit in contract.caps.per_metric.items():
        per_metric[code] = np.minimum(per_metric[code], float(limit))
    pay_dates, payments = _payer_payments(contract, per_metric, size)
    return _waterfall(contract, pay_dates, payments)


def _waterfall(contract: Contract, pay_dates: list[date], payments: Array) -> Flows:
    """The investor waterfall of :func:`investor_figures`, vectorised over scenarios."""
    size = payments.shape[0]
    inv = contract.investment
    tranches = [(t.on, float(t.amount)) for t in inv.tranches] if inv else []
    cap = inv.return_cap if inv else None
    events = sorted(
        [(on, 0, i) for i, (on, _a) in enumerate(tranches)]
        + [(on, 1, i) for i, on in enumerate(pay_dates)]
    )
    dates = tuple(sorted({e[0] for e in events}))
    column = {d: i for i, d in enumerate(dates)}
    investor = np.zeros((size, len(dates)))
    outstanding, accrued, returned = np.zeros(size), np.zeros(size), np.zeros(size)
    drawn, last = 0.0, None
    for on, is_payment, i in events:
        if last is not None and cap is not None and cap.annual_pct is not None:
            accrued += outstanding * float(cap.annual_pct) / 100 * (on - last).days / 365
        last = on
        if not is_payment:
            drawn += tranches[i][1]
            outstanding += tranches[i][1]
            investor[:, column[on]] -= tranches[i][1]
            continue
        amount = payments[:, i]
        principal = np.minimum(amount, outstanding)
        rest = amount - principal
        if cap is not None:
            limits = []
            if cap.pct_of_principal is not None:
                limits.append(np.full(size, drawn * float(cap.pct_of_principal) / 100))
            if cap.annual_pct is not None:
                limits.append(accrued)
            rest = np.minimum(rest, np.maximum(0.0, np.minimum.reduce(limits) - returned))
        outstanding -= principal
        returned += rest
        investor[:, column[on]] += principal + rest
    received = np.where(investor > 0, investor, 0).sum(axis=1)
    return Flows(dates, investor, payments.sum(axis=1), drawn, received)


def irr_vector(dates: tuple[date, ...], amounts: Array) -> Array:
    """IRR per row (actual/365, like pyxirr) by bisection; NaN where no rate in
    [−99 %, +1000 %] makes the net present value zero (e.g. nothing comes back)."""
    years = np.array([(d - dates[0]).days / 365 for d in dates])

    def npv(rate: Array) -> Array:
        return np.asarray((amounts * (1 + rate[:, None]) ** -years).sum(axis=1))

    low = np.full(amounts.shape[0], _IRR_LOW)
    high = np.full(amounts.shape[0], _IRR_HIGH)
    npv_low, npv_high = npv(low), npv(high)
    valid = np.sign(npv_low) != np.sign(npv_high)
    for _step in range(_IRR_STEPS):
        middle = (low + high) / 2
        npv_middle = npv(middle)
        same = np.sign(npv_middle) == np.sign(npv_low)
        low, npv_low = np.where(same, middle, low), np.where(same, npv_middle, npv_low)
        high = np.where(same, high, middle)
    return np.where(valid, (low + high) / 2, np.nan)


def _multiple(f: Flows) -> Array:
    return f.received / f.drawn if f.drawn else np.full(len(f.received), np.nan)


def break_even_success_rate(
    contract: Contract, enrolment: Range, ranges: dict[str, Range]
) -> float | None:
    """The common success rate of every participant metric at which investors get back
    exactly what they put in (expected counts, enrolment and cohort results at mid-range)."""
    n = np.array([sum(enrolment) / 2])
    participant = [m.code for m in contract.metrics if m.unit == "participant"]

    def multiple(rate: float) -> float:
        rates = {code: np.array([rate]) for code in participant}
        return float(_multiple(flows(contract, n, ranges, None, rates))[0])

    if not participant or contract.investment is None or multiple(1.0) < 1:
        return None
    if multiple(0.0) >= 1:
        return 0.0
    low, high = 0.0, 1.0
    for _step in range(40):
        middle = (low + high) / 2
        low, high = (middle, high) if multiple(middle) < 1 else (low, middle)
    return high


def simulate(
    contract: Contract,
    *,
    scenarios: int = 100_000,
    seed: int = 0,
    enrolment: Range | None = None,
    success: dict[str, Range] | None = None,
) -> Simulation:
    """Distributions of payer cost and investor returns over ``scenarios`` random draws.

    Ranges not given come from the contract's ``assumptions``; enrolment is uniform over
    the whole numbers from low to high, success rates uniform between low and high.
    """
    if scenarios < 1:
        raise ValueError("at least one scenario")
    enrolment, ranges = _ranges(contract, enrolment, success)
    rng = np.random.default_rng(seed)
    n = rng.integers(int(enrolment[0]), int(enrolment[1]) + 1, scenarios).astype(np.float64)
    f = flows(contract, n, ranges, rng)
    multiple = _multiple(f)
    rates = irr_vector(f.dates, f.investor) if f.drawn else np.full(scenarios, np.nan)
    defined = rates[~np.isnan(rates)]
    return Simulation(
        scenarios=scenarios,
        seed=seed,
        enrolment=enrolment,
        success=ranges,
        payer_cost=_distribution(f.payer_cost),
        investor_multiple=_distribution(np.nan_to_num(multiple)),
        investor_irr=_distribution(defined) if len(defined) else None,
        irr_undefined_share=float(1 - len(defined) / scenarios),
        prob_investor_loss=float((f.received < f.drawn - 0.005).mean()) if f.drawn else 0.0,
        break_even_success_rate=break_even_success_rate(contract, enrolment, ranges),
        flow_dates=f.dates,
    )


def simulation_dict(sim: Simulation) -> dict[str, Any]:
    """JSON-ready: figures rounded for reading (money to the baht, rates to 4 places)."""

    def dist(d: Distribution | None, digits: int) -> dict[str, Any] | None:
        if d is None:
            return None
        r = lambda x: round(x, digits)  # noqa: E731
        return {
            "mean": r(d.mean),
            "p5": r(d.p5),
            "p50": r(d.p50),
            "p95": r(d.p95),
            "bins": [r(b) for b in d.bins],
            "counts": list(d.counts),
        }

    return {
        "scenarios": sim.scenarios,
        "seed": sim.seed,
        "enrolment": [int(x) if float(x).is_integer() else x for x in sim.enrolment],
        "success": {k: list(v) for k, v in sim.success.items()},
        "payer_cost": dist(sim.payer_cost, 0),
        "investor_multiple": dist(sim.investor_multiple, 4),
        "investor_irr": dist(sim.investor_irr, 4),
        "irr_undefined_share": round(sim.irr_undefined_share, 4),
        "prob_investor_loss": round(sim.prob_investor_loss, 4),
        "break_even_success_rate": None
        if sim.break_even_success_rate is None
        else round(sim.break_even_success_rate, 4),
        "flow_dates": [d.isoformat() for d in sim.flow_dates],
    }
