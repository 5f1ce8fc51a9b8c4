from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saphan.core.backup import database_restore


class Command(BaseCommand):
    help = "Restore the whole database from a file made by `saphan backup` (needs --yes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--yes", action="store_true", help="Confirm that the current data will be replaced."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["yes"]:
            raise CommandError("Restoring replaces every row in the database: add --yes.")
        source: Path = options["file"]
        if not source.exists():
            raise CommandError(f"No such file: {source}")
        database_restore(source=source)
        self.stdout.write(f"restored from {source}")
