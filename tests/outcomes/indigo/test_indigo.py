"""The INDIGO export: the project schema's shape, consistent ids and money, CSV, no people.

``jsonschema`` is not installed in this project, so :data:`SHAPE` transcribes, for every
field the export writes, what ``schema/project.json`` of
``INDIGO-Initiative/indigo-data-standard`` (standard 2.3.0) says about it: the
``{"value": …}`` wrapper's type (string, number, date pattern) and the codelist where it
has one. A field the schema does not define fails the test.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from saphan.outcomes.engine import Result, evaluate
from saphan.outcomes.indigo import (
    CSV_TABLES,
    ORGANISATION_PREFIX,
    PROJECT_PREFIX,
    indigo_csv,
    indigo_project,
    payments_from_evaluation,
)
from saphan.outcomes.pilots import (
    PILOTS,
    pilot_contract_parsed,
    pilot_participants,
    pilot_parties,
    pilot_project_info,
    pilot_results,
)

S, N, D = "string", "number", "date"
PUBLIC = {"Nonprofit/NGO", "Foundation/Philanthropist", "Government/Public Sector/Public Bank"}
MULTILATERAL = "Multilateral/Bilateral/Intergovernmental Financial Institution"
PROVIDER_CATEGORY = PUBLIC | {"For-profit", "Other"}
PAYER_CATEGORY = PUBLIC | {MULTILATERAL, "Corporate Giving", "Investment Fund", "Other"}
INVESTOR_CATEGORY = PUBLIC | {
    MULTILATERAL,
    "Corporate Giving",
    "Investment Fund",
    "High Net Worth Individual/Family Office/Private Bank",
    "Impact Investor",
    "Commercial",
}
POLICY_SECTORS = {
    "Employment and training",
    "Child and family welfare",
    "Health",
    "Homelessness",
    "Education",
    "Criminal justice",
    "Agriculture and environment",
    "Poverty reduction",
}
#: Path (list items as ``[]``) → the wrapped value's type, or its codelist.
SHAPE: dict[str, str | set[str]] = {
    "name": S,
    "alternative_names": S,
    "notes": S,
    "stage_development": {"Contracted", "Implementation", "Service delivery complete", "Complete"},
    **{
        f"dates/{k}": D
        for k in (
            "outcomes_contract_signed",
            "start_date_of_service_provision",
            "anticipated_end_date_of_service_provision",
            "actual_end_date_of_service_provision",
            "anticipated_completion_date",
        )
    },
    "jurisdiction/jurisdiction": S,
    "overall_project_finance/total_investment_commitment/currency": S,
    "overall_project_finance/total_investment_commitment/amount/exact": N,
    "overall_project_finance/maximum_potential_outcome_payment_v2/currency": S,
    "overall_project_finance/maximum_potential_outcome_payment_v2/amount": N,
    "overall_project_finance/maximum_potential_loss": S,
    "overall_project_finance/maximum_potential_return_type": S,
    "overall_project_finance/maximum_potential_return": S,
    "overall_project_finance/total_outcome_payments_made/currency": S,
    "overall_project_finance/total_outcome_payments_made/amount": N,
    "investment_details/total_funds_invested/latest/currency": S,
    "investment_details/total_funds_invested/latest/amount": N,
    "investment_details/total_funds_invested/latest/date": D,
    "investment_details/internal_rate_of_return/latest": S,
    "investment_details/internal_rate_of_return/date": D,
    "purpose_and_classifications/intervention": S,
    "purpose_and_classifications/policy_sector": POLICY_SECTORS,
    "purpose_and_classifications/primary_sdg_goal": S,
    "service_and_beneficiaries/target_population": S,
    "service_and_beneficiaries/targeted_number_service_users_or_beneficiaries_total": N,
    "service_and_beneficiaries/unit_type_targeted_service_users_or_beneficiaries": {
        "Individual",
        "Other",
    },
    "service_and_beneficiaries/actual_number_service_users_or_beneficiaries_total": N,
    "service_and_beneficiaries/unit_type_actual_service_users_or_beneficiaries": {
        "Individual",
        "Other",
    },
    "sources[]/name": S,
    "sources[]/type": {
        "Contract",
        "Report",
        "Award Notice",
        "Website",
        "News piece",
        "Press release",
        "Email correspondence",
        "Evaluation report",
    },
    "sources[]/publishing_organisation_ids": S,
    "sources[]/accessed_date": S,
    "delivery_locations[]/location_name": S,
    "delivery_locations[]/location_country": S,
    "delivery_locations[]/adminstrative_geography_name": S,
    "delivery_locations[]/adminstrative_geography_code_type": S,
    "delivery_locations[]/adminstrative_geography_code": S,
    "service_provisions[]/organisation_id": S,
    "service_provisions[]/organisation_role_category": PROVIDER_CATEGORY,
    "service_provisions[]/intervention": S,
    "service_provisions[]/planned_service/start_date": S,
    "service_provisions[]/planned_service/end_date": S,
    "intermediary_services[]/organisation_id": S,
    "intermediary_services[]/organisation_role_category": {
        "Impact bond design",
        "Financial and commercial modeling",
        "Impact bond investment structure",
        "Capital raise",
        "Loan arranger",
        "Performance management",
        "Legal counsel",
        "Technical assistance",
        "Other",
    },
    "intermediary_services[]/other_role_description": S,
    "outcome_payment_commitments[]/organisation_id": S,
    "outcome_payment_commitments[]/organisation_role_category": PAYER_CATEGORY,
    "outcome_payment_commitments[]/maximum_potential_outcome_payment/currency": S,
    "outcome_payment_commitments[]/maximum_potential_outcome_payment/amount": N,
    "outcome_payment_commitments[]/total_outcome_payments/currency": S,
    "outcome_payment_commitments[]/total_outcome_payments/amount": N,
    "outcome_payment_commitments[]/result_type": {"Interim", "Overall"},
    "outcome_payment_commitments[]/period/start_date": D,
    "outcome_payment_commitments[]/period/end_date": D,
    "investments[]/organisation_id": S,
    "investments[]/organisation_role_category": INVESTOR_CATEGORY,
    "investments[]/investment_commitment/currency": S,
    "investments[]/investment_commitment/amount/exact": N,
    "investments[]/maximum_potential_loss": S,
    "investments[]/maximum_potential_return_type": {"IRR", "Average annual return"},
    "investments[]/maximum_potential_return": N,
    "investments[]/investor_repayment": {
        "No repayment (no principle or return)",
        "Some repayment (but below value of principle)",
        "Principal repaid (but no net return)",
        "Principal + positive financial returns",
        "Not publicly available",
    },
    "outcome_metrics[]/definition": S,
    "outcome_metrics[]/target_population": S,
    "outcome_metrics[]/targeted_number_of_service_users_or_beneficiaries_total": N,
    "outcome_metrics[]/unit_type_of_targeted_service_users_or_beneficiaries": {
        "Individual",
        "Other",
    },
    "outcome_metrics[]/unit_description_of_service_user_or_beneficiaries": S,
    "outcome_metrics[]/outcome_metric_target": S,
    "outcome_metrics[]/other_target_for_meeting_outcome_metric_target": S,
    "outcome_metrics[]/outcome_validation_method": {
        "Randomised Control Trial",
        "Quasi-experimental study",
        "Historical comparison",
        "Pre-Post analysis",
        "Simple ex-post verification",
        "Not available",
    },
    "outcome_metrics[]/data_source_for_outcome_validation": S,
    "outcome_metrics[]/policy_sector": POLICY_SECTORS,
    "outcome_metrics[]/primary_sdg_goal": S,
    "outcome_pricings[]/outcome_metric_id": S,
    "outcome_pricings[]/currency": S,
    "outcome_pricings[]/price_per_unit/amount": N,
    "outcome_pricings[]/maximum_price_if_all_targets_achieved/amount": S,
    "outcome_pricings[]/contracted_increases_to_outcome_pricing": S,
    "outcome_pricings[]/price_description": S,
    "transactions[]/investment_id": S,
    "transactions[]/date": D,
    "transactions[]/sending_organisation_id": S,
    "transactions[]/receiving_organisation_id": S,
    "transactions[]/transaction_type": {
        "Debt",
        "Grant",
        "Equity",
        "Debt and Equity",
        "Interest Payment",
        "Capital Repayment",
        "Capital Repayment and Interest",
        "Outcome Payment",
        "Other",
    },
    "transactions[]/money/currency": S,
    "transactions[]/money/amount": N,
    "results[]/outcome_metric_id": S,
    "results[]/result_level": {"Project level", "Outcome level"},
    "results[]/result_type": {"Interim", "Final"},
    "results[]/period/start_date": D,
    "results[]/period/end_date": D,
    "results[]/outcomes_achieved": S,
    "results[]/number_engaged_in_impact_bond": N,
    "results[]/number_with_positive_social_outcomes": N,
    "results[]/outcomes_validator_organisation_ids": S,
    "outcome_payments[]/outcome_metric_id": S,
    "outcome_payments[]/period/start_date": D,
    "outcome_payments[]/period/end_date": D,
    "outcome_payments[]/payer_organisation_id": S,
    "outcome_payments[]/recipient_organisation_id": S,
    "outcome_payments[]/type": {"Planned", "Actual"},
    "outcome_payments[]/money/currency": S,
    "outcome_payments[]/money/amount": N,
}
#: Fields the schema defines as plain strings (not wrapped).
RAW = {"status", "source_ids", "notes", "id"}
DATE = re.compile(r"^\d{4}$|^\d{4}-\d{2}$|^\d{4}-\d{2}-\d{2}$")
AS_OF = date(2026, 11, 25)
CODES = [spec.code for spec in PILOTS]


def _leaves(node: Any, path: str = "") -> Iterator[tuple[str, Any, bool]]:
    """(path, value, wrapped) for every leaf of the project data."""
    if isinstance(node, dict):
        if set(node) == {"value"}:
            yield path, node["value"], True
            return
        for key, child in node.items():
            yield from _leaves(child, f"{path}/{key}" if path else key)
    elif isinstance(node, list):
        for child in node:
            yield from _leaves(child, f"{path}[]")
    else:
        yield path, node, False


def _check_shape(data: dict[str, Any]) -> None:
    assert data["status"] in {"PUBLIC", "PRIVATE", "DISPUTED"}
    assert data["sources"], "the schema wants at least one source"
    assert data["outcome_metrics"], "the schema wants at least one outcome metric"
    for path, value, wrapped in _leaves(data):
        if not wrapped:
            assert path.rsplit("/", 1)[-1] in RAW and isinstance(value, str), path
            continue
        expected = SHAPE.get(path)
        assert expected is not None, f"{path} is not a field of the INDIGO project schema"
        if expected == N:
            assert isinstance(value, int | float) and not isinstance(value, bool), path
        elif expected == D:
            assert isinstance(value, str) and DATE.match(value), (path, value)
        elif expected == S:
            assert isinstance(value, str), path
        else:
            assert value in expected, (path, value)


def _export(code: str, as_of: date = AS_OF, **kwargs: Any) -> dict[str, Any]:
    contract = pilot_contract_parsed(code)
    results = pilot_results(code, pilot_participants(code), as_of=as_of)
    return indigo_project(
        contract,
        parties=pilot_parties(code),
        results=results,
        project=pilot_project_info(code),
        as_of=as_of,
        **kwargs,
    )


@pytest.mark.parametrize("code", CODES)
@pytest.mark.parametrize("as_of", [date(2025, 9, 1), AS_OF, date(2028, 6, 30)])
def test_the_export_has_the_shape_of_the_indigo_project_schema(code: str, as_of: date) -> None:
    doc = _export(code, as_of)
    _check_shape(doc["data"])
    json.dumps(doc)  # plain JSON: no Decimal, no date objects
    assert doc["id"] == f"{PROJECT_PREFIX}{code}"


def test_the_stage_follows_the_dates() -> None:
    stages = [
        _export("HHH-2026", d)["data"]["stage_development"]["value"]
        for d in (date(2025, 9, 1), AS_OF, date(2027, 10, 15), date(2028, 1, 1))
    ]
    assert stages == ["Contracted", "Implementation", "Service delivery complete", "Complete"]
    finished = _export("HHH-2026", date(2028, 1, 1))["data"]
    assert all("investor_repayment" in i for i in finished["investments"])
    assert {r["result_type"]["value"] for r in finished["results"]} == {"Final"}


@pytest.mark.parametrize("code", CODES)
def test_references_point_at_exported_organisations_and_metrics(code: str) -> None:
    doc = _export(code)
    data = doc["data"]
    orgs = {o["id"] for o in doc["organisations"]}
    assert all(o.startswith(ORGANISATION_PREFIX) for o in orgs)
    referenced = {
        ref
        for path, value, wrapped in _leaves(data)
        if wrapped and (path.endswith("organisation_id") or path.endswith("_organisation_ids"))
        for ref in value.split(",")
    }
    assert referenced and referenced <= orgs
    metrics = {m["id"] for m in data["outcome_metrics"]}
    for table in ("outcome_pricings", "results", "outcome_payments"):
        used = {r["outcome_metric_id"]["value"] for r in data[table] if "outcome_metric_id" in r}
        assert used <= metrics
    assert {p["outcome_metric_id"]["value"] for p in data["outcome_pricings"]} == metrics
    roles = {r for o in doc["organisations"] for r in o["roles"]}
    assert roles == {"investor", "provider", "intermediary", "evaluator", "payer"}


@pytest.mark.parametrize("code", CODES)
def test_money_adds_up_in_baht(code: str) -> None:
    data = _export(code)["data"]
    paid = sum(Decimal(str(p["money"]["amount"]["value"])) for p in data["outcome_payments"])
    total = data["overall_project_finance"]["total_outcome_payments_made"]
    assert Decimal(str(total["amount"]["value"])) == paid > 0
    by_payer = sum(
        Decimal(str(c["total_outcome_payments"]["amount"]["value"]))
        for c in data["outcome_payment_commitments"]
    )
    assert by_payer == paid
    currencies = {v for p, v, w in _leaves(data) if w and p.endswith("currency")}
    assert currencies == {"THB"}


def test_payments_given_are_exported_as_actual_payments() -> None:
    contract = pilot_contract_parsed("TIP-2026")
    payments = [
        {"period": "2026-Q1", "payer": "ops", "amount": "64000.00", "paid_on": "2026-05-29"},
        {"period": "2026-03", "payer": "ops", "amount": "0.50", "paid_on": "2026-06-01"},
    ]
    doc = indigo_project(contract, parties=pilot_parties("TIP-2026"), payments=payments)
    rows = doc["data"]["outcome_payments"]
    assert [r["money"]["amount"]["value"] for r in rows] == [64000, 0.5]
    assert rows[1]["period"]["end_date"]["value"] == "2026-03-31"
    assert all(r["type"]["value"] == "Actual" and "Paid on" in r["notes"] for r in rows)
    assert doc["meta"]["as_of"] == "2026-06-01"
    assert "results" not in doc["data"]
    _check_shape(doc["data"])


def test_derived_payments_follow_the_evaluation_and_the_lag() -> None:
    contract = pilot_contract_parsed("HHH-2026")
    ev = evaluate(contract, pilot_results("HHH-2026", pilot_participants("HHH-2026")))
    every = payments_from_evaluation(contract, ev)
    assert sum(Decimal(p["amount"]) for p in every) == ev.total
    early = payments_from_evaluation(contract, ev, as_of=AS_OF)
    assert all(date.fromisoformat(p["paid_on"]) <= AS_OF for p in early)
    assert len(early) < len(every)


def test_results_are_counts_per_metric() -> None:
    code = "SMSK-2026"
    participants = pilot_participants(code)
    results = pilot_results(code, participants, as_of=AS_OF)
    data = _export(code)["data"]
    project = data["results"][0]
    assert project["result_level"]["value"] == "Project level"
    engaged = {r.participant for r in results if r.participant}
    assert project["number_engaged_in_impact_bond"]["value"] == len(engaged)
    outcome_rows = {r["outcome_metric_id"]["value"]: r for r in data["results"][1:]}
    assert "job_started" in outcome_rows
    assert "participants achieved" in outcome_rows["job_started"]["outcomes_achieved"]["value"]
    cohort = outcome_rows["development_cohort"]["outcomes_achieved"]["value"]
    assert cohort.startswith("Cohort C1:")


def test_no_participant_code_or_identity_number_leaves() -> None:
    code = "HHH-2026"
    contract = pilot_contract_parsed(code)
    pid = "1101700203451"  # shaped like a Thai personal ID, used here as a participant code
    results = [
        *pilot_results(code, pilot_participants(code), as_of=AS_OF),
        Result("housed_3m", date(2026, 5, 1), Decimal(1), pid, "C1", date(2026, 1, 15)),
    ]
    doc = indigo_project(
        contract, parties=pilot_parties(code), results=results, project=pilot_project_info(code)
    )
    text = json.dumps(doc, ensure_ascii=False) + "".join(indigo_csv(doc).values())
    assert pid not in text
    assert "HHH-T0" not in text
    assert not re.search(r"(?<!\d)\d{13}(?!\d)", text)


def test_csv_tables_have_the_documented_headers_and_one_row_per_item() -> None:
    doc = _export("PAS-2026")
    tables = indigo_csv(doc)
    assert set(tables) == set(CSV_TABLES)
    for name, text in tables.items():
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == list(CSV_TABLES[name]), name
        expected = {"project": 1, "organisations": len(doc["organisations"])}.get(
            name, len(doc["data"].get(name, []))
        )
        assert len(rows) - 1 == expected, name
    project = next(csv.DictReader(io.StringIO(tables["project"])))
    assert project["id"] == "INDIGO-POJ-SAPHAN-PAS-2026"
    assert project["overall_project_finance/total_investment_commitment/amount/exact"] == "1200000"
    prices = list(csv.DictReader(io.StringIO(tables["outcome_pricings"])))
    assert [p["price_per_unit/amount"] for p in prices] == ["4000", "9000", "12000", "250000"]
    orgs = list(csv.DictReader(io.StringIO(tables["organisations"])))
    assert {o["roles"] for o in orgs} >= {"investor", "provider", "payer"}
