"""From the standard input columns to the columns the linkage model compares.

Standard input columns (any may be missing except ``record_id``; missing ones are read
as "unknown")::

    record_id        str   unique per row
    given_name       str   Thai or Latin, may carry a title ("นายสมชาย", "น.ส. สมหญิง")
    family_name      str
    sex              str   "male" / "female" / "" (also m/f, ชาย/หญิง, 1/2)
    birth_year       int   CE or Buddhist Era (BE = CE + 543; years above 2400 are BE)
    birth_month      int   nullable
    birth_day        int   nullable
    national_id      str   13-digit Thai ID (any digits are kept; "" = none)
    phone            str
    province_code    str   DOPA codes: 2, 4 and 6 digits; a missing province or
    district_code    str   district is taken from the start of the finer code
    subdistrict_code str
    address          str
    postcode         str

Empty strings become null everywhere: Splink reads null as "no information", so a
missing phone neither supports nor counts against a match. Names are normalised once
per distinct value (see :mod:`saphan.linkage.engine.thai`) and joined back.
"""

from __future__ import annotations

import polars as pl

from saphan.linkage.engine.thai import encode_for_distance, map_unique, normalise_name, phonetic

STRING_COLUMNS = (
    "record_id",
    "given_name",
    "family_name",
    "sex",
    "national_id",
    "phone",
    "province_code",
    "district_code",
    "subdistrict_code",
    "address",
    "postcode",
)
INT_COLUMNS = ("birth_year", "birth_month", "birth_day")
STANDARD_COLUMNS = (*STRING_COLUMNS, *INT_COLUMNS)

#: Columns of :func:`prepare`'s output, in order.
PREPARED_COLUMNS = (
    "record_id",
    "given_name",
    "given_enc",
    "given_ph",
    "family_name",
    "family_enc",
    "family_ph",
    "given_prefix",
    "family_prefix",
    "names_ph",
    "sex",
    "birth_year",
    "birth_month",
    "birth_day",
    "birth_date",
    "birth_date_swapped",
    "national_id",
    "id_head",
    "id_tail",
    "id_sorted",
    "phone",
    "province_code",
    "district_code",
    "subdistrict_code",
    "address_enc",
    "postcode",
)

BE_OFFSET = 543
_THAI_DIGITS = [chr(0x0E50 + d) for d in range(10)]
_ASCII_DIGITS = [str(d) for d in range(10)]
_SEX = {
    "male": "male",
    "m": "male",
    "ชาย": "male",
    "ช": "male",
    "1": "male",
    "female": "female",
    "f": "female",
    "หญิง": "female",
    "ญ": "female",
    "2": "female",
}


def _blank_to_null(column: str) -> pl.Expr:
    text = pl.col(column).cast(pl.String).str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text).alias(column)


def standardise(df: pl.DataFrame) -> pl.DataFrame:
    """Exactly the standard columns with their types; absent ones null, "" → null."""
    if "record_id" not in df.columns:
        raise ValueError("the frame has no record_id column")
    missing = [
        pl.lit(None, dtype=pl.Int32 if c in INT_COLUMNS else pl.String).alias(c)
        for c in STANDARD_COLUMNS
        if c not in df.columns
    ]
    df = df.with_columns(missing) if missing else df
    return df.select(
        *[_blank_to_null(c) for c in STRING_COLUMNS],
        *[
            pl.col(c).cast(pl.String).str.strip_chars().cast(pl.Int32, strict=False)
            for c in INT_COLUMNS
        ],
    )


def _digits(column: str) -> pl.Expr:
    text = pl.col(column).str.replace_many(_THAI_DIGITS, _ASCII_DIGITS)
    text = text.str.replace_all(r"[^0-9]", "")
    return pl.when(text == "").then(None).otherwise(text)


def _phone() -> pl.Expr:
    """Digits, with the country code +66 written as the leading 0 it replaces."""
    digits = _digits("phone")
    local = (
        pl.when(digits.str.starts_with("66") & (digits.str.len_chars() >= 10))
        .then(pl.lit("0") + digits.str.slice(2))
        .otherwise(digits)
    )
    return pl.when(local.str.len_chars() >= 8).then(local).otherwise(None).alias("phone")


def _birth_columns() -> list[pl.Expr]:
    year = pl.col("birth_year")
    year = pl.when(year > 2400).then(year - BE_OFFSET).otherwise(year)
    year = pl.when(year.is_between(1850, 2200)).then(year).otherwise(None).alias("birth_year")
    month = pl.col("birth_month")
    month = pl.when(month.is_between(1, 12)).then(month).otherwise(None).alias("birth_month")
    day = pl.col("birth_day")
    day = pl.when(day.is_between(1, 31)).then(day).otherwise(None).alias("birth_day")
    return [year, month, day]


def _days_in_month(year: pl.Expr, month: pl.Expr) -> pl.Expr:
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    return (
        pl.when(month == 2)
        .then(pl.when(leap).then(29).otherwise(28))
        .when(month.is_in([4, 6, 9, 11]))
        .then(30)
        .otherwise(31)
    )


def _iso(year: pl.Expr, month: pl.Expr, day: pl.Expr) -> pl.Expr:
    return pl.format(
        "{}-{}-{}",
        year.cast(pl.String).str.zfill(4),
        month.cast(pl.String).str.zfill(2),
        day.cast(pl.String).str.zfill(2),
    )


