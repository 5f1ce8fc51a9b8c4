"""``field__any=[…]``: membership in a long list of values.

PostgreSQL gets ``column = ANY(%s)`` with the list as ONE array parameter: a bulk import
asks "which of these 20,000 fingerprints do we know?" and ``IN (%s, %s, …)`` would make
psycopg quote and the planner parse 20,000 parameters. SQLite gets ``IN (…)`` (its
variable limit is 32,766; callers pass chunks smaller than that)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Lookup


@models.CharField.register_lookup
class AnyOf(Lookup):
    lookup_name = "any"
    prepare_rhs = False

    def get_db_prep_lookup(self, value: Any, connection: Any) -> Any:
        return "%s", [list(value)]

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = [str(v) for v in self.rhs]
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s)", [*lhs_params, values]
        if not values:
            return "1 = 0", list(lhs_params)
        marks = ", ".join(["%s"] * len(values))
        return f"{lhs} IN ({marks})", [*lhs_params, *values]
