"""The import pages: upload, column matching, check report, progress, import, problems."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from saphan.audit.models import AccessLog
from saphan.intake.models import ImportJob, JobStatus
from saphan.intake.services import import_job_run
from saphan.people.models import Person
from tests.intake.conftest import bad_rows_file

pytestmark = pytest.mark.django_db


def _upload(client: Client, path: Path) -> Any:
    with path.open("rb") as handle:
        return client.post(
            reverse("intake:upload"),
            {"file": SimpleUploadedFile(path.name, handle.read(), content_type="text/csv")},
        )


def test_upload_match_check_import_and_download_problems(
    client: Client, make_user: Callable[..., Any], write_csv: Callable[..., Path]
) -> None:
    user = make_user(role="case_manager", provinces=("55",))
    client.force_login(user)
    assert client.get(reverse("intake:list")).status_code == 200

    response = _upload(client, write_csv(bad_rows_file()))
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:detail", args=[job.uid])

    page = client.get(reverse("intake:detail", args=[job.uid]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "map_0" in html and "สมชาย" in html  # the preview
    # (jsonb keeps no key order: go by the file's column order)
    mapping = {f"map_{n}": job.mapping[column] for n, column in enumerate(job.columns)}
    response = client.post(reverse("intake:detail", args=[job.uid]), {**mapping, "action": "check"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.CHECKING
    progress = client.get(reverse("intake:progress", args=[job.uid]))
    assert b"<progress" in progress.content

    import_job_run(job.pk)  # what the background worker does
    job.refresh_from_db()
    assert job.status == JobStatus.CHECKED
    assert not Person.objects.exists()
    report = client.get(reverse("intake:detail", args=[job.uid])).content.decode()
    summary = report[report.find('id="import-summary"') :][:1500]
    assert 'id="count-rejected">9<' in report, summary

    client.post(reverse("intake:detail", args=[job.uid]), {"action": "import"})
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED
    import_job_run(job.pk)
    job.refresh_from_db()
    assert (job.status, job.created, job.rejected) == (JobStatus.DONE, 3, 9)
    assert Person.objects.count() == 3

    xlsx = client.get(reverse("intake:issues_xlsx", args=[job.uid]))
    assert xlsx.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("แถว")
    assert {r[0] for r in rows[1:]} >= {4, 5, 6, 7, 8, 9, 10, 11, 12}
    assert AccessLog.objects.filter(object_type="import", action="export").exists()


def test_others_cannot_see_an_import_and_field_workers_cannot_import(
    client: Client, make_user: Callable[..., Any], write_csv: Callable[..., Path]
) -> None:
    owner = make_user(role="case_manager", provinces=("55",))
    client.force_login(owner)
    _upload(client, write_csv(bad_rows_file()))
    job = ImportJob.objects.get()
    stranger = make_user(role="case_manager", provinces=("55",))
    client.force_login(stranger)
    assert client.get(reverse("intake:detail", args=[job.uid])).status_code == 404
    assert client.get(reverse("intake:issues_xlsx", args=[job.uid])).status_code == 404
    client.force_login(make_user(role="field_worker", provinces=("55",)))
    assert client.get(reverse("intake:list")).status_code == 403


def test_an_unreadable_upload_says_why(
    client: Client, make_user: Callable[..., Any], tmp_path: Path
) -> None:
    client.force_login(make_user(role="provincial_coordinator", provinces=("55",)))
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    response = _upload(client, path)
    assert response.status_code == 400
    assert 'id="upload-error"' in response.content.decode()
    assert not ImportJob.objects.exists()
