"""From verified results to payments: rules, rate card, caps, and each payer's share.

:func:`evaluate` takes results in a fixed order (date, then participant or cohort, then
metric in prerequisite order) so the same inputs always give the same payments, checks
each against the contract's rules (window, prerequisites, once-only, cohort threshold),
prices it with the rate-card version in force on the date achieved, and cuts it by the
caps in the documented order: per participant → per metric → per payer → per period →
total. A cap takes from the result that would cross it and from every later one, never
from results already paid. Refused results stay in the evaluation with their reasons.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from saphan.outcomes.engine.money import ZERO, money, split
from saphan.outcomes.engine.problems import Problem, problem
from saphan.outcomes.engine.results import Result
from saphan.outcomes.engine.spec import Contract, Metric, RateCard

CAP_ORDER = ("per_participant", "per_metric", "per_payer", "per_period", "total")
_HUNDRED = Decimal(100)


@dataclass(frozen=True)
class CapCut:
    """``amount`` taken off one result by one cap; ``key`` names what the cap is on
    (participant, metric, payer or period code; empty for the total cap)."""

    cap: str
    key: str
    amount: Decimal
    metric: str
    subject: str
    achieved_on: date


@dataclass(frozen=True)
class Line:
    """One result as priced. ``gross`` is before caps; ``paid`` after, split in ``by_payer``.

    ``price`` is the rate-card price (for a graded metric the most it can earn),
    ``fraction`` the graded share, ``improvement`` a threshold metric's measured
    improvement; ``problems`` is empty for an accepted result.
    """

    result: Result
    period: str
    rate_card: str | None
    price: Decimal
    gross: Decimal
    paid: Decimal
    by_payer: dict[str, Decimal]
    cuts: tuple[CapCut, ...] = ()
    problems: tuple[Problem, ...] = ()
    fraction: Decimal | None = None
    improvement: Decimal | None = None

    @property
    def accepted(self) -> bool:
        return not any(p.blocking for p in self.problems)


@dataclass(frozen=True)
class Evaluation:
    """All amounts are Decimal to the satang; ``total`` equals every breakdown's sum."""

    lines: tuple[Line, ...]
    by_metric: dict[str, Decimal]
    by_period: dict[str, Decimal]
    by_payer: dict[str, Decimal]
    payments_by_period_and_payer: dict[str, dict[str, Decimal]]
    caps_applied: tuple[CapCut, ...]
    total: Decimal
    currency: str = "THB"

    @property
    def refused(self) -> tuple[Line, ...]:
        return tuple(line for line in self.lines if not line.accepted)

    @property
    def paid_lines(self) -> tuple[Line, ...]:
        return tuple(line for line in self.lines if line.paid > 0)


def _subject_key(metric: Metric, result: Result) -> str:
    # Participant and cohort codes are separate namespaces.
    return f"{metric.unit}:{result.subject}"


