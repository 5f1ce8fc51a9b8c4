"""Possible duplicates in the registry, the reviewers' decisions, and merges (with undo).

A pair is stored once, lower person id first. A "not a duplicate" decision stays on the
pair, so later dedup runs and imports never raise it again.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saphan.people.models import Person

if TYPE_CHECKING:
    from saphan.policy import AnyUser


class CandidateStatus(models.TextChoices):
    OPEN = "open", _("To review")
    MERGED = "merged", _("Merged")
    NOT_DUPLICATE = "not_duplicate", _("Not the same person")


class CandidateSource(models.TextChoices):
    DEDUP = "dedup", _("Duplicate search")
    IMPORT = "import", _("Import")


class DuplicateCandidateQuerySet(models.QuerySet["DuplicateCandidate"]):
    def visible_to(self, user: AnyUser) -> DuplicateCandidateQuerySet:
        from saphan import policy

        return policy.scope_duplicate_candidates(self, user)


class DuplicateCandidate(models.Model):
    person_low = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_high = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    match_probability = models.FloatField(_("match probability"))
    #: Per-field evidence from the linkage model: {"given_name": {"level": …, "label": …}}.
    evidence = models.JSONField(default=dict, blank=True)
    source = models.CharField(max_length=10, choices=CandidateSource.choices)
    import_job = models.ForeignKey(
        "intake.ImportJob", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=20, choices=CandidateStatus.choices, default=CandidateStatus.OPEN
    )
    found_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=300, blank=True)

    objects = DuplicateCandidateQuerySet.as_manager()

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        constraints = [
            models.UniqueConstraint(fields=["person_low", "person_high"], name="linkage_pair_once"),
            models.CheckConstraint(
                condition=Q(person_low__lt=F("person_high")), name="linkage_pair_ordered"
            ),
        ]
        indexes = [models.Index(fields=["status", "-match_probability"])]

    def __str__(self) -> str:
        return f"{self.person_low_id}~{self.person_high_id} ({self.match_probability:.2f})"


class PersonMergeQuerySet(models.QuerySet["PersonMerge"]):
    def visible_to(self, user: AnyUser) -> PersonMergeQuerySet:
        from saphan import policy

        return policy.scope_person_merges(self, user)


class PersonMerge(models.Model):
    """One merge: what moved from the merged record to the survivor, so it can be undone."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(
        DuplicateCandidate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    #: [{"model": "cases.case", "pk": 12, "field": "person"}, …] rows re-pointed.
    moved = models.JSONField(default=list)
    #: Rows left on the merged record because the survivor already had the same thing
    #: (e.g. the same group membership); they stay in its history.
    kept = models.JSONField(default=list)
    #: Survivor fields filled from the merged record: {"phone": {"before": ""}, …}.
    filled = models.JSONField(default=dict)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(default=timezone.now)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    objects = PersonMergeQuerySet.as_manager()

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"{self.merged_id}→{self.survivor_id}"
