"""Make the ledger append-only in the database too.

PostgreSQL: row triggers refuse UPDATE and DELETE of ledger transactions and entries.
(TRUNCATE by the database owner is not a row event; it is how test databases are
flushed.)
SQLite: triggers refuse UPDATE and DELETE as well. Django's test flush on SQLite deletes
rows one by one, so a transactional test (e.g. a live-server browser test) that posts to
the ledger must drop the SQLite DELETE triggers before the flush: see
``saphan.outcomes.ledger_db.sqlite_delete_triggers_drop``.
"""

from django.db import migrations

TABLES = ("outcomes_ledgertransaction", "outcomes_ledgerentry")

PG_UP = """
CREATE OR REPLACE FUNCTION outcomes_ledger_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only';
END;
$$ LANGUAGE plpgsql;
""" + "".join(
    f"""
CREATE TRIGGER {t}_no_change BEFORE UPDATE OR DELETE ON {t}
  FOR EACH ROW EXECUTE FUNCTION outcomes_ledger_append_only();
"""
    for t in TABLES
)
PG_DOWN = "".join(f"DROP TRIGGER IF EXISTS {t}_no_change ON {t};\n" for t in TABLES) + (
    "DROP FUNCTION IF EXISTS outcomes_ledger_append_only();"
)
SQLITE_UP = [
    f"CREATE TRIGGER IF NOT EXISTS {t}_no_{event.lower()} BEFORE {event} ON {t} "
    f"BEGIN SELECT RAISE(ABORT, '{t} is append-only'); END;"
    for t in TABLES
    for event in ("UPDATE", "DELETE")
]
SQLITE_DOWN = [
    f"DROP TRIGGER IF EXISTS {t}_no_{event.lower()};"
    for t in TABLES
    for event in ("UPDATE", "DELETE")
]


def up(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_UP)
    elif vendor == "sqlite":
        for sql in SQLITE_UP:
            schema_editor.execute(sql)


def down(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif vendor == "sqlite":
        for sql in SQLITE_DOWN:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]
    operations = [migrations.RunPython(up, down)]
