"""Outcomes partnerships (ความร่วมมือที่เน้นผลลัพธ์ทางสังคม): projects in the five-role model,
contracts, enrolment, outcome claims and their verification, payments by results, the
investor side and the ledger the intermediary keeps.

Every query goes through ``visible_to(user)`` (``saphan.policy.scope_outcome_*``):
a user sees the projects in which their organisation is a party. Only the provider's
staff who may also see the person in the registry see who a participant is; everyone
else sees the pseudonymous participant code.
"""

from __future__ import annotations

from saphan.outcomes.models.claims import (
    Claim,
    ClaimEvidence,
    Dispute,
    PaymentRequest,
    Verification,
)
from saphan.outcomes.models.ledger import LedgerAccount, LedgerEntry, LedgerTransaction
from saphan.outcomes.models.projects import (
    Cohort,
    ContractVersion,
    Participant,
    Party,
    Project,
)

__all__ = [
    "Claim",
    "ClaimEvidence",
    "Cohort",
    "ContractVersion",
    "Dispute",
    "LedgerAccount",
    "LedgerEntry",
    "LedgerTransaction",
    "Participant",
    "Party",
    "PaymentRequest",
    "Project",
    "Verification",
]
