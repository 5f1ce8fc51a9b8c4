"""The pieces of the INDIGO export: identifiers, money, metrics, prices, results, parties.

Each builder returns plain dicts in the INDIGO project schema's shape, every leaf wrapped
as ``{"value": …}``; :mod:`saphan.outcomes.indigo` assembles them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from saphan.outcomes.engine import (
    Contract,
    Evaluation,
    InvestorFigures,
    Line,
    Metric,
    period_end,
)

SCHEMA = "INDIGO-Initiative/indigo-data-standard schema/project.json (standard 2.3.0)"
#: Provisional identifiers: INDIGO assigns ``INDIGO-POJ-0001``-style ids on publication;
#: until then ours carry a ``SAPHAN`` namespace after the INDIGO type prefix.
PROJECT_PREFIX = "INDIGO-POJ-SAPHAN-"
ORGANISATION_PREFIX = "INDIGO-ORG-SAPHAN-"
COUNTRY = "TH"
SOURCE = "source1"

_GOVERNMENT = "Government/Public Sector/Public Bank"
_PUBLIC_KINDS = {"agency", "provincial_office", "local_government", "outcome_payer"}
_ORG_TYPES = {
    "cso": "Registered non-profit organisation, charity or foundation",
    **dict.fromkeys(_PUBLIC_KINDS, "Government body"),
}
_VALIDATION = {
    "administrative": "Simple ex-post verification",
    "evaluator": "Simple ex-post verification",
    "comparison_group": "Quasi-experimental study",
}
_REMAINDER = {
    "recycle": "; what is left after principal and return is recycled into delivery.",
    "payer": "; what is left after principal and return stays with the outcome payer.",
}
_VALIDATED_BY = {
    "administrative": "administrative records checked by the intermediary",
    "evaluator": "the independent evaluator",
    "comparison_group": "the independent evaluator, against a comparison group",
}


# -- small builders ----------------------------------------------------------------------


def _v(value: Any) -> dict[str, Any]:
    return {"value": value}


def _num(amount: Decimal) -> int | float:
    """A JSON number; whole baht as integers. Satang amounts round-trip through float."""
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _money(currency: str, amount: Decimal) -> dict[str, Any]:
    return {"currency": _v(currency), "amount": _v(_num(amount))}


def _pct(value: Decimal) -> str:
    """70.0 → "70", 33.50 → "33.5"."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def org_id(code: str) -> str:
    return f"{ORGANISATION_PREFIX}{code}"


def _role_category(party: Mapping[str, str], role: str) -> str:
    """The INDIGO organisation role category; each role has its own codelist, and only
    investors lack "Other" (an investor of unknown kind counts as an impact investor)."""
    if party.get("category"):
        return party["category"]
    kind = party.get("kind", "")
    if kind in _PUBLIC_KINDS:
        return _GOVERNMENT
    if kind == "cso":
        return "Nonprofit/NGO"
    if role == "investor":
        return "Impact Investor"
    if role == "payer" and kind == "investor":
        return "Investment Fund"
    return "Other"


def _with_role(parties: Sequence[Mapping[str, str]], role: str) -> list[Mapping[str, str]]:
    return [p for p in parties if p.get("role") == role]


def _spec_party(
    parties: Sequence[Mapping[str, str]], role: str, spec_code: str
) -> Mapping[str, str]:
    """The party with this code in the contract; a stand-in named by the code otherwise."""
    for party in _with_role(parties, role):
        if (party.get("spec_code") or party["code"]) == spec_code:
            return party
    return {"code": spec_code, "role": role, "kind": ""}


def _period_bounds(key: str) -> tuple[date, date]:
    """``2026-Q3`` → 2026-07-01…2026-09-30; ``2026-07`` → 2026-07-01…2026-07-31."""
    year, part = key.split("-")
    if part.startswith("Q"):
        start = date(int(year), (int(part[1:]) - 1) * 3 + 1, 1)
        return start, period_end("quarter", start)
    start = date(int(year), int(part), 1)
    return start, period_end("month", start)


def _maximum(contract: Contract) -> Decimal | None:
    caps, payers = contract.caps, contract.payers
    limits = [caps.total] if caps.total is not None else []
    if payers and all(p.code in caps.per_payer for p in payers):
        limits.append(sum((caps.per_payer[p.code] for p in payers), Decimal(0)))
    return min(limits) if limits else None


def _final_payment_date(contract: Contract) -> date:
    return period_end(contract.period, contract.end) + timedelta(days=contract.payment_lag_days)


