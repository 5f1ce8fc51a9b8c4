"""The outcomes engine: contracts, pricing, caps, investor returns and scenarios.

Plain Python (no models, no database) so the app, the ``saphan outcomes`` calculator
and the tests all compute payments the same way. ``docs/outcomes.md`` documents the
contract format, the rules and worked examples.
"""

from __future__ import annotations

from saphan.outcomes.engine.investor import (
    CashFlow,
    InvestorFigures,
    InvestorShare,
    PayerFigures,
    PayerShare,
    investor_figures,
    irr,
    payer_figures,
    payment_schedule,
    period_end,
)
from saphan.outcomes.engine.precheck import claim_precheck, claim_price
from saphan.outcomes.engine.pricing import CAP_ORDER, CapCut, Evaluation, Line, evaluate
from saphan.outcomes.engine.problems import Problem
from saphan.outcomes.engine.reader import Message, SpecError
from saphan.outcomes.engine.results import Result, results_from_csv
from saphan.outcomes.engine.spec import (
    FORMAT,
    Assumptions,
    Caps,
    Commitment,
    Contract,
    Graded,
    Investment,
    Metric,
    Payer,
    RateCard,
    RatePrice,
    ReturnCap,
    Threshold,
    Tranche,
    Window,
    contract_parse,
    contract_to_dict,
)

__all__ = [
    "CAP_ORDER",
    "FORMAT",
    "Assumptions",
    "CapCut",
    "Caps",
    "CashFlow",
    "Commitment",
    "Contract",
    "Evaluation",
    "Graded",
    "Investment",
    "InvestorFigures",
    "InvestorShare",
    "Line",
    "Message",
    "Metric",
    "Payer",
    "PayerFigures",
    "PayerShare",
    "Problem",
    "RateCard",
    "RatePrice",
    "Result",
    "ReturnCap",
    "SpecError",
    "Threshold",
    "Tranche",
    "Window",
    "claim_precheck",
    "claim_price",
    "contract_parse",
    "contract_to_dict",
    "evaluate",
    "investor_figures",
    "irr",
    "payer_figures",
    "payment_schedule",
    "period_end",
    "results_from_csv",
]
