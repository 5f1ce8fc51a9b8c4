"""The intermediary's pre-check of one claim, and reading results from CSV."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from saphan.outcomes.engine import SpecError, claim_precheck, results_from_csv
from tests.outcomes.engine.builders import contract, housed
from tests.outcomes.engine.test_pricing import ladder

D = Decimal


def test_a_claim_that_passes_has_no_problems() -> None:
    assert claim_precheck(ladder(), housed("P1", "2026-04-15", "housed_3m", "2026-01-10"), []) == []


def test_each_rule_gives_its_code() -> None:
    c = ladder()
    first = housed("P1", "2026-04-15", "housed_3m", "2026-01-10")
    cases = {
        "outside_window": housed("P1", "2026-09-15", "housed_6m", "2026-01-10"),
        "prerequisite_missing": housed("P2", "2026-07-15", "housed_6m", "2026-01-10"),
        "already_paid": housed("P1", "2026-05-01", "housed_3m", "2026-01-10"),
        "unknown_metric": housed("P1", "2026-05-01", "housed_1m", "2026-01-10"),
        "not_enrolled": housed("P3", "2026-05-01", "housed_3m"),
    }
    for code, claim in cases.items():
        found = claim_precheck(c, claim, [first])
        assert code in [p.code for p in found], code
        assert all(p.blocking for p in found)
        assert all(p.text("en") and p.text("th") for p in found)


def test_prerequisite_must_be_among_the_accepted_and_not_later() -> None:
    c = ladder()
    six = housed("P1", "2026-07-15", "housed_6m", "2026-01-10")
    later_three = housed("P1", "2026-07-16", "housed_3m", "2026-04-10")
    assert [p.code for p in claim_precheck(c, six, [later_three])] == ["prerequisite_missing"]
    three = housed("P1", "2026-04-15", "housed_3m", "2026-01-10")
    assert claim_precheck(c, six, [three]) == []


def test_a_cap_reports_what_can_still_be_paid() -> None:
    c = ladder(per_participant="30000")
    accepted = [
        housed("P1", "2026-04-15", "housed_3m", "2026-01-10"),
        housed("P1", "2026-07-15", "housed_6m", "2026-01-10"),
    ]
    claim = housed("P1", "2027-01-15", "housed_12m", "2026-01-10")
    [found] = claim_precheck(c, claim, accepted)
    assert (found.code, found.blocking) == ("cap_reached", False)
    assert found.params == {
        "cap": "per_participant",
        "key": "P1",
        "payable": "5000.00",
        "gross": "25000.00",
    }
    assert "5000.00 of 25000.00" in found.text("en")
    # With the cap used up, nothing can be paid: the claim is blocked.
    c = ladder(per_participant="25000")
    [found] = claim_precheck(c, claim, accepted)
    assert (found.code, found.blocking, found.params["payable"]) == ("cap_reached", True, "0.00")


def test_accepted_claims_count_even_if_they_would_now_fail() -> None:
    # Accepted earlier under other rules (outside today's window): still once-only.
    c = ladder()
    old = housed("P1", "2026-03-01", "housed_3m", "2026-01-10")
    again = housed("P1", "2026-04-15", "housed_3m", "2026-01-10")
    assert [p.code for p in claim_precheck(c, again, [old])] == ["already_paid"]


CSV = """participant,cohort,metric,date,value,enrolled_on,comparison,note
P001,C1,housed_3m,2026-04-20,1,2026-01-15,,
,C1,earning,2027-06-30,45.5,,38,
P002,,housed_3m,2026-05-05,,2026-02-01,,value defaults to 1

"""


def test_results_from_csv() -> None:
    first, second, third = results_from_csv("\ufeff" + CSV)
    assert (first.participant, first.cohort, first.achieved_on, first.value, first.row) == (
        "P001",
        "C1",
        date(2026, 4, 20),
        D(1),
        2,
    )
    assert first.enrolled_on == date(2026, 1, 15)
    assert (second.subject, second.value, second.comparison) == ("C1", D("45.5"), D(38))
    assert third.value == D(1) and third.cohort is None


def test_csv_errors_name_the_row_and_column() -> None:
    text = (
        "participant,cohort,metric,date,value,enrolled_on\n"
        "P1,,housed_3m,2569-04-20,1,2026-01-15\n"
        ",,housed_3m,2026-04-20,x,\n"
        "P3,,,20/4/2026,1,\n"
    )
    with pytest.raises(SpecError) as caught:
        results_from_csv(text)
    found = {path: message.text("en") for path, message in caught.value.problems}
    assert "Buddhist-Era" in found["row 2.date"] and "2026-04-20" in found["row 2.date"]
    assert "participant code or a cohort code" in found["row 3.participant"]
    assert "number" in found["row 3.value"]
    assert "required" in found["row 4.metric"] and "YYYY-MM-DD" in found["row 4.date"]


def test_csv_header_must_be_known() -> None:
    with pytest.raises(SpecError) as caught:
        results_from_csv("person,metric,date\nP1,a,2026-01-01\n")
    assert caught.value.problems[0][0] == "row 1"


def test_precheck_uses_the_contract_dates() -> None:
    c = contract()
    late = housed("P1", "2028-01-01")
    assert [p.code for p in claim_precheck(c, late, [])] == ["outside_contract"]