# -- payments ----------------------------------------------------------------------------


def payments_from_evaluation(
    contract: Contract, evaluation: Evaluation, *, as_of: date | None = None
) -> list[dict[str, str]]:
    """The evaluation's amounts per period and payer as payment records, each due on the
    period's last day plus the payment lag (those due after ``as_of`` are left out)."""
    lag = timedelta(days=contract.payment_lag_days)
    out = []
    for period, by_payer in sorted(evaluation.payments_by_period_and_payer.items()):
        due = _period_bounds(period)[1] + lag
        if as_of is not None and due > as_of:
            continue
        for payer, amount in by_payer.items():
            if amount:
                out.append(
                    {"period": period, "payer": payer, "amount": str(amount), "paid_on": str(due)}
                )
    return out


def _outcome_payments(
    contract: Contract,
    payments: Sequence[Mapping[str, str]],
    parties: Sequence[Mapping[str, str]],
    derived: bool,
) -> list[dict[str, Any]]:
    recipients = _with_role(parties, "intermediary")
    note = (
        "Amount payable for verified results in the period, computed by the Saphan engine; "
        "due on the period's last day plus the payment lag."
        if derived
        else "Payment recorded in the intermediary's ledger."
    )
    rows = []
    for payment in payments:
        start, end = _period_bounds(payment["period"])
        row: dict[str, Any] = {
            "period": {"start_date": _v(start.isoformat()), "end_date": _v(end.isoformat())},
            "payer_organisation_id": _v(
                org_id(_spec_party(parties, "payer", payment["payer"])["code"])
            ),
            "type": _v("Actual"),
            "money": _money(contract.currency, Decimal(payment["amount"])),
            "source_ids": SOURCE,
            "notes": f"{note} {'Due' if derived else 'Paid'} on {payment.get('paid_on', '?')}.",
        }
        if payment.get("metric"):
            row["outcome_metric_id"] = _v(payment["metric"])
        if recipients:
            row["recipient_organisation_id"] = _v(org_id(recipients[0]["code"]))
        rows.append(row)
    return rows


# -- metrics, prices, results ------------------------------------------------------------


def _metric_target(metric: Metric) -> str:
    parts = []
    if metric.window is not None:
        w = metric.window
        parts.append(f"Achieved between day {w.from_days} and day {w.to_days} after enrolment.")
    if (t := metric.threshold) is not None:
        reference = "the comparison group" if t.against == "comparison" else f"{t.baseline}"
        better = "lower" if t.direction == "lower" else "higher"
        unit = "points" if t.improvement == "points" else "% (relative)"
        parts.append(
            f"Paid in full if the cohort's value is at least {t.min_improvement_pct} {unit} "
            f"better than {reference} ({better} is better); nothing otherwise."
        )
    if (g := metric.graded) is not None:
        parts.append(
            f"Paid price × (value − {g.lower}) / ({g.upper} − {g.lower}), between 0 and 1."
        )
    per = "cohort" if metric.unit == "cohort" else "participant"
    parts.append(f"Paid once per {per}." if metric.once_per_participant else "Paid each time.")
    return " ".join(parts)


def _outcome_metrics(contract: Contract, project: Mapping[str, Any]) -> list[dict[str, Any]]:
    assumed = contract.assumptions
    rows = []
    for m in contract.metrics:
        row: dict[str, Any] = {
            "id": m.code,
            "definition": _v(m.name_en),
            "unit_type_of_targeted_service_users_or_beneficiaries": _v(
                "Individual" if m.unit == "participant" else "Other"
            ),
            "outcome_metric_target": _v(_metric_target(m)),
            "outcome_validation_method": _v(
                "Pre-Post analysis"
                if m.threshold is not None and m.threshold.against == "baseline"
                else _VALIDATION[m.validation]
            ),
            "data_source_for_outcome_validation": _v(
                f"{m.evidence.rstrip('.')}. Validated by {_VALIDATED_BY[m.validation]}."
                if m.evidence
                else f"Validated by {_VALIDATED_BY[m.validation]}."
            ),
            "source_ids": SOURCE,
            "notes": f"ชื่อภาษาไทย: {m.name_th}",
        }
        if m.requires:
            row["other_target_for_meeting_outcome_metric_target"] = _v(
                "Requires, on or before the same date: " + ", ".join(m.requires)
            )
        if m.unit == "cohort":
            row["unit_description_of_service_user_or_beneficiaries"] = _v(
                "A cohort of participants; the result is a share in per cent"
            )
        if assumed is not None:
            target = assumed.cohorts if m.unit == "cohort" else (assumed.enrolment or (0, 0))[1]
            if target:
                row["targeted_number_of_service_users_or_beneficiaries_total"] = _v(target)
        if project.get("target_population_en"):
            row["target_population"] = _v(project["target_population_en"])
        if project.get("policy_sector"):
            row["policy_sector"] = _v(project["policy_sector"])
        if project.get("sdg_goal"):
            row["primary_sdg_goal"] = _v(str(project["sdg_goal"]))
        rows.append(row)
    return rows


