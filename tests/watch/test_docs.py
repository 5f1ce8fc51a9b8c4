"""docs/watch.md and docs/rights.md explain every shipped rule and scheme, in Thai and
English (the issue's definition of done)."""

from __future__ import annotations

from pathlib import Path

import pytest

from saphan.watch.catalogue import RULES

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_every_rule_is_explained_in_both_languages() -> None:
    text = (DOCS / "watch.md").read_text(encoding="utf-8")
    for rule in RULES:
        assert f"`{rule['code']}`" in text, rule["code"]
        assert rule["name_th"] in text and rule["name_en"] in text, rule["code"]
        assert rule["description_th"] in text and rule["description_en"] in text


@pytest.mark.django_db
def test_every_scheme_is_explained_in_both_languages() -> None:
    from saphan.rights.models import Scheme

    text = (DOCS / "rights.md").read_text(encoding="utf-8")
    schemes = list(Scheme.objects.all())
    assert len(schemes) == 8
    headings = [line for line in text.splitlines() if line.startswith("### ")]
    for scheme in schemes:
        heading = next((h for h in headings if f"`{scheme.code}`" in h), "")
        assert heading, f"no section for {scheme.code}"
        # A Thai and an English name in the heading; the section body explains it.
        assert any("\u0e00" <= ch <= "\u0e7f" for ch in heading), heading
        assert scheme.name_en.split()[0] in heading, heading
