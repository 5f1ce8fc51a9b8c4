"""The life of an import: upload → column mapping → check (dry run) → import → summary.

The import itself runs in the background (``intake.tasks``) in chunks; each chunk and
the job's progress commit together, so a worker killed mid-import and started again
carries on after the last whole chunk with no duplicate and no lost row
(``import_job_run`` resumes any job left "running").
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from saphan import policy
from saphan.audit.services import access_log_record
from saphan.core.errors import field_error
from saphan.intake import timing
from saphan.intake.fields import mapping_check, mapping_guess
from saphan.intake.models import ImportedRecord, ImportIssue, ImportJob, JobStatus, RowOutcome
from saphan.intake.readers import IntakeFileError, read_table
from saphan.intake.timing import timed
from saphan.intake.validate import FINGERPRINT, ROW, CheckResult, Issue, rows_check
from saphan.intake.writer import chunk_write
from saphan.orgs.models import Organisation
from saphan.people.models import Person

PREVIEW_ROWS = 8
#: A large import touching more provinces than this re-evaluates the watch rules over the
#: whole registry in one pass (measured: 25 province passes 65 s, one pass about 20 s).
WATCH_WHOLE_REGISTRY_FROM = 5


def _max_bytes() -> int:
    return int(getattr(settings, "SAPHAN_IMPORT_MAX_BYTES", 200 * 1024 * 1024))


def _watch_per_chunk_max() -> int:
    """Imports up to this many rows evaluate the watch rules with every chunk, so flags
    appear as rows arrive; larger ones evaluate each province once at the end, which is
    the same set-based work done once instead of once per chunk."""
    return int(getattr(settings, "SAPHAN_IMPORT_WATCH_PER_CHUNK_MAX", 50_000))


def _chunk_rows() -> int:
    return int(getattr(settings, "SAPHAN_IMPORT_CHUNK_ROWS", 5000))


def _upload_dir() -> Path:
    # Outside MEDIA_ROOT on purpose: uploads are never served over HTTP.
    path = Path(settings.SAPHAN_HOME) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(1024 * 1024):
            digest.update(block)
    return digest.hexdigest()


def _file_error(exc: IntakeFileError) -> ValidationError:
    return field_error("file", exc.message)


def import_job_create(
    *,
    user: Any,
    source: UploadedFile | Path,
    original_name: str = "",
    organisation: Organisation | None = None,
    request: Any = None,
) -> ImportJob:
    """Store the upload, read its header, guess the mapping. Nothing is imported yet."""
    if user is not None:
        policy.require(user, policy.Action.IMPORT_PEOPLE)
        organisation = user.organisation
    if organisation is None:
        raise PermissionDenied("import_people")
    size = source.stat().st_size if isinstance(source, Path) else (source.size or 0)
    if size > _max_bytes():
        raise field_error(
            "file",
            _("The file is larger than %(limit)s MB. Split it into smaller files."),
            limit=_max_bytes() // (1024 * 1024),
        )
    if size == 0:
        raise field_error("file", _("The file is empty."))
    job = ImportJob(
        organisation=organisation,
        created_by=user,
        original_name=(original_name or getattr(source, "name", "") or "import")[:255],
        size_bytes=size,
    )
    target = _upload_dir() / f"{job.uid}.upload"
    digest = hashlib.sha256()
    with target.open("wb") as out:
        if isinstance(source, Path):
            with source.open("rb") as handle:
                while block := handle.read(1024 * 1024):
                    digest.update(block)
                    out.write(block)
        else:
            for block in source.chunks():
                digest.update(block)
                out.write(block)
    target.chmod(0o600)
    try:
        table = read_table(target, max_bytes=_max_bytes(), max_rows=PREVIEW_ROWS)
    except IntakeFileError as exc:
        target.unlink(missing_ok=True)
        raise _file_error(exc) from exc
    job.file_path = str(target)
    job.sha256 = digest.hexdigest()
    job.file_format = table.file_format
    job.encoding = table.encoding or ""
    job.columns = table.columns
    job.mapping = mapping_guess(table.columns)
    job.save()
    access_log_record(
        user=user,
        action="create",
        request=request,
        object_type="import",
        object_id=str(job.uid),
        detail={"file": job.original_name, "bytes": size, "sha256": job.sha256},
    )
    return job


def import_job_preview(job: ImportJob) -> pl.DataFrame:
    """The first rows of the file (for the mapping page): the uploader's own file."""
    try:
        return read_table(Path(job.file_path), max_bytes=_max_bytes(), max_rows=PREVIEW_ROWS).frame
    except (IntakeFileError, OSError):
        return pl.DataFrame()


