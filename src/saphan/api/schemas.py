from __future__ import annotations

from ninja import Schema


class ErrorOut(Schema):
    detail: str
    detail_th: str
    code: str


class Page(Schema):
    count: int
    limit: int
    offset: int
