"""``saphan keys``: field-encryption keys.

``saphan keys generate``
    Print a new Fernet key for ``SAPHAN_FIELD_KEYS`` (``--blind-index``: a new value for
    ``SAPHAN_BLIND_INDEX_KEY`` instead).
``saphan keys rotate [--batch 1000]``
    Re-encrypt every stored value of every ``EncryptedTextField`` (historical models of
    django-simple-history included) with the first key of ``SAPHAN_FIELD_KEYS``.
``saphan keys check [--sample 100 | --all]``
    Decrypt a random sample (or every value) of every encrypted column; exits non-zero
    when any value does not decrypt.

Key rotation: prepend a new key to ``SAPHAN_FIELD_KEYS`` and restart the app (new
writes now use it), run ``saphan keys rotate``, confirm with ``saphan keys check --all``
that nothing is left under an old key, then remove the old key and restart again.
"""

from __future__ import annotations

import argparse
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from saphan.core.crypto import DecryptionError, decrypt_text, is_current_token, rotate_token
from saphan.core.fields import EncryptedTextField

#: How many failing primary keys to name per column.
_SHOW_FAILURES = 10


def candidate_models() -> list[type[models.Model]]:
    """Every installed model (historical models included); a seam for tests."""
    return list(apps.get_models())


@dataclass(frozen=True)
class EncryptedColumn:
    model: type[models.Model]
    field: EncryptedTextField

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.field.name}"

    def sql_names(self, connection: BaseDatabaseWrapper) -> tuple[str, str, str]:
        """Quoted (table, primary-key column, encrypted column)."""
        meta = self.model._meta
        pk_column = getattr(meta.pk, "column", None)
        if not pk_column or not self.field.column:
            raise CommandError(f"{self.label}: no single-column primary key or no column.")
        quote = connection.ops.quote_name
        return quote(meta.db_table), quote(pk_column), quote(self.field.column)


def encrypted_columns() -> tuple[list[EncryptedColumn], list[str]]:
    """The encrypted columns of concrete managed models, and the labels of skipped ones.

    ``local_concrete_fields`` visits each column once, in the table that holds it (a
    multi-table child does not repeat its parent's columns).
    """
    columns: list[EncryptedColumn] = []
    skipped: list[str] = []
    for model in candidate_models():
        meta = model._meta
        if meta.abstract or meta.proxy or meta.swapped:
            continue
        for field in meta.local_concrete_fields:
            if isinstance(field, EncryptedTextField):
                column = EncryptedColumn(model, field)
                if meta.managed:
                    columns.append(column)
                else:
                    skipped.append(column.label)
    return columns, skipped


def _batches(
    column: EncryptedColumn, connection: BaseDatabaseWrapper, size: int
) -> Iterator[list[tuple[Any, str]]]:
    """Raw (primary key, token) rows with a non-empty value, in primary-key order.

    Raw SQL on purpose: a queryset would run ``from_db_value`` and hand back plaintext.
    Identifiers come from model metadata and are quoted; values are parameters.
    """
    table, pk, col = column.sql_names(connection)
    base = f"SELECT {pk}, {col} FROM {table} WHERE {col} IS NOT NULL AND {col} <> ''"  # noqa: S608
    last: Any = None
    while True:
        with connection.cursor() as cursor:
            if last is None:
                cursor.execute(f"{base} ORDER BY {pk} LIMIT %s", [size])
            else:
                cursor.execute(f"{base} AND {pk} > %s ORDER BY {pk} LIMIT %s", [last, size])
            rows = [(row[0], row[1]) for row in cursor.fetchall()]
        if not rows:
            return
        yield rows
        if len(rows) < size:
            return
        last = rows[-1][0]


def _sample(
    column: EncryptedColumn, connection: BaseDatabaseWrapper, size: int
) -> list[tuple[Any, str]]:
    table, pk, col = column.sql_names(connection)
    random = "RANDOM()" if connection.vendor in {"sqlite", "postgresql"} else "RAND()"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {pk}, {col} FROM {table} WHERE {col} IS NOT NULL AND {col} <> '' "  # noqa: S608
            f"ORDER BY {random} LIMIT %s",
            [size],
        )
        return [(row[0], row[1]) for row in cursor.fetchall()]


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive whole number")
    return number


