"""The Splink model specification: blocking rules and comparisons (no parameters).

Kept apart from :mod:`saphan.linkage.engine.model` so the specification can be read on
its own; the trained m/u parameters live in ``model_thai.json`` next to this file.
Every SQL condition is plain DuckDB/Spark SQL over the columns of
:func:`saphan.linkage.engine.prepare.prepare`.
"""

from __future__ import annotations

from typing import Any

#: Candidate-pair generation: a pair is scored if ANY rule puts it in one block. Each
#: rule is an equi-join on these prepared columns (nulls never join). The measured pair
#: counts are in docs/linkage.md.
BLOCKING_RULES: tuple[tuple[str, ...], ...] = (
    # The same ID card number.
    ("national_id",),
    # Two adjacent digits swapped: the swap leaves either the first six or the last
    # six digits intact, and never changes how often each digit occurs.
    ("id_head", "id_sorted"),
    ("id_tail", "id_sorted"),
    # Both names sound the same, in either order (whatever the birth date and address
    # say): names_ph is the two sound codes sorted.
    ("names_ph",),
    # Both names start the same (typos late in the name), same birth year.
    ("given_prefix", "family_prefix", "birth_year"),
    # A typo or new family name: the other name's sound, year of birth, district.
    ("given_ph", "birth_year", "district_code"),
    ("family_ph", "birth_year", "district_code"),
    # A wrong year (BE/CE slip, off by one) and a typo in the other name.
    ("given_enc", "birth_month", "birth_day"),
    ("family_enc", "birth_month", "birth_day"),
    # Typos in both names: the exact birth date in the same district.
    ("birth_date", "district_code"),
    ("phone",),
    ("given_enc", "subdistrict_code"),
)


def blocking_rule_sql(columns: tuple[str, ...]) -> str:
    return " AND ".join(f'l."{c}" = r."{c}"' for c in columns)


def _level(sql: str, label: str, *, null: bool = False) -> dict[str, Any]:
    level: dict[str, Any] = {"sql_condition": sql, "label_for_charts": label}
    if null:
        level["is_null_level"] = True
    return level


def _else() -> dict[str, Any]:
    return _level("ELSE", "different")


def _null_if_missing(*columns: str) -> dict[str, Any]:
    sql = " OR ".join(f'"{c}_l" IS NULL OR "{c}_r" IS NULL' for c in columns)
    return _level(sql, "missing", null=True)


def _name(output: str, prefix: str, other: str) -> dict[str, Any]:
    enc, ph, other_enc = f"{prefix}_enc", f"{prefix}_ph", f"{other}_enc"

    def jw(threshold: float) -> str:
        return f'jaro_winkler_similarity("{enc}_l", "{enc}_r") >= {threshold}'

    return {
        "output_column_name": output,
        "comparison_description": f"{output}: encoded spelling and LK82/Soundex sound",
        "comparison_levels": [
            _null_if_missing(enc),
            _level(f'"{enc}_l" = "{enc}_r"', "same spelling"),
            _level(jw(0.92), "one typo (Jaro-Winkler >= 0.92)"),
            _level(f'"{ph}_l" = "{ph}_r"', "sounds the same"),
            _level(jw(0.8), "similar (Jaro-Winkler >= 0.8)"),
            # Given and family name typed into each other's field.
            _level(
                f'jaro_winkler_similarity("{enc}_l", "{other_enc}_r") >= 0.92',
                "swapped with the other name",
            ),
            _else(),
        ],
    }


def _birth_date() -> dict[str, Any]:
    same_year = '"birth_year_l" = "birth_year_r"'
    both_complete = '"birth_date_l" IS NOT NULL AND "birth_date_r" IS NOT NULL'
    return {
        "output_column_name": "birth_date",
        "comparison_description": "birth date (CE), day/month swaps and year-only dates",
        "comparison_levels": [
            _null_if_missing("birth_year"),
            _level('"birth_date_l" = "birth_date_r"', "same date"),
            _level('"birth_date_swapped_l" = "birth_date_r"', "day and month swapped"),
            _level(
                f'{same_year} AND "birth_month_l" = "birth_month_r" AND {both_complete}',
                "same year and month, other day",
            ),
            _level(
                'abs("birth_year_l" - "birth_year_r") = 1 AND "birth_month_l" = "birth_month_r"'
                ' AND "birth_day_l" = "birth_day_r"',
                "same day and month, year one apart",
            ),
            _level(
                f'{same_year} AND ("birth_date_l" IS NULL OR "birth_date_r" IS NULL)',
                "same year, one date has only the year",
            ),
            _level(same_year, "same year, other day and month"),
            _else(),
        ],
    }


