"""Backup and restore round trip against a real database file (not the test database)."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

SCRIPT = """
import django, os, sys
os.environ['DJANGO_SETTINGS_MODULE'] = 'saphan.settings'
django.setup()
from django.core.management import call_command
from saphan.orgs.models import Organisation
action = sys.argv[1]
if action == 'setup':
    call_command('migrate', verbosity=0)
    Organisation.objects.create(code='kept', name_th='เก็บไว้', kind='cso')
elif action == 'change':
    Organisation.objects.create(code='later', name_th='ทีหลัง', kind='cso')
elif action == 'count':
    print(sorted(Organisation.objects.values_list('code', flat=True)))
else:
    call_command(*sys.argv[1:])
"""


def _run(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip()


def _env(tmp_path: Path, database_url: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL"}}
    env["SAPHAN_HOME"] = str(tmp_path)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _round_trip(env: dict[str, str], tmp_path: Path) -> None:
    _run(env, "setup")
    backup = tmp_path / "b.backup"
    assert "backup written" in _run(env, "backup", "--out", str(backup))
    _run(env, "change")
    assert _run(env, "count") == "['kept', 'later']"
    _run(env, "restore", str(backup), "--yes")
    assert _run(env, "count") == "['kept']"


def test_sqlite_backup_and_restore(tmp_path: Path) -> None:
    _round_trip(_env(tmp_path, None), tmp_path)


@pytest.mark.postgres_only
def test_postgresql_backup_and_restore(tmp_path: Path) -> None:
    import psycopg

    name = f"saphan_backup_{uuid.uuid4().hex[:8]}"
    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0")
    try:
        _round_trip(_env(tmp_path, f"postgres://postgres@127.0.0.1:5432/{name}"), tmp_path)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
