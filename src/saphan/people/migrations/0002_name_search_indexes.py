"""Typo-tolerant name search: a pg_trgm GIN index on PostgreSQL, a contentless FTS5
trigram table kept in step by triggers on SQLite."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

PG_UP = (
    "CREATE INDEX IF NOT EXISTS people_person_name_trgm "
    "ON people_person USING gin (name_search gin_trgm_ops)"
)
PG_DOWN = "DROP INDEX IF EXISTS people_person_name_trgm"

# Words are stored as ^word$ so that trigrams at the start and end of a word exist:
# a typo in the middle of a short Thai name leaves little else to match on.
_MARKED = "'^' || replace({col}, ' ', '$ ^') || '$'"
SQLITE_UP = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS people_person_fts USING fts5("
    "name_search, content='', tokenize='trigram')",
    "CREATE TRIGGER IF NOT EXISTS people_person_fts_ai AFTER INSERT ON people_person BEGIN "
    "INSERT INTO people_person_fts(rowid, name_search) VALUES (new.id, "
    + _MARKED.format(col="new.name_search") + "); END",
    "CREATE TRIGGER IF NOT EXISTS people_person_fts_ad AFTER DELETE ON people_person BEGIN "
    "INSERT INTO people_person_fts(people_person_fts, rowid, name_search) "
    "VALUES ('delete', old.id, " + _MARKED.format(col="old.name_search") + "); END",
    "CREATE TRIGGER IF NOT EXISTS people_person_fts_au AFTER UPDATE OF name_search "
    "ON people_person BEGIN "
    "INSERT INTO people_person_fts(people_person_fts, rowid, name_search) "
    "VALUES ('delete', old.id, " + _MARKED.format(col="old.name_search") + "); "
    "INSERT INTO people_person_fts(rowid, name_search) VALUES (new.id, "
    + _MARKED.format(col="new.name_search") + "); END",
    "INSERT INTO people_person_fts(rowid, name_search) SELECT id, "
    + _MARKED.format(col="name_search") + " FROM people_person",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS people_person_fts_ai",
    "DROP TRIGGER IF EXISTS people_person_fts_ad",
    "DROP TRIGGER IF EXISTS people_person_fts_au",
    "DROP TABLE IF EXISTS people_person_fts",
]


def up(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_UP)
    elif schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_UP:
            schema_editor.execute(sql)


def down(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_DOWN)
    elif schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_DOWN:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [TrigramExtension(), migrations.RunPython(up, down)]
