"""Published tables: counts of facts by one or two dimensions, suppressed as one release.

Nothing leaves this module unsuppressed: `build_release` counts, links every table of the
release through their shared margins, runs `suppression.suppress` over all of them together and
returns only published values (`None` where suppressed).
"""

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache

from amparo.stats.domain import analytics
from amparo.stats.domain.facts import Fact, facts_for
from amparo.stats.domain.scope import Scope
from amparo.stats.domain.suppression import Grid, Key, suppress
from amparo.stats.enums import Dimension as Dim
from amparo.stats.enums import Measure

SUPPRESSION_CACHE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class TableSpec:
    id: str
    measure: str
    rows: str
    columns: str | None = None

    @property
    def by(self) -> tuple[str, ...]:
        return (self.rows, self.columns) if self.columns else (self.rows,)


# The dashboard, in the order it shows its charts.
DASHBOARD: tuple[TableSpec, ...] = (
    TableSpec("screenings_by_profile", Measure.SCREENINGS, Dim.COUNTRY, Dim.PROFILE),
    TableSpec("screenings_by_month", Measure.SCREENINGS, Dim.MONTH, Dim.COUNTRY),
    TableSpec("screenings_by_urgency", Measure.SCREENINGS, Dim.URGENCY, Dim.COUNTRY),
    TableSpec("cases_by_stage_and_age", Measure.CASES, Dim.STAGE, Dim.AGE_BAND),
    TableSpec("referrals_by_kind_and_outcome", Measure.REFERRALS, Dim.KIND, Dim.OUTCOME),
    TableSpec(
        "referrals_days_to_acceptance", Measure.REFERRALS, Dim.DAYS_TO_ACCEPTANCE, Dim.COUNTRY
    ),
    TableSpec("referrals_overdue", Measure.REFERRALS, Dim.COUNTRY, Dim.OVERDUE),
    TableSpec("referrals_cross_border", Measure.REFERRALS, Dim.COUNTRY, Dim.CROSS_BORDER),
    TableSpec("certificates_by_country", Measure.CERTIFICATES, Dim.COUNTRY),
    TableSpec("certificates_by_institution", Measure.CERTIFICATES, Dim.AGENCY),
    TableSpec("trained_staff_by_country", Measure.TRAINED_STAFF, Dim.COUNTRY),
)

# Dimensions each measure's facts carry (a filter on another dimension does not apply).
DIMENSIONS_OF: dict[str, frozenset[str]] = {
    Measure.SCREENINGS: frozenset(
        {"country", "agency", "month", "profile", "sex", "age_band", "urgency"}
    ),
    Measure.CASES: frozenset({"country", "agency", "month", "profile", "sex", "age_band", "stage"}),
    Measure.REFERRALS: frozenset(
        {
            "country",
            "agency",
            "month",
            "profile",
            "sex",
            "age_band",
            "kind",
            "outcome",
            "days_to_acceptance",
            "cross_border",
            "overdue",
        }
    ),
    Measure.CERTIFICATES: frozenset({"country", "agency", "month"}),
    Measure.TRAINED_STAFF: frozenset({"country", "agency", "month"}),
}


@dataclass(frozen=True)
class Filters:
    """Period as YYYY-MM (inclusive); the other filters are codes; empty means all."""

    start: str = ""
    end: str = ""
    country: str = ""
    profile: str = ""
    sex: str = ""
    age_band: str = ""

    def keep(self, fact: Fact) -> bool:
        month = str(fact.get("month", ""))
        if (self.start and month < self.start) or (self.end and month > self.end):
            return False
        for name in ("country", "sex", "age_band"):
            wanted = getattr(self, name)
            if wanted and name in fact and fact[name] != wanted:
                return False
        return not (self.profile and "profile" in fact and self.profile not in fact["profile"])


@dataclass(frozen=True)
class Cell:
    value: int | None

    @property
    def suppressed(self) -> bool:
        return self.value is None


