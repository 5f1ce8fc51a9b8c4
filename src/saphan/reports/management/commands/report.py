"""``saphan report refresh`` and ``saphan report policy-brief``.

    saphan report refresh [--province 55 …]          # rebuild the statistics
    saphan report policy-brief --group older_person [--provinces 55,94] \\
        [--recommendations recs.txt] [--thai-digits] [--language th|en] --out brief.pdf

The brief from the command line is the published kind: suppressed as for an analyst,
since no signed-in user is behind it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from saphan.geo.models import Province
from saphan.reports.aggregates import stats_refresh
from saphan.reports.briefs import brief_build, brief_pdf
from saphan.reports.pdf import PdfUnavailable


class Command(BaseCommand):
    help = "Statistics: rebuild them, or write a policy brief as PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        refresh = sub.add_parser("refresh", help="rebuild the pre-aggregated statistics")
        refresh.add_argument("--province", action="append", default=[])
        refresh.add_argument("--stale", action="store_true", help="only provinces marked stale")
        refresh.add_argument(
            "--enqueue", action="store_true", help="queue the rebuild for the background worker"
        )
        brief = sub.add_parser("policy-brief", help="write a policy brief PDF for one group")
        brief.add_argument("--group", required=True)
        brief.add_argument("--provinces", default="", help="comma-separated DOPA codes")
        brief.add_argument("--recommendations", default="", help="a UTF-8 text file")
        brief.add_argument("--thai-digits", action="store_true")
        brief.add_argument("--language", default="th", choices=("th", "en"))
        brief.add_argument("--out", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "refresh":
            self._refresh(options)
        else:
            self._brief(options)

    def _refresh(self, options: dict[str, Any]) -> None:
        if options["enqueue"]:
            from saphan.reports.tasks import refresh_all_stats, refresh_stale_stats

            task = refresh_stale_stats if options["stale"] else refresh_all_stats
            queued = task.enqueue()
            self.stdout.write(f"Queued {task.name}: {queued.id}")
            return
        codes: list[str] | None
        if options["stale"]:
            codes = None
        elif options["province"]:
            codes = options["province"]
        else:
            codes = list(Province.objects.project().values_list("code", flat=True))
        result = stats_refresh(province_codes=codes)
        self.stdout.write(
            f"Statistics rebuilt for {len(result.provinces)} provinces: "
            f"{result.facts:,} rows in {result.seconds:.1f} s."
        )

    def _brief(self, options: dict[str, Any]) -> None:
        wanted = [c.strip() for c in options["provinces"].split(",") if c.strip()]
        project = list(Province.objects.project().values_list("code", flat=True))
        codes = wanted or project
        unknown = sorted(set(codes) - set(Province.objects.values_list("code", flat=True)))
        if unknown:
            raise CommandError(f"Unknown province code(s): {', '.join(unknown)}")
        text = ""
        if options["recommendations"]:
            path = Path(options["recommendations"])
            if not path.is_file():
                raise CommandError(f"No such file: {path}")
            text = path.read_text(encoding="utf-8")
        with translation.override(options["language"]):
            try:
                made = brief_build(
                    user=None, group=options["group"], province_codes=codes, recommendations=text
                )
                body = brief_pdf(made, thai_digits=options["thai_digits"])
            except ValidationError as error:
                raise CommandError(" ".join(str(m) for m in error.messages)) from error
            except PdfUnavailable as error:
                raise CommandError(str(error)) from error
        out = Path(options["out"])
        out.write_bytes(body)
        self.stdout.write(
            f"Policy brief for {made.group} in {len(made.provinces)} provinces: "
            f"{out} ({len(body):,} bytes)."
        )
