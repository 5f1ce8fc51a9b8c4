"""The INDIGO document as CSV: one text per table, columns named by their JSON path."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

# -- CSV ---------------------------------------------------------------------------------

#: Table → columns. A column is a JSON path under the item's ``data`` (organisations) or
#: the list item (the rest), with the final ``/value`` left out.
CSV_TABLES: dict[str, tuple[str, ...]] = {
    "project": (
        "id", "name", "alternative_names", "status", "stage_development",
        "jurisdiction/jurisdiction", "dates/start_date_of_service_provision",
        "dates/anticipated_end_date_of_service_provision", "dates/anticipated_completion_date",
        "purpose_and_classifications/policy_sector", "purpose_and_classifications/intervention",
        "service_and_beneficiaries/target_population",
        "service_and_beneficiaries/actual_number_service_users_or_beneficiaries_total",
        "overall_project_finance/total_investment_commitment/currency",
        "overall_project_finance/total_investment_commitment/amount/exact",
        "overall_project_finance/maximum_potential_outcome_payment_v2/amount",
        "overall_project_finance/total_outcome_payments_made/amount",
    ),
    "organisations": (
        "id", "name", "translated_official_name/english", "type", "jurisdiction", "roles",
    ),
    "outcome_metrics": (
        "project_id", "id", "definition", "unit_type_of_targeted_service_users_or_beneficiaries",
        "targeted_number_of_service_users_or_beneficiaries_total", "outcome_metric_target",
        "other_target_for_meeting_outcome_metric_target", "outcome_validation_method",
        "data_source_for_outcome_validation", "policy_sector", "notes",
    ),
    "outcome_pricings": (
        "project_id", "outcome_metric_id", "currency", "price_per_unit/amount",
        "maximum_price_if_all_targets_achieved/amount", "contracted_increases_to_outcome_pricing",
        "price_description",
    ),
    "outcome_payment_commitments": (
        "project_id", "organisation_id", "organisation_role_category",
        "maximum_potential_outcome_payment/currency", "maximum_potential_outcome_payment/amount",
        "total_outcome_payments/amount", "result_type", "period/start_date", "period/end_date",
        "notes",
    ),
    "investments": (
        "project_id", "id", "organisation_id", "organisation_role_category",
        "investment_commitment/currency", "investment_commitment/amount/exact",
        "maximum_potential_return_type", "maximum_potential_return", "maximum_potential_loss",
        "investor_repayment", "notes",
    ),
    "results": (
        "project_id", "outcome_metric_id", "result_level", "result_type", "period/start_date",
        "period/end_date", "number_engaged_in_impact_bond",
        "number_with_positive_social_outcomes", "outcomes_achieved",
        "outcomes_validator_organisation_ids",
    ),
    "outcome_payments": (
        "project_id", "outcome_metric_id", "period/start_date", "period/end_date",
        "payer_organisation_id", "recipient_organisation_id", "type", "money/currency",
        "money/amount", "notes",
    ),
    "transactions": (
        "project_id", "investment_id", "date", "sending_organisation_id",
        "receiving_organisation_id", "transaction_type", "money/currency", "money/amount",
        "notes",
    ),
}  # fmt: skip


def _cell(item: Mapping[str, Any], path: str) -> str:
    value: Any = item
    for key in path.split("/"):
        value = value.get(key) if isinstance(value, Mapping) else None
    if isinstance(value, Mapping):
        value = value.get("value")
    if value is None:
        return ""
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    if isinstance(value, float):
        return format(Decimal(str(value)), "f")
    return str(value)


def _csv(columns: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row, c) for c in columns])
    return out.getvalue()


def indigo_csv(doc: Mapping[str, Any]) -> dict[str, str]:
    """One CSV text per table of :data:`CSV_TABLES` (UTF-8; write with a BOM for Excel)."""
    data = doc["data"]
    project_id = doc["id"]
    tables = {
        "project": _csv(CSV_TABLES["project"], [{"id": project_id, **data}]),
        "organisations": _csv(
            CSV_TABLES["organisations"],
            [
                {"id": o["id"], "roles": o.get("roles", []), **o["data"]}
                for o in doc["organisations"]
            ],
        ),
    }
    for table, columns in CSV_TABLES.items():
        if table not in tables:
            rows = [{"project_id": project_id, **item} for item in data.get(table, [])]
            tables[table] = _csv(columns, rows)
    return tables
