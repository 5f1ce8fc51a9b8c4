"""Small-cell suppression: primary, complementary, and an attacker who tries to get a
hidden cell back from the totals."""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from saphan.reports.suppression import THRESHOLD, Line, grid_lines, recoverable, suppress


def _grid(matrix: list[list[int]]) -> tuple[dict[Any, int], list[Line[Any]]]:
    rows = [f"r{i}" for i in range(len(matrix))]
    cols = [f"c{j}" for j in range(len(matrix[0]))]
    values: dict[Any, int] = {}
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            values[(r, c)] = matrix[i][j]
        values[(r, "total")] = sum(matrix[i])
    for j, c in enumerate(cols):
        values[("total", c)] = sum(row[j] for row in matrix)
    values[("total", "total")] = sum(map(sum, matrix))
    return values, grid_lines(rows, cols)


def attacker_values(
    values: dict[Any, int], lines: list[Line[Any]], hidden: set[Any], primary: set[Any]
) -> dict[Any, set[int]]:
    """Every value each hidden cell can take: all integer assignments of the hidden cells
    that satisfy every line, with what the attacker knows of the bounds (a "< 5" cell is
    1 to 4; any other hidden cell is 0 to the grand total). Brute force: small tables."""
    unknown = sorted(hidden, key=repr)
    top = values[("total", "total")] if ("total", "total") not in hidden else 60

    def bound(k: Any) -> int:
        # A part is never above a visible whole of its line (the attacker knows that too).
        wholes = [values[ln.whole] for ln in lines if k in ln.parts and ln.whole not in hidden]
        return min([top, *wholes])

    ranges = [range(1, THRESHOLD) if k in primary else range(0, bound(k) + 1) for k in unknown]
    possible: dict[Any, set[int]] = {k: set() for k in unknown}
    for guess in itertools.product(*ranges):
        trial = dict(values)
        trial.update(zip(unknown, guess, strict=True))
        if all(sum(trial[p] for p in line.parts) == trial[line.whole] for line in lines):
            for k, v in zip(unknown, guess, strict=True):
                possible[k].add(v)
    return possible


def test_counts_from_one_to_four_are_hidden_zero_and_five_are_not() -> None:
    values, lines = _grid([[0, 1, 4, 5], [7, 8, 9, 10]])
    primary, _complementary = suppress(values, lines)
    assert ("r0", "c1") in primary and ("r0", "c2") in primary
    assert ("r0", "c0") not in primary and ("r0", "c3") not in primary


def test_a_single_small_cell_cannot_be_recovered_from_its_row_total() -> None:
    values, lines = _grid([[3, 20, 30], [10, 12, 40], [12, 15, 22]])
    primary, complementary = suppress(values, lines)
    hidden = primary | complementary
    assert ("r0", "c0") in primary
    # Without complementary suppression the row total gives the 3 straight back:
    assert recoverable(values, lines, primary) == {("r0", "c0")}
    assert not recoverable(values, lines, hidden)
    # …and the brute-force attacker finds at least two values for every hidden cell.
    for cell, found in attacker_values(values, lines, hidden, primary).items():
        assert len(found) >= 2, (cell, found)


def test_the_attacker_cannot_use_a_zero_next_to_a_one() -> None:
    # 1 + 0 = 1: hiding the zero alone would give both back (1 is the only value ≥ 1).
    values, lines = _grid([[1, 0, 30], [20, 25, 40]])
    primary, complementary = suppress(values, lines)
    hidden = primary | complementary
    for cell, found in attacker_values(values, lines, hidden, primary).items():
        assert len(found) >= 2, (cell, found)


def test_exempt_cells_stay_visible_and_count_as_known() -> None:
    values, lines = _grid([[3, 20, 30], [2, 12, 40], [12, 15, 22]])
    exempt = {k for k in values if k[0] == "r0"}  # the viewer's own province
    primary, complementary = suppress(values, lines, exempt=exempt)
    assert not (primary | complementary) & exempt
    assert ("r1", "c0") in primary
    assert not recoverable(values, lines, primary | complementary)


def test_forced_cells_are_hidden_like_in_the_linked_table() -> None:
    values, lines = _grid([[30, 20], [40, 50]])
    primary, complementary = suppress(values, lines, forced={("total", "total")})
    assert ("total", "total") in complementary
    assert not recoverable(values, lines, primary | complementary)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(min_value=0, max_value=9), min_size=3, max_size=3),
        min_size=2,
        max_size=3,
    )
)
def test_no_hidden_cell_is_ever_determined_by_the_totals(matrix: list[list[int]]) -> None:
    values, lines = _grid(matrix)
    primary, complementary = suppress(values, lines)
    hidden = primary | complementary
    assert {k for k, v in values.items() if 0 < v < THRESHOLD} <= hidden
    assert not recoverable(values, lines, hidden)
