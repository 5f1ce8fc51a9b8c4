"""``saphan cases sweep [--enqueue]``: alert owners of overdue referrals, follow-ups and
goals."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from saphan.cases.sweep import cases_sweep_overdue


class Command(BaseCommand):
    help = "Case management: sweep sends the overdue alerts (once per item and day)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sweep = sub.add_parser("sweep", help="Send overdue alerts now.")
        sweep.add_argument(
            "--enqueue", action="store_true", help="Queue it for the background worker instead."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            from saphan.cases.tasks import sweep_overdue

            result = sweep_overdue.enqueue()
            self.stdout.write(f"queued {result.id}")
            return
        counts = cases_sweep_overdue()
        self.stdout.write(
            f"overdue: referrals {counts['referrals']}, follow-ups {counts['follow_ups']}, "
            f"goals {counts['goals']}; notifications sent {counts['notifications']}"
        )
