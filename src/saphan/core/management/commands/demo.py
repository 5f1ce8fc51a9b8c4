"""``saphan demo``: an embedded SQLite database with demo data, then a running server.

``saphan demo --persons 1000000 --no-server`` loads synthetic people at scale (on
PostgreSQL with ``COPY``; see :mod:`saphan.demo.people`).
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from saphan.demo.duplicates import demo_duplicates_load
from saphan.demo.people import demo_people_load
from saphan.demo.pilots import demo_pilot_logins, demo_pilots_load
from saphan.demo.reports import demo_reports_load
from saphan.demo.scenarios import demo_scenarios_load
from saphan.demo.seed import DEMO_PASSWORD, demo_seed_organisations_and_users


class Command(BaseCommand):
    help = (
        "Create or update the demo database (SQLite under $SAPHAN_HOME, default ./var), "
        "load geography, demo organisations and users and synthetic people, then serve on "
        "127.0.0.1. Running it again adds only what is missing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-server", action="store_true", help="Set up only.")
        parser.add_argument(
            "--persons",
            type=int,
            default=5000,
            help="Synthetic people the database should hold (default 5000; 0 = none). "
            "Only the missing number is added.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "saphan demo runs only in development mode (SAPHAN_DEBUG on): it creates "
                "users with a published password."
            )
        self.stdout.write(f"Database: {connection.vendor} {connection.settings_dict['NAME']}")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(
            "Migrated; geography loaded (77 provinces, 928 districts, "
            "7,436 subdistricts; 25 project provinces)."
        )
        persons = options["persons"]
        if persons < 0:
            raise CommandError("--persons cannot be negative.")
        result = demo_seed_organisations_and_users()
        self.stdout.write(
            f"Organisations created: {result.organisations_created}; "
            f"users created: {result.users_created} (existing ones left as they are)."
        )
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for every demo user: {DEMO_PASSWORD})")
        self.stdout.write(f"  {'username':<14} {'organisation':<16} role")
        for username, role, org, _ in result.users:
            self.stdout.write(f"  {username:<14} {org:<16} {role}")
        self.stdout.write(
            "  (admin must set up two-factor authentication with an authenticator app "
            "at first login)"
        )
        self.stdout.write("")
        self._load_people(persons)
        if persons:
            demo_scenarios_load(progress=self.stdout.write)
            demo_duplicates_load(progress=self.stdout.write)
            demo_pilots_load(progress=self.stdout.write)
            demo_reports_load(progress=self.stdout.write)
            self.stdout.write("Outcomes pilots — who plays which role (same password):")
            for pilot_code, role, organisation, username in demo_pilot_logins():
                self.stdout.write(f"  {pilot_code:<10} {role:<13} {organisation:<22} {username}")
        if options["no_server"]:
            return
        port = options["port"]
        # Imports and other background work need a worker beside the web server.
        worker = subprocess.Popen(
            [sys.executable, "-m", "saphan.cli", "db_worker"], env=os.environ.copy()
        )
        self.stdout.write("Background worker started (imports, duplicate search).")
        self.stdout.write(f"\nServing on http://127.0.0.1:{port}/  (Ctrl+C to stop)")
        try:
            call_command("runserver", f"127.0.0.1:{port}", use_reloader=False, skip_checks=True)
        finally:
            worker.terminate()
            worker.wait(timeout=10)

    def _load_people(self, persons: int) -> None:
        loaded = demo_people_load(persons, progress=self.stdout.write)
        if loaded.added == 0:
            self.stdout.write(
                f"Demo people: {loaded.existing:,} in the database, {persons:,} wanted: "
                "nothing to add."
            )
            return
        seconds = max(loaded.seconds, 1e-9)
        self.stdout.write(
            f"Demo people: added {loaded.added:,} ({loaded.total_rows:,} rows in "
            f"{len(loaded.rows)} tables) in {loaded.seconds:.1f} s: "
            f"{loaded.added / seconds:,.0f} people/s, {loaded.total_rows / seconds:,.0f} rows/s."
        )
