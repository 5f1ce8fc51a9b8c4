"""The bridge to the pure calculation engine (``saphan.outcomes.engine``): parse a stored
contract version, and turn claims into the engine's results. The engine is imported
inside the functions, so this app loads even while the engine is being changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from saphan.outcomes.choices import COUNTED_CLAIM_STATUSES
from saphan.outcomes.models import Claim, ContractVersion, Project

if TYPE_CHECKING:
    from saphan.outcomes.engine.results import Result
    from saphan.outcomes.engine.spec import Contract

NO_SIGNED_CONTRACT = _("The project has no signed contract yet.")


def contract_check(spec: Any) -> Contract:
    """The engine's contract, or a ValidationError on ``spec`` listing every problem with
    its JSON path."""
    from saphan.outcomes.engine.spec import SpecError, contract_parse

    try:
        return contract_parse(spec)
    except SpecError as error:
        raise ValidationError(
            {
                "spec": [
                    ValidationError("%(path)s: %(message)s", params={"path": p, "message": str(m)})
                    for p, m in error.problems
                ]
            }
        ) from error


def contract_of(version: ContractVersion) -> Contract:
    """A stored version was validated when saved; parse it again for the engine."""
    from saphan.outcomes.engine.spec import contract_parse

    return contract_parse(version.spec)


def current_version(project: Project, day: dt.date | None = None) -> ContractVersion | None:
    """The signed version in force on ``day`` (the newest signed one, when undated)."""
    versions = ContractVersion.objects.signed().filter(project=project).order_by("-number")
    if day is not None:
        for version in versions:
            if version.valid_from is None or version.valid_from <= day:
                return version
        return None
    return versions.first()


def require_current_version(project: Project, day: dt.date | None = None) -> ContractVersion:
    version = current_version(project, day)
    if version is None:
        raise ValidationError({"contract": ValidationError(NO_SIGNED_CONTRACT)})
    return version


def result_of(claim: Claim) -> Result:
    """A claim as the engine sees it: by pseudonymous code, never by person."""
    from saphan.outcomes.engine.results import Result

    participant = claim.participant
    return Result(
        metric=claim.metric,
        achieved_on=claim.achieved_on,
        value=claim.value,
        participant=participant.code if participant is not None else None,
        cohort=claim.cohort.code if claim.cohort is not None else None,
        enrolled_on=participant.enrolled_on if participant is not None else None,
        comparison=claim.comparison,
        row=claim.pk,
    )


def counted_claims(project: Project) -> Iterable[Claim]:
    """Accepted and paid claims (the achieved outcomes), oldest first."""
    return (
        Claim.objects.filter(project=project, status__in=COUNTED_CLAIM_STATUSES)
        .select_related("participant", "cohort")
        .order_by("achieved_on", "pk")
    )


def counted_results(project: Project, *, exclude: Claim | None = None) -> list[Result]:
    claims = counted_claims(project)
    return [result_of(c) for c in claims if exclude is None or c.pk != exclude.pk]
