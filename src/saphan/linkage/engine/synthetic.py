"""A seeded, labelled synthetic Thai population for training and measuring the linkage model.

People live in households (sharing family name, address, phone and DOPA codes), so the
model must tell relatives apart, not only strangers. A share of rows are *duplicates*:
copies of one person, registered again with the errors Thai registries actually show —
a title typed into the name (นาย, น.ส., ด.ช.), a mistyped letter, tone mark and vowel
keyed in the wrong order, a stuck key, no ID card number, two ID digits swapped, a
Buddhist Era year, day and month swapped, no phone, a new address.

Everything is drawn with numpy/polars over whole columns; only the string surgery of
the few mistyped names runs per row. A million rows take a few seconds.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl
from numpy.random import Generator
from pythainlp.corpus import thai_family_names, thai_female_names, thai_male_names

#: Digit weights of the national ID check digit (positions 1–12).
ID_WEIGHTS = np.arange(13, 1, -1)
THAI_CONSONANTS = "กขคงจฉชซญดตถทธนบปผพฟภมยรลวศษสหอฮ"
SAME_SOUND_GROUPS = ("ศษส", "ทธฒฑถฐ", "ตฏ", "ดฎ", "นณ", "ลฬ", "ขคฆ", "ชฌฉ", "พภผ", "ยญ")
TONE_MARKS = "\u0e48\u0e49\u0e4a\u0e4b"
UPPER_VOWELS = "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e47"
CURRENT_YEAR = 2025

#: Probabilities of each corruption of a duplicate (independent draws).
CORRUPTION = {
    "title": 0.5,
    "typo_given": 0.15,
    "typo_family": 0.15,
    "mark_order": 0.1,
    "repeat_char": 0.05,
    "id_missing": 0.35,
    "id_transposed": 0.08,
    "year_be": 0.3,
    "day_month_swap": 0.08,
    "day_typo": 0.03,
    "year_off_by_one": 0.03,
    "year_only": 0.03,
    "sex_missing": 0.05,
    "phone_missing": 0.3,
    "phone_new": 0.1,
    "moved": 0.2,
    "married_family_name": 0.03,
    "names_swapped": 0.02,
}


def national_id_check_digit(first_twelve: np.ndarray) -> np.ndarray:
    """Mod-11 check digit for rows of 12 digits: ``(11 - Σ dᵢ·(13-i) mod 11) mod 10``."""
    return np.asarray((11 - (first_twelve * ID_WEIGHTS).sum(axis=1) % 11) % 10)


def _digits_to_strings(digits: np.ndarray) -> pl.Series:
    """Rows of digits (n × k, ints 0–9) → strings, via bytes rather than a Python loop."""
    as_bytes = (digits.astype(np.uint8) + ord("0")).tobytes()
    width = digits.shape[1]
    return pl.Series(
        [as_bytes[i : i + width].decode() for i in range(0, len(as_bytes), width)],
        dtype=pl.String,
    )


def _zipf_choice(rng: Generator, names: np.ndarray, size: int) -> np.ndarray:
    """Names with a long-tailed popularity, as in a real population (rank → 1/(rank+20))."""
    weights = 1.0 / (rng.permutation(len(names)) + 20.0)
    return np.asarray(names[rng.choice(len(names), size=size, p=weights / weights.sum())])


def _national_ids(rng: Generator, district: np.ndarray) -> np.ndarray:
    """Valid 13-digit IDs: person type, 4-digit registration office (from the district),
    seven random digits, check digit."""
    n = len(district)
    digits = np.empty((n, 12), dtype=np.int64)
    digits[:, 0] = rng.choice([1, 1, 1, 1, 1, 1, 3, 5, 8], size=n)
    for i, power in enumerate((1000, 100, 10, 1)):
        digits[:, 1 + i] = (district // power) % 10
    digits[:, 5:12] = rng.integers(0, 10, size=(n, 7))
    full = np.concatenate([digits, national_id_check_digit(digits)[:, None]], axis=1)
    return full


def _typo(name: str, rng: Generator) -> str:
    """One keyboard error: substitute (often a same-sound letter), delete, insert, or swap."""
    if len(name) < 2:
        return name + THAI_CONSONANTS[rng.integers(len(THAI_CONSONANTS))]
    kind = rng.integers(4)
    i = int(rng.integers(len(name)))
    if kind == 0:
        char = name[i]
        group = next((g for g in SAME_SOUND_GROUPS if char in g), THAI_CONSONANTS)
        return name[:i] + group[rng.integers(len(group))] + name[i + 1 :]
    if kind == 1:
        return name[:i] + name[i + 1 :]
    if kind == 2:
        return name[:i] + THAI_CONSONANTS[rng.integers(len(THAI_CONSONANTS))] + name[i:]
    i = min(i, len(name) - 2)
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def _mark_order(name: str, _rng: Generator) -> str:
    """Tone mark typed before the upper vowel ("ที่" keyed as ท + ่ + ี)."""
    for i in range(len(name) - 1):
        if name[i] in UPPER_VOWELS and name[i + 1] in TONE_MARKS:
            return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return name


def _apply(
    values: pl.Series, mask: np.ndarray, function: Callable[[str, Generator], str], rng: Generator
) -> pl.Series:
    """``function`` applied to the rows where ``mask`` is set (a few percent of them)."""
    out = values.to_list()
    for i in np.flatnonzero(mask):
        if out[i]:
            out[i] = function(out[i], rng)
    return pl.Series(values.name, out, dtype=pl.String)


def _households(rng: Generator, n: int) -> np.ndarray:
    """Household index of each person: sizes 1–6, about 2.4 people per household."""
    sizes = rng.choice([1, 2, 3, 4, 5, 6], size=n, p=[0.3, 0.25, 0.2, 0.13, 0.08, 0.04])
    return np.repeat(np.arange(n), sizes)[:n]


def _people(rng: Generator, n: int) -> pl.DataFrame:
    """``n`` distinct people with the standard linkage columns and an ``entity_id``."""
    household = _households(rng, n)
    n_households = int(household.max()) + 1
    family_names = np.array(sorted(thai_family_names()), dtype=object)
    house_family = _zipf_choice(rng, family_names, n_households)
    province = rng.integers(10, 97, size=n_households)
    district = province * 100 + rng.integers(1, 16, size=n_households)
    subdistrict = district * 100 + rng.integers(1, 13, size=n_households)
    house_phone = rng.integers(10_000_000, 99_999_999, size=n_households)
    house_number = rng.integers(1, 500, size=n_households)
    moo = rng.integers(1, 15, size=n_households)

    sex = rng.choice(np.array(["male", "female"], dtype=object), size=n)
    male = sex == "male"
    given = np.where(
        male,
        _zipf_choice(rng, np.array(sorted(thai_male_names()), dtype=object), n),
        _zipf_choice(rng, np.array(sorted(thai_female_names()), dtype=object), n),
    )
    # Most people carry the household's family name; some married in and kept theirs.
    own_family = rng.random(n) < 0.15
    family = np.where(own_family, _zipf_choice(rng, family_names, n), house_family[household])
    year = rng.integers(1935, CURRENT_YEAR, size=n)
    month = rng.integers(1, 13, size=n)
    day = 1 + (
        rng.random(n) * np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[month - 1]
    ).astype(int)
    year_only = rng.random(n) < 0.04
    ids = _national_ids(rng, district[household])
    own_phone = rng.integers(10_000_000, 99_999_999, size=n)
    phone_kind = rng.random(n)
    phone = np.where(phone_kind < 0.5, own_phone, house_phone[household])
    frame = pl.DataFrame(
        {
            "entity_id": np.arange(n),
            "household": household,
            "given_name": pl.Series(given, dtype=pl.String),
            "family_name": pl.Series(family, dtype=pl.String),
            "sex": pl.Series(sex, dtype=pl.String),
            "birth_year": year,
            "birth_month": np.where(year_only, 0, month),
            "birth_day": np.where(year_only, 0, day),
            "national_id": _digits_to_strings(ids),
            "phone_number": phone,
            "phone_missing": phone_kind > 0.8,
            "province_code": province[household],
            "district_code": district[household],
            "subdistrict_code": subdistrict[household],
            "house_number": house_number[household],
            "moo": moo[household],
        }
    )
    # Some people have no ID card number (stateless, not yet registered) — as in the
    # welfare registries this is built for; duplicate IDs from the random draw go too.
    no_id = pl.Series(rng.random(n) < 0.08) | frame["national_id"].is_duplicated()
    return frame.with_columns(
        pl.when(no_id).then(None).otherwise(pl.col("national_id")).alias("national_id"),
        pl.col("birth_month", "birth_day").replace(0, None),
    )


def _finish(frame: pl.DataFrame) -> pl.DataFrame:
    """Phone, address and codes as the strings a registry holds."""
    return frame.with_columns(
        pl.when(pl.col("phone_missing"))
        .then(None)
        .otherwise(pl.lit("08") + pl.col("phone_number").cast(pl.String))
        .alias("phone"),
        (
            pl.col("house_number").cast(pl.String)
            + pl.lit(" หมู่ ")
            + pl.col("moo").cast(pl.String)
            + pl.lit(" ต.")
            + pl.col("subdistrict_code").cast(pl.String)
        ).alias("address"),
        pl.col("province_code", "district_code", "subdistrict_code").cast(pl.String),
        (pl.col("district_code").cast(pl.String) + pl.lit("0")).alias("postcode"),
    ).drop("phone_number", "phone_missing", "house_number", "moo", "household")


def _titles(sex: pl.Series, birth_year: np.ndarray, rng: Generator) -> pl.Series:
    child = (CURRENT_YEAR - birth_year) < 15
    female_adult = rng.choice(np.array(["นาง", "น.ส.", "นางสาว"], dtype=object), size=len(sex))
    title = np.where(
        sex.to_numpy() == "male",
        np.where(child, "ด.ช.", "นาย"),
        np.where(child, "ด.ญ.", female_adult),
    )
    spacer = np.where(rng.random(len(sex)) < 0.5, " ", "")
    return pl.Series(title.astype(object) + spacer.astype(object), dtype=pl.String)


def _corrupt(rng: Generator, copies: pl.DataFrame, all_family_names: np.ndarray) -> pl.DataFrame:
    n = copies.height
    p = {name: rng.random(n) < prob for name, prob in CORRUPTION.items()}
    given = _apply(copies["given_name"], p["typo_given"], _typo, rng)
    given = _apply(given, p["mark_order"], _mark_order, rng)
    family = _apply(copies["family_name"], p["typo_family"], _typo, rng)
    married = p["married_family_name"] & (copies["sex"].to_numpy() == "female")
    family = pl.Series(
        "family_name",
        np.where(married, _zipf_choice(rng, all_family_names, n), family.to_numpy()),
        dtype=pl.String,
    )
    swapped = p["names_swapped"]
    given, family = (
        pl.Series(
            "given_name", np.where(swapped, family.to_numpy(), given.to_numpy()), dtype=pl.String
        ),
        pl.Series(
            "family_name", np.where(swapped, given.to_numpy(), family.to_numpy()), dtype=pl.String
        ),
    )
    repeats = pl.Series(rng.integers(1, 3, size=n))
    year = copies["birth_year"].to_numpy()
    ids = copies["national_id"]
    swap_at = pl.Series(rng.integers(0, 11, size=n))
    out = copies.with_columns(
        given_name=pl.when(pl.Series(p["title"]))
        .then(_titles(copies["sex"], year, rng) + given)
        .otherwise(given),
        family_name=pl.when(pl.Series(p["repeat_char"]))
        .then(family + family.str.slice(-1).repeat_by(repeats).list.join(""))
        .otherwise(family),
        national_id=pl.when(pl.Series(p["id_missing"]))
        .then(None)
        .when(pl.Series(p["id_transposed"]))
        .then(
            ids.str.slice(0, swap_at)
            + ids.str.slice(swap_at + 1, 1)
            + ids.str.slice(swap_at, 1)
            + ids.str.slice(swap_at + 2)
        )
        .otherwise(ids),
        sex=pl.when(pl.Series(p["sex_missing"])).then(None).otherwise(pl.col("sex")),
    )
    swap = pl.Series(p["day_month_swap"]) & (pl.col("birth_day") <= 12)
    day_typo = pl.Series(p["day_typo"]) & pl.col("birth_day").is_not_null()
    out = out.with_columns(
        birth_day=pl.when(pl.Series(p["year_only"]))
        .then(None)
        .when(swap)
        .then(pl.col("birth_month"))
        .when(day_typo)
        .then((pl.col("birth_day") % 28) + 1)
        .otherwise(pl.col("birth_day")),
        birth_month=pl.when(pl.Series(p["year_only"]))
        .then(None)
        .when(swap)
        .then(pl.col("birth_day"))
        .otherwise(pl.col("birth_month")),
        birth_year=pl.col("birth_year")
        + pl.when(pl.Series(p["year_off_by_one"])).then(1).otherwise(0)
        + pl.when(pl.Series(p["year_be"])).then(543).otherwise(0),
    )
    moved = pl.Series(p["moved"])
    new_district = pl.Series(rng.integers(1, 16, size=n))
    new_subdistrict = pl.Series(rng.integers(1, 13, size=n))
    # A move stays in the district (half), the province (30%) or goes further (20%).
    distance = rng.random(n)
    far = pl.Series(distance >= 0.8)
    new_district_needed = pl.Series(distance >= 0.5)
    province = (
        pl.when(moved & far)
        .then(pl.Series(rng.integers(10, 97, size=n)))
        .otherwise(pl.col("province_code"))
    )
    return (
        out.with_columns(
            phone_missing=pl.Series(p["phone_missing"]) | pl.col("phone_missing"),
            phone_number=pl.when(pl.Series(p["phone_new"]))
            .then(pl.Series(rng.integers(10_000_000, 99_999_999, size=n)))
            .otherwise(pl.col("phone_number")),
            house_number=pl.when(moved)
            .then(pl.Series(rng.integers(1, 500, size=n)))
            .otherwise(pl.col("house_number")),
            moo=pl.when(moved)
            .then(pl.Series(rng.integers(1, 15, size=n)))
            .otherwise(pl.col("moo")),
            province_code=province,
        )
        .with_columns(
            district_code=pl.when(moved & new_district_needed)
            .then(pl.col("province_code") * 100 + new_district)
            .otherwise(pl.col("district_code")),
        )
        .with_columns(
            subdistrict_code=pl.when(moved)
            .then(pl.col("district_code") * 100 + new_subdistrict)
            .otherwise(pl.col("subdistrict_code")),
        )
    )


def make_population(
    n: int, *, duplicate_rate: float = 0.2, seed: int = 20250101
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``n`` rows of which ``duplicate_rate`` are corrupted copies of other rows.

    Returns ``(frame, true_pairs)``: ``frame`` has the standard linkage columns (see
    :mod:`saphan.linkage.engine.prepare`) plus ``entity_id`` (the true person, for
    training), in random order; ``true_pairs`` has ``record_id_l`` < ``record_id_r``,
    one row per original–duplicate pair. Each original has at most one duplicate.
    """
    rng = np.random.default_rng(seed)
    n_duplicates = round(n * duplicate_rate)
    n_people = n - n_duplicates
    if n_duplicates > n_people:
        raise ValueError("duplicate_rate above 0.5 would need people duplicated twice")
    people = _people(rng, n_people)
    duplicated = np.sort(rng.choice(n_people, size=n_duplicates, replace=False))
    copies = _corrupt(rng, people[duplicated], np.array(sorted(thai_family_names()), dtype=object))
    frame = _finish(pl.concat([people, copies], how="vertical_relaxed"))
    order = rng.permutation(frame.height)
    width = len(str(frame.height))
    frame = frame[order].with_columns(
        record_id=pl.int_range(1, frame.height + 1).cast(pl.String).str.zfill(width)
    )
    frame = frame.select("record_id", pl.exclude("record_id"))
    original = (
        frame.filter(pl.col("entity_id").is_duplicated())
        .group_by("entity_id")
        .agg(
            pl.col("record_id").min().alias("record_id_l"),
            pl.col("record_id").max().alias("record_id_r"),
        )
    )
    return frame, original.select("record_id_l", "record_id_r").sort("record_id_l")
