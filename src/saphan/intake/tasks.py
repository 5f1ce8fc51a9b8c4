"""Background work of bulk imports (django-tasks; run by ``saphan db_worker``)."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from saphan.intake.services import import_job_run


@task()
def run_import(job_id: int) -> dict[str, Any]:
    """Check or import one job; a job left "running" by a killed worker resumes."""
    job = import_job_run(job_id)
    if job is None:
        return {}
    return {"status": job.status, "created": job.created, "rejected": job.rejected}
