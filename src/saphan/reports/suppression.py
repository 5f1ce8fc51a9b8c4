"""Small-cell suppression for every statistic that leaves the registry.

**Primary suppression.** A count from 1 to 4 is hidden and shown as "< 5". A zero stays
visible: it describes nobody.

**Complementary suppression.** A table usually comes with totals, and a hidden cell must
not be recoverable from them. The table is described as *lines*: linear constraints
``sum(parts) == whole`` (a row and its row total, a column and its column total). Cells
are then hidden until, in every line that hides anything,

1. at least two cells are hidden,
2. the hidden cells together hold at least ``THRESHOLD`` (so that the hidden part of a
   line is not itself a small number, and ``1 + 0`` cannot be solved from its bounds),

and, over the whole table, no hidden cell is determined by the linear system of all
lines together (checked with the null space of the constraint matrix: a hidden cell is
recoverable exactly when every solution of the system gives it the same value).

Cells the viewer may see exactly (their own provinces: ``exempt``) are never hidden and
count as known to the viewer when recoverability is checked.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np

THRESHOLD = 5

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Line(Generic[K]):
    """``sum(parts) == whole``."""

    parts: tuple[K, ...]
    whole: K

    @property
    def cells(self) -> tuple[K, ...]:
        return (*self.parts, self.whole)


def is_small(value: int) -> bool:
    return 0 < value < THRESHOLD


def _complement(line: Line[K], values: Mapping[K, int], hidden: set[K], exempt: set[K]) -> K | None:
    """The cell to hide next in ``line``: the smallest visible one, inner cells before
    the total, non-zero before zero (a hidden zero protects nothing)."""
    candidates = [k for k in line.cells if k not in hidden and k not in exempt]
    if not candidates:
        return None
    return min(
        candidates,
        key=lambda k: (k == line.whole, values[k] == 0, values[k], line.cells.index(k)),
    )


def _line_is_safe(line: Line[K], values: Mapping[K, int], hidden: set[K]) -> bool:
    inside = [k for k in line.cells if k in hidden]
    if not inside:
        return True
    if len(inside) < 2:
        return False
    # The whole and its parts are both counted when the whole is hidden; the hidden
    # mass of the line is what an attacker cannot see, so sum the hidden parts, or the
    # hidden whole when the parts are all visible but for it.
    mass = sum(values[k] for k in inside if k != line.whole)
    if line.whole in hidden:
        mass = max(mass, values[line.whole])
    return mass >= THRESHOLD


def recoverable(values: Mapping[K, int], lines: Sequence[Line[K]], hidden: set[K]) -> set[K]:
    """Hidden cells whose value follows from the visible cells and the lines.

    Unknowns are the hidden cells; each line is one equation. A hidden cell ``k`` is
    determined iff it does not move along the null space of the equations."""
    unknowns = sorted(hidden, key=repr)
    if not unknowns:
        return set()
    # "determined" = does not move along the null space of the equations.
    index = {k: i for i, k in enumerate(unknowns)}
    rows = []
    for line in lines:
        row = np.zeros(len(unknowns))
        touched = False
        for k in line.parts:
            if k in index:
                row[index[k]] += 1.0
                touched = True
        if line.whole in index:
            row[index[line.whole]] -= 1.0
            touched = True
        if touched:
            rows.append(row)
    if not rows:
        return set()
    matrix = np.array(rows)
    # Row space of the equations: e_k lies in it (the cell is determined) exactly when
    # the orthogonal projector onto it keeps e_k whole, i.e. its diagonal entry is 1.
    # The economy SVD is enough for the projector (A is a few dozen lines wide).
    _u, singular, vt = np.linalg.svd(matrix, full_matrices=False)
    basis = vt[singular > 1e-9]
    kept = (basis**2).sum(axis=0)
    return {k for k in unknowns if kept[index[k]] > 1 - 1e-9}


def suppress(
    values: Mapping[K, int],
    lines: Sequence[Line[K]],
    *,
    exempt: set[K] | frozenset[K] = frozenset(),
    forced: set[K] | frozenset[K] = frozenset(),
) -> tuple[set[K], set[K]]:
    """Decide which cells to hide. Returns ``(primary, complementary)``.

    ``forced`` cells are hidden from the start: the same cells hidden in a linked table
    (a province's total in the national table is the grand total of its district table),
    so that two tables cut differently cannot be combined to recover a cell."""
    exempt_set = set(exempt)
    primary = {k for k, v in values.items() if is_small(int(v)) and k not in exempt_set}
    hidden = set(primary) | (set(forced) - exempt_set)
    for _round in range(len(values) + 1):
        changed = False
        for line in lines:
            while not _line_is_safe(line, values, hidden):
                extra = _complement(line, values, hidden, exempt_set)
                if extra is None:
                    break
                hidden.add(extra)
                changed = True
        # Hide one more cell in a line through each recoverable cell (all of them in one
        # round: one null-space computation per round, not per cell), then re-check.
        for cell in sorted(recoverable(values, lines, hidden), key=repr):
            for line in lines:
                if cell in line.cells:
                    extra = _complement(line, values, hidden, exempt_set)
                    if extra is not None:
                        hidden.add(extra)
                        changed = True
                        break
        if not changed:
            break
    return primary, hidden - primary


def grid_lines(
    row_keys: Sequence[Hashable], col_keys: Sequence[Hashable], total: Hashable = "total"
) -> list[Line[tuple[Hashable, Hashable]]]:
    """The lines of a two-way table with row totals, column totals and a grand total:
    cells are ``(row, col)``; the total row and column use the key ``total``."""
    lines: list[Line[tuple[Hashable, Hashable]]] = []
    for r in [*row_keys, total]:
        lines.append(Line(tuple((r, c) for c in col_keys), (r, total)))
    for c in [*col_keys, total]:
        lines.append(Line(tuple((r, c) for r in row_keys), (total, c)))
    return lines
