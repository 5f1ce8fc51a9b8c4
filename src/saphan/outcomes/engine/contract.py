"""The outcomes contract as frozen dataclasses (read and written by :mod:`.spec`).

Mappings inside them (payer shares, caps per metric…) are plain dicts: the objects are
never mutated after parsing, but they are not hashable either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

FORMAT = "saphan-outcomes/1"

Unit = Literal["participant", "cohort"]
Validation = Literal["administrative", "evaluator", "comparison_group"]
PeriodKind = Literal["month", "quarter"]
Remainder = Literal["recycle", "payer"]
Against = Literal["comparison", "baseline"]
Improvement = Literal["relative", "points"]
Direction = Literal["higher", "lower"]

UNITS: tuple[Unit, ...] = ("participant", "cohort")
VALIDATIONS: tuple[Validation, ...] = ("administrative", "evaluator", "comparison_group")
PERIODS: tuple[PeriodKind, ...] = ("month", "quarter")
REMAINDERS: tuple[Remainder, ...] = ("recycle", "payer")
AGAINST: tuple[Against, ...] = ("comparison", "baseline")
IMPROVEMENTS: tuple[Improvement, ...] = ("relative", "points")
DIRECTIONS: tuple[Direction, ...] = ("higher", "lower")


# -- the dataclasses ---------------------------------------------------------------------


@dataclass(frozen=True)
class Payer:
    """An outcome payer (ผู้จ่ายเงิน), usually a government department or a foundation."""

    code: str
    name_th: str
    name_en: str


@dataclass(frozen=True)
class Window:
    """Days after enrolment in which the outcome counts, both ends included."""

    from_days: int
    to_days: int

    def contains(self, day: int) -> bool:
        return self.from_days <= day <= self.to_days


@dataclass(frozen=True)
class Threshold:
    """Pay a cohort outcome only if the cohort beats its reference by ``min_improvement_pct``.

    ``improvement`` "relative": (value − reference) / reference × 100; "points": value −
    reference (for rates already in per cent). ``direction`` "lower" when less is better
    (e.g. the share back on the street). ``baseline`` is the reference when ``against`` is
    "baseline"; with "comparison" each result brings the comparison group's value, and
    ``expected_comparison`` is used only by the simulation.
    """

    against: Against
    min_improvement_pct: Decimal
    baseline: Decimal | None = None
    expected_comparison: Decimal | None = None
    improvement: Improvement = "relative"
    direction: Direction = "higher"


@dataclass(frozen=True)
class Graded:
    """Pay price × clamp((value − lower) / (upper − lower), 0, 1).

    ``lower`` above ``upper`` grades a metric where less is better.
    """

    lower: Decimal
    upper: Decimal

    def fraction(self, value: Decimal) -> Decimal:
        share = (value - self.lower) / (self.upper - self.lower)
        return min(Decimal(1), max(Decimal(0), share))


@dataclass(frozen=True)
class Metric:
    """An outcome metric; the rate card gives its price per participant or per cohort."""

    code: str
    name_th: str
    name_en: str
    unit: Unit
    evidence: str = ""
    validation: Validation = "administrative"
    window: Window | None = None
    once_per_participant: bool = True
    requires: tuple[str, ...] = ()
    threshold: Threshold | None = None
    graded: Graded | None = None


@dataclass(frozen=True)
class RatePrice:
    """One metric's price; ``payer_shares`` (payer code → share) sum to exactly 1."""

    metric: str
    price: Decimal
    payer_shares: dict[str, Decimal]


@dataclass(frozen=True)
class RateCard:
    """A version of the rate card, in force from ``valid_from`` until the next version."""

    version: str
    valid_from: date
    prices: dict[str, RatePrice]


@dataclass(frozen=True)
class Caps:
    """Upper limits on payments; ``None`` or an absent key means no limit."""

    per_participant: Decimal | None = None
    per_metric: dict[str, Decimal] = field(default_factory=dict)
    per_payer: dict[str, Decimal] = field(default_factory=dict)
    per_period: Decimal | None = None
    total: Decimal | None = None


@dataclass(frozen=True)
class Commitment:
    """What one investor (นักลงทุน) commits; drawdowns are taken pro rata to these."""

    investor: str
    name_th: str
    name_en: str
    amount: Decimal


@dataclass(frozen=True)
class Tranche:
    """A drawdown of capital on a date, shared among investors pro rata to commitment."""

    on: date
    amount: Decimal


@dataclass(frozen=True)
class ReturnCap:
    """Investors' return on top of principal is at most the smaller of the two limits set.

    ``pct_of_principal``: a share of the principal drawn (20 → at most 20 % on top);
    ``annual_pct``: simple interest per year on principal outstanding, day by day.
    """

    pct_of_principal: Decimal | None = None
    annual_pct: Decimal | None = None


@dataclass(frozen=True)
class Investment:
    commitments: tuple[Commitment, ...]
    tranches: tuple[Tranche, ...]
    return_cap: ReturnCap | None = None
    remainder: Remainder = "payer"

    @property
    def committed(self) -> Decimal:
        return sum((c.amount for c in self.commitments), Decimal(0))


@dataclass(frozen=True)
class Assumptions:
    """Planning assumptions for the simulation before signing (not used for payments).

    ``enrolment``: participants enrolled, low and high; ``success``: per metric the range
    of its success rate (0–1, for a participant metric, given its prerequisites) or of
    its result value (for a cohort metric); ``cohorts``: how many cohorts are measured.
    """

    enrolment: tuple[int, int] | None = None
    success: dict[str, tuple[Decimal, Decimal]] = field(default_factory=dict)
    cohorts: int = 1


@dataclass(frozen=True)
class Contract:
    code: str
    name_th: str
    name_en: str
    start: date
    end: date
    payers: tuple[Payer, ...]
    metrics: tuple[Metric, ...]
    rate_cards: tuple[RateCard, ...]
    caps: Caps = field(default_factory=Caps)
    period: PeriodKind = "quarter"
    currency: str = "THB"
    exchange_rate: Decimal | None = None
    payment_lag_days: int = 30
    investment: Investment | None = None
    assumptions: Assumptions | None = None
    format: str = FORMAT

    def metric(self, code: str) -> Metric | None:
        return next((m for m in self.metrics if m.code == code), None)

    def rate_card_on(self, day: date) -> RateCard | None:
        """The version in force on ``day``: the latest whose ``valid_from`` is not after it."""
        current = None
        for card in self.rate_cards:  # sorted by valid_from when parsed
            if card.valid_from <= day:
                current = card
        return current

    def period_key(self, day: date) -> str:
        """``"2026-07"`` for months, ``"2026-Q3"`` for quarters."""
        if self.period == "month":
            return f"{day.year:04d}-{day.month:02d}"
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"

    def metric_order(self) -> dict[str, int]:
        """Metric codes in prerequisite order (requirements first, then contract order)."""
        order: dict[str, int] = {}
        pending = list(self.metrics)
        while pending:  # acyclic once parsed, so every round places at least one
            for metric in pending:
                if all(r in order for r in metric.requires):
                    order[metric.code] = len(order)
                    pending.remove(metric)
                    break
        return order