def _require_own(user: Any, job: ImportJob) -> None:
    if user is not None and not ImportJob.objects.visible_to(user).filter(pk=job.pk).exists():
        raise PermissionDenied("out_of_scope")


def import_job_map(*, user: Any, job: ImportJob, mapping: dict[str, str]) -> ImportJob:
    _require_own(user, job)
    if job.status not in (JobStatus.UPLOADED, JobStatus.CHECKED, JobStatus.FAILED):
        raise field_error("mapping", _("This import has started: its columns cannot change."))
    mapping_check(mapping, job.columns)
    job.mapping = {column: mapping.get(column, "") for column in job.columns}
    job.status = JobStatus.UPLOADED
    job.save(update_fields=["mapping", "status"])
    return job


def _enqueue(job: ImportJob, status: str, *, dry_run: bool) -> ImportJob:
    from saphan.intake.tasks import run_import

    with transaction.atomic():
        job.status = status
        job.dry_run = dry_run
        job.message = ""
        if status in (JobStatus.CHECKING, JobStatus.QUEUED):
            # A fresh run: the progress of an earlier check does not carry over (a resumed
            # import keeps rows_done, which is where it starts again).
            job.rows_done = 0
        job.save(update_fields=["status", "dry_run", "message", "rows_done"])
        transaction.on_commit(lambda: run_import.enqueue(job_id=job.pk))
    return job


def import_job_check(*, user: Any, job: ImportJob) -> ImportJob:
    """Dry run in the background: every row checked, nothing written."""
    _require_own(user, job)
    mapping_check(job.mapping, job.columns)
    if job.status not in (JobStatus.UPLOADED, JobStatus.CHECKED, JobStatus.FAILED):
        raise field_error("status", _("This import is already running or finished."))
    return _enqueue(job, JobStatus.CHECKING, dry_run=True)


def import_job_start(*, user: Any, job: ImportJob) -> ImportJob:
    _require_own(user, job)
    mapping_check(job.mapping, job.columns)
    if job.status not in (JobStatus.UPLOADED, JobStatus.CHECKED, JobStatus.FAILED):
        raise field_error("status", _("This import is already running or finished."))
    return _enqueue(job, JobStatus.QUEUED, dry_run=False)


def import_job_cancel(*, user: Any, job: ImportJob) -> ImportJob:
    """Stop before the next chunk; what was imported stays (each chunk is whole)."""
    _require_own(user, job)
    if job.status in (JobStatus.DONE, JobStatus.CANCELLED):
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.CANCELLED)
    job.refresh_from_db()
    _discard_file(job)
    return job


def _discard_file(job: ImportJob) -> None:
    if job.file_path:
        Path(job.file_path).unlink(missing_ok=True)
        ImportJob.objects.filter(pk=job.pk).update(file_path="")


def _issues_replace(job: ImportJob, issues: list[Issue]) -> None:
    ImportIssue.objects.filter(job=job).delete()
    _issues_add(job, issues)


def _issues_add(job: ImportJob, issues: list[Issue]) -> None:
    rows = []
    for issue in issues:
        text = issue.messages()
        rows.append(
            ImportIssue(
                job=job,
                row_number=issue.row,
                column=issue.column[:200],
                value=str(issue.value)[:200],
                code=issue.code[:40],
                message_en=text["en"][:400],
                message_th=text["th"][:400],
                is_warning=issue.warning,
            )
        )
    ImportIssue.objects.bulk_create(rows, batch_size=2000)


