"""``saphan intake_forms [--out DIR]``: regenerate the field survey's XLSForm and the CSV
template (``src/saphan/intake/forms/`` by default, where they are committed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from saphan.intake.xlsform import (
    CSV_TEMPLATE_NAME,
    FORMS_DIR,
    XLSFORM_NAME,
    build_csv_template,
    build_xlsform,
)


class Command(BaseCommand):
    help = "Write the registry survey XLSForm (KoBoToolbox/ODK) and the CSV import template."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out", type=Path, default=FORMS_DIR, help=f"Directory (default {FORMS_DIR})."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        out: Path = options["out"]
        out.mkdir(parents=True, exist_ok=True)
        build_xlsform(out / XLSFORM_NAME)
        build_csv_template(out / CSV_TEMPLATE_NAME)
        self.stdout.write(f"{out / XLSFORM_NAME}\n{out / CSV_TEMPLATE_NAME}")
