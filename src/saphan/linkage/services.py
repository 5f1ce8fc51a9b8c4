"""Writes of the duplicates context: recording possible duplicates found by the linkage
engine and the reviewers' decisions ("not the same person"). Merges and their undo are
in ``linkage.merge``.

A merge never deletes anything. The merged record stays (``merged_into`` set, so it
leaves every list and count), every row that pointed at it is re-pointed at the
survivor one by one — each inside a savepoint, so a row the database refuses (a unique
constraint: the survivor already has the same thing; or an append-only trigger) stays
on the merged record and is listed in ``PersonMerge.kept`` — and what moved is listed in
``PersonMerge.moved`` so :func:`person_merge_undo` can move exactly those rows back.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saphan import policy
from saphan.accounts.models import User
from saphan.audit.models import AccessAction
from saphan.core.errors import field_error
from saphan.linkage.models import (
    CandidateSource,
    CandidateStatus,
    DuplicateCandidate,
)
from saphan.linkage.registry import engine_pairs, registry_frame
from saphan.people.checks import person_access_record
from saphan.people.models import Person

SAME_RECORD = _("A record cannot be merged into itself.")
ALREADY_MERGED = _("%(name)s has already been merged into another record.")
CANDIDATE_MISMATCH = _("This possible duplicate is about two other records.")
ALREADY_DECIDED = _("Someone has already decided about this pair.")
ALREADY_UNDONE = _("This merge has already been undone.")
SURVIVOR_MERGED_SINCE = _(
    "The record that was kept has since been merged into another record. "
    "Undo that later merge first."
)
IDENTIFIER_TAKEN = _(
    "A document number of the merged record is now held by another current record, "
    "so the merge cannot be undone. Correct that record first."
)
NOTE_TOO_LONG = _("Keep the note under 300 characters.")

#: Rows written per batch by :func:`candidates_record`.
BATCH = 1000

# --- possible duplicates ----------------------------------------------------------------


@dataclass(frozen=True)
class DedupSummary:
    people: int  # people compared
    pairs: int  # candidate pairs found at or above the threshold
    new: int  # pairs not known before (now in the review queue)
    seconds: float
    #: (person id, person id, probability) of every pair found, for ``saphan dedup --out``.
    found: list[tuple[int, int, float]] = field(default_factory=list, repr=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "people": self.people,
            "pairs": self.pairs,
            "new": self.new,
            "seconds": round(self.seconds, 3),
        }


def candidates_record(
    *,
    pairs: Iterable[tuple[int, int, float, dict[str, Any]]],
    source: str,
    import_job: Any = None,
) -> int:
    """Store possible duplicates (lower person id first); returns how many are new.

    A pair already decided ("not the same person", or merged) is never reopened; an
    open pair gets the new probability and evidence. Written in bulk."""
    if source not in CandidateSource.values:
        raise ValueError(f"unknown source {source!r}")
    best: dict[tuple[int, int], tuple[float, dict[str, Any]]] = {}
    for a, b, probability, evidence in pairs:
        a, b = int(a), int(b)
        if a == b:
            continue
        key = (a, b) if a < b else (b, a)
        if key not in best or probability > best[key][0]:
            best[key] = (float(probability), evidence or {})
    keys = sorted(best)
    created = 0
    for start in range(0, len(keys), BATCH):
        batch = keys[start : start + BATCH]
        with transaction.atomic():
            found = DuplicateCandidate.objects.filter(
                person_low_id__in={k[0] for k in batch}, person_high_id__in={k[1] for k in batch}
            ).only("pk", "person_low_id", "person_high_id", "status", "match_probability")
            existing = {(x.person_low_id, x.person_high_id): x for x in found}
            new = [
                DuplicateCandidate(
                    person_low_id=low,
                    person_high_id=high,
                    match_probability=best[(low, high)][0],
                    evidence=best[(low, high)][1],
                    source=source,
                    import_job=import_job,
                )
                for low, high in batch
                if (low, high) not in existing
            ]
            DuplicateCandidate.objects.bulk_create(new, ignore_conflicts=True)
            created += len(new)
            stale = []
            for key in batch:
                candidate = existing.get(key)
                if candidate is None or candidate.status != CandidateStatus.OPEN:
                    continue  # decided pairs stay decided
                candidate.match_probability, candidate.evidence = best[key]
                stale.append(candidate)
            DuplicateCandidate.objects.bulk_update(stale, ["match_probability", "evidence"])
    return created


def duplicates_find(
    *, province_codes: list[str] | None = None, threshold: float = 0.9
) -> DedupSummary:
    """Compare the registry (or some provinces) with itself and fill the review queue."""
    started = time.perf_counter()
    frame = registry_frame(province_codes=province_codes)
    pairs = engine_pairs(frame, threshold=threshold)
    new = candidates_record(pairs=pairs, source=CandidateSource.DEDUP)
    found = [(low, high, probability) for low, high, probability, _e in pairs]
    return DedupSummary(frame.height, len(pairs), new, time.perf_counter() - started, found)


def duplicates_find_for_people(
    *, person_ids: list[int], import_job: Any = None, threshold: float = 0.9
) -> int:
    """After an import: the people just written against the registry of their
    provinces. Keeps only pairs involving one of ``person_ids``; returns new pairs."""
    ids = sorted({int(pk) for pk in person_ids})
    if not ids:
        return 0
    provinces = sorted(
        set(Person.objects.current().filter(pk__in=ids).values_list("province_id", flat=True))
    )
    if not provinces:
        return 0
    frame = registry_frame(province_codes=provinces)
    pairs = engine_pairs(frame, threshold=threshold, involving={str(pk) for pk in ids})
    return candidates_record(pairs=pairs, source=CandidateSource.IMPORT, import_job=import_job)


def _require_candidate(user: User, candidate: DuplicateCandidate) -> None:
    policy.require(user, policy.Action.REVIEW_DUPLICATES)
    if not DuplicateCandidate.objects.visible_to(user).filter(pk=candidate.pk).exists():
        raise PermissionDenied("out_of_scope")


@transaction.atomic
def candidate_dismiss(
    *, user: User, candidate: DuplicateCandidate, note: str = "", request: Any = None
) -> DuplicateCandidate:
    """Decide a pair is *not the same person*: remembered on the pair, so no later
    search or import raises it again."""
    _require_candidate(user, candidate)
    note = note.strip()
    if len(note) > 300:
        raise field_error("note", NOTE_TOO_LONG)
    candidate = (
        DuplicateCandidate.objects.select_for_update()
        .select_related("person_low", "person_high")
        .get(pk=candidate.pk)
    )
    if candidate.status != CandidateStatus.OPEN:
        raise field_error("candidate", ALREADY_DECIDED)
    candidate.status = CandidateStatus.NOT_DUPLICATE
    candidate.decided_by = user
    candidate.decided_at = timezone.now()
    candidate.decision_note = note
    candidate.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    for person in (candidate.person_low, candidate.person_high):
        person_access_record(
            user=user,
            person=person,
            action=AccessAction.UPDATE,
            request=request,
            detail={"duplicate": candidate.pk, "decision": "not_duplicate"},
        )
    return candidate


# --- merge ------------------------------------------------------------------------------