def _national_id() -> dict[str, Any]:
    return {
        "output_column_name": "national_id",
        "comparison_description": "national ID: exact, one typo or two digits swapped",
        "comparison_levels": [
            _null_if_missing("national_id"),
            _level('"national_id_l" = "national_id_r"', "same"),
            # DuckDB's damerau_levenshtein is slow (~5 µs a pair); an ID one edit away
            # always shares its first or last half, so test that first.
            _level(
                '("id_head_l" = "id_head_r" OR "id_tail_l" = "id_tail_r")'
                ' AND damerau_levenshtein("national_id_l", "national_id_r") <= 1',
                "one digit wrong or two swapped",
            ),
            _else(),
        ],
    }


def _exact(column: str, description: str) -> dict[str, Any]:
    return {
        "output_column_name": column,
        "comparison_description": description,
        "comparison_levels": [
            _null_if_missing(column),
            _level(f'"{column}_l" = "{column}_r"', "same"),
            _else(),
        ],
    }


def _both(column: str) -> str:
    return f'"{column}_l" IS NOT NULL AND "{column}_r" IS NOT NULL'


def _contact() -> dict[str, Any]:
    """Phone, address, postcode and DOPA codes as ONE comparison.

    Why one: people of a household share all of them. Scored as separate comparisons
    (Fellegi–Sunter multiplies them as if independent) a mother and her son would
    collect the same evidence four times and outweigh their different names and birth
    dates. As levels of one comparison, "same phone and address" has its own u — how
    often two different people share both — and counts once.
    """
    address_similar = 'jaro_winkler_similarity("address_enc_l", "address_enc_r") >= 0.9'
    known = " OR ".join(
        f"({_both(c)})" for c in ("phone", "address_enc", "postcode", "province_code")
    )
    return {
        "output_column_name": "contact",
        "comparison_description": "phone, address and place (one household-level comparison)",
        "comparison_levels": [
            _level(f"NOT ({known})", "missing", null=True),
            _level(f'"phone_l" = "phone_r" AND {address_similar}', "same phone and address"),
            _level('"phone_l" = "phone_r"', "same phone"),
            _level(address_similar, "same address"),
            _level('"subdistrict_code_l" = "subdistrict_code_r"', "same subdistrict"),
            # A Thai postcode covers about one district (amphoe).
            _level(
                '"district_code_l" = "district_code_r" OR "postcode_l" = "postcode_r"',
                "same district or postcode",
            ),
            _level('"province_code_l" = "province_code_r"', "same province"),
            _else(),
        ],
    }


def comparisons() -> list[dict[str, Any]]:
    """The comparisons, in the order of the ``gamma_<name>`` evidence columns."""
    return [
        _name("given_name", "given", "family"),
        _name("family_name", "family", "given"),
        _birth_date(),
        _national_id(),
        _exact("sex", "sex"),
        _contact(),
    ]


COMPARISON_NAMES: tuple[str, ...] = tuple(c["output_column_name"] for c in comparisons())


def level_labels() -> dict[str, dict[int, str]]:
    """``{"given_name": {-1: "missing", 4: "same spelling", …}, …}`` — gamma → label.

    Splink numbers the levels of a comparison from the last (ELSE, 0) upwards; the
    null level is -1.
    """
    labels: dict[str, dict[int, str]] = {}
    for comparison in comparisons():
        levels = comparison["comparison_levels"]
        by_gamma = {-1: levels[0]["label_for_charts"]}
        non_null = levels[1:]
        for i, level in enumerate(non_null):
            by_gamma[len(non_null) - 1 - i] = level["label_for_charts"]
        labels[comparison["output_column_name"]] = by_gamma
    return labels


def settings_dict(link_type: str) -> dict[str, Any]:
    """The untrained Splink settings for ``dedupe_only`` or ``link_only``."""
    return {
        "link_type": link_type,
        "unique_id_column_name": "record_id",
        "comparisons": comparisons(),
        "blocking_rules_to_generate_predictions": [
            blocking_rule_sql(rule) for rule in BLOCKING_RULES
        ],
        # Splink keeps the gamma (evidence) columns only together with the compared
        # columns; predict filters by threshold first, so only the output pairs carry them.
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": False,
    }
