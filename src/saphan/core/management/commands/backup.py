from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from saphan.core.backup import database_backup


class Command(BaseCommand):
    help = "Back up the whole database (SQLite copy or pg_dump custom format)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out", type=Path, help="File to write (default under $SAPHAN_HOME/backups)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out = options["out"] or (
            settings.SAPHAN_HOME / "backups" / f"saphan-{timezone.now():%Y%m%d-%H%M%S}.backup"
        )
        path = database_backup(out=Path(out))
        self.stdout.write(f"backup written: {path} ({path.stat().st_size:,} bytes)")
