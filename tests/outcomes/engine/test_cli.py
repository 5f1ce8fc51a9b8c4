"""``saphan outcomes evaluate`` / ``simulate`` end to end on the documented example files.

The numbers are the ones worked through in docs/outcomes.md ("Home Hope Hub").
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.outcomes.engine.builders import EXAMPLES

CONTRACT = str(EXAMPLES / "home-hope-hub.json")
RESULTS = str(EXAMPLES / "home-hope-hub-results.csv")


def run(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("outcomes", *args, stdout=out)
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


def test_evaluate_the_home_hope_hub_example() -> None:
    report = run("evaluate", CONTRACT, RESULTS)
    payments = report["payments"]
    assert payments["total"] == "376166.67"
    assert payments["by_metric"] == {
        "housed_3m": "40000.00",
        "housed_6m": "30000.00",
        "housed_12m": "35000.00",
        "earning_cohort": "140000.00",
        "not_returned_cohort": "131166.67",
    }
    assert payments["by_payer"] == {"dsdw": "316166.67", "thaihealth": "60000.00"}
    assert payments["by_period"] == {
        "2026-Q2": "40000.00",
        "2026-Q3": "30000.00",
        "2027-Q1": "35000.00",
        "2027-Q2": "140000.00",
        "2027-Q4": "131166.67",
    }
    assert payments["by_period_and_payer"]["2027-Q4"] == {
        "dsdw": "102666.67",
        "thaihealth": "28500.00",
    }
    assert [(c["cap"], c["key"], c["amount"]) for c in report["caps_applied"]] == [
        ("per_participant", "P001", "7000.00"),
        ("per_participant", "P002", "7000.00"),
        ("per_metric", "housed_12m", "5000.00"),
        ("per_period", "2027-Q2", "10000.00"),
        ("per_payer", "thaihealth", "15500.00"),
    ]
    refused = {(r["row"], r["problems"][0]["code"]) for r in report["refused"]}
    assert refused == {
        (9, "outside_window"),
        (10, "prerequisite_missing"),
        (12, "already_paid"),
        (13, "not_achieved"),
        (14, "not_enrolled"),
        (16, "threshold_not_met"),
    }
    assert all(p["en"] and p["th"] for r in report["refused"] for p in r["problems"])
    graded = next(ln for ln in report["lines"] if ln["metric"] == "not_returned_cohort")
    assert (graded["fraction"], graded["gross"], graded["paid"]) == (
        "0.7333",
        "146666.67",
        "131166.67",
    )

    investor = report["investor"]
    assert investor["cash_flows"][-2:] == [
        {"date": "2028-01-30", "amount": "55000.00", "kind": "principal"},
        {"date": "2028-01-30", "amount": "32349.58", "kind": "return"},
    ]
    assert (investor["drawn"], investor["return_paid"], investor["recycled"]) == (
        "300000.00",
        "32349.58",
        "43817.09",
    )
    assert (investor["irr"], investor["multiple"], investor["peak_capital"]) == (
        "0.075688",
        "1.1078",
        "300000.00",
    )
    assert [i["return_paid"] for i in investor["investors"]] == ["19409.75", "12939.83"]

    payer = report["payer"]
    assert (payer["outcomes_paid"], payer["participants"]) == (10, 7)
    assert (payer["cost_per_outcome"], payer["cost_per_participant"]) == ("37616.67", "53738.10")
    assert (payer["maximum"], payer["pct_of_maximum"], payer["remaining_liability"]) == (
        "2060000.00",
        "18.26",
        "1683833.33",
    )


def test_paid_on_moves_every_payment_to_one_date() -> None:
    report = run("evaluate", CONTRACT, RESULTS, "--paid-on", "2028-01-31")
    assert report["payment_schedule"] == [{"date": "2028-01-31", "amount": "376166.67"}]


def test_bad_input_exits_with_code_2_and_lists_the_problems(tmp_path: Path) -> None:
    contract = json.loads(Path(CONTRACT).read_text("utf-8"))
    contract["rate_cards"][0]["prices"][0]["price"] = 10000.5
    contract["caps"]["total"] = "-1"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(contract), "utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("outcomes", "evaluate", str(bad), RESULTS, stderr=err)
    assert caught.value.returncode == 2
    text = err.getvalue()
    assert "$.rate_cards[0].prices[0].price" in text and "$.caps.total" in text

    rows = tmp_path / "bad.csv"
    rows.write_text("participant,metric,date\nP1,housed_3m,2569-01-01\n", "utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("outcomes", "evaluate", CONTRACT, str(rows), stderr=io.StringIO())
    assert caught.value.returncode == 2
    with pytest.raises(CommandError):
        call_command(
            "outcomes", "evaluate", CONTRACT, str(tmp_path / "missing.csv"), stderr=io.StringIO()
        )


def test_simulate_from_the_contract_assumptions() -> None:
    report = run("simulate", CONTRACT, "--scenarios", "2000", "--seed", "1")
    assert report["scenarios"] == 2000 and report["enrolment"] == [8, 14]
    assert sum(report["payer_cost"]["counts"]) == 2000
    assert 0 <= report["prob_investor_loss"] <= 1
    assert report["break_even_success_rate"] is not None
    again = run("simulate", CONTRACT, "--scenarios", "2000", "--seed", "1")
    assert again == report
    custom = run(
        "simulate",
        CONTRACT,
        "--scenarios",
        "100",
        "--enrolment",
        "20,20",
        "--success",
        "housed_3m=1,1",
    )
    assert custom["enrolment"] == [20, 20] and custom["success"]["housed_3m"] == [1, 1]
