"""A :class:`Contract` back to its ``saphan-outcomes/1`` JSON (round-trips with
``spec.contract_parse``): money and rates as strings, dates ISO."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from saphan.outcomes.engine.contract import Contract, Metric

# -- back to JSON ------------------------------------------------------------------------


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _metric_dict(m: Metric) -> dict[str, Any]:
    out: dict[str, Any] = {
        "code": m.code,
        "name_th": m.name_th,
        "name_en": m.name_en,
        "unit": m.unit,
        "evidence": m.evidence,
        "validation": m.validation,
        "once_per_participant": m.once_per_participant,
        "requires": list(m.requires),
    }
    if m.window is not None:
        out["window"] = {"from_days": m.window.from_days, "to_days": m.window.to_days}
    if (t := m.threshold) is not None:
        out["threshold"] = {
            "against": t.against,
            "min_improvement_pct": str(t.min_improvement_pct),
            "improvement": t.improvement,
            "direction": t.direction,
        }
        if t.baseline is not None:
            out["threshold"]["baseline"] = str(t.baseline)
        if t.expected_comparison is not None:
            out["threshold"]["expected_comparison"] = str(t.expected_comparison)
    if m.graded is not None:
        out["graded"] = {"lower": str(m.graded.lower), "upper": str(m.graded.upper)}
    return out


def contract_to_dict(contract: Contract) -> dict[str, Any]:
    """The JSON form; ``contract_parse(contract_to_dict(c)) == c``."""
    caps = contract.caps
    out: dict[str, Any] = {
        "format": contract.format,
        "code": contract.code,
        "name_th": contract.name_th,
        "name_en": contract.name_en,
        "start": contract.start.isoformat(),
        "end": contract.end.isoformat(),
        "currency": contract.currency,
        "period": contract.period,
        "payment_lag_days": contract.payment_lag_days,
        "payers": [
            {"code": p.code, "name_th": p.name_th, "name_en": p.name_en} for p in contract.payers
        ],
        "metrics": [_metric_dict(m) for m in contract.metrics],
        "rate_cards": [
            {
                "version": card.version,
                "valid_from": card.valid_from.isoformat(),
                "prices": [
                    {
                        "metric": p.metric,
                        "price": str(p.price),
                        "payer_shares": {k: str(v) for k, v in p.payer_shares.items()},
                    }
                    for p in card.prices.values()
                ],
            }
            for card in contract.rate_cards
        ],
        "caps": {
            k: v
            for k, v in {
                "per_participant": _s(caps.per_participant),
                "per_metric": {k: str(v) for k, v in caps.per_metric.items()},
                "per_payer": {k: str(v) for k, v in caps.per_payer.items()},
                "per_period": _s(caps.per_period),
                "total": _s(caps.total),
            }.items()
            if v not in (None, {})
        },
    }
    if contract.exchange_rate is not None:
        out["exchange_rate"] = str(contract.exchange_rate)
    if (inv := contract.investment) is not None:
        out["investment"] = {
            "commitments": [
                {
                    "investor": c.investor,
                    "name_th": c.name_th,
                    "name_en": c.name_en,
                    "amount": str(c.amount),
                }
                for c in inv.commitments
            ],
            "tranches": [{"on": t.on.isoformat(), "amount": str(t.amount)} for t in inv.tranches],
            "remainder": inv.remainder,
        }
        if (rc := inv.return_cap) is not None:
            out["investment"]["return_cap"] = {
                k: str(v)
                for k, v in (
                    ("pct_of_principal", rc.pct_of_principal),
                    ("annual_pct", rc.annual_pct),
                )
                if v is not None
            }
    if (a := contract.assumptions) is not None:
        out["assumptions"] = {
            "success": {k: [str(lo), str(hi)] for k, (lo, hi) in a.success.items()},
            "cohorts": a.cohorts,
        }
        if a.enrolment is not None:
            out["assumptions"]["enrolment"] = list(a.enrolment)
    return out
