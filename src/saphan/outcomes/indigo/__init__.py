"""Export an outcomes project in the INDIGO impact-bond data standard (GO Lab, Oxford).

:func:`indigo_project` turns a contract, its parties and (optionally) its results,
evaluation and payments into one JSON document: ``data`` follows the INDIGO project
schema (``schema/project.json`` of ``INDIGO-Initiative/indigo-data-standard``, standard
2.3.0), every leaf wrapped the INDIGO way as ``{"value": …}``; ``organisations`` follow its
organisation schema. The envelope (``id`` + ``data``) is the one the INDIGO database's
API uses. :func:`indigo_csv` flattens the document into one CSV text per table.

No personal data leaves: participants appear only as counts per outcome metric and for
the project; participant codes, names and identity numbers are never written. Cohort
codes (``C1``) and aggregate cohort values are. ``docs/outcomes-indigo.md`` has the
field-by-field mapping and what is not mapped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from saphan.outcomes.engine import (
    Contract,
    Evaluation,
    InvestorFigures,
    Result,
    evaluate,
    investor_figures,
)
from saphan.outcomes.indigo.parts import (
    COUNTRY,
    ORGANISATION_PREFIX,
    PROJECT_PREFIX,
    SCHEMA,
    SOURCE,
    _final_payment_date,
    _investments,
    _maximum,
    _money,
    _num,
    _organisations,
    _outcome_metrics,
    _outcome_payments,
    _outcome_pricings,
    _results,
    _role_category,
    _spec_party,
    _transactions,
    _v,
    _with_role,
    org_id,
    payments_from_evaluation,
)
from saphan.outcomes.indigo.tables import CSV_TABLES, indigo_csv

__all__ = [
    "CSV_TABLES",
    "ORGANISATION_PREFIX",
    "PROJECT_PREFIX",
    "SCHEMA",
    "indigo_csv",
    "indigo_project",
    "org_id",
    "payments_from_evaluation",
]

# -- the project -------------------------------------------------------------------------


def _stage(contract: Contract, as_of: date) -> str:
    if as_of < contract.start:
        return "Contracted"
    if as_of <= contract.end:
        return "Implementation"
    return "Complete" if as_of > _final_payment_date(contract) else "Service delivery complete"


def _dates(contract: Contract, project: Mapping[str, Any], as_of: date) -> dict[str, Any]:
    dates: dict[str, Any] = {
        "start_date_of_service_provision": _v(contract.start.isoformat()),
        "anticipated_end_date_of_service_provision": _v(contract.end.isoformat()),
        "anticipated_completion_date": _v(_final_payment_date(contract).isoformat()),
    }
    if project.get("signed_on"):
        dates["outcomes_contract_signed"] = _v(str(project["signed_on"]))
    if as_of > contract.end:
        dates["actual_end_date_of_service_provision"] = _v(contract.end.isoformat())
    return dates


def _finance(contract: Contract, paid: Decimal, figures: InvestorFigures | None) -> dict[str, Any]:
    cur = contract.currency
    finance: dict[str, Any] = {
        "total_outcome_payments_made": _money(cur, paid),
        "source_ids": SOURCE,
    }
    if (maximum := _maximum(contract)) is not None:
        finance["maximum_potential_outcome_payment_v2"] = _money(cur, maximum)
    if (inv := contract.investment) is not None:
        finance["total_investment_commitment"] = {
            "currency": _v(cur),
            "amount": {"exact": _v(_num(inv.committed))},
        }
        finance["maximum_potential_loss"] = _v("100%")
        if inv.return_cap is not None and inv.return_cap.annual_pct is not None:
            finance["maximum_potential_return_type"] = _v("Average annual return")
            finance["maximum_potential_return"] = _v(f"{inv.return_cap.annual_pct}%")
    return finance


def _investment_details(
    contract: Contract, figures: InvestorFigures | None, as_of: date
) -> dict[str, Any]:
    tranches = contract.investment.tranches if contract.investment else ()
    drawn = sum((t.amount for t in tranches if t.on <= as_of), Decimal(0))
    details: dict[str, Any] = {
        "total_funds_invested": {
            "latest": {**_money(contract.currency, drawn), "date": _v(as_of.isoformat())}
        }
    }
    if figures is not None and figures.irr is not None:
        details["internal_rate_of_return"] = {
            "latest": _v(f"{figures.irr * 100:.2f}%"),
            "date": _v(as_of.isoformat()),
        }
    return details


def _locations(project: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "location_name": _v(name_en),
            "location_country": _v(COUNTRY),
            "adminstrative_geography_name": _v(name_en),  # the schema's own spelling
            "adminstrative_geography_code_type": _v("DOPA province code"),
            "adminstrative_geography_code": _v(code),
            "notes": f"จังหวัด{name_th}",
        }
        for code, name_th, name_en in project.get("provinces", [])
    ]


def indigo_project(
    contract: Contract,
    *,
    parties: list[dict[str, str]],
    results: list[Result] | None = None,
    evaluation: Evaluation | None = None,
    payments: list[dict[str, str]] | None = None,
    project: Mapping[str, Any] | None = None,
    as_of: date | None = None,
    status: str = "PRIVATE",
) -> dict[str, Any]:
    """The project as an INDIGO document: ``{"id", "data", "organisations", "meta"}``.

    ``parties``: dicts with ``code``, ``name_th``, ``name_en``, ``kind``, ``role``,
    ``spec_code`` (the payer or investor code in the contract) and optionally
    ``category`` (an INDIGO organisation role category). ``results`` are evaluated when
    no ``evaluation`` is given. ``payments``: dicts with ``period`` (``2026-Q3``),
    ``payer`` (contract code), ``amount``, ``paid_on`` and optionally ``metric``; left
    out, they are derived from the evaluation (:func:`payments_from_evaluation`).
    ``project``: descriptions, target population, policy sector, SDG, provinces (see
    ``pilot_project_info``). ``as_of`` (default: the latest result or payment date, or
    the contract start) sets the stage and which flows have happened.
    """
    info: Mapping[str, Any] = project or {}
    if evaluation is None and results is not None:
        evaluation = evaluate(contract, results)
    derived = payments is None
    if as_of is None:
        known = [ln.result.achieved_on for ln in evaluation.lines] if evaluation else []
        known += [date.fromisoformat(p["paid_on"]) for p in payments or [] if p.get("paid_on")]
        as_of = max(known, default=contract.start)
    if payments is None:
        payments = payments_from_evaluation(contract, evaluation, as_of=as_of) if evaluation else []
    paid = sum((Decimal(p["amount"]) for p in payments), Decimal(0))
    schedule = sorted((date.fromisoformat(p["paid_on"]), Decimal(p["amount"])) for p in payments)
    figures = investor_figures(contract, schedule) if contract.investment else None
    stage = _stage(contract, as_of)
    data: dict[str, Any] = {
        "status": status,
        "name": _v(contract.name_en),
        "alternative_names": _v(f"{contract.name_th}, {contract.code}"),
        "stage_development": _v(stage),
        "dates": _dates(contract, info, as_of),
        "jurisdiction": {"jurisdiction": _v(COUNTRY)},
        "overall_project_finance": _finance(contract, paid, figures),
        "purpose_and_classifications": {},
        "service_and_beneficiaries": {
            "unit_type_targeted_service_users_or_beneficiaries": _v("Individual")
        },
        "sources": [
            {
                "id": SOURCE,
                "name": _v(f"Saphan outcomes contract {contract.code} and verified results"),
                "type": _v("Contract"),
                "publishing_organisation_ids": _v(
                    ",".join(org_id(p["code"]) for p in _with_role(parties, "intermediary"))
                ),
                "accessed_date": _v(as_of.isoformat()),
            }
        ],
        "delivery_locations": _locations(info),
        "service_provisions": [
            {
                "id": f"service-provision-{p['code']}",
                "organisation_id": _v(org_id(p["code"])),
                "organisation_role_category": _v(_role_category(p, "provider")),
                "planned_service": {
                    "start_date": _v(contract.start.isoformat()),
                    "end_date": _v(contract.end.isoformat()),
                },
                **(
                    {"intervention": _v(info["description_en"])}
                    if info.get("description_en")
                    else {}
                ),
            }
            for p in _with_role(parties, "provider")
        ],
        "intermediary_services": [
            {
                "organisation_id": _v(org_id(p["code"])),
                "organisation_role_category": _v("Performance management"),
                "other_role_description": _v(
                    "Holds the project fund, pre-checks claims, runs the payments and keeps "
                    "the ledger."
                ),
            }
            for p in _with_role(parties, "intermediary")
        ],
        "outcome_payment_commitments": [
            _commitment(contract, parties, payer.code, payments, stage == "Complete")
            for payer in contract.payers
        ],
        "investments": _investments(contract, parties, stage == "Complete", figures),
        "outcome_metrics": _outcome_metrics(contract, info),
        "outcome_pricings": _outcome_pricings(contract),
        "transactions": _transactions(contract, parties, figures, as_of),
        "outcome_payments": _outcome_payments(contract, payments, parties, derived),
        "notes": _v(
            "Exported from Saphan. Participant-level data is never exported: results are "
            "counts per outcome metric and cohort aggregates."
        ),
    }
    if contract.investment is not None:
        data["investment_details"] = _investment_details(contract, figures, as_of)
    if evaluation is not None:
        data["results"] = _results(contract, evaluation, parties, stage == "Complete")
    _describe(data, info)
    return {
        "id": f"{PROJECT_PREFIX}{contract.code}",
        "data": data,
        "organisations": _organisations(parties),
        "meta": {"schema": SCHEMA, "exported_by": "saphan", "as_of": as_of.isoformat()},
    }


def _commitment(
    contract: Contract,
    parties: Sequence[Mapping[str, str]],
    payer: str,
    payments: Sequence[Mapping[str, str]],
    complete: bool,
) -> dict[str, Any]:
    party = _spec_party(parties, "payer", payer)
    paid = sum((Decimal(p["amount"]) for p in payments if p["payer"] == payer), Decimal(0))
    name = next(p.name_th for p in contract.payers if p.code == payer)
    row: dict[str, Any] = {
        "organisation_id": _v(org_id(party["code"])),
        "organisation_role_category": _v(_role_category(party, "payer")),
        "total_outcome_payments": _money(contract.currency, paid),
        "result_type": _v("Overall" if complete else "Interim"),
        "period": {
            "start_date": _v(contract.start.isoformat()),
            "end_date": _v(contract.end.isoformat()),
        },
        "source_ids": SOURCE,
        "notes": f"{payer}: {name}",
    }
    if payer in contract.caps.per_payer:
        row["maximum_potential_outcome_payment"] = _money(
            contract.currency, contract.caps.per_payer[payer]
        )
    return row


def _describe(data: dict[str, Any], info: Mapping[str, Any]) -> None:
    purpose, service = data["purpose_and_classifications"], data["service_and_beneficiaries"]
    if info.get("description_en"):
        purpose["intervention"] = _v(info["description_en"])
    if info.get("policy_sector"):
        purpose["policy_sector"] = _v(info["policy_sector"])
    if info.get("sdg_goal"):
        purpose["primary_sdg_goal"] = _v(str(info["sdg_goal"]))
    if info.get("target_population_en"):
        service["target_population"] = _v(info["target_population_en"])
    if info.get("target_participants"):
        service["targeted_number_service_users_or_beneficiaries_total"] = _v(
            info["target_participants"]
        )
    if "results" in data:
        engaged = data["results"][0]["number_engaged_in_impact_bond"]["value"]
        service["actual_number_service_users_or_beneficiaries_total"] = _v(engaged)
        service["unit_type_actual_service_users_or_beneficiaries"] = _v("Individual")
