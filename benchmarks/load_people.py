"""Benchmark: load demo people into a fresh PostgreSQL database, and compare with a raw
``COPY`` of the same person rows in the same run.

    uv run python benchmarks/load_people.py                  # 1,000,000 people
    uv run python benchmarks/load_people.py --persons 200000 --keep

Steps: create ``saphan_bench`` (UTF-8, C.UTF-8 ctype, from template0), migrate it, run
the equivalent of ``saphan demo --no-server --persons N`` (timed: people/s and rows/s),
then export the loaded ``people_person`` rows with ``COPY ... TO STDOUT`` and time a raw
``COPY ... FROM STDIN`` of exactly those bytes into a plain table with the same columns
and no indexes (the floor: what PostgreSQL alone needs), and of every registry table the
same way. Prints figures; asserts nothing about time. The database is dropped at the end
unless ``--keep`` (``benchmarks/search_people.py`` uses a kept one).
"""

from __future__ import annotations

import argparse
import os
import platform
import time
from io import StringIO
from pathlib import Path
from typing import Any

DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"
DEFAULT_DB = "saphan_bench"
TABLES = (
    "people_person",
    "people_household",
    "people_personidentifier",
    "people_persongroup",
    "people_disability",
    "people_consent",
    "people_householdmember",
)


def _machine() -> str:
    cpus = os.cpu_count()
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        memory = f", {kib / 1024 / 1024:.0f} GiB RAM"
    return f"{platform.machine()}, {cpus} CPU cores{memory}, Python {platform.python_version()}"


def _admin_connect(server: str) -> Any:
    import psycopg

    return psycopg.connect(f"{server}/postgres", autocommit=True)


def _create_database(server: str, name: str) -> None:
    with _admin_connect(server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(
            f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' "
            "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
        )


def _drop_database(server: str, name: str) -> None:
    with _admin_connect(server) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _raw_copy(cursor: Any, table: str) -> tuple[int, float, int]:
    """Export ``table`` as COPY text, then time COPY of those bytes into a plain clone
    (same columns, no indexes, no constraints). Returns rows, seconds, bytes."""
    buffer = bytearray()
    with cursor.copy(f"COPY {table} TO STDOUT") as copy:
        for block in copy:
            buffer += block
    clone = f"bench_raw_{table}"
    cursor.execute(f"DROP TABLE IF EXISTS {clone}")
    cursor.execute(f"CREATE TABLE {clone} (LIKE {table} INCLUDING DEFAULTS)")
    try:
        cursor.execute("CHECKPOINT")  # do not bill the load's dirty pages to the raw COPY
    except Exception as exc:  # noqa: BLE001 - needs superuser or pg_checkpoint; optional
        print(f"  (no CHECKPOINT: {exc})")
    started = time.perf_counter()
    with cursor.copy(f"COPY {clone} FROM STDIN") as copy:
        view = memoryview(buffer)
        for start in range(0, len(view), 1 << 20):
            copy.write(view[start : start + (1 << 20)])
    seconds = time.perf_counter() - started
    cursor.execute(f"SELECT count(*) FROM {clone}")  # noqa: S608 - our table name
    rows = cursor.fetchone()[0]
    cursor.execute(f"DROP TABLE {clone}")
    return rows, seconds, len(buffer)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="Keep the benchmark database.")
    parser.add_argument("--server", default=DEFAULT_SERVER, help="PostgreSQL server URL.")
    parser.add_argument("--database", default=DEFAULT_DB)
    args = parser.parse_args(argv)

    print(f"Machine: {_machine()}")
    _create_database(args.server, args.database)
    os.environ["DATABASE_URL"] = f"{args.server}/{args.database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saphan.settings")
    os.environ.setdefault("SAPHAN_DEBUG", "1")  # `saphan demo` runs in development mode only
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT version()")
            print(f"PostgreSQL: {cursor.fetchone()[0].split(' on ')[0]}")
            for name in ("shared_buffers", "max_wal_size", "maintenance_work_mem"):
                cursor.execute(f"SHOW {name}")
                print(f"  {name} = {cursor.fetchone()[0]}")
        print(f"Database: {args.database} (created from template0, UTF-8, C.UTF-8)")

        started = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        print(f"Migrated in {time.perf_counter() - started:.1f} s")

        assert settings.DEBUG, "saphan demo needs SAPHAN_DEBUG on"
        from saphan.demo.people import demo_people_load

        # `saphan demo --no-server --persons N` is: migrate, demo organisations and
        # users, then demo_people_load(N). The people step is timed on its own.
        print(f"\n$ saphan demo --no-server --persons {args.persons}  (in process)")
        call_command("demo", no_server=True, persons=0, stdout=StringIO())
        loaded = demo_people_load(args.persons, progress=print)
        loader_seconds = loaded.seconds

        counts: dict[str, int] = {}
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - our names
                counts[table] = cursor.fetchone()[0]
        people = counts["people_person"]
        total = sum(counts.values())
        print(
            f"\nLoaded {loaded.added:,} people in {loader_seconds:.1f} s: generating and "
            f"encrypting {loaded.generate_seconds:.1f} s of worker time "
            f"({loaded.workers} workers), COPY {loaded.write_seconds:.1f} s, index and "
            f"foreign-key rebuild {loaded.rebuild_seconds:.1f} s, ANALYZE "
            f"{loaded.analyze_seconds:.1f} s"
        )
        print("Rows: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))

        print("\nRaw COPY of the same rows (exported with COPY TO, into plain tables):")
        raw_rows = raw_seconds = 0.0
        person_raw: tuple[int, float, int] | None = None
        with connection.cursor() as cursor:
            psycopg_cursor = cursor.cursor
            for table in TABLES:
                n, seconds, size = _raw_copy(psycopg_cursor, table)
                raw_rows += n
                raw_seconds += seconds
                if table == "people_person":
                    person_raw = (n, seconds, size)
                print(
                    f"  {table:<26} {n:>10,} rows {size / 1e6:8.1f} MB "
                    f"{seconds:6.1f} s {n / seconds:>10,.0f} rows/s"
                )
        assert person_raw is not None
        person_rate = people / loader_seconds
        raw_person_rate = person_raw[0] / person_raw[1]
        print("\nSummary")
        print(f"  demo loader: {people:,} people, {total:,} rows in {loader_seconds:.1f} s")
        print(f"    {person_rate:,.0f} people/s, {total / loader_seconds:,.0f} rows/s (all tables)")
        print(f"  raw COPY, people_person only: {raw_person_rate:,.0f} rows/s")
        print(f"  raw COPY, all {len(TABLES)} tables: {raw_rows / raw_seconds:,.0f} rows/s")
        print(
            f"  ratio demo people/s : raw person COPY rows/s = 1 : "
            f"{raw_person_rate / person_rate:.1f}"
        )
        print(
            f"  ratio demo rows/s : raw all-table COPY rows/s = 1 : "
            f"{(raw_rows / raw_seconds) / (total / loader_seconds):.1f}"
        )
    finally:
        connection.close()
        if args.keep:
            print(f"\nKept database {args.database}: DATABASE_URL={args.server}/{args.database}")
        else:
            _drop_database(args.server, args.database)
            print(f"\nDropped database {args.database}.")


if __name__ == "__main__":
    main()
