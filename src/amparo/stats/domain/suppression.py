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
    solved: dict[frozenset[Key], Ranges] = {}
    for _round in range(_MAX_ROUNDS):
        _close_relations(grid, suppressed)
        weak = _audit(grid, suppressed, primary, k, solved)
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


Ranges = dict[Key, tuple[float, float]]


def feasible_ranges(
    grid: Grid, suppressed: set[Key], solved: dict[frozenset[Key], Ranges] | None = None
) -> Ranges:
    """For each suppressed key, the least and greatest value an attacker can infer.

    The attacker knows every published value, every relation and that counts are >= 0.
    Suppressed keys that share no relation cannot narrow each other, so each connected group
    is one linear program, built once and re-solved with the objective on each of its keys.
    `solved` keeps the ranges of each group already solved in this grid: a group of the same
    keys has the same relations, so a later audit round solves only the groups that changed.
    """
    solved = {} if solved is None else solved
    hidden = sorted(suppressed, key=str)
    index = {key: i for i, key in enumerate(hidden)}
    rows = _rows(grid, index)
    ranges: Ranges = {}
    for members, member_rows in _components(len(hidden), rows):
        group = frozenset(hidden[variable] for variable in members)
        if group not in solved:
            program = _Program(members, member_rows)
            solved[group] = {
                hidden[variable]: program.bounds(position)
                for position, variable in enumerate(members)
            }
        ranges.update(solved[group])
    return ranges


Row = tuple[list[int], list[float], float]


def _rows(grid: Grid, index: dict[Key, int]) -> list[Row]:
    """Each relation as `sum(coeff * hidden) == constant` over the suppressed keys."""
    rows: list[Row] = []
    for relation in grid.relations:
        coeffs: dict[int, float] = {}
        constant = 0.0
        for member, sign in [*((p, 1.0) for p in relation.parts), (relation.total, -1.0)]:
            if member in index:
                coeffs[index[member]] = coeffs.get(index[member], 0.0) + sign
            else:
                constant -= sign * grid.values[member]
        coeffs = {i: c for i, c in coeffs.items() if c != 0.0}
        if coeffs:
            rows.append((list(coeffs), list(coeffs.values()), constant))
    return rows


def _components(size: int, rows: list[Row]) -> list[tuple[list[int], list[Row]]]:
    """Groups of suppressed keys linked by relations, each with its relations."""
    parent = list(range(size))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for columns, _coeffs, _constant in rows:
        for other in columns[1:]:
            parent[root(other)] = root(columns[0])
    members: dict[int, list[int]] = {}
    for i in range(size):
        members.setdefault(root(i), []).append(i)
    by_group: dict[int, list[Row]] = {group: [] for group in members}
    for row in rows:
        by_group[root(row[0][0])].append(row)
    return [(members[group], by_group[group]) for group in members]


class _Program:
    """One group's linear program in HiGHS: variables >= 0, one equality per relation."""

    def __init__(self, members: list[int], rows: list[Row]) -> None:
        self.size = len(members)
        local = {variable: position for position, variable in enumerate(members)}
        self.solver = highspy.Highs()
        self.solver.setOptionValue("output_flag", False)
        self.solver.addVars(self.size, np.zeros(self.size), np.full(self.size, highspy.kHighsInf))
        for columns, coeffs, constant in rows:
            self.solver.addRow(
                constant,
                constant,
                len(columns),
                np.array([local[c] for c in columns], dtype=np.int32),
                np.array(coeffs, dtype=np.float64),
            )
        self.every = np.arange(self.size, dtype=np.int32)

    def bounds(self, target: int) -> tuple[float, float]:
        costs = np.zeros(self.size)
        costs[target] = 1.0
        self.solver.changeColsCost(self.size, self.every, costs)
        return (
            self._solve(highspy.ObjSense.kMinimize),
            self._solve(highspy.ObjSense.kMaximize),
        )

    def _solve(self, sense: highspy.ObjSense) -> float:
        self.solver.changeObjectiveSense(sense)
        self.solver.run()
        status = self.solver.getModelStatus()
        if status == highspy.HighsModelStatus.kUnbounded:
            return float("inf")
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"suppression audit could not solve its program: {status}")
        return float(self.solver.getInfo().objective_function_value)


def _audit(
    grid: Grid,
    suppressed: set[Key],
    primary: set[Key],
    k: int,
    solved: dict[frozenset[Key], Ranges],
) -> list[Key]:
    weak = []
    for key, (low, high) in feasible_ranges(grid, suppressed, solved).items():
        exact = high - low < 1 - 1e-6
        still_small = key in primary and high < k - 1e-6
        if exact or still_small:
            weak.append(key)
    return weak
