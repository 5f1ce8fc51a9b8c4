"""The calculator's JSON: an evaluation, the investor and payer figures, as plain data.

Decimals become strings (``"12500.00"``) so no reader turns satang into binary floats;
the IRR is a string with six decimals (``"0.081234"`` is 8.1234 % a year) or ``null``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from saphan.outcomes.engine.investor import (
    CashFlow,
    InvestorFigures,
    PayerFigures,
    investor_figures,
    payer_figures,
    payment_schedule,
)
from saphan.outcomes.engine.pricing import CapCut, Evaluation, Line, evaluate
from saphan.outcomes.engine.results import Result
from saphan.outcomes.engine.spec import Contract


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _money_map(values: dict[str, Decimal]) -> dict[str, str]:
    return {k: str(v) for k, v in values.items()}


def _rate(value: float | None) -> str | None:
    return None if value is None else f"{value:.6f}"


def _cut(cut: CapCut) -> dict[str, Any]:
    return {
        "cap": cut.cap,
        "key": cut.key,
        "amount": str(cut.amount),
        "metric": cut.metric,
        "subject": cut.subject,
        "date": cut.achieved_on.isoformat(),
    }


def _who(line: Line) -> dict[str, Any]:
    r = line.result
    return {
        "row": r.row,
        "participant": r.participant,
        "cohort": r.cohort,
        "metric": r.metric,
        "date": r.achieved_on.isoformat(),
    }


def _line(line: Line) -> dict[str, Any]:
    return {
        **_who(line),
        "period": line.period,
        "rate_card": line.rate_card,
        "price": str(line.price),
        "gross": str(line.gross),
        "paid": str(line.paid),
        "by_payer": _money_map(line.by_payer),
        "fraction": None
        if line.fraction is None
        else str(line.fraction.quantize(Decimal("0.0001"))),
        "improvement": _s(line.improvement),
        "cuts": [_cut(c) for c in line.cuts],
    }


def evaluation_dict(evaluation: Evaluation) -> dict[str, Any]:
    return {
        "currency": evaluation.currency,
        "payments": {
            "total": str(evaluation.total),
            "by_metric": _money_map(evaluation.by_metric),
            "by_period": _money_map(evaluation.by_period),
            "by_payer": _money_map(evaluation.by_payer),
            "by_period_and_payer": {
                period: _money_map(row)
                for period, row in evaluation.payments_by_period_and_payer.items()
            },
        },
        "caps_applied": [_cut(c) for c in evaluation.caps_applied],
        "lines": [_line(line) for line in evaluation.lines if line.accepted],
        "refused": [
            {**_who(line), "problems": [p.as_dict() for p in line.problems]}
            for line in evaluation.refused
        ],
    }


def _flow(flow: CashFlow) -> dict[str, str]:
    return {"date": flow.on.isoformat(), "amount": str(flow.amount), "kind": flow.kind}


def investor_dict(figures: InvestorFigures) -> dict[str, Any]:
    return {
        "cash_flows": [_flow(f) for f in figures.cash_flows],
        "drawn": str(figures.drawn),
        "principal_repaid": str(figures.principal_repaid),
        "return_paid": str(figures.return_paid),
        "received": str(figures.received),
        "outstanding": str(figures.outstanding),
        "recycled": str(figures.recycled),
        "returned_to_payer": str(figures.returned_to_payer),
        "irr": _rate(figures.irr),
        "multiple": _s(figures.multiple),
        "peak_capital": str(figures.peak_capital),
        "investors": [
            {
                "investor": share.investor,
                "committed": str(share.committed),
                "drawn": str(share.drawn),
                "principal_repaid": str(share.principal_repaid),
                "return_paid": str(share.return_paid),
                "multiple": _s(share.multiple),
            }
            for share in figures.investors
        ],
    }


def payer_dict(figures: PayerFigures) -> dict[str, Any]:
    return {
        "total_paid": str(figures.total_paid),
        "outcomes_paid": figures.outcomes_paid,
        "participants": figures.participants,
        "cost_per_outcome": _s(figures.cost_per_outcome),
        "cost_per_participant": _s(figures.cost_per_participant),
        "maximum": _s(figures.maximum),
        "pct_of_maximum": _s(figures.pct_of_maximum),
        "remaining_liability": _s(figures.remaining_liability),
        "returned_to_payer": str(figures.returned_to_payer),
        "net_cost": str(figures.net_cost),
        "payers": [
            {
                "payer": p.payer,
                "paid": str(p.paid),
                "maximum": _s(p.maximum),
                "pct_of_maximum": _s(p.pct_of_maximum),
                "remaining_liability": _s(p.remaining_liability),
            }
            for p in figures.payers
        ],
    }


def calculator_report(
    contract: Contract, results: list[Result], paid_on: date | None = None
) -> dict[str, Any]:
    """Everything ``saphan outcomes evaluate`` prints, as JSON-ready data."""
    evaluation = evaluate(contract, results)
    schedule = payment_schedule(contract, evaluation, paid_on)
    investor = investor_figures(contract, schedule)
    return {
        "contract": {
            "code": contract.code,
            "name_th": contract.name_th,
            "name_en": contract.name_en,
            "currency": contract.currency,
            "exchange_rate": _s(contract.exchange_rate),
        },
        **evaluation_dict(evaluation),
        "payment_schedule": [{"date": d.isoformat(), "amount": str(a)} for d, a in schedule],
        "investor": investor_dict(investor) if contract.investment else None,
        "payer": payer_dict(payer_figures(contract, evaluation, investor.returned_to_payer)),
    }