class Command(BaseCommand):
    help = (
        "Field-encryption keys: `generate` a new key, `rotate` stored values to the first "
        "key of SAPHAN_FIELD_KEYS, `check` that stored values decrypt."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        generate = actions.add_parser("generate", help="Print a new key.")
        generate.add_argument(
            "--blind-index",
            action="store_true",
            help="Print a value for SAPHAN_BLIND_INDEX_KEY instead of a Fernet key.",
        )
        rotate = actions.add_parser(
            "rotate", help="Re-encrypt every stored value with the first key."
        )
        rotate.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help="Database alias (default)."
        )
        rotate.add_argument(
            "--batch", type=_positive, default=1000, help="Rows per transaction (1000)."
        )
        check = actions.add_parser("check", help="Decrypt stored values; fail on any error.")
        check.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias (default).")
        how_many = check.add_mutually_exclusive_group()
        how_many.add_argument(
            "--sample", type=_positive, default=100, help="Random rows per column (100)."
        )
        how_many.add_argument("--all", action="store_true", help="Check every row.")
        check.add_argument(
            "--batch", type=_positive, default=1000, help="Rows per query with --all (1000)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "generate":
            self._generate(blind_index=options["blind_index"])
            return
        connection = connections[options["database"]]
        columns, skipped = encrypted_columns()
        for label in skipped:
            self.stderr.write(f"{label}: skipped (unmanaged model)")
        if action == "rotate":
            self._rotate(columns, connection, batch=options["batch"])
        else:
            self._check(
                columns,
                connection,
                sample=None if options["all"] else options["sample"],
                batch=options["batch"],
            )

    def _generate(self, *, blind_index: bool) -> None:
        if blind_index:
            self.stdout.write(secrets.token_urlsafe(48))
        else:
            self.stdout.write(Fernet.generate_key().decode("ascii"))

    def _rotate(
        self, columns: list[EncryptedColumn], connection: BaseDatabaseWrapper, *, batch: int
    ) -> None:
        total_rotated = total_failed = 0
        for column in columns:
            rotated = current = changed = 0
            failed: list[Any] = []
            table, pk, col = column.sql_names(connection)
            update = f"UPDATE {table} SET {col} = %s WHERE {pk} = %s AND {col} = %s"  # noqa: S608
            for rows in _batches(column, connection, batch):
                with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                    for key, token in rows:
                        if is_current_token(token):
                            current += 1
                            continue
                        try:
                            new_token = rotate_token(token)
                        except DecryptionError:
                            failed.append(key)
                            continue
                        # Only if unchanged since read: a concurrent save already used
                        # the first key, and must not be overwritten with the old value.
                        cursor.execute(update, [new_token, key, token])
                        if cursor.rowcount == 1:
                            rotated += 1
                        else:
                            changed += 1
            line = f"{column.label}: {rotated} rotated, {current} already under the first key"
            if changed:
                line += f", {changed} changed meanwhile (already under the first key)"
            if failed:
                line += f", {len(failed)} FAILED to decrypt ({self._show(failed)})"
            self.stdout.write(line)
            total_rotated += rotated
            total_failed += len(failed)
        self.stdout.write(
            f"rotate: {total_rotated} values re-encrypted in {len(columns)} encrypted columns"
        )
        if total_failed:
            raise CommandError(
                f"{total_failed} values could not be decrypted with any key in "
                "SAPHAN_FIELD_KEYS and were left as they are: is a key missing?"
            )

    def _check(
        self,
        columns: list[EncryptedColumn],
        connection: BaseDatabaseWrapper,
        *,
        sample: int | None,
        batch: int,
    ) -> None:
        total_checked = total_failed = total_stale = 0
        for column in columns:
            checked = stale = 0
            failed: list[Any] = []
            rows_iter = (
                iter([_sample(column, connection, sample)])
                if sample is not None
                else _batches(column, connection, batch)
            )
            for rows in rows_iter:
                for key, token in rows:
                    checked += 1
                    try:
                        decrypt_text(token)
                    except DecryptionError:
                        failed.append(key)
                        continue
                    if not is_current_token(token):
                        stale += 1
            line = f"{column.label}: {checked} checked, {len(failed)} failed"
            if failed:
                line += f" ({self._show(failed)})"
            if stale:
                line += f", {stale} not under the first key (run `saphan keys rotate`)"
            self.stdout.write(line)
            total_checked += checked
            total_failed += len(failed)
            total_stale += stale
        self.stdout.write(
            f"check: {total_checked} values checked in {len(columns)} encrypted columns, "
            f"{total_failed} failed, {total_stale} not under the first key"
        )
        if total_failed:
            raise CommandError(
                f"{total_failed} values could not be decrypted with any key in "
                "SAPHAN_FIELD_KEYS: is a key missing?"
            )

    @staticmethod
    def _show(keys: list[Any]) -> str:
        shown = ", ".join(f"pk={key}" for key in keys[:_SHOW_FAILURES])
        return shown + (", …" if len(keys) > _SHOW_FAILURES else "")
