"""Template helpers for reports: Thai digits on demand, and capturing a block's text.

Dates in the Buddhist Era come from core's ``saphan`` library (``{{ d|thaidate }}``,
``{{ d|thaidate:"long" }}``); load both in a report template::

    {% load saphan report_tags %}
    {{ count|thai_digits:thai_digits }}      ← Thai digits when the context flag is true
    {% digits count %}                       ← the same, reading the flag itself
    {% capture as report_title %}{% block title %}…{% endblock %}{% endcapture %}
"""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.template.base import Parser, Token
from django.template.context import Context
from django.utils.safestring import SafeData, mark_safe

register = template.Library()

THAI_DIGITS = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")
#: Markup that must keep its Arabic digits: tags (SVG coordinates, attributes) and
#: character references such as ``&#x27;``.
_MARKUP = re.compile(r"(<[^>]*>|&#?[0-9A-Za-z]+;)")


def digits(text: Any, *, thai: bool = True) -> str:
    """``text`` as a string with 0-9 written as ๐-๙ when ``thai`` (else unchanged).

    Only digits change, so ``"1,234.5"`` becomes ``"๑,๒๓๔.๕"`` and ``"< 5"`` ``"< ๕"``.
    """
    text = "" if text is None else str(text)
    return text.translate(THAI_DIGITS) if thai else text


@register.filter(is_safe=True)
def thai_digits(value: Any, enabled: Any = True) -> Any:
    """``{{ value|thai_digits:thai_digits }}``: Thai digits when the flag is true.

    Passing the context flag lets one switch (``thai_digits`` in the context) change a
    whole report (``pdf_render`` always sets it; Django refuses a filter argument that is
    missing from the context, so a web page that may lack the flag uses
    ``{% digits value %}`` instead). Safe input
    (e.g. a block of HTML or a chart's SVG) stays safe, and only its text changes: tags,
    attributes and character references keep their digits.
    """
    if not enabled or value is None:
        return value
    if isinstance(value, SafeData):
        # Markup: only the text between tags changes, never a tag or an entity.
        pieces = _MARKUP.split(str(value))
        text = "".join(p if i % 2 else digits(p) for i, p in enumerate(pieces))
        return mark_safe(text)  # noqa: S308 - the input was safe; only digits changed
    return digits(value, thai=True)


@register.simple_tag(takes_context=True, name="digits")
def digits_tag(context: Context, value: Any) -> Any:
    """``{% digits value %}``: Thai digits when the context has a true ``thai_digits``."""
    return thai_digits(value, context.get("thai_digits", False))


class CaptureNode(template.Node):
    def __init__(self, nodelist: template.NodeList, name: str) -> None:
        self.nodelist = nodelist
        self.name = name

    def render(self, context: Context) -> str:
        # The rendered nodes are already escaped: keep them safe for {{ name }}.
        context[self.name] = mark_safe(self.nodelist.render(context).strip())  # noqa: S308
        return ""


@register.tag
def capture(parser: Parser, token: Token) -> CaptureNode:
    """``{% capture as name %}…{% endcapture %}``: render the inside once, output
    nothing, and keep the result in ``name`` (so a ``{% block %}`` can be shown twice)."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Usage: {% capture as name %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])
