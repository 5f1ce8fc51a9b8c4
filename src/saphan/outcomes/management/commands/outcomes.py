"""``saphan outcomes evaluate CONTRACT.json RESULTS.csv`` and ``saphan outcomes simulate``.

The calculator for what-if work and for checking the app: the same engine, fed from
files (formats in ``docs/outcomes.md``), printing JSON. Bad input exits with code 2 and
every problem listed in English and Thai.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from saphan.outcomes.engine.reader import Message, SpecError, parse_day
from saphan.outcomes.engine.report import calculator_report
from saphan.outcomes.engine.results import results_from_csv
from saphan.outcomes.engine.spec import Contract, contract_parse

BAD_INPUT = 2


def _range(text: str) -> tuple[float, float]:
    low, _sep, high = text.partition(",")
    return float(low), float(high or low)


class Command(BaseCommand):
    help = "Outcomes calculator: evaluate a contract against results, or simulate scenarios."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        ev = sub.add_parser("evaluate", help="Payments, caps, investor and payer figures.")
        ev.add_argument("contract", help="Contract JSON (format saphan-outcomes/1).")
        ev.add_argument("results", help="Results CSV (participant,cohort,metric,date,…).")
        ev.add_argument(
            "--paid-on",
            help="Date every payment is received (YYYY-MM-DD); default: end of each period"
            " plus the contract's payment_lag_days.",
        )
        sim = sub.add_parser("simulate", help="Monte Carlo: payer cost and investor returns.")
        sim.add_argument("contract", help="Contract JSON (format saphan-outcomes/1).")
        sim.add_argument("--scenarios", type=int, default=100_000)
        sim.add_argument("--seed", type=int, default=0)
        sim.add_argument(
            "--enrolment",
            type=_range,
            help="Participants enrolled, LOW,HIGH (default: the contract's assumptions).",
        )
        sim.add_argument(
            "--success",
            action="append",
            default=[],
            metavar="METRIC=LOW,HIGH",
            help="Success rate range of a metric (0–1; a cohort metric: its result value).",
        )

        indigo = sub.add_parser(
            "indigo", help="Export a project in the INDIGO impact-bond data standard."
        )
        indigo.add_argument("project", help="Project code, e.g. HHH-2026.")
        indigo.add_argument("--out", help="Write the JSON here (default: print it).")
        indigo.add_argument("--csv", help="Also write the CSV tables into this folder.")

    def _fail(self, problems: list[dict[str, str]]) -> CommandError:
        for p in problems:
            self.stderr.write(f"{p['path']}: {p['en']}\n{' ' * len(p['path'])}  {p['th']}")
        return CommandError(f"{len(problems)} problem(s) in the input.", returncode=BAD_INPUT)

    def _contract(self, path: str) -> Contract:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise self._fail([{"path": path, "en": str(error), "th": str(error)}]) from error
        try:
            return contract_parse(data)
        except SpecError as error:
            raise self._fail(error.as_list()) from error

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "indigo":
            self._indigo(options)
            return
        contract = self._contract(options["contract"])
        if options["action"] == "simulate":
            self._simulate(contract, options)
            return
        try:
            text = Path(options["results"]).read_text(encoding="utf-8")
            results = results_from_csv(text)
        except OSError as error:
            raise self._fail(
                [{"path": options["results"], "en": str(error), "th": str(error)}]
            ) from error
        except SpecError as error:
            raise self._fail(error.as_list()) from error
        paid_on: date | None = None
        if options["paid_on"]:
            paid_on, problem = parse_day(options["paid_on"])
            if problem is not None:
                raise self._fail([_as_dict("--paid-on", problem)])
        report = calculator_report(contract, results, paid_on)
        self.stdout.write(json.dumps(report, ensure_ascii=False, indent=2))

    def _indigo(self, options: dict[str, Any]) -> None:
        """An operator's export (run on the server, audited as a command-line export)."""
        from django.core.exceptions import ValidationError

        from saphan.audit.services import access_log_record
        from saphan.outcomes.export import project_indigo
        from saphan.outcomes.indigo import indigo_csv
        from saphan.outcomes.models import Project

        project = Project.objects.filter(code=options["project"]).first()
        if project is None:
            raise self._fail(
                [
                    {
                        "path": options["project"],
                        "en": "No project has this code.",
                        "th": "ไม่พบโครงการรหัสนี้",
                    }
                ]
            )
        try:
            doc = project_indigo(project=project)
        except ValidationError as error:
            raise self._fail(
                [{"path": options["project"], "en": " ".join(error.messages), "th": ""}]
            ) from error
        text = json.dumps(doc, ensure_ascii=False, indent=2)
        if options["out"]:
            Path(options["out"]).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text)
        if options["csv"]:
            folder = Path(options["csv"])
            folder.mkdir(parents=True, exist_ok=True)
            for name, table in indigo_csv(doc).items():
                (folder / f"{name}.csv").write_text(table, encoding="utf-8")
        access_log_record(
            user=None,
            action="export",
            object_type="outcomes_project",
            object_id=project.code,
            detail={"format": "indigo", "csv": bool(options["csv"])},
        )

    def _simulate(self, contract: Contract, options: dict[str, Any]) -> None:
        from saphan.outcomes.engine.simulate import simulate, simulation_dict

        success = {}
        for item in options["success"]:
            metric, _eq, spec = item.partition("=")
            try:
                success[metric] = _range(spec)
            except ValueError as error:
                raise self._fail(
                    [{"path": "--success", "en": f"{item}: METRIC=LOW,HIGH", "th": item}]
                ) from error
        try:
            result = simulate(
                contract,
                scenarios=options["scenarios"],
                seed=options["seed"],
                enrolment=options["enrolment"],
                success=success,
            )
        except ValueError as error:
            raise self._fail([{"path": "simulate", "en": str(error), "th": str(error)}]) from error
        self.stdout.write(json.dumps(simulation_dict(result), ensure_ascii=False, indent=2))


def _as_dict(path: str, message: Message) -> dict[str, str]:
    return {"path": path, "en": message.text("en"), "th": message.text("th")}