def _outcome_pricings(contract: Contract) -> list[dict[str, Any]]:
    first, later = contract.rate_cards[0], contract.rate_cards[1:]
    rows = []
    for m in contract.metrics:
        price = first.prices[m.code]
        shares = ", ".join(f"{k} {_pct(v * 100)}%" for k, v in price.payer_shares.items())
        kind = "maximum per cohort, paid by grade" if m.graded else f"per {m.unit}"
        row: dict[str, Any] = {
            "outcome_metric_id": _v(m.code),
            "currency": _v(contract.currency),
            "price_per_unit": {"amount": _v(_num(price.price))},
            "price_description": _v(
                f"Rate card {first.version} from {first.valid_from}, {kind}; "
                f"payer shares: {shares}."
            ),
            "source_ids": SOURCE,
        }
        changes = [
            f"from {card.valid_from} (rate card {card.version}): {card.prices[m.code].price}"
            for card in later
            if card.prices[m.code].price != price.price
        ]
        if changes:
            row["contracted_increases_to_outcome_pricing"] = _v("; ".join(changes))
        if m.code in contract.caps.per_metric:
            row["maximum_price_if_all_targets_achieved"] = {
                "amount": _v(str(contract.caps.per_metric[m.code]))
            }
        rows.append(row)
    return rows


def _cohort_text(line: Line) -> str:
    r = line.result
    text = f"Cohort {r.cohort}: {r.value}"
    if r.comparison is not None:
        text += f" against {r.comparison} in the comparison group"
    if line.improvement is not None:
        text += f" (improvement {line.improvement})"
    if line.fraction is not None:
        text += f" (graded {line.fraction:.4f})"
    return text + (" — paid" if line.paid > 0 else " — not paid")


def _results(
    contract: Contract,
    evaluation: Evaluation,
    parties: Sequence[Mapping[str, str]],
    final: bool,
) -> list[dict[str, Any]]:
    validators = ",".join(org_id(p["code"]) for p in _with_role(parties, "evaluator"))
    kind = _v("Final" if final else "Interim")
    lines = evaluation.lines

    def row(level: str, start: date, end: date, text: str, **extra: Any) -> dict[str, Any]:
        out = {
            "result_level": _v(level),
            "result_type": kind,
            "period": {"start_date": _v(start.isoformat()), "end_date": _v(end.isoformat())},
            "outcomes_achieved": _v(text),
            "source_ids": SOURCE,
            **extra,
        }
        if validators:
            out["outcomes_validator_organisation_ids"] = _v(validators)
        return out

    engaged = {ln.result.participant for ln in lines if ln.result.participant}
    positive = {ln.result.participant for ln in lines if ln.result.participant and ln.accepted}
    last = max((ln.result.achieved_on for ln in lines), default=contract.start)
    rows = [
        row(
            "Project level",
            contract.start,
            last,
            f"{len(positive)} of {len(engaged)} participants with results achieved at least "
            f"one verified outcome; {evaluation.total} {evaluation.currency} payable.",
            number_engaged_in_impact_bond=_v(len(engaged)),
            number_with_positive_social_outcomes=_v(len(positive)),
        )
    ]
    for m in contract.metrics:
        own = [ln for ln in lines if ln.result.metric == m.code]
        if not own:
            continue
        accepted = [ln for ln in own if ln.accepted]
        paid = sum((ln.paid for ln in own), Decimal(0))
        reasons = Counter(p.code for ln in own if not ln.accepted for p in ln.problems)
        if m.unit == "cohort":
            text = "; ".join(_cohort_text(ln) for ln in accepted) or "No cohort result accepted"
        else:
            text = f"{len(accepted)} participants achieved this outcome (verified)"
        refused = ", ".join(f"{code} {n}" for code, n in sorted(reasons.items()))
        text += f". Refused: {refused}." if refused else "."
        text += f" Payable: {paid} {evaluation.currency}."
        end = max(ln.result.achieved_on for ln in own)
        rows.append(row("Outcome level", contract.start, end, text, outcome_metric_id=_v(m.code)))
    return rows


