"""The five pilots: valid contracts, plausible results within the caps, five roles each."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings

from saphan.orgs.models import OrganisationKind
from saphan.outcomes.choices import PartyRole
from saphan.outcomes.engine import Line, contract_parse, contract_to_dict, evaluate
from saphan.outcomes.engine.simulate import simulate
from saphan.outcomes.pilots import (
    PILOT_ORGANISATIONS,
    PILOTS,
    SEED_ORGANISATIONS,
    cohort_of,
    pilot,
    pilot_contract,
    pilot_contract_parsed,
    pilot_participants,
    pilot_parties,
    pilot_project_info,
    pilot_results,
)
from saphan.people.choices import PopulationGroup
from saphan.watch.catalogue import RULES

CODES = [spec.code for spec in PILOTS]
TODAY = date(2026, 11, 25)


def test_there_are_five_pilots_with_the_expected_files() -> None:
    assert [s.slug for s in PILOTS] == [
        "older-digital-work",
        "home-hope-hub",
        "tip-alternative-shelter",
        "strong-mom-smart-kid",
        "pa-starter",
    ]
    assert pilot("home-hope-hub") is pilot("HHH-2026")
    with pytest.raises(KeyError):
        pilot("nope")


@pytest.mark.parametrize("code", CODES)
def test_contract_parses_and_matches_its_spec(code: str) -> None:
    spec = pilot(code)
    contract = contract_parse(pilot_contract(code))
    assert (contract.code, contract.name_th, contract.name_en) == (
        spec.code,
        spec.name_th,
        spec.name_en,
    )
    assert contract.currency == "THB"
    assert contract.investment is not None and contract.investment.return_cap is not None
    assert contract.investment.tranches and contract.assumptions is not None
    assert contract.caps.per_participant is not None and contract.caps.total is not None


@pytest.mark.parametrize("code", CODES)
def test_contract_round_trips(code: str) -> None:
    contract = pilot_contract_parsed(code)
    assert contract_parse(contract_to_dict(contract)) == contract


@pytest.mark.parametrize("code", CODES)
def test_participant_metrics_have_windows_and_a_ladder_of_prerequisites(code: str) -> None:
    contract = pilot_contract_parsed(code)
    participant = [m for m in contract.metrics if m.unit == "participant"]
    assert all(m.window is not None and m.once_per_participant for m in participant)
    assert any(m.requires for m in participant)


def test_the_pilots_cover_comparison_thresholds_grading_and_co_funding() -> None:
    contracts = [pilot_contract_parsed(code) for code in CODES]
    cohort = [m for c in contracts for m in c.metrics if m.unit == "cohort"]
    assert any(m.threshold and m.threshold.against == "comparison" for m in cohort)
    assert any(m.threshold and m.threshold.against == "baseline" for m in cohort)
    assert any(m.graded for m in cohort)
    assert sum(len(c.payers) == 2 for c in contracts) == 4
    assert any(len(c.rate_cards) > 1 for c in contracts)


def _paid_by(evaluation_lines: Sequence[Line], key: str) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for line in evaluation_lines:
        if key == "participant" and line.result.participant:
            totals[line.result.participant] += line.paid
        elif key == "metric":
            totals[line.result.metric] += line.paid
        elif key == "period":
            totals[line.period] += line.paid
    return totals


@pytest.mark.parametrize("code", CODES)
def test_generated_results_pay_within_every_cap(code: str) -> None:
    contract = pilot_contract_parsed(code)
    results = pilot_results(code, pilot_participants(code, 120), seed=3)
    ev = evaluate(contract, results)
    caps = contract.caps
    assert ev.total > 0
    assert caps.total is not None and ev.total <= caps.total
    assert caps.per_participant is not None
    assert max(_paid_by(ev.lines, "participant").values()) <= caps.per_participant
    for metric, paid in _paid_by(ev.lines, "metric").items():
        assert paid <= caps.per_metric.get(metric, paid)
    for payer, paid in ev.by_payer.items():
        assert paid <= caps.per_payer.get(payer, paid)
    if caps.per_period is not None:
        assert max(_paid_by(ev.lines, "period").values()) <= caps.per_period


@pytest.mark.parametrize("code", CODES)
def test_results_land_in_every_state(code: str) -> None:
    contract = pilot_contract_parsed(code)
    ev = evaluate(contract, pilot_results(code, pilot_participants(code), seed=0, as_of=TODAY))
    refused = {p.code for line in ev.refused for p in line.problems}
    assert {"outside_window", "prerequisite_missing", "already_paid", "not_achieved"} <= refused
    assert ev.paid_lines and ev.refused


@pytest.mark.parametrize("code", CODES)
def test_results_are_deterministic_and_cut_at_as_of(code: str) -> None:
    participants = pilot_participants(code)
    first = pilot_results(code, participants, seed=1)
    assert first == pilot_results(code, participants, seed=1)
    assert first != pilot_results(code, participants, seed=2)
    assert all(r.achieved_on <= TODAY for r in pilot_results(code, participants, as_of=TODAY))
    contract = pilot_contract_parsed(code)
    assert all(contract.start <= r.achieved_on <= contract.end for r in first)
    cohorts = {r.cohort for r in first if r.participant is None}
    assert cohorts <= {cohort_of(contract, d) for _c, d in participants}
    assert bool(cohorts) == any(m.unit == "cohort" for m in contract.metrics)


def test_participants_are_pseudonymous_and_enrolled_in_the_first_year() -> None:
    participants = pilot_participants("TIP-2026", 12, seed=4)
    assert [c for c, _d in participants][:2] == ["TIP-T0001", "TIP-T0002"]
    assert all(date(2025, 10, 1) <= d <= date(2026, 10, 1) for _c, d in participants)
    assert len(pilot_participants("TIP-2026")) == pilot("TIP-2026").demo_participants


@pytest.mark.parametrize("code", CODES)
def test_simulation_runs(code: str) -> None:
    contract = pilot_contract_parsed(code)
    sim = simulate(contract, scenarios=2000, seed=0)
    assert contract.caps.total is not None
    assert 0 < sim.payer_cost.p50 <= float(contract.caps.total)
    assert 0 <= sim.prob_investor_loss < 0.5
    assert sim.investor_multiple.p50 > 0.9


@pytest.mark.parametrize("code", CODES)
def test_every_pilot_has_all_five_roles_matching_the_contract(code: str) -> None:
    spec, contract = pilot(code), pilot_contract_parsed(code)
    assert spec.roles() == set(PartyRole.values)
    payers = {p.spec_code for p in spec.parties if p.role == "payer"}
    assert payers == {p.code for p in contract.payers}
    investors = {p.spec_code for p in spec.parties if p.role == "investor"}
    assert contract.investment is not None
    assert investors == {c.investor for c in contract.investment.commitments}
    assert all(p.spec_code == "" for p in spec.parties if p.role not in ("payer", "investor"))


@pytest.mark.parametrize("code", CODES)
def test_parties_are_known_organisations(code: str) -> None:
    spec = pilot(code)
    added = {o.code for o in PILOT_ORGANISATIONS}
    for party in spec.parties:
        org = party.organisation
        if org.startswith("cso-"):
            assert org[4:] in settings.SAPHAN_PROJECT_PROVINCES
        else:
            assert org in SEED_ORGANISATIONS | added, org
    parties = pilot_parties(code)
    assert all(p["kind"] in OrganisationKind.values and p["name_th"] for p in parties)
    assert {p["role"] for p in parties} == set(PartyRole.values)


def test_added_organisations_are_fictional_and_well_formed() -> None:
    codes = [o.code for o in PILOT_ORGANISATIONS]
    assert len(codes) == len(set(codes))
    assert not set(codes) & SEED_ORGANISATIONS
    for org in PILOT_ORGANISATIONS:
        assert re.fullmatch(r"[a-z0-9-]{1,40}", org.code)
        assert org.kind in OrganisationKind.values
        assert "ตัวอย่าง" in org.name_th
        assert "demo" in org.name_en.lower() or "example" in org.name_en.lower()
        assert set(org.provinces or ()) <= set(settings.SAPHAN_PROJECT_PROVINCES)


@pytest.mark.parametrize("code", CODES)
def test_population_provinces_and_codes_fit_the_project_model(code: str) -> None:
    spec = pilot(code)
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,40}", spec.code)
    assert 1 <= len(spec.participant_prefix) <= 6
    assert set(spec.provinces) <= set(settings.SAPHAN_PROJECT_PROVINCES)
    assert set(spec.eligible_groups) <= set(PopulationGroup.values)
    assert set(spec.eligible_watch_rules) <= {r["code"] for r in RULES}
    info = pilot_project_info(code)
    assert [c for c, _th, _en in info["provinces"]] == list(spec.provinces)
    assert all(th and en for _c, th, en in info["provinces"])
