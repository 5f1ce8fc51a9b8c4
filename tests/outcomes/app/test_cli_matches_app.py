"""Issue 5, "Done when": ``saphan outcomes evaluate`` and the app give the same figures
for the documented example (docs/outcomes.md, worked example 7, "Home Hope Hub").

The example contract and results are loaded as they are documented; the app side is
built through its services only (project, parties, signed contract, enrolment, cohorts,
claims with the pre-check, the evaluator's acceptance, cumulative payment requests), and
the calculator is run with ``call_command`` on the very same files.

The example's dates run to 2027-12-15, after today: the app refuses outcomes dated in
the future (and enrolments too). So both sides get a copy of the contract and the results
with every date moved back by the same 730 days. Over 2026–2027 that is exactly two
calendar years for every date from March on (2027-06-30 → 2025-06-30, 2026-04-20 →
2024-04-20); dates in January and February 2026 land one calendar day later in 2024
(2026-01-01 → 2024-01-02, because 2024 is a leap year), far from a quarter's edge. Windows
(days after enrolment) do not change at all, so every quarter and so every per-period cap
is the documented one, two years earlier — which the test checks against the documented
totals before comparing the two sides.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from saphan.outcomes.claims import claim_submit, claim_verify
from saphan.outcomes.engine.pricing import result_order
from saphan.outcomes.engine.problems import MESSAGES
from saphan.outcomes.engine.results import results_from_csv
from saphan.outcomes.engine.spec import contract_parse
from saphan.outcomes.enrolment import cohort_create, participant_enrol
from saphan.outcomes.models import Claim, PaymentRequest
from saphan.outcomes.payments import payment_requests_prepare
from saphan.outcomes.services import (
    contract_version_create,
    contract_version_sign,
    party_add,
    project_create,
)
from saphan.people.consents import ConsentData, consent_record
from saphan.people.partialdate import PartialDate
from saphan.people.services import PersonData, person_register

pytestmark = pytest.mark.django_db

D = Decimal
ZERO = D("0.00")
EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples" / "outcomes"
CONTRACT = EXAMPLES / "home-hope-hub.json"
RESULTS = EXAMPLES / "home-hope-hub-results.csv"
SHIFT = dt.timedelta(days=-730)
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


# -- the shifted copies both sides read ---------------------------------------------------


def _shift_day(text: str) -> str:
    return (dt.date.fromisoformat(text) + SHIFT).isoformat() if text else text


def _shift_json(value: Any) -> Any:
    """Every ISO date in the contract (start, end, rate cards' valid_from, tranches)."""
    if isinstance(value, dict):
        return {k: _shift_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shift_json(v) for v in value]
    if isinstance(value, str) and _DAY.fullmatch(value):
        return _shift_day(value)
    return value


def _shifted_inputs(folder: Path) -> tuple[Path, Path, dict[str, Any], str]:
    spec = _shift_json(json.loads(CONTRACT.read_text("utf-8")))
    contract_path = folder / "home-hope-hub.json"
    contract_path.write_text(json.dumps(spec, ensure_ascii=False, indent=2), "utf-8")
    reader = csv.DictReader(io.StringIO(RESULTS.read_text("utf-8")))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(reader.fieldnames or []), lineterminator="\n")
    writer.writeheader()
    for row in reader:
        writer.writerow(
            {**row, "date": _shift_day(row["date"]), "enrolled_on": _shift_day(row["enrolled_on"])}
        )
    results_path = folder / "home-hope-hub-results.csv"
    results_path.write_text(out.getvalue(), "utf-8")
    return contract_path, results_path, spec, out.getvalue()


def _calculator(contract_path: Path, results_path: Path) -> dict[str, Any]:
    out = io.StringIO()
    call_command("outcomes", "evaluate", str(contract_path), str(results_path), stdout=out)
    report: dict[str, Any] = json.loads(out.getvalue())
    return report


def _two_years_back(period: str) -> str:
    year, rest = period.split("-", 1)
    return f"{int(year) - 2}-{rest}"


# -- reading the app's refusals -----------------------------------------------------------


def _problem_codes(error: ValidationError) -> set[str]:
    """The engine's problem codes behind a refused claim. ``claim_submit`` raises the
    engine's own (lazy) message objects, so they are recognised by identity; anything
    else is one of the app's own checks, kept as its text so a difference shows."""
    codes = set()
    for field, errors in error.error_dict.items():
        for item in errors:
            code = next((c for c, m in MESSAGES.items() if item.message is m), None)
            if code is None:
                code = f"app:{field}:{item.message % (item.params or {})}"
            codes.add(code)
    return codes


def _periods(contract: Any, first: dt.date, last: dt.date) -> list[str]:
    keys: list[str] = []
    day = first
    while day <= last:
        key = contract.period_key(day)
        if key not in keys:
            keys.append(key)
        day += dt.timedelta(days=1)
    return keys


# -- the test ------------------------------------------------------------------------------


