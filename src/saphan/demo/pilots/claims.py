"""A pilot's claims: the generated results submitted by the providers' staff and
decided by the evaluator, so that claims land in every state."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.core.exceptions import PermissionDenied, ValidationError

from saphan.accounts.models import User
from saphan.demo.pilots.users import Progress, refusal_key, why
from saphan.outcomes.choices import ClaimStatus, Decision
from saphan.outcomes.claims import claim_submit, claim_verify, dispute_open
from saphan.outcomes.models import Claim, Cohort, Participant, Project
from saphan.outcomes.pilots import PilotSpec, pilot_results

PENDING_DAYS = 45  # claims for outcomes more recent than this wait for the evaluator
DISPUTE_DUE_DAYS = 21


def claims_make(
    spec: PilotSpec,
    project: Project,
    participants: list[Participant],
    cohorts: dict[str, Cohort],
    providers: dict[str, User],
    evaluator: User | None,
    today: dt.date,
    progress: Progress,
) -> Counter[str]:
    """Submit each generated result as provider staff and let the evaluator decide at
    once (later outcomes need the earlier ones accepted): most accepted, a couple
    rejected (one disputed), one queried, the recent ones left waiting."""
    counts: Counter[str] = Counter()
    refused: Counter[str] = Counter()
    by_code = {p.code: p for p in participants if not p.comparison_group}
    by_org = {p.code: providers[p.provider.code] for p in by_code.values()}
    results = pilot_results(
        spec.code, [(p.code, p.enrolled_on) for p in by_code.values()], seed=0, as_of=today
    )
    last_of = {r.subject: i for i, r in enumerate(results) if r.value > 0}
    pending_after = today - dt.timedelta(days=PENDING_DAYS)
    terminal = 0
    first_provider = next(iter(providers.values()), None)
    for i, result in enumerate(results):
        if result.value <= 0:
            counts["not_achieved"] += 1  # recorded as not achieved: nothing to claim
            continue
        participant = by_code.get(result.participant or "")
        cohort = cohorts.get(result.cohort or "") if participant is None else None
        submitter = by_org[participant.code] if participant else first_provider
        if submitter is None:
            continue
        try:
            claim = claim_submit(
                user=submitter,
                project=project,
                metric=result.metric,
                achieved_on=result.achieved_on,
                participant=participant,
                cohort=cohort,
                value=result.value,
                comparison=result.comparison if cohort is not None else None,
                note="ตัวอย่าง / demo",
            )
        except (ValidationError, PermissionDenied) as error:
            refused[refusal_key(error) if isinstance(error, ValidationError) else "denied"] += 1
            continue
        counts["submitted"] += 1
        if evaluator is None or result.achieved_on > pending_after:
            continue
        is_last = last_of.get(result.subject) == i
        _decide(claim, evaluator, terminal, is_last)
        terminal += is_last
        if claim.status == ClaimStatus.REJECTED and not counts["disputed"]:
            try:
                dispute_open(
                    user=claim.submitted_by,
                    claim=claim,
                    reason="มีหลักฐานเพิ่มเติมจากการเยี่ยมบ้าน / New evidence from a home visit.",
                    due_on=today + dt.timedelta(days=DISPUTE_DUE_DAYS),
                )
                counts["disputed"] += 1
            except (ValidationError, PermissionDenied) as error:
                progress(f"  dispute refused: {why(error)}")
    counts["refused"] = sum(refused.values())
    if refused:
        detail = ", ".join(f"{k}: {n}" for k, n in sorted(refused.items()))
        progress(f"  {counts['refused']} claims refused at submission ({detail})")
    return counts


def _decide(claim: Claim, evaluator: User, terminal: int, last: bool) -> None:
    """Reject the 2nd and 6th last outcomes of a subject (so nothing else depends on
    them), query the 4th, accept the rest."""
    decision, reason = Decision.ACCEPT, "หลักฐานครบถ้วน / Evidence complete and consistent."
    if last and terminal in (1, 5):
        decision = Decision.REJECT
        reason = "หลักฐานไม่ตรงกับวันที่ที่เคลม / The evidence does not match the date claimed."
    elif last and terminal == 3:
        decision = Decision.QUERY
        reason = "ขอสำเนาสัญญาเช่าหรือสลิปเงินเดือน / Please attach the lease or a payslip."
    try:
        claim_verify(user=evaluator, claim=claim, decision=decision, reason=reason)
    except ValidationError as error:  # the pre-check on acceptance found a problem
        claim_verify(user=evaluator, claim=claim, decision=Decision.REJECT, reason=why(error))
    claim.refresh_from_db(fields=["status"])
