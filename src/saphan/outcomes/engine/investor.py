"""Investor and payer figures: drawdowns, the repayment waterfall, IRR, cost per outcome.

Signs are the investor's: a drawdown is money the investor pays in (negative), a
repayment is money the investor receives (positive), so the cash flows go straight into
``pyxirr.xirr``. Each outcome payment received goes down the waterfall: first principal
drawn and not yet repaid, then a return up to the contract's return cap, then the
remainder is either recycled into delivery or left with the outcome payer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Literal

import pyxirr

from saphan.outcomes.engine.money import CENT, ZERO, money, split
from saphan.outcomes.engine.pricing import Evaluation
from saphan.outcomes.engine.spec import Contract, PeriodKind, ReturnCap

FlowKind = Literal["drawdown", "principal", "return"]
_RATIO = Decimal("0.0001")
_DAYS_PER_YEAR = Decimal(365)  # the same convention as pyxirr's XIRR (actual/365)


@dataclass(frozen=True)
class CashFlow:
    on: date
    amount: Decimal  # negative: paid in by investors; positive: received by them
    kind: FlowKind


@dataclass(frozen=True)
class InvestorShare:
    """One investor's part, pro rata to commitment (largest remainder to the satang)."""

    investor: str
    committed: Decimal
    drawn: Decimal
    principal_repaid: Decimal
    return_paid: Decimal
    multiple: Decimal | None
    cash_flows: tuple[CashFlow, ...]


@dataclass(frozen=True)
class InvestorFigures:
    cash_flows: tuple[CashFlow, ...]
    drawn: Decimal
    principal_repaid: Decimal
    return_paid: Decimal
    received: Decimal
    outstanding: Decimal
    recycled: Decimal
    returned_to_payer: Decimal
    disbursed: Decimal
    undisbursed: Decimal
    irr: float | None
    multiple: Decimal | None
    peak_capital: Decimal
    investors: tuple[InvestorShare, ...]


@dataclass(frozen=True)
class PayerShare:
    payer: str
    paid: Decimal
    maximum: Decimal | None
    pct_of_maximum: Decimal | None
    remaining_liability: Decimal | None


@dataclass(frozen=True)
class PayerFigures:
    total_paid: Decimal
    outcomes_paid: int
    participants: int
    cost_per_outcome: Decimal | None
    cost_per_participant: Decimal | None
    maximum: Decimal | None
    pct_of_maximum: Decimal | None
    remaining_liability: Decimal | None
    returned_to_payer: Decimal
    net_cost: Decimal
    payers: tuple[PayerShare, ...]


# -- when payments arrive ----------------------------------------------------------------


