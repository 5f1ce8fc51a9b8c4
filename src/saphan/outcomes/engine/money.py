"""Satang-exact money arithmetic shared by the outcomes engine.

Every amount the engine reports is a :class:`~decimal.Decimal` quantised to 0.01
(one satang for THB). Splitting an amount between payers or investors uses the
largest-remainder method so the parts always add up to the whole: no satang is lost
or created, whatever the shares.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value: Decimal | int) -> Decimal:
    """Round half up to the satang, the way Thai invoices and the Comptroller round."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def split(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """``amount`` (a whole number of satang) in parts proportional to ``weights``.

    Each part is first rounded down to the satang; the satang left over go one each to
    the parts with the largest remainders, ties to the earlier weight, so the result is
    deterministic and sums exactly to ``amount``. No part exceeds its exact share by a
    satang or more, so a part never goes above the amount it was cut from.
    """
    amount = money(amount)
    total = sum(weights, Decimal(0))
    if not weights:
        return []
    if total <= 0:
        # Nothing to weigh by: everything to the first part, so nothing is lost.
        return [amount] + [ZERO] * (len(weights) - 1)
    exact = [amount * w / total for w in weights]
    parts = [e.quantize(CENT, rounding=ROUND_DOWN) for e in exact]
    left = int((amount - sum(parts, ZERO)) / CENT)
    order = sorted(range(len(weights)), key=lambda i: (-(exact[i] - parts[i]), i))
    for i in order[:left]:
        parts[i] += CENT
    return parts
