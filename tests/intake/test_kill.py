"""A real worker process killed with SIGKILL in the middle of an import, then started
again: the import finishes with exact counts, no duplicate and no lost row.

PostgreSQL only: the second process must see the test database, which an in-memory
SQLite test database is not (the in-process version of this test runs on both)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection

from saphan.intake.models import ImportedRecord, ImportJob, JobStatus
from saphan.people.models import Person, PersonIdentifier
from tests.intake.conftest import thai_id

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
ROWS = 4000


def _command(path: Path, org_code: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "saphan.cli", "import", "persons", str(path), "--org", org_code],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def test_a_killed_import_process_resumes_with_exact_counts(
    make_org: Callable[..., Any], write_csv: Callable[..., Path], settings: Any
) -> None:
    from saphan.geo.services import geography_load

    geography_load()  # transactional tests flush tables, migration data included
    org = make_org(provinces=("55",))
    rows = [["given_name", "family_name", "birth_date", "national_id", "province"]]
    rows += [[f"คน{i}", "ทดสอบ", "2500", thai_id(f"3{i:011d}"), "55"] for i in range(ROWS)]
    path = write_csv(rows)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "SAPHAN_HOME": str(settings.SAPHAN_HOME),
        "SAPHAN_IMPORT_CHUNK_ROWS": "100",
        "SAPHAN_IMPORT_FIND_DUPLICATES": "0",
        "SAPHAN_FIELD_KEYS": ",".join(django_settings.SAPHAN_FIELD_KEYS),
        "SAPHAN_BLIND_INDEX_KEY": django_settings.SAPHAN_BLIND_INDEX_KEY,
    }
    worker = _command(path, org.code, env)
    deadline = time.monotonic() + 120
    done = 0
    while time.monotonic() < deadline and worker.poll() is None:
        job = ImportJob.objects.filter(organisation=org).first()
        done = job.rows_done if job else 0
        if done >= 300:
            break
        time.sleep(0.05)
    assert worker.poll() is None, "the import finished before it could be killed"
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    job = ImportJob.objects.get(organisation=org)
    assert job.status == JobStatus.RUNNING
    assert 0 < job.rows_done < ROWS
    assert Person.objects.count() == job.created == job.rows_done  # whole chunks only

    again = _command(path, org.code, env)
    output, _ = again.communicate(timeout=300)
    assert again.returncode == 0, output.decode()
    assert b"Continuing the unfinished import" in output
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert (job.rows_total, job.created, job.unchanged, job.rejected) == (ROWS, ROWS, 0, 0)
    assert Person.objects.count() == ROWS
    assert PersonIdentifier.objects.count() == ROWS
    assert ImportedRecord.objects.filter(job=job).count() == ROWS
    assert ImportJob.objects.count() == 1