@dataclass
class PublishedTable:
    spec: TableSpec
    k: int
    row_values: list[str]
    column_values: list[str]
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)
    row_totals: dict[str, Cell] = field(default_factory=dict)
    column_totals: dict[str, Cell] = field(default_factory=dict)
    total: Cell = Cell(0)

    def to_json(self) -> dict[str, Any]:
        """The contract shape: cells, row and column totals, total; `value` null if suppressed."""
        rows, columns = self.spec.rows, self.spec.columns
        cells = [
            {rows: r, **({columns: c} if columns else {}), **_json(cell)}
            for (r, c), cell in self.cells.items()
        ]
        return {
            "k": self.k,
            "cells": cells,
            "row_totals": [{rows: r, **_json(cell)} for r, cell in self.row_totals.items()],
            "column_totals": [{columns: c, **_json(cell)} for c, cell in self.column_totals.items()]
            if columns
            else [],
            "total": _json(self.total),
        }

    def published_values(self) -> list[int | None]:
        """Every number this table shows (for the checks that nothing is 1..k-1)."""
        every = [*self.cells.values(), *self.row_totals.values(), *self.column_totals.values()]
        return [cell.value for cell in [*every, self.total]]


def _json(cell: Cell) -> dict[str, Any]:
    return {"value": cell.value, "suppressed": cell.suppressed}


@dataclass
class Release:
    k: int
    filters: Filters
    tables: list[PublishedTable]
    as_of: str = ""  # when the figures come from an extract: the moment it was written

    def table(self, table_id: str) -> PublishedTable:
        return next(t for t in self.tables if t.spec.id == table_id)


def stats_k() -> int:
    return max(5, int(settings.AMPARO_STATS_K))


def _values(fact: Fact, dim: str) -> tuple[str, ...]:
    value = fact.get(dim, "")
    return value if isinstance(value, tuple) else (str(value),)


def _count(facts: Iterable[Fact], spec: TableSpec) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    for fact in facts:
        for r in _values(fact, spec.rows):
            for c in _values(fact, spec.columns) if spec.columns else ("",):
                counts[(r, c)] += 1
    return counts


def _unit(spec: TableSpec) -> str:
    """Profiles are multi-valued: a table by profile counts (record, profile) pairs."""
    return "pairs" if Dim.PROFILE in spec.by else "records"


class _Layout:
    """The grid keys of one table: margins are shared by every table of the same unit."""

    def __init__(self, spec: TableSpec) -> None:
        self.spec, self.base = spec, (spec.measure, _unit(spec))

    def cell(self, r: str, c: str) -> Key:
        if not self.spec.columns:
            return self.row(r)
        return (*self.base, self.spec.rows, r, self.spec.columns, c)

    def row(self, r: str) -> Key:
        return (*self.base, self.spec.rows, r)

    def column(self, c: str) -> Key:
        return (*self.base, self.spec.columns, c)

    def total(self) -> Key:
        return (*self.base, "total")


def _add_table(grid: Grid, spec: TableSpec, counts: Counter[tuple[str, str]]) -> tuple:
    rows = sorted({r for r, _c in counts})
    columns = sorted({c for _r, c in counts}) if spec.columns else []
    layout = _Layout(spec)
    grid.add(layout.total(), sum(counts.values()))
    for r in rows:
        grid.add(layout.row(r), sum(v for (rr, _c), v in counts.items() if rr == r))
    for c in columns:
        grid.add(layout.column(c), sum(v for (_r, cc), v in counts.items() if cc == c))
        grid.relate(layout.column(c), [layout.cell(r, c) for r in rows])
    for r in rows:
        for c in columns:
            grid.add(layout.cell(r, c), counts.get((r, c), 0))
        if columns:
            grid.relate(layout.row(r), [layout.cell(r, c) for c in columns])
    grid.relate(layout.total(), [layout.row(r) for r in rows])
    if columns:
        grid.relate(layout.total(), [layout.column(c) for c in columns])
    return rows, columns


