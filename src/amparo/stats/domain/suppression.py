"""Small-cell suppression of a whole release: primary, secondary, then an exact audit.

A release is every table published together (one dashboard, one download, one export). Its
cells are linked by additive relations: each row and column of a table sums to its margin,
the margins to the grand total, and a margin of one dimension is the same number in every
table that shows it. The algorithm is the classic one of tau-Argus and sdcTable (there is no
maintained Python library for it; see docs/decisions/0010-stats-suppression.md):

1. Primary: every cell with 1 <= value < k is suppressed (zeros are published).
2. Secondary: in any relation with exactly one suppressed member the missing value would be
   the total minus the others, so the smallest published member of that relation (a positive
   one first) is suppressed too; repeated until no relation has a single suppressed member.
3. Audit: for every suppressed cell a linear program (HiGHS) finds the smallest and the largest
   value consistent with everything published and with counts being non-negative. A cell whose
   range is a single value, or a primary cell whose range stays below k (which would still say
   "a few"), gets another complement in one of its relations, and the audit runs again. When
   that does not converge the whole release is suppressed: safe, never wrong.
"""

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

import highspy
import numpy as np

Key = Hashable
_MAX_ROUNDS = 200


@dataclass
class Relation:
    """`total` equals the sum of `parts`."""

    total: Key
    parts: tuple[Key, ...]

    @property
    def members(self) -> tuple[Key, ...]:
        return (*self.parts, self.total)


@dataclass
class Grid:
    """The values of a release and the relations between them."""

    values: dict[Key, int] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)

    def add(self, key: Key, value: int) -> None:
        if key in self.values and self.values[key] != value:
            raise ValueError(f"cell {key!r} has two values: {self.values[key]} and {value}")
        self.values[key] = value

    def relate(self, total: Key, parts: Iterable[Key]) -> None:
        parts = tuple(parts)
        if parts:
            self.relations.append(Relation(total, parts))


def suppress(grid: Grid, k: int) -> set[Key]:
    """The keys to suppress so that no cell 1..k-1 can be read or recovered."""
    primary = {key for key, value in grid.values.items() if 0 < value < k}
    suppressed = set(primary)
    for _round in range(_MAX_ROUNDS):
        _close_relations(grid, suppressed)
        weak = _audit(grid, suppressed, primary, k)
        if not weak:
            return suppressed
        for key in weak:
            if not _add_complement(grid, suppressed, key):
                return set(grid.values)
    return set(grid.values)


def _close_relations(grid: Grid, suppressed: set[Key]) -> None:
    changed = True
    while changed:
        changed = False
        for relation in grid.relations:
            hidden = [m for m in relation.members if m in suppressed]
            if len(hidden) == 1 and _suppress_cheapest(grid, suppressed, relation.members):
                changed = True


def _suppress_cheapest(grid: Grid, suppressed: set[Key], members: Sequence[Key]) -> bool:
    """Suppress the published member that costs least: positive before zero, then smallest."""
    candidates = [m for m in members if m not in suppressed]
    if not candidates:
        return False
    chosen = min(candidates, key=lambda m: (grid.values[m] == 0, grid.values[m], str(m)))
    suppressed.add(chosen)
    return True


def _add_complement(grid: Grid, suppressed: set[Key], key: Key) -> bool:
    for relation in grid.relations:
        if key in relation.members and _suppress_cheapest(grid, suppressed, relation.members):
            return True
    return False


def feasible_ranges(grid: Grid, suppressed: set[Key]) -> dict[Key, tuple[float, float]]:
    """For each suppressed key, the least and greatest value an attacker can infer.

    The attacker knows every published value, every relation and that counts are >= 0.
    """
    hidden = sorted(suppressed, key=str)
    if not hidden:
        return {}
    index = {key: i for i, key in enumerate(hidden)}
    rows: list[tuple[list[int], list[float], float]] = []
    for relation in grid.relations:
        coeffs: dict[int, float] = {}
        constant = 0.0
        for member, sign in [*((p, 1.0) for p in relation.parts), (relation.total, -1.0)]:
            if member in index:
                coeffs[index[member]] = coeffs.get(index[member], 0.0) + sign
            else:
                constant -= sign * grid.values[member]
        if coeffs:
            rows.append((list(coeffs), list(coeffs.values()), constant))
    return {key: _bounds(len(hidden), rows, index[key]) for key in hidden}


def _bounds(
    size: int, rows: list[tuple[list[int], list[float], float]], target: int
) -> tuple[float, float]:
    low = _optimise(size, rows, target, highspy.ObjSense.kMinimize)
    high = _optimise(size, rows, target, highspy.ObjSense.kMaximize)
    return low, high


def _optimise(
    size: int, rows: list[tuple[list[int], list[float], float]], target: int, sense: object
) -> float:
    solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    inf = highspy.kHighsInf
    costs = np.zeros(size)
    costs[target] = 1.0
    solver.addVars(size, np.zeros(size), np.full(size, inf))
    solver.changeColsCost(size, np.arange(size, dtype=np.int32), costs)
    for columns, coeffs, constant in rows:
        solver.addRow(
            constant,
            constant,
            len(columns),
            np.array(columns, dtype=np.int32),
            np.array(coeffs, dtype=np.float64),
        )
    solver.changeObjectiveSense(sense)
    solver.run()
    status = solver.getModelStatus()
    if status == highspy.HighsModelStatus.kUnbounded:
        return float("inf")
    if status != highspy.HighsModelStatus.kOptimal:
        raise RuntimeError(f"suppression audit could not solve its program: {status}")
    return float(solver.getInfo().objective_function_value)


def _audit(grid: Grid, suppressed: set[Key], primary: set[Key], k: int) -> list[Key]:
    weak = []
    for key, (low, high) in feasible_ranges(grid, suppressed).items():
        exact = high - low < 1 - 1e-6
        still_small = key in primary and high < k - 1e-6
        if exact or still_small:
            weak.append(key)
    return weak
