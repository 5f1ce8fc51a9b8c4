"""Bulk imports of survey files: the job, its problems per row, and what each row became.

``ImportedRecord`` is what makes an import idempotent and resumable: one row per
organisation and row fingerprint (and per submission id, for KoBo/ODK exports). A row
already recorded is "unchanged" the next time, whichever job brings it.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saphan.orgs.models import Organisation
from saphan.people.models import Person

if TYPE_CHECKING:
    from saphan.policy import AnyUser


class JobStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded: choose the columns")
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked: ready to import")
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_STATUSES = (JobStatus.CHECKING, JobStatus.QUEUED, JobStatus.RUNNING)


class ImportJobQuerySet(models.QuerySet["ImportJob"]):
    def visible_to(self, user: AnyUser) -> ImportJobQuerySet:
        from saphan import policy

        return policy.scope_import_jobs(self, user)


class ImportJob(models.Model):
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    #: Where the upload waits for the worker; deleted when the import ends (PDPA: keep
    #: personal data no longer than needed). The checksum stays.
    file_path = models.CharField(max_length=500, blank=True)
    original_name = models.CharField(_("file"), max_length=255)
    size_bytes = models.BigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    file_format = models.CharField(max_length=20, blank=True)
    encoding = models.CharField(max_length=20, blank=True)
    columns = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    status = models.CharField(
        _("status"), max_length=20, choices=JobStatus.choices, default=JobStatus.UPLOADED
    )
    dry_run = models.BooleanField(default=False)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    possible_duplicates = models.PositiveIntegerField(_("possible duplicates"), default=0)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 100 if self.status == JobStatus.DONE else 0
        return min(100, round(100 * self.rows_done / self.rows_total))

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class ImportIssue(models.Model):
    """One problem with one cell (or one row): shown in the check report and the XLSX."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="issues")
    row_number = models.PositiveIntegerField()  # as in the spreadsheet: header is row 1
    column = models.CharField(max_length=200, blank=True)
    value = models.CharField(max_length=200, blank=True)
    code = models.CharField(max_length=40)
    message_en = models.CharField(max_length=400)
    message_th = models.CharField(max_length=400)
    #: Warnings do not stop the row (e.g. a misspelt district that was matched).
    is_warning = models.BooleanField(default=False)

    class Meta:
        ordering = ["row_number", "id"]
        indexes = [models.Index(fields=["job", "row_number"])]

    def __str__(self) -> str:
        return f"{self.row_number}:{self.column} {self.code}"


class RowOutcome(models.TextChoices):
    CREATED = "created", _("created")
    UPDATED = "updated", _("updated")


class ImportedRecord(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    fingerprint = models.CharField(max_length=64)
    source_id = models.CharField(max_length=100, blank=True)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    job = models.ForeignKey(ImportJob, on_delete=models.SET_NULL, null=True, related_name="+")
    row_number = models.PositiveIntegerField()
    outcome = models.CharField(max_length=10, choices=RowOutcome.choices)
    imported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "fingerprint"], name="intake_row_once_per_org"
            ),
            models.UniqueConstraint(
                fields=["organisation", "source_id"],
                condition=~Q(source_id=""),
                name="intake_submission_once_per_org",
            ),
        ]
        indexes = [models.Index(fields=["job", "row_number"])]

    def __str__(self) -> str:
        return f"{self.organisation_id}:{self.fingerprint[:8]}"