def _check(job: ImportJob) -> CheckResult:
    table = read_table(Path(job.file_path), max_bytes=_max_bytes())
    if table.columns != job.columns:
        raise field_error("file", _("The stored file no longer matches this import."))
    mapping = {c: n for c, n in job.mapping.items() if n}
    return rows_check(table.frame, mapping, user=job.created_by, organisation=job.organisation)


def _dry_run(job: ImportJob, checked: CheckResult) -> None:
    known = set(
        ImportedRecord.objects.filter(
            organisation_id=job.organisation_id,
            fingerprint__in=checked.rows[FINGERPRINT].to_list(),
        ).values_list("fingerprint", flat=True)
    )
    unchanged = checked.rows.filter(pl.col(FINGERPRINT).is_in(list(known))).height
    with transaction.atomic():
        _issues_replace(job, checked.issues)
        ImportJob.objects.filter(pk=job.pk).update(
            status=JobStatus.CHECKED,
            rows_total=checked.read,
            rows_done=checked.read,
            rejected=checked.rejected,
            unchanged=unchanged,
            # "created" here means "would be created or updated": decided at import time.
            created=checked.rows.height - unchanged,
            updated=0,
            possible_duplicates=0,
            finished_at=timezone.now(),
        )


def import_job_run(
    job_id: int, *, progress: Callable[[ImportJob], None] | None = None
) -> ImportJob | None:
    """The worker: check every row, then write the valid ones chunk by chunk."""
    job = ImportJob.objects.select_related("organisation", "created_by").get(pk=job_id)
    if job.status not in (JobStatus.CHECKING, JobStatus.QUEUED, JobStatus.RUNNING):
        return job
    try:
        with timed("read and check every row"):
            checked = _check(job)
        if job.status == JobStatus.CHECKING:
            _dry_run(job, checked)
            return ImportJob.objects.get(pk=job.pk)
        _run_chunks(job, checked, progress)
    except (IntakeFileError, ValidationError) as exc:
        message = exc.message if isinstance(exc, IntakeFileError) else exc.messages[0]
        ImportJob.objects.filter(pk=job.pk).update(
            status=JobStatus.FAILED, message=str(message), finished_at=timezone.now()
        )
        return ImportJob.objects.get(pk=job.pk)
    return ImportJob.objects.get(pk=job.pk)


def _run_chunks(
    job: ImportJob, checked: CheckResult, progress: Callable[[ImportJob], None] | None
) -> None:
    started = time.monotonic()
    if job.status == JobStatus.QUEUED or job.rows_done == 0:
        # Starting (or restarting before the first chunk committed): the row checks.
        with transaction.atomic():
            _issues_replace(job, checked.issues)
            job.status = JobStatus.RUNNING
            job.started_at = job.started_at or timezone.now()
            job.rows_total = checked.read
            job.rows_done = 0
            job.rejected = checked.rejected
            job.created = job.updated = job.unchanged = job.possible_duplicates = 0
            job.save()
    last_row = checked.read + 1  # the spreadsheet row of the last data row
    size = _chunk_rows()
    chunks = 0
    while True:
        job.refresh_from_db(fields=["status", "rows_done"])
        if job.status != JobStatus.RUNNING:
            return  # cancelled
        start_row = job.rows_done + 2  # rows_done counts data rows from row 2
        if start_row > last_row:
            break
        end_row = min(last_row, start_row + size - 1)
        rows = checked.rows.filter(pl.col(ROW).is_between(start_row, end_row))
        with transaction.atomic():
            locked = ImportJob.objects.select_for_update().get(pk=job.pk)
            if locked.rows_done + 2 != start_row or locked.status != JobStatus.RUNNING:
                continue  # another worker took this chunk
            result = chunk_write(
                job=locked,
                rows=rows,
                user=job.created_by,
                end_row=end_row,
                watch_now=checked.read <= _watch_per_chunk_max(),
            )
            _issues_add(locked, result.issues)
            locked.created += result.created
            locked.updated += result.updated
            locked.unchanged += result.unchanged
            locked.rejected += result.rejected
            locked.rows_done = end_row - 1
            locked.save()
            committing = time.perf_counter()
        timing.SECONDS["commit"] += time.perf_counter() - committing
        chunks += 1
        if chunks & (chunks - 1) == 0:  # after chunk 1, 2, 4, 8…
            with timed("ANALYZE (fresh statistics for the planner)"):
                _refresh_statistics()
        if progress is not None:
            progress(locked)
    _finish(job, time.monotonic() - started)


