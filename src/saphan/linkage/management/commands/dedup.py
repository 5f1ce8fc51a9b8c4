"""``saphan dedup [--province CODE ...] [--threshold 0.9] [--out pairs.csv] [--enqueue]``

Search the registry for possible duplicates and fill the review queue (``/duplicates/``).
``--out`` also writes the pairs found as CSV — the people's ``uid`` values and the match
probability, never names or identifiers — and records that export in the access log.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saphan.audit.models import AccessAction
from saphan.audit.services import access_log_record
from saphan.geo.models import Province
from saphan.linkage.services import duplicates_find
from saphan.people.models import Person


class Command(BaseCommand):
    help = "Find possible duplicates in the registry and add them to the review queue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--province",
            action="append",
            default=[],
            metavar="CODE",
            help="DOPA province code, e.g. 55 (repeat for several; default: everyone).",
        )
        parser.add_argument(
            "--threshold",
            type=float,
            default=0.9,
            help="Lowest match probability to keep (0-1, default 0.9).",
        )
        parser.add_argument(
            "--out", default="", help="Also write the pairs found to this CSV file."
        )
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue it for the background worker instead."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        codes: list[str] = options["province"]
        threshold: float = options["threshold"]
        out: str = options["out"]
        if not 0 < threshold <= 1:
            raise CommandError("--threshold must be between 0 and 1 / ค่าต้องอยู่ระหว่าง 0 ถึง 1")
        unknown = sorted(set(codes) - set(Province.objects.values_list("code", flat=True)))
        if unknown:
            raise CommandError(f"Unknown province code(s) {', '.join(unknown)} / ไม่พบรหัสจังหวัดนี้")
        if options["enqueue"]:
            if out:
                raise CommandError("--out cannot be used with --enqueue")
            from saphan.linkage.tasks import duplicates_find_task

            result = duplicates_find_task.enqueue(province_codes=codes or None)
            self.stdout.write(f"queued {result.id}")
            return
        summary = duplicates_find(province_codes=codes or None, threshold=threshold)
        self.stdout.write(
            f"people compared {summary.people}, pairs found {summary.pairs}, "
            f"new in the review queue {summary.new} ({summary.seconds:.1f} s"
            f"{', provinces ' + ' '.join(codes) if codes else ''})"
        )
        if out:
            self._write(Path(out), summary.found, codes, threshold)
            self.stdout.write(f"wrote {len(summary.found)} pairs to {out}")

    def _write(
        self, path: Path, found: list[tuple[int, int, float]], codes: list[str], threshold: float
    ) -> None:
        """Every pair this run found (decided ones too), by uid: never names or numbers."""
        uids: dict[int, str] = {}
        ids = sorted({pk for low, high, _p in found for pk in (low, high)})
        for start in range(0, len(ids), 5000):
            chunk = Person.objects.filter(pk__in=ids[start : start + 5000])
            uids.update((pk, str(uid)) for pk, uid in chunk.values_list("pk", "uid"))
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["person_low_uid", "person_high_uid", "match_probability"])
            for low, high, probability in sorted(found, key=lambda row: -row[2]):
                writer.writerow([uids[low], uids[high], f"{probability:.4f}"])
        access_log_record(
            user=None,
            action=AccessAction.EXPORT,
            object_type="duplicate_candidate",
            query=" ".join(codes),
            via="cli",
            detail={"file": path.name, "pairs": len(found), "threshold": threshold},
        )