def period_end(kind: PeriodKind, day: date) -> date:
    """The last day of the month or quarter that contains ``day``."""
    last_month = day.month if kind == "month" else ((day.month - 1) // 3 + 1) * 3
    first_of_next = date(day.year + last_month // 12, last_month % 12 + 1, 1)
    return first_of_next - timedelta(days=1)


def payment_schedule(
    contract: Contract, evaluation: Evaluation, paid_on: date | None = None
) -> list[tuple[date, Decimal]]:
    """(date received, amount) per period: ``paid_on`` if given, else the period's last day
    plus the contract's ``payment_lag_days`` (time to verify and to pay an invoice)."""
    received: dict[date, Decimal] = {}
    lag = timedelta(days=contract.payment_lag_days)
    for line in evaluation.paid_lines:
        on = paid_on or period_end(contract.period, line.result.achieved_on) + lag
        received[on] = received.get(on, ZERO) + line.paid
    return sorted(received.items())


# -- the waterfall -----------------------------------------------------------------------


def _return_room(
    cap: ReturnCap | None, drawn: Decimal, accrued: Decimal, return_paid: Decimal
) -> Decimal | None:
    """How much more return may be paid now; ``None`` when there is no cap."""
    if cap is None:
        return None
    limits = []
    if cap.pct_of_principal is not None:
        limits.append(drawn * cap.pct_of_principal / 100)
    if cap.annual_pct is not None:
        limits.append(accrued)
    room = min(limits) - return_paid
    return max(ZERO, room.quantize(CENT, rounding=ROUND_DOWN))


def irr(flows: Sequence[tuple[date, Decimal]]) -> float | None:
    """The dated IRR (actual/365) of flows summed per date, or ``None`` when it has no
    meaning: no flows, or no money coming back at all (a total loss)."""
    by_day: dict[date, Decimal] = {}
    for on, amount in flows:
        by_day[on] = by_day.get(on, ZERO) + amount
    days = sorted(by_day)
    amounts = [float(by_day[d]) for d in days]
    if not any(a < 0 for a in amounts) or not any(a > 0 for a in amounts):
        return None
    try:
        rate = pyxirr.xirr(days, amounts)
    except (pyxirr.InvalidPaymentsError, ValueError):
        return None
    return None if rate is None or not math.isfinite(rate) else float(rate)


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    return None if denominator == 0 else (numerator / denominator).quantize(_RATIO)


def investor_figures(
    contract: Contract,
    payments: Sequence[tuple[date, Decimal]],
    disbursements: Sequence[tuple[date, Decimal]] = (),
) -> InvestorFigures:
    """Run the outcome ``payments`` received (date, amount) down the waterfall.

    On one date drawdowns come before repayments. The annual return cap accrues simple
    interest day by day on principal outstanding. ``disbursements`` to service providers
    only feed ``disbursed`` and ``undisbursed`` (drawn + recycled − disbursed).
    """
    investment = contract.investment
    tranches = investment.tranches if investment else ()
    cap = investment.return_cap if investment else None
    events = sorted(
        [(t.on, 0, t.amount) for t in tranches] + [(on, 1, amount) for on, amount in payments],
        key=lambda e: (e[0], e[1]),
    )
    flows: list[CashFlow] = []
    drawn = outstanding = principal_repaid = return_paid = ZERO
    recycled = to_payer = peak = ZERO
    accrued = Decimal(0)
    last: date | None = None
    for on, is_payment, amount in events:
        if last is not None and cap is not None and cap.annual_pct is not None:
            days = Decimal((on - last).days)
            accrued += outstanding * cap.annual_pct / 100 * days / _DAYS_PER_YEAR
        last = on
        if not is_payment:
            drawn += amount
            outstanding += amount
            peak = max(peak, outstanding)
            flows.append(CashFlow(on, -amount, "drawdown"))
            continue
        principal = min(amount, outstanding)
        rest = amount - principal
        room = _return_room(cap, drawn, accrued, return_paid)
        to_return = rest if room is None else min(rest, room)
        remainder = rest - to_return
        outstanding -= principal
        principal_repaid += principal
        return_paid += to_return
        if principal:
            flows.append(CashFlow(on, principal, "principal"))
        if to_return:
            flows.append(CashFlow(on, to_return, "return"))
        if investment is not None and investment.remainder == "recycle":
            recycled += remainder
        else:
            to_payer += remainder
    received = principal_repaid + return_paid
    disbursed = sum((amount for _on, amount in disbursements), ZERO)
    return InvestorFigures(
        cash_flows=tuple(flows),
        drawn=drawn,
        principal_repaid=principal_repaid,
        return_paid=return_paid,
        received=received,
        outstanding=outstanding,
        recycled=recycled,
        returned_to_payer=to_payer,
        disbursed=disbursed,
        undisbursed=drawn + recycled - disbursed,
        irr=irr([(f.on, f.amount) for f in flows]),
        multiple=_ratio(received, drawn),
        peak_capital=peak,
        investors=_investor_shares(contract, flows),
    )


def _investor_shares(contract: Contract, flows: list[CashFlow]) -> tuple[InvestorShare, ...]:
    if contract.investment is None:
        return ()
    commitments = contract.investment.commitments
    weights = [c.amount for c in commitments]
    per: list[list[CashFlow]] = [[] for _c in commitments]
    for flow in flows:
        parts = split(abs(flow.amount), weights)
        for i, part in enumerate(parts):
            if part:
                per[i].append(CashFlow(flow.on, part if flow.amount > 0 else -part, flow.kind))
    shares = []
    for commitment, own in zip(commitments, per, strict=True):
        drawn = -sum((f.amount for f in own if f.kind == "drawdown"), ZERO)
        principal = sum((f.amount for f in own if f.kind == "principal"), ZERO)
        ret = sum((f.amount for f in own if f.kind == "return"), ZERO)
        shares.append(
            InvestorShare(
                commitment.investor,
                commitment.amount,
                drawn,
                principal,
                ret,
                _ratio(principal + ret, drawn),
                tuple(own),
            )
        )
    return tuple(shares)


# -- the payers' side --------------------------------------------------------------------


def payer_figures(
    contract: Contract, evaluation: Evaluation, returned_to_payer: Decimal = ZERO
) -> PayerFigures:
    """Cost per outcome and per participant, and how much of the maximum has been paid.

    The maximum is the total cap, or the sum of the per-payer caps when every payer has
    one (the smaller if both); without either it is unknown (``None``). Participants are
    the distinct participant codes in the results, paid or not.
    """
    caps = contract.caps
    total = evaluation.total
    limits = []
    if caps.total is not None:
        limits.append(caps.total)
    if contract.payers and all(p.code in caps.per_payer for p in contract.payers):
        limits.append(sum((caps.per_payer[p.code] for p in contract.payers), ZERO))
    maximum = min(limits) if limits else None
    outcomes = len(evaluation.paid_lines)
    participants = len({ln.result.participant for ln in evaluation.lines if ln.result.participant})
    payers = []
    for payer in contract.payers:
        paid = evaluation.by_payer.get(payer.code, ZERO)
        limit = caps.per_payer.get(payer.code)
        payers.append(
            PayerShare(
                payer.code,
                paid,
                limit,
                None if limit is None else _pct(paid, limit),
                None if limit is None else limit - paid,
            )
        )
    return PayerFigures(
        total_paid=total,
        outcomes_paid=outcomes,
        participants=participants,
        cost_per_outcome=_money_ratio(total, outcomes),
        cost_per_participant=_money_ratio(total, participants),
        maximum=maximum,
        pct_of_maximum=None if maximum is None else _pct(total, maximum),
        remaining_liability=None if maximum is None else maximum - total,
        returned_to_payer=returned_to_payer,
        net_cost=total - returned_to_payer,
        payers=tuple(payers),
    )


def _pct(part: Decimal, whole: Decimal) -> Decimal | None:
    return None if whole == 0 else money(part * 100 / whole)


def _money_ratio(amount: Decimal, count: int) -> Decimal | None:
    return None if count == 0 else money(amount / count)
