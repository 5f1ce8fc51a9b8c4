"""Reading contracts: every mistake reported with its JSON path, money never a float."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from saphan.outcomes.engine import SpecError, contract_parse, contract_to_dict
from tests.outcomes.engine.builders import base, example_contract_dict


def problems(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(SpecError) as caught:
        contract_parse(data)
    return {path: message.text("en") for path, message in caught.value.problems}


def two_payers(shares: dict[str, Any]) -> dict[str, Any]:
    return base(
        payers=[
            {"code": "dsdw", "name_th": "พส.", "name_en": "DSDW"},
            {"code": "thaihealth", "name_th": "สสส.", "name_en": "ThaiHealth"},
        ],
        rate_cards=[
            {
                "version": "v1",
                "valid_from": "2026-01-01",
                "prices": [{"metric": "housed_3m", "price": "10000", "payer_shares": shares}],
            }
        ],
    )


def test_the_example_contract_parses_and_round_trips() -> None:
    contract = contract_parse(example_contract_dict())
    assert contract.code == "HHH-2026"
    assert [m.code for m in contract.metrics][:3] == ["housed_3m", "housed_6m", "housed_12m"]
    assert contract.metric("housed_6m").requires == ("housed_3m",)  # type: ignore[union-attr]
    assert contract.caps.per_participant == Decimal("45000.00")
    assert contract.rate_card_on(date(2027, 3, 1)).version == "2027"  # type: ignore[union-attr]
    assert contract.period_key(date(2026, 8, 10)) == "2026-Q3"
    assert contract_parse(contract_to_dict(contract)) == contract


def test_a_float_in_a_money_field_is_refused_with_a_hint() -> None:
    data = base(
        rate_cards=[
            {
                "version": "v1",
                "valid_from": "2026-01-01",
                "prices": [{"metric": "housed_3m", "price": 10000.5}],
            }
        ]
    )
    found = problems(data)
    message = found["$.rate_cards[0].prices[0].price"]
    assert '"10000.5"' in message and "float" in message


def test_integers_and_strings_are_money() -> None:
    data = base(
        rate_cards=[
            {
                "version": "v1",
                "valid_from": "2026-01-01",
                "prices": [{"metric": "housed_3m", "price": 10000}],
            }
        ]
    )
    assert contract_parse(data).rate_cards[0].prices["housed_3m"].price == Decimal(10000)


def test_payer_shares_must_add_up_to_exactly_one() -> None:
    found = problems(two_payers({"dsdw": "0.7", "thaihealth": "0.2"}))
    assert "add up to 0.9" in found["$.rate_cards[0].prices[0].payer_shares"]
    found = problems(two_payers({"dsdw": 0.7, "thaihealth": 0.3}))
    assert "$.rate_cards[0].prices[0].payer_shares.dsdw" in found
    found = problems(two_payers({"dsdw": "0.7", "ministry": "0.3"}))
    assert "no payer ministry" in found["$.rate_cards[0].prices[0].payer_shares.ministry"]
    assert contract_parse(two_payers({"dsdw": "0.7", "thaihealth": "0.3"}))


def test_several_payers_need_shares() -> None:
    found = problems(two_payers(None))  # type: ignore[arg-type]
    assert "share" in found["$.rate_cards[0].prices[0].payer_shares"]


def metrics(*extra: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"code": "housed_3m", "name_th": "ก", "name_en": "a", "unit": "participant"}, *extra]


def priced(codes: list[str]) -> list[dict[str, Any]]:
    return [
        {
            "version": "v1",
            "valid_from": "2026-01-01",
            "prices": [{"metric": c, "price": "1"} for c in codes],
        }
    ]


def test_unknown_prerequisite() -> None:
    data = base(
        metrics=metrics(
            {
                "code": "housed_6m",
                "name_th": "ข",
                "name_en": "b",
                "unit": "participant",
                "requires": ["housed_2m"],
            }
        ),
        rate_cards=priced(["housed_3m", "housed_6m"]),
    )
    assert "no metric housed_2m" in problems(data)["$.metrics[1].requires[0]"]


def test_a_cycle_in_prerequisites() -> None:
    data = base(
        metrics=[
            {"code": "a", "name_th": "ก", "name_en": "a", "unit": "participant", "requires": ["c"]},
            {"code": "b", "name_th": "ข", "name_en": "b", "unit": "participant", "requires": ["a"]},
            {"code": "c", "name_th": "ค", "name_en": "c", "unit": "participant", "requires": ["b"]},
        ],
        rate_cards=priced(["a", "b", "c"]),
    )
    message = problems(data)["$.metrics"]
    assert "cycle" in message and "a → c → b → a" in message


def test_negative_caps_and_unknown_keys() -> None:
    data = base(caps={"per_participant": "-1", "per_metric": {"nope": "5"}, "totl": "1"})
    found = problems(data)
    assert "negative" in found["$.caps.per_participant"]
    assert "no metric nope" in found["$.caps.per_metric.nope"]
    assert "Unknown field totl" in found["$.caps.totl"]


def test_cohort_metrics_need_one_rule_and_participants_none() -> None:
    data = base(
        metrics=metrics(
            {"code": "c1", "name_th": "ก", "name_en": "c", "unit": "cohort"},
            {
                "code": "c2",
                "name_th": "ก",
                "name_en": "c",
                "unit": "participant",
                "graded": {"lower": "1", "upper": "2"},
            },
            {
                "code": "c3",
                "name_th": "ก",
                "name_en": "c",
                "unit": "cohort",
                "threshold": {"against": "baseline", "min_improvement_pct": "10"},
            },
            {
                "code": "c4",
                "name_th": "ก",
                "name_en": "c",
                "unit": "cohort",
                "graded": {"lower": "5", "upper": "5"},
            },
        ),
        rate_cards=priced(["housed_3m", "c1", "c2", "c3", "c4"]),
    )
    found = problems(data)
    assert "either a threshold or a graded rule" in found["$.metrics[1]"]
    assert "cohort metrics only" in found["$.metrics[2]"]
    assert found["$.metrics[3].threshold.baseline"] == "This field is required."
    assert "must differ" in found["$.metrics[4].graded"]


def test_dates_windows_and_buddhist_era_years() -> None:
    data = base(start="2569-01-01", metrics=metrics())
    data["metrics"][0]["window"] = {"from_days": 90, "to_days": 30}
    found = problems(data)
    assert "Buddhist-Era" in found["$.start"] and "2026-01-01" in found["$.start"]
    assert "window" in found["$.metrics[0].window"]


def test_every_rate_card_version_prices_every_metric() -> None:
    data = base(
        metrics=metrics(
            {"code": "housed_6m", "name_th": "ข", "name_en": "b", "unit": "participant"}
        ),
        rate_cards=priced(["housed_3m"]),
    )
    assert "housed_6m is missing" in problems(data)["$.rate_cards[0].prices"]


def test_investment_checks() -> None:
    data = base(
        investment={
            "commitments": [{"investor": "a", "name_th": "ก", "name_en": "A", "amount": "100"}],
            "tranches": [
                {"on": "2026-01-01", "amount": "150"},
                {"on": "2030-01-01", "amount": "1"},
            ],
            "return_cap": {},
            "remainder": "keep",
        }
    )
    found = problems(data)
    assert "exceed the commitments" in found["$.investment.tranches"]
    assert "within the contract" in found["$.investment.tranches[1].on"]
    assert "pct_of_principal" in found["$.investment.return_cap"]
    assert "recycle, payer" in found["$.investment.remainder"]


def test_all_problems_come_at_once_and_in_thai_too() -> None:
    with pytest.raises(SpecError) as caught:
        contract_parse({"format": "other", "payers": "x"})
    listed = caught.value.as_list()
    paths = {p["path"] for p in listed}
    assert {"$.format", "$.start", "$.end", "$.payers", "$.metrics", "$.rate_cards"} <= paths
    assert all(p["en"] and p["th"] for p in listed)
    assert isinstance(caught.value, ValueError)
