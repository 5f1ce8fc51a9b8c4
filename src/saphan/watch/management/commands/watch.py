"""``saphan watch evaluate [--province CODE] [--enqueue]`` and ``saphan watch check-rules``."""

from __future__ import annotations

import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from saphan.geo.models import Province
from saphan.watch.catalogue import watch_rules_install
from saphan.watch.conditions import condition_validate, parameters_validate
from saphan.watch.engine import watch_evaluate
from saphan.watch.models import WatchRule


class Command(BaseCommand):
    help = "Watch system: evaluate the rules, check their conditions, install the shipped rules."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        evaluate = sub.add_parser("evaluate", help="Evaluate every rule now (set-based).")
        evaluate.add_argument("--province", default="", help="DOPA province code, e.g. 55")
        evaluate.add_argument(
            "--enqueue", action="store_true", help="Queue it for the background worker instead."
        )
        sub.add_parser("check-rules", help="Validate every rule's condition and thresholds.")
        sub.add_parser("install-rules", help="Create or update the shipped rules.")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "check-rules":
            self._check()
        elif action == "install-rules":
            counts = watch_rules_install()
            self.stdout.write(f"rules: created {counts['created']}, updated {counts['updated']}")
        else:
            self._evaluate(options["province"], options["enqueue"])

    def _evaluate(self, province: str, enqueue: bool) -> None:
        if province and not Province.objects.filter(code=province).exists():
            raise CommandError(f"Unknown province code {province!r} / ไม่พบรหัสจังหวัดนี้")
        if enqueue:
            from saphan.watch.tasks import evaluate_watch_rules

            result = evaluate_watch_rules.enqueue(province_code=province or None)
            self.stdout.write(f"queued {result.id}")
            return
        started = time.perf_counter()
        summary = watch_evaluate(province_code=province or None)
        seconds = time.perf_counter() - started
        width = max((len(code) for code in summary.by_rule), default=10)
        self.stdout.write(f"{'rule':<{width}}  raised  resolved  expired  unchanged")
        for code, n in summary.by_rule.items():
            self.stdout.write(
                f"{code:<{width}}  {n['raised']:>6}  {n['resolved']:>8}  {n['expired']:>7}"
                f"  {n['unchanged']:>9}"
            )
        self.stdout.write(
            f"flags raised {summary.raised}, resolved {summary.resolved}, "
            f"expired {summary.expired}, unchanged {summary.unchanged} "
            f"({seconds:.1f} s{', province ' + province if province else ''})"
        )

    def _check(self) -> None:
        bad = 0
        for rule in WatchRule.objects.all():
            try:
                parameters_validate(rule.parameters)
                condition_validate(rule.condition, rule.parameters)
            except ValidationError as exc:
                bad += 1
                self.stdout.write(f"{rule.code}: {' '.join(exc.messages)}")
        if bad:
            raise CommandError(f"{bad} rule(s) have an invalid condition")
        self.stdout.write("all rules are valid")
