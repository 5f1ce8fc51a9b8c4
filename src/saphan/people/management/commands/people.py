"""``saphan people refresh-groups [--enqueue]``: recompute derived group memberships."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from saphan.people.groups import groups_refresh_derived


class Command(BaseCommand):
    help = "Registry maintenance: refresh-groups recomputes older person / child / disability."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        refresh = sub.add_parser("refresh-groups", help="Recompute derived groups now.")
        refresh.add_argument(
            "--enqueue", action="store_true", help="Queue it for the background worker instead."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            from saphan.people.tasks import refresh_derived_groups

            result = refresh_derived_groups.enqueue()
            self.stdout.write(f"queued {result.id}")
            return
        counts = groups_refresh_derived()
        self.stdout.write(f"derived groups: added {counts['added']}, removed {counts['removed']}")
