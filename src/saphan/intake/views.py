"""Pages of the bulk import: list, upload, mapping with preview, check report, progress."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from saphan import policy
from saphan.audit.services import access_log_record
from saphan.intake import services
from saphan.intake.fields import FIELDS
from saphan.intake.models import ImportJob, JobStatus
from saphan.intake.report import issues_xlsx

FORMS_DIR = Path(__file__).parent / "forms"
DOWNLOADS = {
    "registry_survey.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "registry_template.csv": "text/csv; charset=utf-8",
}
ISSUES_SHOWN = 200


def _job(request: HttpRequest, uid: Any) -> ImportJob:
    policy.require(request.user, policy.Action.IMPORT_PEOPLE)
    return policy.get_visible_or_404(
        ImportJob.objects.select_related("created_by"), request.user, request=request, uid=uid
    )


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, policy.Action.IMPORT_PEOPLE)
    jobs = ImportJob.objects.visible_to(request.user).select_related("created_by")[:50]
    return render(request, "intake/list.html", {"jobs": jobs})


@login_required
@require_http_methods(["GET", "POST"])
def job_upload(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, policy.Action.IMPORT_PEOPLE)
    error = ""
    declared = int(request.META.get("CONTENT_LENGTH") or 0)
    if request.method == "POST" and declared > settings.SAPHAN_IMPORT_MAX_BYTES + 64 * 1024:
        # Refuse before Django reads the body: a 2 GB upload must not tie up a worker.
        error = _("The file is larger than %(limit)s MB. Split it into smaller files.") % {
            "limit": settings.SAPHAN_IMPORT_MAX_BYTES // (1024 * 1024)
        }
        response = render(request, "intake/upload.html", {"error": error}, status=413)
        response["Connection"] = "close"
        return response
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("Choose a file to import.")
        else:
            try:
                job = services.import_job_create(
                    user=request.user,
                    source=upload,
                    original_name=upload.name or "",
                    request=request,
                )
            except ValidationError as exc:
                error = exc.messages[0]
            else:
                return redirect("intake:detail", uid=job.uid)
    return render(request, "intake/upload.html", {"error": error}, status=400 if error else 200)


def _mapping_from(request: HttpRequest, job: ImportJob) -> dict[str, str]:
    return {column: request.POST.get(f"map_{n}", "") for n, column in enumerate(job.columns)}


@login_required
@require_http_methods(["GET", "POST"])
def job_detail(request: HttpRequest, uid: Any) -> HttpResponse:
    job = _job(request, uid)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action in ("check", "import") and job.status == JobStatus.UPLOADED:
                services.import_job_map(
                    user=request.user, job=job, mapping=_mapping_from(request, job)
                )
            if action == "check":
                services.import_job_check(user=request.user, job=job)
            elif action == "import":
                services.import_job_start(user=request.user, job=job)
            elif action == "remap":
                services.import_job_map(user=request.user, job=job, mapping=job.mapping)
            elif action == "cancel":
                services.import_job_cancel(user=request.user, job=job)
                messages.info(request, _("The import was stopped. Rows already imported stay."))
            elif action == "retry":
                services.import_job_retry(user=request.user, job=job)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            return redirect("intake:detail", uid=job.uid)
    context: dict[str, Any] = {"job": job, "error": error, "fields": FIELDS}
    if job.status == JobStatus.UPLOADED:
        # After a refused check, show the choices the person made, not the stored ones.
        chosen = _mapping_from(request, job) if error else job.mapping
        preview = services.import_job_preview(job)
        context["columns"] = [
            {
                "n": n,
                "name": column,
                "mapped": chosen.get(column, ""),
                "samples": preview[column].head(3).to_list() if column in preview.columns else [],
            }
            for n, column in enumerate(job.columns)
        ]
    else:
        context["issues"] = job.issues.all()[:ISSUES_SHOWN]
        context["error_count"] = job.issues.filter(is_warning=False).count()
        context["warning_count"] = job.issues.filter(is_warning=True).count()
    return render(request, "intake/detail.html", context, status=400 if error else 200)


@login_required
def job_progress(request: HttpRequest, uid: Any) -> HttpResponse:
    job = _job(request, uid)
    response = render(request, "intake/_progress.html", {"job": job})
    if not job.is_active:
        # htmx: the job finished, reload the whole page to show the summary.
        response["HX-Refresh"] = "true"
    return response


@login_required
def job_issues_xlsx(request: HttpRequest, uid: Any) -> HttpResponse:
    job = _job(request, uid)
    access_log_record(
        user=request.user,
        action="export",
        request=request,
        object_type="import",
        object_id=str(job.uid),
        detail={"what": "problems.xlsx"},
    )
    response = HttpResponse(issues_xlsx(job), content_type=DOWNLOADS["registry_survey.xlsx"])
    response["Content-Disposition"] = f'attachment; filename="problems-{str(job.uid)[:8]}.xlsx"'
    return response


@login_required
def form_download(request: HttpRequest, name: str) -> FileResponse:
    policy.require(request.user, policy.Action.IMPORT_PEOPLE)
    if name not in DOWNLOADS:
        raise Http404
    return FileResponse(
        (FORMS_DIR / name).open("rb"),
        as_attachment=True,
        filename=name,
        content_type=DOWNLOADS[name],
    )
