"""``saphan rights gaps [--province CODE] [--scheme CODE] [--date YYYY-MM-DD]``: print the
rights gap per province and scheme (people, and baht a month missed)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from saphan.accounts.models import User
from saphan.audit.models import AccessAction
from saphan.audit.services import access_log_record
from saphan.rights.selectors import rights_gap_summary, system_gap_summary


class Command(BaseCommand):
    help = "Welfare rights: 'gaps' prints people and baht a month missed per province × scheme."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        gaps = sub.add_parser("gaps", help="Print the gap summary.")
        gaps.add_argument("--province", default="", help="DOPA province code, e.g. 55")
        gaps.add_argument("--scheme", default="", help="Scheme code, e.g. old_age_allowance")
        gaps.add_argument("--date", default="", help="Work it out for this day (CE, YYYY-MM-DD)")
        gaps.add_argument(
            "--user", default="", help="Apply this user's scope (default: every province)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        day = None
        if options["date"]:
            try:
                day = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("--date takes YYYY-MM-DD (Common Era)") from exc
        user = None
        try:
            if options["user"]:
                user = User.objects.filter(username=options["user"], is_active=True).first()
                if user is None:
                    raise CommandError(f"no active user {options['user']!r}")
                summary = rights_gap_summary(
                    user=user,
                    province_code=options["province"],
                    scheme_code=options["scheme"],
                    today=day,
                )
            else:
                # Operators on the server see totals for every province; no names.
                summary = system_gap_summary(
                    province_code=options["province"], scheme_code=options["scheme"], today=day
                )
        except Http404 as exc:
            raise CommandError(f"unknown or out-of-scope province {options['province']!r}") from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        access_log_record(
            user=user,
            action=AccessAction.SEARCH,
            object_type="rights_gap",
            province_code=options["province"],
            detail={"scheme": options["scheme"], "results": summary.people},
        )
        self.stdout.write(f"rights gap on {summary.day.isoformat()}")
        self.stdout.write(f"{'province':<24} {'scheme':<26} {'people':>8} {'baht/month':>14}")
        for row in summary.rows:
            self.stdout.write(
                f"{row.province.code} {row.province.name_en[:21]:<21} {row.scheme.code:<26} "
                f"{row.people:>8} {row.missing_monthly:>14,.2f}"
            )
        self.stdout.write(
            f"{'total':<24} {'':<26} {summary.people:>8} {summary.missing_monthly:>14,.2f}"
        )