@dataclass
class Ledger:
    """What has been accepted and paid so far; results go through :meth:`apply` in order."""

    contract: Contract
    achieved: dict[tuple[str, str], date] = field(default_factory=dict)
    by_participant: dict[str, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    by_metric: dict[str, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    by_payer: dict[str, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    by_period: dict[str, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    total: Decimal = ZERO

    # -- the rules -----------------------------------------------------------------------

    def check(self, result: Result, metric: Metric | None) -> list[Problem]:
        """Every rule the result breaks (cohort thresholds are checked when pricing)."""
        c = self.contract
        if metric is None:
            return [problem("unknown_metric", metric=result.metric)]
        given = "participant" if result.participant else "cohort"
        if given != metric.unit:
            return [problem("wrong_unit", metric=metric.code, unit=metric.unit, given=given)]
        found = []
        on = result.achieved_on
        if not c.start <= on <= c.end:
            found.append(problem("outside_contract", date=on, start=c.start, end=c.end))
        if metric.window is not None:
            if result.enrolled_on is None:
                found.append(problem("not_enrolled", metric=metric.code))
            elif (day := (on - result.enrolled_on).days) < 0:
                found.append(
                    problem("achieved_before_enrolment", date=on, enrolled_on=result.enrolled_on)
                )
            elif not metric.window.contains(day):
                w = metric.window
                found.append(
                    problem(
                        "outside_window",
                        metric=metric.code,
                        from_days=w.from_days,
                        to_days=w.to_days,
                        day=day,
                    )
                )
        who = _subject_key(metric, result)
        missing = [
            code
            for code in metric.requires
            if (first := self.achieved.get((who, code))) is None or first > on
        ]
        if missing:
            found.append(
                problem(
                    "prerequisite_missing", metric=metric.code, requires=", ".join(missing), date=on
                )
            )
        if metric.once_per_participant and (first := self.achieved.get((who, metric.code))):
            found.append(
                problem("already_paid", who=result.subject, metric=metric.code, first=first)
            )
        if metric.unit == "participant" and result.value <= 0:
            found.append(problem("not_achieved"))
        if c.rate_card_on(on) is None:
            found.append(problem("no_price", metric=metric.code, date=on))
        return found

    def _cohort_share(
        self, result: Result, metric: Metric
    ) -> tuple[Decimal, Decimal | None, Decimal | None, list[Problem]]:
        """(share of the price earned, graded fraction, improvement, problems)."""
        if metric.graded is not None:
            fraction = metric.graded.fraction(result.value)
            return fraction, fraction, None, []
        threshold = metric.threshold
        assert threshold is not None  # a parsed cohort metric has one or the other
        reference = threshold.baseline if threshold.against == "baseline" else result.comparison
        if reference is None:
            return ZERO, None, None, [problem("missing_comparison", metric=metric.code)]
        gain = result.value - reference
        if threshold.direction == "lower":
            gain = -gain
        if threshold.improvement == "relative":
            if reference == 0:
                return ZERO, None, None, [problem("reference_zero")]
            gain = gain / abs(reference) * _HUNDRED
        improvement = gain.quantize(Decimal("0.01"))
        if gain < threshold.min_improvement_pct:
            return (
                ZERO,
                None,
                improvement,
                [
                    problem(
                        "threshold_not_met",
                        improvement=improvement,
                        minimum=threshold.min_improvement_pct,
                    )
                ],
            )
        return Decimal(1), None, improvement, []

    # -- paying --------------------------------------------------------------------------

    def apply(self, result: Result, *, force: bool = False) -> Line:
        """Check, price and pay one result. ``force`` records it as accepted whatever the
        rules say (used for results accepted earlier, under rules that may have changed)."""
        c = self.contract
        metric = c.metric(result.metric)
        period = c.period_key(result.achieved_on)
        found = self.check(result, metric)
        card = c.rate_card_on(result.achieved_on)
        if metric is None or card is None or (found and not force):
            return Line(
                result,
                period,
                card.version if card else None,
                ZERO,
                ZERO,
                ZERO,
                {},
                problems=tuple(found),
            )
        share, fraction, improvement = Decimal(1), None, None
        if metric.unit == "cohort":
            share, fraction, improvement, failed = self._cohort_share(result, metric)
            if failed and not force:
                return Line(
                    result,
                    period,
                    card.version,
                    card.prices[metric.code].price,
                    ZERO,
                    ZERO,
                    {},
                    problems=tuple(failed),
                    improvement=improvement,
                )
        self.achieved.setdefault((_subject_key(metric, result), metric.code), result.achieved_on)
        price = card.prices[metric.code].price
        gross = money(price * share)
        by_payer, cuts = self._pay(result, metric, card, period, gross)
        paid = sum(by_payer.values(), ZERO)
        return Line(
            result,
            period,
            card.version,
            price,
            gross,
            paid,
            by_payer,
            tuple(cuts),
            fraction=fraction,
            improvement=improvement,
        )

    def _pay(
        self, result: Result, metric: Metric, card: RateCard, period: str, gross: Decimal
    ) -> tuple[dict[str, Decimal], list[CapCut]]:
        caps = self.contract.caps
        cuts: list[CapCut] = []

        def cut(cap: str, key: str, amount: Decimal) -> None:
            if amount > 0:
                cuts.append(
                    CapCut(cap, key, amount, metric.code, result.subject, result.achieved_on)
                )

        amount = gross
        if metric.unit == "participant" and caps.per_participant is not None:
            room = max(ZERO, caps.per_participant - self.by_participant[result.subject])
            cut("per_participant", result.subject, amount - min(amount, room))
            amount = min(amount, room)
        if (limit := caps.per_metric.get(metric.code)) is not None:
            room = max(ZERO, limit - self.by_metric[metric.code])
            cut("per_metric", metric.code, amount - min(amount, room))
            amount = min(amount, room)
        shares = card.prices[metric.code].payer_shares
        order = [p.code for p in self.contract.payers if p.code in shares]
        parts = dict(zip(order, split(amount, [shares[p] for p in order]), strict=True))
        for payer in order:
            if (limit := caps.per_payer.get(payer)) is not None:
                room = max(ZERO, limit - self.by_payer[payer])
                cut("per_payer", payer, parts[payer] - min(parts[payer], room))
                parts[payer] = min(parts[payer], room)
        subtotal = sum(parts.values(), ZERO)
        allowed = subtotal
        if caps.per_period is not None:
            room = max(ZERO, caps.per_period - self.by_period[period])
            cut("per_period", period, allowed - min(allowed, room))
            allowed = min(allowed, room)
        if caps.total is not None:
            room = max(ZERO, caps.total - self.total)
            cut("total", "", allowed - min(allowed, room))
            allowed = min(allowed, room)
        if allowed < subtotal:
            # Re-split what is left in proportion to what each payer was to pay, so a
            # payer's part only shrinks and never goes back above its own cap.
            parts = dict(zip(order, split(allowed, [parts[p] for p in order]), strict=True))
        paid = sum(parts.values(), ZERO)
        if metric.unit == "participant":
            self.by_participant[result.subject] += paid
        self.by_metric[metric.code] += paid
        for payer, part in parts.items():
            self.by_payer[payer] += part
        self.by_period[period] += paid
        self.total += paid
        return parts, cuts


def result_order(contract: Contract, results: Iterable[Result]) -> list[Result]:
    """Date, then participant or cohort code, then metric in prerequisite order."""
    rank = contract.metric_order()
    return sorted(
        results,
        key=lambda r: (
            r.achieved_on,
            r.subject,
            rank.get(r.metric, len(rank)),
            r.metric,
            r.row or 0,
        ),
    )


def evaluate(contract: Contract, results: Sequence[Result]) -> Evaluation:
    """Price every result; the same contract and results always give the same payments."""
    ledger = Ledger(contract)
    lines = tuple(ledger.apply(r) for r in result_order(contract, results))
    by_metric = {m.code: ZERO for m in contract.metrics}
    by_payer = {p.code: ZERO for p in contract.payers}
    by_period: dict[str, Decimal] = {}
    grid: dict[str, dict[str, Decimal]] = {}
    for line in lines:
        if line.paid == 0:
            continue
        by_metric[line.result.metric] += line.paid
        by_period[line.period] = by_period.get(line.period, ZERO) + line.paid
        row = grid.setdefault(line.period, {p.code: ZERO for p in contract.payers})
        for payer, part in line.by_payer.items():
            by_payer[payer] += part
            row[payer] += part
    return Evaluation(
        lines=lines,
        by_metric=by_metric,
        by_period=dict(sorted(by_period.items())),
        by_payer=by_payer,
        payments_by_period_and_payer=dict(sorted(grid.items())),
        caps_applied=tuple(cut for line in lines for cut in line.cuts),
        total=sum((line.paid for line in lines), ZERO),
        currency=contract.currency,
    )