def build_release(
    scope: Scope, filters: Filters, specs: Sequence[TableSpec] = DASHBOARD, *, k: int | None = None
) -> Release:
    """Count, suppress (primary and secondary, audited) and publish the tables together."""
    k = k or stats_k()
    extract = analytics.configured_extract()
    if extract is not None:
        counts, as_of = extract_counts(extract, scope, filters, specs)
        release = release_from_counts(counts, filters, specs, k=k)
        release.as_of = as_of
        return release
    facts = {
        m: [f for f in facts_for(m, scope) if filters.keep(f)] for m in {s.measure for s in specs}
    }
    return release_from_facts(facts, filters, specs, k=k)


def extract_counts(
    extract: Path, scope: Scope, filters: Filters, specs: Sequence[TableSpec]
) -> tuple[dict[str, Counter[tuple[str, str]]], str]:
    """The counts of each table from the extract, cached while the extract stays the same.

    An extract is never changed in place, only replaced by a rename (a new inode), so the
    file's inode, size and modification time name its content; the cache holds dimension codes
    and counts only, the same numbers any reader of the extract can count.
    """
    stat = extract.stat()
    content = repr((str(extract), stat.st_ino, stat.st_size, stat.st_mtime_ns, scope, filters,
                    [(s.id, s.measure, s.by) for s in specs]))  # fmt: skip
    name = "stats:counts:" + hashlib.sha256(content.encode()).hexdigest()
    found = cache.get(name)
    if found is None:
        with analytics.open_extract(extract) as con:
            found = (analytics.count_tables(con, specs, scope, filters), analytics.written_at(con))
        cache.set(name, found, timeout=SUPPRESSION_CACHE_SECONDS)
    return found


def release_from_facts(
    facts: dict[str, list[Fact]], filters: Filters, specs: Sequence[TableSpec], *, k: int
) -> Release:
    """The live path: facts counted in Python (tests, small nodes, no extract configured)."""
    counts = {spec.id: _count(facts[spec.measure], spec) for spec in specs}
    return release_from_counts(counts, filters, specs, k=k)


def release_from_counts(
    counts: dict[str, Counter[tuple[str, str]]],
    filters: Filters,
    specs: Sequence[TableSpec],
    *,
    k: int,
) -> Release:
    """Suppress and publish the counts of each table (by spec id) as one release."""
    grid = Grid()
    shapes = [_add_table(grid, spec, counts[spec.id]) for spec in specs]
    _dedupe(grid)
    hidden = suppressed_keys(grid, k)

    def cell(key: Key) -> Cell:
        return Cell(None if key in hidden else grid.values[key])

    tables = []
    for spec, (rows, columns) in zip(specs, shapes, strict=True):
        layout = _Layout(spec)
        table = PublishedTable(spec, k, rows, columns, total=cell(layout.total()))
        for r in rows:
            for c in columns or [""]:
                table.cells[(r, c)] = cell(layout.cell(r, c))
            table.row_totals[r] = cell(layout.row(r))
        for c in columns:
            table.column_totals[c] = cell(layout.column(c))
        tables.append(table)
    return Release(k, filters, tables)


def suppressed_keys(grid: Grid, k: int) -> set[Key]:
    """`suppress(grid, k)`, computed once per content of the release.

    The cache key is a digest of k, every counted value and every relation, so any change in
    the data, the scope or the filters is a new key and a stale answer cannot be served; a
    page loaded again with the same figures skips the suppression and its audit. The cache
    holds dimension codes only (the suppressed keys), never a fact.
    """
    content = repr(
        (
            k,
            sorted(((repr(key), value) for key, value in grid.values.items())),
            [(repr(r.total), [repr(p) for p in r.parts]) for r in grid.relations],
        )
    )
    name = "stats:suppressed:" + hashlib.sha256(content.encode()).hexdigest()
    hidden = cache.get(name)
    if hidden is None:
        hidden = suppress(grid, k)
        cache.set(name, hidden, timeout=SUPPRESSION_CACHE_SECONDS)
    return set(hidden)


def _dedupe(grid: Grid) -> None:
    seen: set[tuple[Key, tuple[Key, ...]]] = set()
    unique = []
    for relation in grid.relations:
        signature = (relation.total, tuple(sorted(relation.parts, key=str)))
        if signature not in seen:
            seen.add(signature)
            unique.append(relation)
    grid.relations = unique