def _birth_dates() -> list[pl.Expr]:
    """``birth_date`` (ISO) when the date is complete and real, and ``birth_date_swapped``
    — the date read with day and month exchanged — when that is a different real date,
    so that a day/month swap compares as a near match rather than a mismatch."""
    y, m, d = pl.col("birth_year"), pl.col("birth_month"), pl.col("birth_day")
    valid = d <= _days_in_month(y, m)
    swapped_valid = (d <= 12) & (d != m) & (m <= _days_in_month(y, d))
    return [
        pl.when(valid).then(_iso(y, m, d)).otherwise(None).alias("birth_date"),
        pl.when(valid & swapped_valid)
        .then(_iso(y, d, m))
        .otherwise(None)
        .alias("birth_date_swapped"),
    ]


def _codes() -> list[pl.Expr]:
    """A DOPA subdistrict code (6 digits) starts with its district (4) and province (2)."""
    sub, dist, prov = pl.col("subdistrict_code"), pl.col("district_code"), pl.col("province_code")
    dist = (
        pl.when(dist.is_null() & sub.str.contains(r"^\d{6}$"))
        .then(sub.str.slice(0, 4))
        .otherwise(dist)
    )
    prov = (
        pl.when(prov.is_null() & dist.str.contains(r"^\d{4}$"))
        .then(dist.str.slice(0, 2))
        .otherwise(prov)
    )
    return [prov.alias("province_code"), dist.alias("district_code"), sub]


def _address() -> pl.Expr:
    """NFC, lowercase, single spaces (encoded per distinct value afterwards)."""
    text = pl.col("address").str.normalize("NFC").str.to_lowercase()
    text = text.str.replace_all(r"\s+", " ").str.strip_chars()
    return pl.when(text == "").then(None).otherwise(text).alias("address")


def _placeholder_to_null(column: str) -> pl.Expr:
    """Too short to identify anyone, or one digit repeated ("0000000000000", a common
    placeholder for "unknown"): such a value would put thousands of people in one block
    and count as strong evidence that they are the same person."""
    text = pl.col(column)
    junk = (text.str.len_chars() < 5) | text.str.contains(
        "^(?:" + "|".join(f"{d}+" for d in range(10)) + ")$"
    )
    return pl.when(junk).then(None).otherwise(text).alias(column)


def prepare(df: pl.DataFrame) -> pl.DataFrame:
    """The frame the model compares: normalised, encoded and phonetic name columns,
    CE birth year, ISO birth date and its day/month-swapped twin, ID blocking keys,
    local-format phone, DOPA codes, encoded address (see :data:`PREPARED_COLUMNS`)."""
    df = standardise(df).with_columns(_address())
    names = map_unique(pl.concat([df["given_name"], df["family_name"]]), {"norm": normalise_name})
    norm_lookup = _name_lookup(names)
    address_lookup = map_unique(df["address"], {"address_enc": encode_for_distance})
    out = (
        df.with_columns(
            pl.col("sex").str.to_lowercase().replace_strict(_SEX, default=None),
            _digits("national_id").alias("national_id"),
            _phone(),
            _digits("postcode").alias("postcode"),
            *_birth_columns(),
            *_codes(),
        )
        .with_columns(_placeholder_to_null("national_id"), _placeholder_to_null("phone"))
        .with_columns(_birth_dates())
        .join(
            norm_lookup.rename(_prefixed("given")),
            left_on="given_name",
            right_on="given_raw",
            how="left",
        )
        .join(
            norm_lookup.rename(_prefixed("family")),
            left_on="family_name",
            right_on="family_raw",
            how="left",
        )
        .join(address_lookup, left_on="address", right_on="value", how="left")
        .with_columns(
            pl.col("given_norm").alias("given_name"),
            pl.col("family_norm").alias("family_name"),
            *_id_halves("national_id"),
            _digit_counts("national_id").alias("id_sorted"),
            pl.col("given_enc").str.slice(0, 3).alias("given_prefix"),
            pl.col("family_enc").str.slice(0, 3).alias("family_prefix"),
            pl.concat_str(
                pl.min_horizontal("given_ph", "family_ph"),
                pl.max_horizontal("given_ph", "family_ph"),
                separator="|",
            ).alias("names_ph"),
        )
    )
    return out.select(PREPARED_COLUMNS)


def _id_halves(column: str) -> list[pl.Expr]:
    """The first and last k = (length-1)//2 digits (6 and 6 of a 13-digit ID).

    Any single digit error or swap of two adjacent digits leaves at least one of them
    intact, because together they leave at least one digit between them.
    """
    half = (pl.col(column).str.len_chars() - 1) // 2
    return [
        pl.col(column).str.slice(0, half).alias("id_head"),
        pl.col(column).str.slice(pl.col(column).str.len_chars() - half).alias("id_tail"),
    ]


def _digit_counts(column: str) -> pl.Expr:
    """How often each digit 0–9 occurs ("2.0.1.…"): equal for an ID and the same ID with
    two digits swapped, so it serves as the sorted-digits blocking key. Counting is
    vectorised; sorting each string's characters is ten times slower."""
    counts = [pl.col(column).str.count_matches(str(d), literal=True) for d in range(10)]
    key = pl.concat_str([c.cast(pl.String) for c in counts], separator=".")
    return pl.when(pl.col(column).is_null()).then(None).otherwise(key)


def _name_lookup(names: pl.DataFrame) -> pl.DataFrame:
    """raw → (norm, enc, ph): encodings and sound codes once per distinct normal form."""
    codes = map_unique(names["norm"], {"enc": encode_for_distance, "ph": phonetic})
    return names.join(codes, left_on="norm", right_on="value", how="left").rename({"value": "raw"})


def _prefixed(prefix: str) -> dict[str, str]:
    return {c: f"{prefix}_{c}" for c in ("raw", "norm", "enc", "ph")}
