"""PostgreSQL backend that creates databases with UTF-8 encoding and ctype.

pg_trgm (used for typo-tolerant name search) classifies characters with the database
ctype; under the C locale it makes no trigrams for Thai script at all. Test databases
created by Django would inherit whatever template1 has, so we pin it here.
"""

from __future__ import annotations

import os

from django.db.backends.postgresql.base import DatabaseWrapper as PostgresDatabaseWrapper
from django.db.backends.postgresql.creation import DatabaseCreation as PostgresDatabaseCreation

UTF8_LOCALE = os.environ.get("SAPHAN_PG_LOCALE", "C.UTF-8")


class DatabaseCreation(PostgresDatabaseCreation):
    def _get_database_create_suffix(
        self, encoding: str | None = None, template: str | None = None
    ) -> str:
        if template is None:
            # A fresh database: copy template0 so that ENCODING/LC_CTYPE may differ
            # from the cluster default.
            return (
                f"WITH ENCODING 'UTF8' LC_COLLATE '{UTF8_LOCALE}' LC_CTYPE '{UTF8_LOCALE}' "
                "TEMPLATE template0"
            )
        # Clones (pytest-xdist) copy the already-UTF-8 test database.
        return super()._get_database_create_suffix(encoding=encoding, template=template)  # type: ignore[misc]


class DatabaseWrapper(PostgresDatabaseWrapper):
    creation_class = DatabaseCreation
