"""Small contracts for the engine tests, as the JSON dicts a person would write."""

from __future__ import annotations

import copy
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from saphan.outcomes.engine import Contract, Result, contract_parse

EXAMPLES = Path(__file__).resolve().parents[3] / "docs" / "examples" / "outcomes"


def example_contract_dict() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / "home-hope-hub.json").read_text("utf-8"))
    return data


def base(**changes: Any) -> dict[str, Any]:
    """One payer, one participant metric priced 10,000, a 2026 contract."""
    data: dict[str, Any] = {
        "format": "saphan-outcomes/1",
        "code": "T-1",
        "name_th": "ทดสอบ",
        "name_en": "Test",
        "start": "2026-01-01",
        "end": "2027-12-31",
        "period": "quarter",
        "payers": [{"code": "dsdw", "name_th": "พส.", "name_en": "DSDW"}],
        "metrics": [
            {
                "code": "housed_3m",
                "name_th": "มีบ้าน 3 เดือน",
                "name_en": "Housed 3m",
                "unit": "participant",
            },
        ],
        "rate_cards": [
            {
                "version": "v1",
                "valid_from": "2026-01-01",
                "prices": [{"metric": "housed_3m", "price": "10000.00"}],
            },
        ],
    }
    data.update(copy.deepcopy(changes))
    return data


def contract(**changes: Any) -> Contract:
    return contract_parse(base(**changes))


def housed(
    participant: str,
    on: str,
    metric: str = "housed_3m",
    enrolled: str | None = None,
    value: str = "1",
) -> Result:
    return Result(
        metric,
        date.fromisoformat(on),
        Decimal(value),
        participant=participant,
        enrolled_on=date.fromisoformat(enrolled) if enrolled else None,
    )


def cohort(code: str, on: str, metric: str, value: str, comparison: str | None = None) -> Result:
    return Result(
        metric,
        date.fromisoformat(on),
        Decimal(value),
        cohort=code,
        comparison=None if comparison is None else Decimal(comparison),
    )
