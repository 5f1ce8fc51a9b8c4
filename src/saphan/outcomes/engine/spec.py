"""The outcomes contract: what is paid for, at what price, up to which caps, and who invests.

A contract is written in the JSON format ``saphan-outcomes/1`` (see ``docs/outcomes.md``)
and read with :func:`contract_parse`, which checks everything at once and raises one
:class:`SpecError` listing every problem with its JSON path, so whoever drafts a contract
fixes it in one pass. Money is :class:`~decimal.Decimal`, written in JSON as a string
(``"12500.00"``) or an integer: a JSON float such as ``0.1`` cannot hold cents exactly,
so floats are refused in money fields and payer shares.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from saphan.outcomes.engine.contract import (
    AGAINST,
    DIRECTIONS,
    FORMAT,
    IMPROVEMENTS,
    PERIODS,
    REMAINDERS,
    UNITS,
    VALIDATIONS,
    Assumptions,
    Caps,
    Commitment,
    Contract,
    Graded,
    Investment,
    Metric,
    Payer,
    PeriodKind,
    RateCard,
    RatePrice,
    ReturnCap,
    Threshold,
    Tranche,
    Window,
)
from saphan.outcomes.engine.reader import Message, Reader, SpecError

# Serialising back to JSON lives in ``spec_dump``; re-exported for callers.
from saphan.outcomes.engine.spec_dump import contract_to_dict

__all__ = [
    "AGAINST",
    "DIRECTIONS",
    "FORMAT",
    "IMPROVEMENTS",
    "PERIODS",
    "REMAINDERS",
    "UNITS",
    "VALIDATIONS",
    "Assumptions",
    "Caps",
    "Commitment",
    "Contract",
    "Graded",
    "Investment",
    "Metric",
    "Payer",
    "PeriodKind",
    "RateCard",
    "RatePrice",
    "ReturnCap",
    "SpecError",
    "Threshold",
    "Tranche",
    "Window",
    "contract_parse",
    "contract_to_dict",
]

_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}")

# -- parsing -----------------------------------------------------------------------------

UNKNOWN_PAYER = _("There is no payer %(code)s in this contract.")
UNKNOWN_METRIC = _("There is no metric %(code)s in this contract.")


def _code(r: Reader, data: dict[str, Any], key: str, path: str) -> str:
    text = r.text(data, key, path)
    if text and not _CODE.fullmatch(text):
        r.add(
            f"{path}.{key}",
            _("Codes use letters, digits, '_', '-' and '.', at most 64 characters."),
        )
    return text


def _unique(r: Reader, codes: list[str], path: str, what: str | Promise) -> None:
    seen: set[str] = set()
    for i, code in enumerate(codes):
        if code in seen:
            r.add(f"{path}[{i}]", _("%(what)s %(code)s appears twice."), what=what, code=code)
        seen.add(code)


def _payers(r: Reader, data: dict[str, Any]) -> tuple[Payer, ...]:
    payers = []
    for path, item in r.items(data, "payers", "$", required=True):
        r.known(item, path, {"code", "name_th", "name_en"})
        payers.append(
            Payer(
                _code(r, item, "code", path),
                r.text(item, "name_th", path),
                r.text(item, "name_en", path),
            )
        )
    _unique(r, [p.code for p in payers], "$.payers", _("Payer"))
    return tuple(payers)


def _threshold(r: Reader, data: dict[str, Any], path: str) -> Threshold:
    r.known(
        data,
        path,
        {
            "against",
            "min_improvement_pct",
            "baseline",
            "expected_comparison",
            "improvement",
            "direction",
        },
    )
    against = r.choice(data, "against", path, AGAINST)
    baseline = r.number(data, "baseline", path, required=against == "baseline")
    return Threshold(
        against=against,
        min_improvement_pct=r.number(data, "min_improvement_pct", path) or Decimal(0),
        baseline=baseline,
        expected_comparison=r.number(data, "expected_comparison", path, required=False),
        improvement=r.choice(data, "improvement", path, IMPROVEMENTS, default="relative"),
        direction=r.choice(data, "direction", path, DIRECTIONS, default="higher"),
    )


def _metric(r: Reader, item: dict[str, Any], path: str) -> Metric:
    r.known(
        item,
        path,
        {
            "code",
            "name_th",
            "name_en",
            "unit",
            "evidence",
            "validation",
            "window",
            "once_per_participant",
            "requires",
            "threshold",
            "graded",
        },
    )
    unit = r.choice(item, "unit", path, UNITS)
    window = None
    if (raw := r.mapping(item, "window", path)) is not None:
        wpath = f"{path}.window"
        r.known(raw, wpath, {"from_days", "to_days"})
        window = Window(r.integer(raw, "from_days", wpath), r.integer(raw, "to_days", wpath))
        if window.from_days < 0 or window.to_days < window.from_days:
            r.add(wpath, _("A window runs from day 0 or later to a day not before its start."))
    threshold = None
    if (raw := r.mapping(item, "threshold", path)) is not None:
        threshold = _threshold(r, raw, f"{path}.threshold")
    graded = None
    if (raw := r.mapping(item, "graded", path)) is not None:
        gpath = f"{path}.graded"
        r.known(raw, gpath, {"lower", "upper"})
        lower, upper = r.number(raw, "lower", gpath), r.number(raw, "upper", gpath)
        if lower is not None and upper is not None:
            if lower == upper:
                r.add(gpath, _("The lower and upper bounds must differ."))
            else:
                graded = Graded(lower, upper)
    if unit == "cohort" and (threshold is None) == (graded is None) and r.ok_at(path):
        r.add(path, _("A cohort metric needs either a threshold or a graded rule (one of them)."))
    if unit == "participant" and (threshold is not None or graded is not None):
        r.add(path, _("Thresholds and graded rules are for cohort metrics only."))
    requires = r.strings(item, "requires", path)
    return Metric(
        code=_code(r, item, "code", path),
        name_th=r.text(item, "name_th", path),
        name_en=r.text(item, "name_en", path),
        unit=unit,
        evidence=r.text(item, "evidence", path, required=False),
        validation=r.choice(item, "validation", path, VALIDATIONS, default="administrative"),
        window=window,
        once_per_participant=r.boolean(item, "once_per_participant", path, default=True),
        requires=tuple(requires),
        threshold=threshold,
        graded=graded,
    )


def _check_requires(r: Reader, metrics: tuple[Metric, ...]) -> None:
    by_code = {m.code: m for m in metrics}
    for i, metric in enumerate(metrics):
        for j, code in enumerate(metric.requires):
            path = f"$.metrics[{i}].requires[{j}]"
            needed = by_code.get(code)
            if needed is None:
                r.add(path, UNKNOWN_METRIC, code=code)
            elif needed.unit != metric.unit:
                r.add(path, _("A prerequisite must be counted per the same unit as the metric."))
    # A cycle would make every metric in it wait for the others forever.
    state: dict[str, int] = {}

    def visit(code: str, trail: list[str]) -> None:
        if state.get(code) == 2 or code not in by_code:
            return
        if state.get(code) == 1:
            cycle = " → ".join([*trail[trail.index(code) :], code])
            r.add("$.metrics", _("The prerequisites form a cycle: %(cycle)s."), cycle=cycle)
            return
        state[code] = 1
        for needed in by_code[code].requires:
            visit(needed, [*trail, code])
        state[code] = 2

    for metric in metrics:
        visit(metric.code, [])


def _rate_cards(
    r: Reader, data: dict[str, Any], metrics: tuple[Metric, ...], payers: tuple[Payer, ...]
) -> tuple[RateCard, ...]:
    payer_codes = [p.code for p in payers]
    cards = []
    for path, item in r.items(data, "rate_cards", "$", required=True):
        r.known(item, path, {"version", "valid_from", "prices"})
        prices: dict[str, RatePrice] = {}
        for ppath, raw in r.items(item, "prices", path, required=True):
            r.known(raw, ppath, {"metric", "price", "payer_shares"})
            code = r.text(raw, "metric", ppath)
            if code and code not in {m.code for m in metrics}:
                r.add(f"{ppath}.metric", UNKNOWN_METRIC, code=code)
            if code in prices:
                r.add(f"{ppath}.metric", _("Metric %(code)s is priced twice."), code=code)
            price = r.money(raw, "price", ppath)
            shares = _payer_shares(r, raw, ppath, payer_codes)
            prices[code] = RatePrice(code, price or Decimal(0), shares)
        for metric in metrics:
            if metric.code not in prices and r.ok_at(path):
                r.add(
                    f"{path}.prices",
                    _("Each rate-card version prices every metric; %(code)s is missing."),
                    code=metric.code,
                )
        cards.append(
            RateCard(r.text(item, "version", path), r.day(item, "valid_from", path), prices)
        )
    _unique(r, [c.version for c in cards], "$.rate_cards", _("Rate-card version"))
    cards.sort(key=lambda c: c.valid_from)
    return tuple(cards)


def _payer_shares(
    r: Reader, raw: dict[str, Any], path: str, payer_codes: list[str]
) -> dict[str, Decimal]:
    spath = f"{path}.payer_shares"
    given = r.mapping(raw, "payer_shares", path)
    if given is None:
        if len(payer_codes) == 1:  # one payer pays everything
            return {payer_codes[0]: Decimal(1)}
        r.add(spath, _("With several payers, say each payer's share of the price."))
        return {}
    shares: dict[str, Decimal] = {}
    for code in given:
        if code not in payer_codes:
            r.add(f"{spath}.{code}", UNKNOWN_PAYER, code=code)
        share = r.money(given, code, spath, kind="share")
        if share is not None and share < 0:
            r.add(f"{spath}.{code}", _("A share cannot be negative."))
        shares[code] = share or Decimal(0)
    total = sum(shares.values(), Decimal(0))
    if shares and total != 1 and r.ok_at(spath):
        r.add(
            spath,
            _("The payer shares add up to %(total)s; they must add up to exactly 1."),
            total=total,
        )
    return shares


def _caps(
    r: Reader, data: dict[str, Any], metrics: tuple[Metric, ...], payers: tuple[Payer, ...]
) -> Caps:
    raw = r.mapping(data, "caps", "$")
    if raw is None:
        return Caps()
    path = "$.caps"
    r.known(raw, path, {"per_participant", "per_metric", "per_payer", "per_period", "total"})

    def keyed(key: str, known: set[str], unknown: str | Promise) -> dict[str, Decimal]:
        values: dict[str, Decimal] = {}
        for code in r.mapping(raw, key, path) or {}:
            if code not in known:
                r.add(f"{path}.{key}.{code}", unknown, code=code)
            if (amount := r.cap(raw[key], code, f"{path}.{key}")) is not None:
                values[code] = amount
        return values

    return Caps(
        per_participant=r.cap(raw, "per_participant", path),
        per_metric=keyed("per_metric", {m.code for m in metrics}, UNKNOWN_METRIC),
        per_payer=keyed("per_payer", {p.code for p in payers}, UNKNOWN_PAYER),
        per_period=r.cap(raw, "per_period", path),
        total=r.cap(raw, "total", path),
    )


def _investment(r: Reader, data: dict[str, Any], start: date, end: date) -> Investment | None:
    raw = r.mapping(data, "investment", "$")
    if raw is None:
        return None
    path = "$.investment"
    r.known(raw, path, {"commitments", "tranches", "return_cap", "remainder"})
    commitments = []
    for cpath, item in r.items(raw, "commitments", path, required=True):
        r.known(item, cpath, {"investor", "name_th", "name_en", "amount"})
        amount = r.money(item, "amount", cpath)
        if amount is not None and amount <= 0:
            r.add(f"{cpath}.amount", _("A commitment must be more than 0."))
        commitments.append(
            Commitment(
                _code(r, item, "investor", cpath),
                r.text(item, "name_th", cpath),
                r.text(item, "name_en", cpath),
                amount or Decimal(0),
            )
        )
    _unique(r, [c.investor for c in commitments], f"{path}.commitments", _("Investor"))
    tranches = []
    for tpath, item in r.items(raw, "tranches", path, required=True):
        r.known(item, tpath, {"on", "amount"})
        on, amount = r.day(item, "on", tpath), r.money(item, "amount", tpath)
        if amount is not None and amount <= 0:
            r.add(f"{tpath}.amount", _("A drawdown must be more than 0."))
        if not start <= on <= end and r.ok_at(tpath):
            r.add(f"{tpath}.on", _("A drawdown must fall within the contract."))
        tranches.append(Tranche(on, amount or Decimal(0)))
    committed = sum((c.amount for c in commitments), Decimal(0))
    drawn = sum((t.amount for t in tranches), Decimal(0))
    if drawn > committed:
        r.add(
            f"{path}.tranches",
            _("The drawdowns (%(drawn)s) exceed the commitments (%(committed)s)."),
            drawn=drawn,
            committed=committed,
        )
    cap = None
    if (rc := r.mapping(raw, "return_cap", path)) is not None:
        rpath = f"{path}.return_cap"
        r.known(rc, rpath, {"pct_of_principal", "annual_pct"})
        cap = ReturnCap(
            r.cap(rc, "pct_of_principal", rpath, kind="number"),
            r.cap(rc, "annual_pct", rpath, kind="number"),
        )
        if cap.pct_of_principal is None and cap.annual_pct is None:
            r.add(rpath, _("Give pct_of_principal, annual_pct or both (or leave out return_cap)."))
    return Investment(
        tuple(commitments),
        tuple(sorted(tranches, key=lambda t: t.on)),
        cap,
        r.choice(raw, "remainder", path, REMAINDERS, default="payer"),
    )


def _pair(r: Reader, value: Any, path: str) -> tuple[Decimal, Decimal] | None:
    if not isinstance(value, list) or len(value) != 2:
        r.add(path, _("Expected [low, high]."))
        return None
    low, high = r.number({"v": value[0]}, "v", path), r.number({"v": value[1]}, "v", path)
    if low is None or high is None or low > high:
        r.add(path, _("Expected [low, high] with low not above high."))
        return None
    return low, high


def _assumptions(
    r: Reader, data: dict[str, Any], metrics: tuple[Metric, ...]
) -> Assumptions | None:
    raw = r.mapping(data, "assumptions", "$")
    if raw is None:
        return None
    path = "$.assumptions"
    r.known(raw, path, {"enrolment", "success", "cohorts"})
    enrolment = None
    if "enrolment" in raw:
        pair = _pair(r, raw["enrolment"], f"{path}.enrolment")
        if pair is not None:
            if pair[0] < 0 or pair[0] != int(pair[0]) or pair[1] != int(pair[1]):
                r.add(f"{path}.enrolment", _("Enrolment is a whole number of participants."))
            enrolment = (int(pair[0]), int(pair[1]))
    success = {}
    codes = {m.code: m for m in metrics}
    for code, value in (r.mapping(raw, "success", path) or {}).items():
        spath = f"{path}.success.{code}"
        if code not in codes:
            r.add(spath, UNKNOWN_METRIC, code=code)
        elif (pair := _pair(r, value, spath)) is not None:
            if codes[code].unit == "participant" and not (pair[0] >= 0 and pair[1] <= 1):
                r.add(spath, _("A success rate is between 0 and 1."))
            success[code] = pair
    cohorts = r.integer(raw, "cohorts", path, default=1)
    if cohorts < 1:
        r.add(f"{path}.cohorts", _("At least one cohort."))
    return Assumptions(enrolment, success, cohorts)


def contract_parse(data: Any) -> Contract:
    """A :class:`Contract` from parsed JSON, or :class:`SpecError` listing every problem."""
    r = Reader()
    if not isinstance(data, dict):
        raise SpecError([("$", Message(_("A contract is a JSON object.")))])
    r.known(
        data,
        "$",
        {
            "format",
            "code",
            "name_th",
            "name_en",
            "start",
            "end",
            "currency",
            "exchange_rate",
            "period",
            "payment_lag_days",
            "payers",
            "metrics",
            "rate_cards",
            "caps",
            "investment",
            "assumptions",
        },
    )
    if data.get("format") != FORMAT:
        r.add("$.format", _("The format must be %(format)s."), format=FORMAT)
    start, end = r.day(data, "start", "$"), r.day(data, "end", "$")
    if start >= end and r.ok_at("$.start") and r.ok_at("$.end"):
        r.add("$.end", _("The contract must end after it starts."))
    currency = r.text(data, "currency", "$", required=False) or "THB"
    exchange_rate = r.money(data, "exchange_rate", "$", required=False, kind="number")
    if not re.fullmatch(r"[A-Z]{3}", currency):
        r.add("$.currency", _("A currency is a three-letter ISO code such as THB."))
    elif currency != "THB" and (exchange_rate is None or exchange_rate <= 0):
        r.add("$.exchange_rate", _("For a currency other than THB, give the baht per unit."))
    payers = _payers(r, data)
    metrics = tuple(
        _metric(r, item, path) for path, item in r.items(data, "metrics", "$", required=True)
    )
    _unique(r, [m.code for m in metrics], "$.metrics", _("Metric"))
    _check_requires(r, metrics)
    rate_cards = _rate_cards(r, data, metrics, payers)
    if rate_cards and rate_cards[0].valid_from > start and r.ok_at("$.rate_cards"):
        r.add("$.rate_cards", _("The first rate-card version must be valid from the start."))
    lag = r.integer(data, "payment_lag_days", "$", default=30)
    if lag < 0:
        r.add("$.payment_lag_days", _("The payment lag cannot be negative."))
    contract = Contract(
        code=_code(r, data, "code", "$"),
        name_th=r.text(data, "name_th", "$"),
        name_en=r.text(data, "name_en", "$"),
        start=start,
        end=end,
        payers=payers,
        metrics=metrics,
        rate_cards=rate_cards,
        caps=_caps(r, data, metrics, payers),
        period=r.choice(data, "period", "$", PERIODS, default="quarter"),
        currency=currency,
        exchange_rate=exchange_rate,
        payment_lag_days=lag,
        investment=_investment(r, data, start, end),
        assumptions=_assumptions(r, data, metrics),
    )
    r.raise_if_any()
    return contract