def _refresh_statistics() -> None:
    """PostgreSQL plans the next chunk's set-based queries (derived groups, watch rules)
    from table statistics; after a big insert into a small table they are stale and the
    planner picks nested loops over tens of thousands of rows. Cheap: ANALYZE samples."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for table in (
            "people_person",
            "people_persongroup",
            "people_personidentifier",
            "people_disability",
            "people_consent",
            "intake_importedrecord",
        ):
            cursor.execute(f"ANALYZE {table}")


def _finish(job: ImportJob, seconds: float) -> None:
    created_ids = list(
        ImportedRecord.objects.filter(job=job, outcome=RowOutcome.CREATED).values_list(
            "person_id", flat=True
        )
    )
    if created_ids and job.rows_total > _watch_per_chunk_max():
        from saphan.watch.engine import watch_evaluate

        provinces = (
            Person.objects.filter(
                pk__in=ImportedRecord.objects.filter(job=job, outcome=RowOutcome.CREATED).values(
                    "person_id"
                )
            ).values_list("province_id", flat=True)
        ).distinct()
        codes = sorted(set(provinces))
        with timed("watch rules, once per province"):
            if len(codes) > WATCH_WHOLE_REGISTRY_FROM:
                watch_evaluate()  # one pass over everyone beats many province passes
            else:
                for code in codes:
                    watch_evaluate(province_code=code)
    found = 0
    if created_ids and getattr(settings, "SAPHAN_IMPORT_FIND_DUPLICATES", True):
        from saphan.linkage.services import duplicates_find_for_people

        with timed("probabilistic duplicate search"):
            found = duplicates_find_for_people(person_ids=created_ids, import_job=job)
    # The rows this job wrote decide (``job``'s counters in memory may be stale here).
    written = ImportedRecord.objects.filter(job=job)
    if not job.dry_run and written.exists():
        from saphan.reports.aggregates import stats_refresh

        touched = (
            Person.objects.filter(pk__in=written.values("person_id"))
            .order_by()
            .values_list("province_id", flat=True)
            .distinct()
        )
        with timed("statistics of the provinces touched"):
            stats_refresh(province_codes=list(touched))
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.DONE, possible_duplicates=found, finished_at=timezone.now()
    )
    job.refresh_from_db()
    _discard_file(job)
    access_log_record(
        user=job.created_by,
        action="create",
        object_type="import",
        object_id=str(job.uid),
        via="task",
        detail={
            "created": job.created,
            "updated": job.updated,
            "unchanged": job.unchanged,
            "rejected": job.rejected,
            "possible_duplicates": found,
            "seconds": round(seconds, 1),
        },
    )


def import_job_retry(*, user: Any, job: ImportJob) -> ImportJob:
    """A failed or interrupted import continues where it stopped."""
    _require_own(user, job)
    if job.status not in (JobStatus.FAILED, JobStatus.RUNNING) or not job.file_path:
        raise field_error("status", _("This import cannot be continued."))
    status = JobStatus.RUNNING if job.rows_done else JobStatus.QUEUED
    return _enqueue(job, status, dry_run=False)