# -- parties -----------------------------------------------------------------------------


def _organisations(parties: Sequence[Mapping[str, str]]) -> list[dict[str, Any]]:
    roles: dict[str, list[str]] = {}
    first: dict[str, Mapping[str, str]] = {}
    for party in parties:
        roles.setdefault(party["code"], []).append(party["role"])
        first.setdefault(party["code"], party)
    out = []
    for code, party in first.items():
        data: dict[str, Any] = {
            "name": _v(party.get("name_th") or party.get("name_en") or code),
            "translated_official_name": {
                "english": _v(party.get("name_en", "")),
                "source_language": _v("th"),
            },
            "jurisdiction": _v(COUNTRY),
            "country": _v(COUNTRY),
        }
        if party.get("kind") in _ORG_TYPES:
            data["type"] = _v(_ORG_TYPES[party["kind"]])
        out.append({"id": org_id(code), "data": data, "roles": roles[code]})
    return out


def _investments(
    contract: Contract,
    parties: Sequence[Mapping[str, str]],
    complete: bool,
    figures: InvestorFigures | None,
) -> list[dict[str, Any]]:
    inv = contract.investment
    if inv is None:
        return []
    cap = inv.return_cap
    limits = []
    if cap is not None and cap.pct_of_principal is not None:
        limits.append(f"{cap.pct_of_principal}% of the principal drawn")
    if cap is not None and cap.annual_pct is not None:
        limits.append(f"{cap.annual_pct}% a year (simple, on principal outstanding)")
    note = (
        ("Return capped at " + " and at ".join(limits) + ", whichever is smaller")
        if limits
        else "Return not capped"
    ) + _REMAINDER[inv.remainder]
    shares = {s.investor: s for s in figures.investors} if figures is not None else {}
    rows = []
    for c in inv.commitments:
        party = _spec_party(parties, "investor", c.investor)
        row: dict[str, Any] = {
            "id": f"investment-{c.investor}",
            "organisation_id": _v(org_id(party["code"])),
            "organisation_role_category": _v(_role_category(party, "investor")),
            "investment_commitment": {
                "currency": _v(contract.currency),
                "amount": {"exact": _v(_num(c.amount))},
            },
            "maximum_potential_loss": _v("100%"),
            "source_ids": SOURCE,
            "notes": note,
        }
        if cap is not None and cap.annual_pct is not None:
            row["maximum_potential_return_type"] = _v("Average annual return")
            row["maximum_potential_return"] = _v(_num(cap.annual_pct))
        share = shares.get(c.investor)
        if complete and share is not None:
            got = share.principal_repaid + share.return_paid
            row["investor_repayment"] = _v(
                "Principal + positive financial returns"
                if share.return_paid > 0
                else "Principal repaid (but no net return)"
                if got >= share.drawn
                else "Some repayment (but below value of principle)"
                if got > 0
                else "No repayment (no principle or return)"
            )
        rows.append(row)
    return rows


def _transactions(
    contract: Contract,
    parties: Sequence[Mapping[str, str]],
    figures: InvestorFigures | None,
    as_of: date,
) -> list[dict[str, Any]]:
    inv = contract.investment
    if inv is None or figures is None:
        return []
    fund = _with_role(parties, "intermediary")
    fund_id = _v(org_id(fund[0]["code"])) if fund else None
    kinds = {"drawdown": "Other", "principal": "Capital Repayment", "return": "Interest Payment"}
    notes = {
        "drawdown": "Drawdown of outcome-contingent capital, repaid only from outcome payments.",
        "principal": "Principal repaid from outcome payments.",
        "return": "Capped return paid from outcome payments (INDIGO has no 'return' type).",
    }
    rows = []
    for share in figures.investors:
        investor = _v(org_id(_spec_party(parties, "investor", share.investor)["code"]))
        for flow in share.cash_flows:
            if flow.on > as_of:
                continue
            inward = flow.kind == "drawdown"
            row: dict[str, Any] = {
                "investment_id": _v(f"investment-{share.investor}"),
                "date": _v(flow.on.isoformat()),
                "transaction_type": _v(kinds[flow.kind]),
                "money": _money(contract.currency, abs(flow.amount)),
                "notes": notes[flow.kind],
            }
            if fund_id is not None:
                row["receiving_organisation_id" if inward else "sending_organisation_id"] = fund_id
            row["sending_organisation_id" if inward else "receiving_organisation_id"] = investor
            rows.append(row)
    return rows
