"""The five MSDHS pilots as outcomes contracts, with their parties and demo results.

- :data:`PILOTS` describes each pilot (:class:`PilotSpec`): code, names, target
  population, provinces and the organisation in each of the five roles;
- :func:`pilot_contract` loads its ``saphan-outcomes/1`` contract from ``data/``;
- :func:`pilot_results` makes plausible, deterministic results for given participants,
  with some refused on purpose so that claims land in every state;
- :func:`pilot_parties` and :func:`pilot_project_info` give what the INDIGO export
  (:mod:`saphan.outcomes.indigo`) needs beyond the contract.

``docs/outcomes-indigo.md`` explains the metrics and the prices.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import geothai

from saphan.outcomes.engine import Contract, Result, contract_parse
from saphan.outcomes.pilots.catalogue import (
    PILOT_ORGANISATIONS,
    PILOTS,
    ROLES,
    SEED_ORGANISATIONS,
    PilotOrganisation,
    PilotParty,
    PilotSpec,
)
from saphan.outcomes.pilots.generate import cohort_of, generate_participants, generate_results

if TYPE_CHECKING:
    from saphan.geo.models import Province

__all__ = [
    "PILOTS",
    "PILOT_ORGANISATIONS",
    "ROLES",
    "SEED_ORGANISATIONS",
    "PilotOrganisation",
    "PilotParty",
    "PilotSpec",
    "cohort_of",
    "pilot",
    "pilot_contract",
    "pilot_contract_parsed",
    "pilot_participants",
    "pilot_parties",
    "pilot_project_info",
    "pilot_results",
]

DATA = Path(__file__).resolve().parent / "data"


def pilot(code: str) -> PilotSpec:
    """The pilot with this contract code (``HHH-2026``) or file name (``home-hope-hub``)."""
    for spec in PILOTS:
        if code in (spec.code, spec.slug):
            return spec
    raise KeyError(f"no pilot {code!r}; the pilots are {', '.join(p.code for p in PILOTS)}")


def pilot_contract(code: str) -> dict[str, Any]:
    """The pilot's contract as parsed JSON (a fresh dict each time: change it freely)."""
    data: dict[str, Any] = json.loads((DATA / f"{pilot(code).slug}.json").read_text("utf-8"))
    return data


@cache
def pilot_contract_parsed(code: str) -> Contract:
    """The pilot's contract read by :func:`contract_parse` (cached; do not mutate)."""
    return contract_parse(pilot_contract(code))


def pilot_results(
    code: str,
    participants: list[tuple[str, date]],
    seed: int = 0,
    *,
    as_of: date | None = None,
) -> list[Result]:
    """Plausible results for ``participants`` (code, enrolment date); see
    :mod:`saphan.outcomes.pilots.generate`. ``as_of`` drops results dated after it."""
    return generate_results(pilot_contract_parsed(code), participants, seed, as_of=as_of)


def pilot_participants(
    code: str, count: int | None = None, seed: int = 0
) -> list[tuple[str, date]]:
    """Pseudonymous test participants (``HHH-T0001`` …) enrolled over the first year;
    ``count`` defaults to the pilot's ``demo_participants``."""
    spec = pilot(code)
    number = spec.demo_participants if count is None else count
    return generate_participants(pilot_contract_parsed(code), spec.participant_prefix, number, seed)


@cache
def _province_names() -> dict[str, tuple[str, str]]:
    return {p.code: (p.name_th, p.name_en) for p in geothai.provinces()}


@cache
def _organisation_names() -> dict[str, tuple[str, str, str]]:
    """code → (Thai name, English name, kind) for every organisation a pilot names."""
    from saphan.demo.seed import NATIONAL_ORGS, _provincial_orgs  # the demo's own names

    provinces = [
        geothai_province
        for geothai_province in geothai.provinces()
        if any(f"cso-{geothai_province.code}" in spec.organisations("provider") for spec in PILOTS)
    ]
    provincial = _provincial_orgs(cast("list[Province]", provinces))
    names = {o.code: (o.name_th, o.name_en, str(o.kind)) for o in (*NATIONAL_ORGS, *provincial)}
    names.update({o.code: (o.name_th, o.name_en, o.kind) for o in PILOT_ORGANISATIONS})
    return names


def pilot_parties(code: str) -> list[dict[str, str]]:
    """The pilot's parties as the INDIGO export takes them: ``code``, ``name_th``,
    ``name_en``, ``kind`` (organisation kind), ``role``, ``spec_code`` and ``category``
    (an INDIGO organisation role category, or "")."""
    names = _organisation_names()
    categories = {o.code: o.indigo_category for o in PILOT_ORGANISATIONS}
    out = []
    for party in pilot(code).parties:
        name_th, name_en, kind = names[party.organisation]
        out.append(
            {
                "code": party.organisation,
                "name_th": name_th,
                "name_en": name_en,
                "kind": kind,
                "role": party.role,
                "spec_code": party.spec_code,
                "category": categories.get(party.organisation, ""),
            }
        )
    return out


def pilot_project_info(code: str) -> dict[str, Any]:
    """What the INDIGO export says about the project beyond the contract: descriptions,
    target population, policy sector, SDG, provinces (code, Thai and English name)."""
    spec = pilot(code)
    names = _province_names()
    return {
        "description_en": spec.description_en,
        "description_th": spec.description_th,
        "target_population_en": spec.target_population_en,
        "target_population_th": spec.target_population_th,
        "policy_sector": spec.policy_sector,
        "sdg_goal": spec.sdg_goal,
        "provinces": [(c, *names[c]) for c in spec.provinces],
        "population_groups": list(spec.eligible_groups),
    }