def test_calculator_and_app_agree_on_the_home_hope_hub_example(
    tmp_path: Path, orgs: dict[str, Any], users: dict[str, Any], make_org: Any
) -> None:
    contract_path, results_path, spec, results_text = _shifted_inputs(tmp_path)
    contract = contract_parse(spec)
    results = results_from_csv(results_text)
    today = timezone.localdate()
    assert max(r.achieved_on for r in results) <= today, "the shift must leave no future date"

    # ---- the calculator, on the shifted files: the documented figures, two years earlier
    report = _calculator(contract_path, results_path)
    cli = report["payments"]
    assert D(cli["total"]) == D("376166.67")
    assert {k: D(v) for k, v in cli["by_payer"].items()} == {
        "dsdw": D("316166.67"),
        "thaihealth": D("60000.00"),
    }
    assert {k: D(v) for k, v in cli["by_period"].items()} == {
        _two_years_back(k): D(v)
        for k, v in {
            "2026-Q2": "40000.00",
            "2026-Q3": "30000.00",
            "2027-Q1": "35000.00",
            "2027-Q2": "140000.00",
            "2027-Q4": "131166.67",
        }.items()
    }
    assert len(report["caps_applied"]) == 5
    cli_refused = {r["row"]: {p["code"] for p in r["problems"]} for r in report["refused"]}
    assert cli_refused == {
        9: {"outside_window"},
        10: {"prerequisite_missing"},
        12: {"already_paid"},
        13: {"not_achieved"},
        14: {"not_enrolled"},
        16: {"threshold_not_met"},
    }

    # ---- the app: a project whose code is the contract's, with the contract's parties
    im, provider, evaluator = users["intermediary"], users["provider"], users["evaluator"]
    project = project_create(
        user=im,
        code=contract.code,
        name_th=spec["name_th"],
        name_en=spec["name_en"],
        province_codes=["55"],  # the provider's province (Nan), where the people live
        eligible_groups=["homeless"],
        starts_on=contract.start,
        ends_on=contract.end,
    )
    payer_orgs = {
        "dsdw": orgs["payer"],  # kind outcome_payer
        "thaihealth": make_org(kind="agency", code="thaihealth-org", provinces=()),
    }
    investor_orgs = {"impact-fund-a": orgs["investor"], "csr-b": orgs["bank"]}  # kind investor
    assert {p.code for p in contract.payers} == set(payer_orgs)
    assert contract.investment is not None
    assert {c.investor for c in contract.investment.commitments} == set(investor_orgs)
    party_add(user=im, project=project, organisation=orgs["provider"], role="provider")
    party_add(user=im, project=project, organisation=orgs["evaluator"], role="evaluator")
    for code, org in payer_orgs.items():
        party_add(user=im, project=project, organisation=org, role="payer", spec_code=code)
    for code, org in investor_orgs.items():
        party_add(user=im, project=project, organisation=org, role="investor", spec_code=code)
    version = contract_version_create(user=im, project=project, spec=spec)
    contract_version_sign(user=im, version=version)
    project.refresh_from_db()
    assert project.status == "active"

    # ---- one person per participant of the CSV, enrolled on the CSV's date
    enrolled_on: dict[str, dt.date | None] = {}
    for r in results:
        if r.participant is not None:
            known = enrolled_on.setdefault(r.participant, r.enrolled_on)
            assert known == r.enrolled_on, f"{r.participant}: one enrolment date per person"
    consent_day = contract.start  # before every enrolment of the example
    assert all(day is None or consent_day <= day for day in enrolled_on.values())
    participants = {}
    for index, code in enumerate(sorted(enrolled_on)):
        person = person_register(
            user=provider,
            data=PersonData(
                given_name=f"ผู้เข้าร่วม {code}",
                family_name=f"ทดสอบ{index}",
                sex="male",
                current_subdistrict_code="550101",
                birth_date=PartialDate(1970 + index, 1, 1),
                declared_groups=["homeless"],
            ),
        )
        consent_record(
            user=provider,
            person=person,
            data=ConsentData(purpose="Home Hope Hub", given_on=consent_day, covers_sharing=True),
        )
        # P007's enrolment date is missing in the CSV. An app participant always has one;
        # left out, participant_enrol enrols them today (see the refusal below).
        participants[code] = participant_enrol(
            user=provider, project=project, person=person, enrolled_on=enrolled_on[code]
        )
    csv_code = {p.code: code for code, p in participants.items()}

    # ---- cohorts: the cohort codes of the CSV, with the participants its rows name
    members: dict[str, set[str]] = defaultdict(set)
    for r in results:
        if r.cohort is not None:
            members.setdefault(r.cohort, set())
            if r.participant is not None:
                members[r.cohort].add(r.participant)
    cohorts = {
        code: cohort_create(
            user=provider,
            project=project,
            code=code,
            name=f"Cohort {code}",
            participants=[participants[p] for p in sorted(people)],
        )
        for code, people in members.items()
    }

    # ---- every row a claim, in the engine's order (date, subject, prerequisites first),
    # each accepted by the evaluator at once, as the calculator takes them in turn
    app_refused: dict[int, set[str]] = {}
    row_of_claim: dict[int, int] = {}
    for r in result_order(contract, results):
        assert r.row is not None
        metric = contract.metric(r.metric)
        assert metric is not None
        target: dict[str, Any]
        if metric.unit == "participant":
            assert r.participant is not None
            target = {"participant": participants[r.participant]}
        else:
            assert r.cohort is not None
            target = {"cohort": cohorts[r.cohort], "comparison": r.comparison}
        try:
            claim = claim_submit(
                user=provider,
                project=project,
                metric=r.metric,
                achieved_on=r.achieved_on,
                value=r.value,
                note=f"row {r.row}",
                **target,
            )
        except ValidationError as error:
            app_refused[r.row] = _problem_codes(error)
            continue
        claim_verify(user=evaluator, claim=claim, decision="accept", reason="Evidence seen")
        row_of_claim[claim.pk] = r.row
    assert set(Claim.objects.filter(project=project).values_list("status", flat=True)) == {
        "accepted"
    }

    # (1) the same rows are refused, for the same reasons. One difference is in the input,
    # not the rules: the calculator's row 14 (P007) has no enrolment date (`not_enrolled`),
    # while an app participant is always enrolled on some day — here today, after the
    # outcome — so the app refuses the same row as `achieved_before_enrolment`.
    expected = {
        row: {"achieved_before_enrolment"} if codes == {"not_enrolled"} else codes
        for row, codes in cli_refused.items()
    }
    assert app_refused == expected
    # Given the enrolment date the app recorded, the calculator says the same: on
    # identical inputs the refusals are identical, and the payments do not move.
    filled = io.StringIO()
    rows = list(csv.DictReader(io.StringIO(results_text)))
    writer = csv.DictWriter(filled, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        if row["participant"] and not row["enrolled_on"]:
            row["enrolled_on"] = participants[row["participant"]].enrolled_on.isoformat()
        writer.writerow(row)
    filled_path = tmp_path / "home-hope-hub-results-as-enrolled.csv"
    filled_path.write_text(filled.getvalue(), "utf-8")
    as_enrolled = _calculator(contract_path, filled_path)
    assert {
        r["row"]: {p["code"] for p in r["problems"]} for r in as_enrolled["refused"]
    } == app_refused
    assert as_enrolled["payments"] == cli

    # ---- payment requests for every period up to the last result's
    last = max(r.achieved_on for r in results)
    periods = _periods(contract, contract.start, last)
    assert periods[0] == "2024-Q1" and periods[-1] == "2025-Q4"
    for period in periods:
        payment_requests_prepare(user=im, project=project, period=period)
    requests = list(PaymentRequest.objects.filter(project=project).select_related("payer"))
    assert len(requests) == len(periods) * len(contract.payers)
    app_by_period_and_payer: dict[str, dict[str, Decimal]] = defaultdict(dict)
    app_by_payer: dict[str, Decimal] = defaultdict(lambda: ZERO)
    app_by_row_and_payer: dict[tuple[int, str], Decimal] = defaultdict(lambda: ZERO)
    claim_rows = {str(c.uid): row_of_claim[c.pk] for c in Claim.objects.filter(project=project)}
    for request in requests:
        payer = request.payer.code
        if request.amount:
            app_by_period_and_payer[request.period][payer] = request.amount
        app_by_payer[payer] += request.amount
        assert sum((D(x["amount"]) for x in request.lines), ZERO) == request.amount
        for line in request.lines:
            assert not line.get("adjustment"), line  # no re-pricing: all verified in time
            app_by_row_and_payer[claim_rows[line["claim"]], payer] += D(line["amount"])

    # (2) total paid
    app_total = sum(app_by_payer.values(), ZERO)
    assert app_total == D(cli["total"]) == D("376166.67")
    # (3) paid per payer
    assert dict(app_by_payer) == {k: D(v) for k, v in cli["by_payer"].items()}
    # (4) paid per period and payer. Every claim is verified before the first request, so
    # each cumulative request asks for exactly its own period's payments: the comparison
    # is per period, not only cumulative.
    cli_by_period_and_payer = {
        period: {payer: D(v) for payer, v in row.items() if D(v)}
        for period, row in cli["by_period_and_payer"].items()
    }
    assert dict(app_by_period_and_payer) == {k: v for k, v in cli_by_period_and_payer.items() if v}

    # and, line by line, what each row is paid by each payer
    cli_by_row_and_payer = {
        (line["row"], payer): D(v)
        for line in report["lines"]
        for payer, v in line["by_payer"].items()
        if D(v)
    }
    assert dict(app_by_row_and_payer) == cli_by_row_and_payer

    # (5) the caps: the calculator's five cuts are the app's pre-check warnings on the
    # claims the evaluator accepted (participants read back by their CSV code)
    cli_caps = {
        (line["row"], cut["cap"], cut["key"]) for line in report["lines"] for cut in line["cuts"]
    }
    app_caps = {
        (
            row_of_claim[c.pk],
            p["params"]["cap"],
            csv_code.get(p["params"]["key"], p["params"]["key"]),
        )
        for c in Claim.objects.filter(project=project)
        for p in c.problems
        if p["code"] == "cap_reached"
    }
    assert len(cli_caps) == 5
    assert app_caps == cli_caps
