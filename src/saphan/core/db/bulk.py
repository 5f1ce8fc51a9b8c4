"""Set-based writes shared by the demo loader and the importer: reserving primary keys
and inserting many rows (PostgreSQL ``COPY`` into a staging table, then one
``INSERT … SELECT``; SQLite ``executemany`` in the caller's transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction


def reserve_ids(table: str, n: int) -> tuple[int, ...]:
    """``n`` fresh primary keys of ``table`` that no other insert will take."""
    if n <= 0:
        return ()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, n],
            )
            return tuple(row[0] for row in cursor.fetchall())
        # SQLite (AUTOINCREMENT): move the table's sequence past the block.
        with transaction.atomic():
            cursor.execute(f"SELECT max(id) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - our table name
            top = cursor.fetchone()[0] or 0
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            found = cursor.fetchone()
            start = max(top, found[0] if found else 0) + 1
            if found:
                cursor.execute(
                    "UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [start + n - 1, table]
                )
            else:
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)",
                    [table, start + n - 1],
                )
        return tuple(range(start, start + n))


def rows_insert(table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert ``rows`` into ``table``. PostgreSQL: ``COPY`` into a temporary staging table
    shaped like ``table`` (dropped at commit), then ``INSERT … SELECT``, so constraint
    and trigger checks run once, set-based, inside the caller's transaction."""
    if not rows:
        return
    qn = connection.ops.quote_name
    names = ", ".join(qn(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            stage = qn(f"stage_{table}")
            # Only the given columns, no constraints: the INSERT checks them, set-based.
            cursor.execute(f"DROP TABLE IF EXISTS {stage}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {stage} ON COMMIT DROP AS "  # noqa: S608 - our names
                f"SELECT {names} FROM {qn(table)} WITH NO DATA"
            )
            with cursor.cursor.copy(f"COPY {stage} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)  # psycopg's C adapter: quoting and escaping
            cursor.execute(
                f"INSERT INTO {qn(table)} ({names}) SELECT {names} FROM {stage}"  # noqa: S608 - our names
            )
            return
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(
            f"INSERT INTO {qn(table)} ({names}) VALUES ({marks})",  # noqa: S608 - our names
            [tuple(row) for row in rows],
        )
