"""Code lists of the outcomes partnerships. Values are the code names of the glossary."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PartyRole(models.TextChoices):
    """The five roles of the social-outcome partnership model."""

    INVESTOR = "investor", _("Investor")
    PROVIDER = "provider", _("Service provider")
    INTERMEDIARY = "intermediary", _("Intermediary")
    EVALUATOR = "evaluator", _("Independent evaluator")
    PAYER = "payer", _("Outcome payer")


class ProjectStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    PRECHECKED = "prechecked", _("Pre-checked")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    QUERIED = "queried", _("Queried")
    PAID = "paid", _("Paid")


#: Claims the evaluator can still decide on.
OPEN_CLAIM_STATUSES = (ClaimStatus.SUBMITTED, ClaimStatus.PRECHECKED)
#: Claims that count as achieved outcomes (for pricing, caps and once-only rules).
COUNTED_CLAIM_STATUSES = (ClaimStatus.ACCEPTED, ClaimStatus.PAID)


class Decision(models.TextChoices):
    ACCEPT = "accept", _("Accept")
    REJECT = "reject", _("Reject")
    QUERY = "query", _("Query")


class DisputeOutcome(models.TextChoices):
    UPHELD = "upheld", _("Decision upheld")
    OVERTURNED = "overturned", _("Decision overturned")


class PaymentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    PAID = "paid", _("Paid")


class AccountKind(models.TextChoices):
    """Ledger accounts, from the point of view of the project fund the intermediary keeps."""

    CASH = "cash", _("Project bank account")
    INVESTOR_CAPITAL = "investor_capital", _("Investor capital")
    INVESTOR_RETURN = "investor_return", _("Return to investor")
    PROVIDER_FUNDING = "provider_funding", _("Funding disbursed to provider")
    OUTCOME_INCOME = "outcome_income", _("Outcome payments received")
    PAYER_RECEIVABLE = "payer_receivable", _("Outcome payments due from payer")
    PAYER_REFUND = "payer_refund", _("Remainder returned to payer")
    ADJUSTMENT = "adjustment", _("Adjustments")


#: The accounts that carry a debit balance (assets and expenses); the others carry credit.
DEBIT_NORMAL = frozenset(
    {
        AccountKind.CASH,
        AccountKind.INVESTOR_RETURN,
        AccountKind.PROVIDER_FUNDING,
        AccountKind.PAYER_RECEIVABLE,
        AccountKind.PAYER_REFUND,
        AccountKind.ADJUSTMENT,
    }
)


class TransactionKind(models.TextChoices):
    DRAWDOWN = "drawdown", _("Capital drawdown")
    DISBURSEMENT = "disbursement", _("Disbursement to provider")
    OUTCOME_PAYMENT = "outcome_payment", _("Outcome payment")
    REPAYMENT = "repayment", _("Repayment to investor")
    REMAINDER = "remainder", _("Remainder")
    REVERSAL = "reversal", _("Reversal")
    ADJUSTMENT = "adjustment", _("Adjustment")
