"""Worked examples with hand-computed answers: rate card, rules, caps, cohorts, rounding."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from saphan.outcomes.engine import evaluate
from saphan.outcomes.engine.money import split
from tests.outcomes.engine.builders import cohort, contract, housed

D = Decimal
TWO_PAYERS = [
    {"code": "dsdw", "name_th": "พส.", "name_en": "DSDW"},
    {"code": "thaihealth", "name_th": "สสส.", "name_en": "ThaiHealth"},
]
SHARES = {"dsdw": "0.7", "thaihealth": "0.3"}


def ladder(**caps: Any) -> Any:
    """3, 6 and 12 months housed, priced 10,000 / 15,000 / 25,000, split 70/30."""
    metrics = [
        {
            "code": "housed_3m",
            "name_th": "3",
            "name_en": "3",
            "unit": "participant",
            "window": {"from_days": 90, "to_days": 150},
        },
        {
            "code": "housed_6m",
            "name_th": "6",
            "name_en": "6",
            "unit": "participant",
            "window": {"from_days": 180, "to_days": 240},
            "requires": ["housed_3m"],
        },
        {
            "code": "housed_12m",
            "name_th": "12",
            "name_en": "12",
            "unit": "participant",
            "window": {"from_days": 365, "to_days": 425},
            "requires": ["housed_6m"],
        },
    ]
    prices = [
        {"metric": code, "price": price, "payer_shares": SHARES}
        for code, price in (("housed_3m", "10000"), ("housed_6m", "15000"), ("housed_12m", "25000"))
    ]
    return contract(
        payers=TWO_PAYERS,
        metrics=metrics,
        caps=caps,
        rate_cards=[{"version": "v1", "valid_from": "2026-01-01", "prices": prices}],
    )


def test_per_person_rate_card_with_a_per_person_cap() -> None:
    # P1 reaches all three outcomes (50,000 at list price), capped at 40,000 a person:
    # 10,000 + 15,000 + 15,000 (10,000 cut from the last). P2 reaches the first only.
    c = ladder(per_participant="40000")
    results = [
        housed("P1", "2026-04-15", "housed_3m", "2026-01-10"),  # day 95
        housed("P1", "2026-07-15", "housed_6m", "2026-01-10"),  # day 186
        housed("P1", "2027-01-15", "housed_12m", "2026-01-10"),  # day 370
        housed("P2", "2026-05-01", "housed_3m", "2026-02-01"),  # day 89: outside
        housed("P2", "2026-05-02", "housed_3m", "2026-02-01"),  # day 90: in
    ]
    ev = evaluate(c, results)
    assert [(ln.result.participant, ln.paid) for ln in ev.lines if ln.accepted] == [
        ("P1", D("10000.00")),
        ("P2", D("10000.00")),
        ("P1", D("15000.00")),
        ("P1", D("15000.00")),
    ]
    [refused] = ev.refused
    assert [p.code for p in refused.problems] == ["outside_window"]
    assert refused.problems[0].params["day"] == "89"
    assert ev.total == D("50000.00")
    assert ev.by_metric == {
        "housed_3m": D("20000.00"),
        "housed_6m": D("15000.00"),
        "housed_12m": D("15000.00"),
    }
    assert ev.by_payer == {"dsdw": D("35000.00"), "thaihealth": D("15000.00")}
    assert ev.by_period == {
        "2026-Q2": D("20000.00"),
        "2026-Q3": D("15000.00"),
        "2027-Q1": D("15000.00"),
    }
    [cut] = ev.caps_applied
    assert (cut.cap, cut.key, cut.amount, cut.metric) == (
        "per_participant",
        "P1",
        D("10000.00"),
        "housed_12m",
    )
    assert ev.payments_by_period_and_payer["2027-Q1"] == {
        "dsdw": D("10500.00"),
        "thaihealth": D("4500.00"),
    }


def test_rules_refuse_with_reasons() -> None:
    c = ladder()
    ev = evaluate(
        c,
        [
            housed("P1", "2026-07-15", "housed_6m", "2026-01-10"),  # no 3-month outcome
            housed("P2", "2026-04-15", "housed_3m", "2026-01-10"),
            housed("P2", "2026-05-01", "housed_3m", "2026-01-10"),  # second claim
            housed("P3", "2026-04-15", "housed_3m"),  # no enrolment date
            housed("P4", "2026-04-15", "housed_3m", "2026-01-10", value="0"),
            housed("P5", "2026-04-15", "housed_9m", "2026-01-10"),
            housed("P6", "2028-04-15", "housed_3m", "2028-01-10"),  # after the contract
            housed("P7", "2026-01-05", "housed_3m", "2026-01-10"),  # before enrolment
            cohort("C1", "2026-04-15", "housed_3m", "60"),
        ],
    )
    reasons = {
        (ln.result.subject, ln.result.achieved_on.isoformat()): [p.code for p in ln.problems]
        for ln in ev.refused
    }
    assert reasons == {
        ("P1", "2026-07-15"): ["prerequisite_missing"],
        ("P2", "2026-05-01"): ["already_paid"],
        ("P3", "2026-04-15"): ["not_enrolled"],
        ("P4", "2026-04-15"): ["not_achieved"],
        ("P5", "2026-04-15"): ["unknown_metric"],
        ("P6", "2028-04-15"): ["outside_contract"],
        ("P7", "2026-01-05"): ["achieved_before_enrolment"],
        ("C1", "2026-04-15"): ["wrong_unit"],
    }
    assert ev.total == D("10000.00")
    message = ev.refused[0].problems[0].text("en")
    assert message  # rendered with its parameters


def test_prerequisite_on_the_same_day_counts_whatever_the_input_order() -> None:
    c = ladder()
    a = housed("P1", "2026-07-20", "housed_6m", "2026-01-10")  # day 191
    b = housed("P1", "2026-07-20", "housed_3m", "2026-04-15")  # day 96 of a re-enrolment
    assert evaluate(c, [a, b]).total == evaluate(c, [b, a]).total == D("25000.00")


def test_the_order_of_results_never_changes_payments() -> None:
    c = ladder(per_participant="30000", total="45000")
    results = [
        housed(f"P{i}", f"2026-04-{10 + i}", "housed_3m", "2026-01-05") for i in range(6)
    ] + [housed(f"P{i}", f"2026-07-{10 + i}", "housed_6m", "2026-01-05") for i in range(6)]
    first = evaluate(c, results)
    shuffled = results[:]
    random.Random(4).shuffle(shuffled)
    assert evaluate(c, shuffled) == first
    assert first.total == D("45000.00")


def test_rate_card_version_by_date_achieved() -> None:
    c = contract(
        rate_cards=[
            {
                "version": "2026",
                "valid_from": "2026-01-01",
                "prices": [{"metric": "housed_3m", "price": "10000"}],
            },
            {
                "version": "2027",
                "valid_from": "2027-01-01",
                "prices": [{"metric": "housed_3m", "price": "12000"}],
            },
        ]
    )
    ev = evaluate(c, [housed("A", "2026-12-31"), housed("B", "2027-01-01")])
    assert [(ln.rate_card, ln.paid) for ln in ev.lines] == [
        ("2026", D("10000.00")),
        ("2027", D("12000.00")),
    ]


def test_caps_apply_in_the_documented_order() -> None:
    # Price 10,000 split 50/50 between A and B. Caps: metric 25,000; payer B 11,000;
    # per quarter 18,000; total 24,000. Worked through in docs/outcomes.md.
    c = contract(
        payers=[
            {"code": "A", "name_th": "ก", "name_en": "A"},
            {"code": "B", "name_th": "ข", "name_en": "B"},
        ],
        rate_cards=[
            {
                "version": "v1",
                "valid_from": "2026-01-01",
                "prices": [
                    {
                        "metric": "housed_3m",
                        "price": "10000",
                        "payer_shares": {"A": "0.5", "B": "0.5"},
                    }
                ],
            }
        ],
        caps={
            "per_metric": {"housed_3m": "25000"},
            "per_payer": {"B": "11000"},
            "per_period": "18000",
            "total": "24000",
        },
    )
    ev = evaluate(
        c,
        [
            housed("P1", "2026-02-01"),
            housed("P2", "2026-02-02"),
            housed("P3", "2026-04-01"),
            housed("P4", "2026-04-02"),
        ],
    )
    assert [(ln.paid, ln.by_payer) for ln in ev.lines] == [
        (D("10000.00"), {"A": D("5000.00"), "B": D("5000.00")}),
        (D("8000.00"), {"A": D("4000.00"), "B": D("4000.00")}),
        (D("5500.00"), {"A": D("3500.00"), "B": D("2000.00")}),
        (D("500.00"), {"A": D("500.00"), "B": D("0.00")}),
    ]
    assert [(c.cap, c.key, c.amount) for c in ev.caps_applied] == [
        ("per_period", "2026-Q1", D("2000.00")),
        ("per_metric", "housed_3m", D("3000.00")),
        ("per_payer", "B", D("1500.00")),
        ("per_metric", "housed_3m", D("8500.00")),
        ("per_payer", "B", D("750.00")),
        ("total", "", D("250.00")),
    ]
    assert ev.total == D("24000.00")
    assert ev.by_payer == {"A": D("13000.00"), "B": D("11000.00")}


def threshold_contract(threshold: dict[str, Any]) -> Any:
    return contract(
        metrics=[
            {
                "code": "earning",
                "name_th": "ก",
                "name_en": "e",
                "unit": "cohort",
                "threshold": threshold,
            }
        ],
        rate_cards=[
            {
                "version": "v1",
                "valid_from": "2026-01-01",
                "prices": [{"metric": "earning", "price": "100000"}],
            }
        ],
    )


def test_cohort_threshold_met_and_missed_against_a_baseline() -> None:
    # Baseline 40 % earning; pay if at least 10 % better (relative): 44 % is the bar.
    c = threshold_contract({"against": "baseline", "baseline": "40", "min_improvement_pct": "10"})
    ev = evaluate(
        c,
        [cohort("C1", "2027-06-30", "earning", "45"), cohort("C2", "2027-06-30", "earning", "43")],
    )
    met, missed = ev.lines
    assert (met.paid, met.improvement) == (D("100000.00"), D("12.50"))
    assert missed.paid == 0 and [p.code for p in missed.problems] == ["threshold_not_met"]
    assert missed.problems[0].params == {"improvement": "7.50", "minimum": "10"}
    bar = evaluate(c, [cohort("C3", "2027-06-30", "earning", "44")])
    assert bar.total == D("100000.00")  # exactly 10 % counts


def test_cohort_threshold_against_a_comparison_group() -> None:
    c = threshold_contract(
        {"against": "comparison", "min_improvement_pct": "5", "improvement": "points"}
    )
    ev = evaluate(
        c,
        [
            cohort("C1", "2027-06-30", "earning", "52", comparison="45"),
            cohort("C2", "2027-06-30", "earning", "49", comparison="45"),
            cohort("C3", "2027-06-30", "earning", "60"),
        ],
    )
    assert [ln.paid for ln in ev.lines] == [D("100000.00"), 0, 0]
    assert [p.code for p in ev.lines[2].problems] == ["missing_comparison"]


def test_cohort_threshold_where_lower_is_better() -> None:
    # 30 % back on the street before; 25 % now is 16.67 % better.
    c = threshold_contract(
        {"against": "baseline", "baseline": "30", "min_improvement_pct": "15", "direction": "lower"}
    )
    line = evaluate(c, [cohort("C1", "2027-06-30", "earning", "25")]).lines[0]
    assert (line.paid, line.improvement) == (D("100000.00"), D("16.67"))


def test_graded_payment_between_bounds() -> None:
    # Max 200,000 × clamp((value − 50) / (80 − 50), 0, 1).
    c = contract(
        metrics=[
            {
                "code": "stayed",
                "name_th": "ก",
                "name_en": "s",
                "unit": "cohort",
                "graded": {"lower": "50", "upper": "80"},
                "once_per_participant": False,
            }
        ],
        rate_cards=[
            {
                "version": "v1",
                "valid_from": "2026-01-01",
                "prices": [{"metric": "stayed", "price": "200000"}],
            }
        ],
    )
    values = ["45", "50", "65", "72", "80", "90"]
    ev = evaluate(c, [cohort("C1", f"2027-0{i + 1}-01", "stayed", v) for i, v in enumerate(values)])
    assert [ln.paid for ln in ev.lines] == [
        D("0.00"),
        D("0.00"),
        D("100000.00"),
        D("146666.67"),
        D("200000.00"),
        D("200000.00"),
    ]
    assert ev.lines[3].fraction is not None and ev.lines[3].fraction.quantize(D("0.0001")) == D(
        "0.7333"
    )


def test_satang_are_never_lost_or_created() -> None:
    assert split(D("0.05"), [D("0.5"), D("0.5")]) == [D("0.03"), D("0.02")]
    assert split(D("100.00"), [D(1), D(1), D(1)]) == [D("33.34"), D("33.33"), D("33.33")]
    assert split(D("146666.67"), [D("0.7"), D("0.3")]) == [D("102666.67"), D("44000.00")]
    assert split(D("10.00"), [D(0), D(1)]) == [D("0.00"), D("10.00")]
