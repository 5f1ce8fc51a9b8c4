"""A project as recorded in Saphan → an INDIGO impact-bond document (JSON and CSV).

The pure mapping is ``saphan.outcomes.indigo``; this module feeds it what the app holds:
the signed contract in force, the parties, the counted (accepted and paid) claims by
pseudonymous code, and the payments the intermediary recorded. No name or ID of a
participant reaches the export (``indigo`` aggregates results per metric).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from saphan.outcomes.choices import PaymentStatus
from saphan.outcomes.contracts import contract_of, counted_results, require_current_version
from saphan.outcomes.models import PaymentRequest, Project


def project_parties(project: Project) -> list[dict[str, str]]:
    return [
        {
            "code": party.organisation.code,
            "name_th": party.organisation.name_th,
            "name_en": party.organisation.name_en,
            "kind": party.organisation.kind,
            "role": party.role,
            "spec_code": party.spec_code,
            "category": "",
        }
        for party in project.parties.select_related("organisation").order_by("role", "pk")
    ]


def project_payments(project: Project) -> list[dict[str, str]]:
    """Payments received by the project, per payment request (period and payer)."""
    paid = PaymentRequest.objects.filter(project=project, status=PaymentStatus.PAID)
    return [
        {
            "period": request.period,
            "payer": request.payer.spec_code or request.payer.organisation.code,
            "amount": str(request.amount),
            "paid_on": (request.paid_on or timezone.localdate()).isoformat(),
        }
        for request in paid.select_related("payer__organisation").order_by("period", "pk")
    ]


def project_info(project: Project) -> dict[str, Any]:
    return {
        "description_en": project.description,
        "description_th": project.description,
        "target_population_en": project.target_population,
        "target_population_th": project.target_population,
        "provinces": [(p.code, p.name_th, p.name_en) for p in project.provinces.order_by("code")],
        "population_groups": list(project.eligible_groups or []),
    }


def project_indigo(*, project: Project, as_of: dt.date | None = None) -> dict[str, Any]:
    """The INDIGO document of a project (the caller checks who may export it)."""
    from saphan.outcomes.indigo import indigo_project

    contract = contract_of(require_current_version(project))
    return indigo_project(
        contract,
        parties=project_parties(project),
        results=counted_results(project),
        payments=project_payments(project),
        project=project_info(project),
        as_of=as_of or timezone.localdate(),
    )
