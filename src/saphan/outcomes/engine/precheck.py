"""The intermediary's pre-check of one claim before it goes to the independent evaluator.

It applies exactly the rules :func:`~saphan.outcomes.engine.pricing.evaluate` applies
(the same ledger), with the claims accepted so far taken first as they stand, so what
the pre-check promises is what the payment run pays.
"""

from __future__ import annotations

from collections.abc import Sequence

from saphan.outcomes.engine.money import ZERO
from saphan.outcomes.engine.pricing import Ledger, Line, result_order
from saphan.outcomes.engine.problems import Problem, problem
from saphan.outcomes.engine.results import Result
from saphan.outcomes.engine.spec import Contract

__all__ = ["Problem", "claim_precheck", "claim_price"]


def claim_price(contract: Contract, claim: Result, accepted: Sequence[Result]) -> Line:
    """The claim priced after ``accepted`` (trusted as accepted, in the usual order)."""
    ledger = Ledger(contract)
    for earlier in result_order(contract, accepted):
        ledger.apply(earlier, force=True)
    return ledger.apply(claim)


def claim_precheck(contract: Contract, claim: Result, accepted: Sequence[Result]) -> list[Problem]:
    """Why ``claim`` cannot be paid in full; an empty list means it can.

    Rule problems (``unknown_metric``, ``wrong_unit``, ``outside_contract``,
    ``not_enrolled``, ``outside_window``, ``prerequisite_missing``, ``already_paid``,
    ``not_achieved``, ``threshold_not_met``…) are blocking. A cap gives one
    ``cap_reached`` per cap that cuts the claim, with ``payable`` (what can still be
    paid) and ``gross``; it blocks only when nothing at all can be paid.
    """
    line = claim_price(contract, claim, accepted)
    if not line.accepted:
        return list(line.problems)
    return [
        problem(
            "cap_reached",
            blocking=line.paid == ZERO,
            cap=cut.cap,
            key=cut.key or "-",
            payable=line.paid,
            gross=line.gross,
        )
        for cut in line.cuts
    ]
