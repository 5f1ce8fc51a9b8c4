"""``saphan import persons FILE --org CODE [--mapping MAP.json] [--dry-run]``.

Runs the same checks and writer as the web import, in this process, with a progress
line. Running the same command again on the same file changes nothing; if a previous
run was killed, it continues that import where it stopped.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from saphan.accounts.models import User
from saphan.core.errors import in_both_languages
from saphan.intake.fields import mapping_check, mapping_load
from saphan.intake.models import ImportJob, JobStatus
from saphan.intake.services import file_sha256, import_job_create, import_job_run
from saphan.orgs.models import Organisation


def _message(exc: ValidationError) -> str:
    both = in_both_languages(exc.messages[0])
    return f"{both['en']}\n{both['th']}"


class Command(BaseCommand):
    help = "Import people from a CSV, XLSX or KoBoToolbox/ODK export into the registry."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["persons"])
        parser.add_argument("file", type=Path)
        parser.add_argument("--org", required=True, help="Code of the importing organisation.")
        parser.add_argument("--mapping", type=Path, help='JSON: {"columns": {"column": "field"}}')
        parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")
        parser.add_argument(
            "--user",
            help="Act as this user (their scope; lets rows update people already registered).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(code=options["org"]).first()
        if organisation is None:
            raise CommandError(f"No organisation with code {options['org']!r}.")
        user = None
        if options["user"]:
            user = User.objects.filter(username=options["user"], is_active=True).first()
            if user is None or user.organisation_id != organisation.pk:
                raise CommandError("No active user of that name in that organisation.")
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        with translation.override("en"):
            try:
                job = self._job(path, organisation, user, options)
            except ValidationError as exc:
                raise CommandError(_message(exc)) from exc
        started = time.monotonic()
        job = import_job_run(job.pk, progress=self._progress) or job
        sys.stdout.write("\n") if self.stdout.isatty() else None
        self._summary(job, time.monotonic() - started)
        if job.status == JobStatus.FAILED:
            raise CommandError(job.message)

    def _job(
        self, path: Path, organisation: Organisation, user: User | None, options: Any
    ) -> ImportJob:
        digest = file_sha256(path)
        unfinished = (
            ImportJob.objects.filter(
                organisation=organisation,
                sha256=digest,
                status__in=[JobStatus.RUNNING, JobStatus.QUEUED],
                dry_run=False,
            )
            .exclude(file_path="")
            .first()
        )
        if unfinished and not options["dry_run"]:
            self.stdout.write(
                f"Continuing the unfinished import of this file from row "
                f"{unfinished.rows_done + 2:,}."
            )
            return unfinished
        job = import_job_create(
            user=None, source=path, original_name=path.name, organisation=organisation
        )
        job.created_by = user
        try:
            if options["mapping"]:
                mapping = mapping_load(options["mapping"])
                mapping_check(mapping, job.columns)
                job.mapping = {column: mapping.get(column, "") for column in job.columns}
            else:
                mapping_check(job.mapping, job.columns)
        except ValidationError:
            # Nothing to resume from the command line: leave no job and no stored file.
            Path(job.file_path).unlink(missing_ok=True)
            job.delete()
            raise
        job.status = JobStatus.CHECKING if options["dry_run"] else JobStatus.QUEUED
        job.dry_run = options["dry_run"]
        job.save()
        return job

    def _progress(self, job: ImportJob) -> None:
        self.stdout.write(
            f"  {job.percent:3d}%  rows {job.rows_done:,}/{job.rows_total:,}  "
            f"created {job.created:,}  updated {job.updated:,}  unchanged {job.unchanged:,}  "
            f"rejected {job.rejected:,}"
        )

    def _summary(self, job: ImportJob, seconds: float) -> None:
        verb = "Checked" if job.dry_run else "Imported"
        self.stdout.write(
            f"{verb} {job.original_name}: read {job.rows_total:,}, "
            + (
                f"valid {job.created + job.unchanged:,} (new or changed {job.created:,}, "
                f"unchanged {job.unchanged:,}), "
                if job.dry_run
                else f"created {job.created:,}, updated {job.updated:,}, "
                f"unchanged {job.unchanged:,}, "
            )
            + f"rejected {job.rejected:,}, possible duplicates {job.possible_duplicates:,} "
            f"in {seconds:.1f} s."
        )
        problems = job.issues.filter(is_warning=False)[:20]
        for issue in problems:
            self.stdout.write(
                f"  row {issue.row_number}, {issue.column}: {issue.message_en} ({issue.message_th})"
            )
        more = job.issues.filter(is_warning=False).count() - len(problems)
        if more > 0:
            self.stdout.write(f"  … and {more:,} more problems.")
