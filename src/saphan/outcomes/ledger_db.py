"""The database side of the append-only ledger (the triggers of migration 0002).

On SQLite, Django's flush after a transactional test deletes every row one by one, which
the DELETE triggers refuse. A live-server (browser) test that posts to the ledger calls
:func:`sqlite_delete_triggers_drop` before its teardown flush, and
:func:`sqlite_delete_triggers_restore` after it. Nothing else may call these: they exist
for the test database only, and do nothing on PostgreSQL (flush uses TRUNCATE there).
"""

from __future__ import annotations

from django.db import connection

TABLES = ("outcomes_ledgertransaction", "outcomes_ledgerentry")


def sqlite_delete_triggers_drop() -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")


def sqlite_delete_triggers_restore() -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_delete BEFORE DELETE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;"
            )
