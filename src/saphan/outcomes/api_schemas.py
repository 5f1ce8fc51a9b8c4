"""Request and response schemas of /api/v1/outcomes (``outcomes.api``)."""

import datetime as dt
from typing import Any

from ninja import Field, Schema

from saphan.outcomes.choices import Decision

Money = str


# --- schemas ---------------------------------------------------------------------------------


class ProjectOut(Schema):
    id: str
    code: str
    name_th: str
    name_en: str
    status: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    roles: list[str] = Field(description="The roles your organisation holds in the project")


class ProjectPage(Schema):
    count: int
    items: list[ProjectOut]


class MetricProgressOut(Schema):
    code: str
    name_th: str
    name_en: str
    unit: str
    achieved: int
    paid: Money
    cap: Money | None


class PayerCapOut(Schema):
    payer: str
    requested: Money
    cap: Money | None


class DashboardOut(Schema):
    project: ProjectOut
    enrolled: int
    comparison: int
    withdrawn: int
    claims_by_status: dict[str, int]
    metrics: list[MetricProgressOut]
    days_to_decision: str | None = Field(description="Mean days from submission to decision")
    days_to_payment: str | None = Field(description="Mean days from decision to payment")
    open_by_age: dict[str, int] = Field(description="Undecided claims by age in days")
    requested: Money
    approved: Money
    paid: Money
    total_cap: Money | None
    payers: list[PayerCapOut]
    open_disputes: int
    overdue_disputes: int


class ContractVersionOut(Schema):
    number: int
    signed_at: dt.datetime | None
    valid_from: dt.date | None
    reason: str
    spec: dict[str, Any] = Field(description="The contract, format saphan-outcomes/1")


class ContractOut(Schema):
    current: ContractVersionOut | None = Field(description="The signed version in force")
    signed: list[ContractVersionOut] = Field(description="Every signed version, newest first")


class ParticipantOut(Schema):
    code: str = Field(description="Pseudonymous participant code")
    enrolled_on: dt.date
    comparison_group: bool
    withdrawn_on: dt.date | None


class ParticipantPage(Schema):
    count: int
    items: list[ParticipantOut]


class ProblemOut(Schema):
    code: str
    en: str
    th: str


class ClaimOut(Schema):
    id: str
    project: str
    participant: str | None = Field(description="Participant code")
    cohort: str | None = Field(description="Cohort code")
    metric: str
    achieved_on: dt.date
    value: str
    status: str
    problems: list[ProblemOut] = Field(description="Pre-check warnings (e.g. a cap reached)")
    organisation: str
    submitted_at: dt.datetime
    decided_at: dt.datetime | None
    paid_at: dt.datetime | None


class ClaimPage(Schema):
    count: int
    items: list[ClaimOut]


class EvidenceOut(Schema):
    kind: str
    size: int
    uploaded_at: dt.datetime


class VerificationOut(Schema):
    decision: str
    reason: str
    organisation: str
    at: dt.datetime


class DisputeOut(Schema):
    organisation: str
    reason: str
    raised_at: dt.datetime
    due_on: dt.date
    resolved_at: dt.datetime | None
    outcome: str
    resolution: str


class ClaimDetailOut(ClaimOut):
    evidence: list[EvidenceOut]
    verifications: list[VerificationOut]
    disputes: list[DisputeOut]


class ClaimIn(Schema):
    participant: str | None = Field(None, description="Participant code (or give a cohort)")
    cohort: str | None = Field(None, description="Cohort code, for a cohort metric")
    metric: str
    achieved_on: dt.date
    value: str = Field("1", description="1 achieved; a cohort's measured result", max_length=30)
    note: str = ""


class VerifyIn(Schema):
    decision: Decision
    reason: str


class PaymentRequestOut(Schema):
    id: str
    period: str
    payer: str
    amount: Money
    status: str
    lines: list[dict[str, Any]]
    requested_at: dt.datetime | None
    approved_at: dt.datetime | None
    paid_on: dt.date | None


class CashFlowOut(Schema):
    on: dt.date
    amount: Money = Field(description="Negative: paid in by the investor")
    kind: str


class LedgerLineOut(Schema):
    date: dt.date
    description: str
    debit: Money
    credit: Money


class InvestorOut(Schema):
    investor: str
    committed: Money
    drawn: Money
    principal_repaid: Money
    return_paid: Money
    multiple: str | None
    irr: str | None = Field(description="Annual rate with six decimals; null when undefined")
    peak_capital: Money
    cash_flows: list[CashFlowOut]
    ledger: list[LedgerLineOut]


class InvestorsOut(Schema):
    investors: list[InvestorOut]
