from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "src" / "saphan" / "locale"


def _entries(po: Path) -> list[tuple[str, str]]:
    text = po.read_text(encoding="utf-8")
    pairs = re.findall(
        r'\nmsgid ((?:"(?:[^"\\]|\\.)*"\n)+)msgstr((?:\[0\])? (?:"(?:[^"\\]|\\.)*"\n)+)', text
    )
    joined = [
        (
            "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', a)),
            "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', b)),
        )
        for a, b in pairs
    ]
    return [(i, s) for i, s in joined if i]


def test_every_thai_message_is_translated_and_none_is_fuzzy() -> None:
    po = LOCALE / "th" / "LC_MESSAGES" / "django.po"
    entries = _entries(po)
    assert len(entries) > 100
    assert [i for i, s in entries if not s] == []
    assert "#, fuzzy" not in po.read_text(encoding="utf-8").split("\n\n", 1)[1]


def test_both_catalogues_are_compiled() -> None:
    for lang in ("th", "en"):
        assert (LOCALE / lang / "LC_MESSAGES" / "django.mo").exists()


def test_thai_is_the_default_and_english_is_one_switch_away(client: Client, db: None) -> None:
    with translation.override("th"):
        assert translation.gettext("Organisations") == "องค์กร"
    thai = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="")
    assert 'lang="th"' in thai.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    english = client.get("/accounts/login/")
    assert 'lang="en"' in english.content.decode()


@pytest.mark.parametrize("path", ["/accounts/login/"])
def test_thai_web_font_is_self_hosted(client: Client, db: None, path: str) -> None:
    css = (LOCALE.parent / "core" / "static" / "saphan" / "css" / "saphan.css").read_text()
    assert "sarabun-thai-400-normal.woff2" in css and "http" not in css
    assert (
        LOCALE.parent / "core" / "static" / "saphan" / "fonts" / "sarabun-thai-400-normal.woff2"
    ).stat().st_size > 1000
    assert client.get(path).status_code == 200
