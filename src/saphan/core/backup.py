"""Backups of the whole database: SQLite through its online-backup API, PostgreSQL
through pg_dump (custom format) and pg_restore."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connection


def _pg_env_and_args(settings_dict: dict[str, Any]) -> tuple[dict[str, str], list[str]]:
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    args = []
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if settings_dict.get(key):
            args += [flag, str(settings_dict[key])]
    return env, args


def database_backup(*, out: Path) -> Path:
    """Write a consistent copy of the database to ``out`` while the app keeps running."""
    out.parent.mkdir(parents=True, exist_ok=True)
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        source = sqlite3.connect(str(settings_dict["NAME"]))
        target = sqlite3.connect(str(out))
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return out
    if connection.vendor == "postgresql":
        env, args = _pg_env_and_args(settings_dict)
        subprocess.run(  # noqa: S603
            [
                shutil.which("pg_dump") or "pg_dump",
                "-Fc",
                "--no-owner",
                *args,
                "-f",
                str(out),
                str(settings_dict["NAME"]),
            ],
            env=env,
            check=True,
        )
        return out
    raise RuntimeError(f"Backups are not supported on {connection.vendor}.")


def database_restore(*, source: Path) -> None:
    """Replace the database's contents with a backup made by :func:`database_backup`."""
    if not source.exists():
        raise FileNotFoundError(source)
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        connection.close()
        backup = sqlite3.connect(str(source))
        target = sqlite3.connect(str(settings_dict["NAME"]))
        try:
            backup.backup(target)
        finally:
            target.close()
            backup.close()
        return
    if connection.vendor == "postgresql":
        connection.close()
        env, args = _pg_env_and_args(settings_dict)
        subprocess.run(  # noqa: S603
            [
                shutil.which("pg_restore") or "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                *args,
                "-d",
                str(settings_dict["NAME"]),
                str(source),
            ],
            env=env,
            check=True,
        )
        return
    raise RuntimeError(f"Restore is not supported on {connection.vendor}.")
