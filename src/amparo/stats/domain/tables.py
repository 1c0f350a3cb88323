"""Published tables: counts of facts by one or two dimensions, suppressed as one release.

Nothing leaves this module unsuppressed: `build_release` counts, links every table of the
release through their shared margins, runs `suppression.suppress` over all of them together and
returns only published values (`None` where suppressed).

When the deployment turns differential privacy on (`privacy.privacy_config`), the release is
published with OpenDP's noise instead, drawn once per release (what is asked, and the extract
or day it counts) and kept, spending the scope's privacy budget (`privacy.py` says what each
release spends and why no secondary suppression is needed there).
"""

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from amparo.accounts.models import User
from amparo.people.enums import CaseStatus, Sex
from amparo.referrals.enums import ReferralStatus, ServedProfile, ServiceCategory
from amparo.screening.enums import UrgencyLevel
from amparo.stats.domain import analytics, privacy
from amparo.stats.domain.facts import NO_PROFILE, OTHER_PROFILE, Fact, facts_for
from amparo.stats.domain.privacy import PrivacyConfig, PrivacyNote
from amparo.stats.domain.scope import Scope
from amparo.stats.domain.series import months_between
from amparo.stats.domain.suppression import Grid, Key, suppress
from amparo.stats.enums import AgeBand, DaysBand, Measure, YesNo
from amparo.stats.enums import Dimension as Dim

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
    privacy: PrivacyNote | None = None  # set when published with differential privacy

    def to_json(self) -> dict[str, Any]:
        """The contract shape: cells, row and column totals, total; `value` null if suppressed.

        With differential privacy on, a `privacy` key is added (mechanism, epsilon of this
        release, budget spent and total); without it the shape is exactly the contract.
        """
        rows, columns = self.spec.rows, self.spec.columns
        cells = [
            {rows: r, **({columns: c} if columns else {}), **_json(cell)}
            for (r, c), cell in self.cells.items()
        ]
        published = {
            "k": self.k,
            "cells": cells,
            "row_totals": [{rows: r, **_json(cell)} for r, cell in self.row_totals.items()],
            "column_totals": [{columns: c, **_json(cell)} for c, cell in self.column_totals.items()]
            if columns
            else [],
            "total": _json(self.total),
        }
        if self.privacy is not None:
            published["privacy"] = self.privacy.to_json()
        return published

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
    privacy: PrivacyNote | None = None  # set when published with differential privacy

    def table(self, table_id: str) -> PublishedTable:
        return next(t for t in self.tables if t.spec.id == table_id)

    @property
    def specs(self) -> tuple[TableSpec, ...]:
        return tuple(t.spec for t in self.tables)


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
    return privacy.PAIRS if Dim.PROFILE in spec.by else privacy.RECORDS


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


Domain = Callable[[str, set[str]], set[str]]


def _observed(dim: str, seen: set[str]) -> set[str]:
    return seen


def _add_table(
    grid: Grid, spec: TableSpec, counts: Counter[tuple[str, str]], domain: Domain = _observed
) -> tuple:
    """Add one table's cells, margins and relations; `domain` says which rows and columns exist
    (by default those counted; with differential privacy every public code, see `_public`)."""
    rows = sorted(domain(spec.rows, {r for r, _c in counts}))
    columns = sorted(domain(spec.columns, {c for _r, c in counts})) if spec.columns else []
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
    scope: Scope,
    filters: Filters,
    specs: Sequence[TableSpec] = DASHBOARD,
    *,
    k: int | None = None,
    actor: User | None = None,
) -> Release:
    """Count, suppress (primary and secondary, audited) and publish the tables together.

    With differential privacy on, publish with noise instead (`private_release`): a release
    never published before spends the scope's budget (`actor` is who asked, for the audit) and
    is refused with `privacy.PrivacyBudgetSpent` once the budget is spent.
    """
    k = k or stats_k()
    config = privacy.privacy_config()
    extract = analytics.configured_extract()
    as_of = ""
    if extract is not None:
        counts, as_of = extract_counts(extract, scope, filters, specs)
    else:
        counts = live_counts(scope, filters, specs)
    if config is not None:
        edition = f"extract:{as_of}" if extract is not None else f"day:{timezone.localdate()}"
        release = private_release(
            scope, counts, filters, specs, k=k, config=config, actor=actor, edition=edition
        )
    else:
        release = release_from_counts(counts, filters, specs, k=k)
    release.as_of = as_of
    return release


def live_counts(
    scope: Scope, filters: Filters, specs: Sequence[TableSpec]
) -> dict[str, Counter[tuple[str, str]]]:
    """The counts of each table from the live tables (no extract configured)."""
    measures = {s.measure for s in specs}
    facts = {m: [f for f in facts_for(m, scope) if filters.keep(f)] for m in measures}
    return counts_of(facts, specs)


def counts_of(
    facts: dict[str, list[Fact]], specs: Sequence[TableSpec]
) -> dict[str, Counter[tuple[str, str]]]:
    """The counts of each table (by spec id) of facts by measure, counted in Python."""
    return {spec.id: _count(facts[spec.measure], spec) for spec in specs}


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
    """A release of facts given by measure (`counts_of`, then `release_from_counts`)."""
    return release_from_counts(counts_of(facts, specs), filters, specs, k=k)


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

    return Release(k, filters, _published_tables(specs, shapes, k, cell))


def private_release(
    scope: Scope,
    counts: dict[str, Counter[tuple[str, str]]],
    filters: Filters,
    specs: Sequence[TableSpec],
    *,
    k: int,
    config: PrivacyConfig,
    actor: User | None,
    edition: str,
) -> Release:
    """Publish the counts with differential privacy (`privacy.publish_privately`), or return
    the release of this edition already published.

    Rows and columns are every public code of their dimension, not only those counted: a row
    that appeared only when someone was counted in it would say so whatever its noisy value.
    """
    grid = Grid()
    domain = _public(scope, filters)
    shapes = [_add_table(grid, spec, counts[spec.id], domain) for spec in specs]
    layout = [
        {"id": spec.id, "rows": rows, "columns": columns}
        for spec, (rows, columns) in zip(specs, shapes, strict=True)
    ]
    figures = privacy.publish_privately(
        scope, asdict(filters), edition, layout, grid, k=k, config=config, actor=actor
    )
    published = {entry["id"]: (entry["rows"], entry["columns"]) for entry in figures.tables}
    tables = _published_tables(
        specs,
        [published[spec.id] for spec in specs],
        k,
        lambda key: Cell(figures.values[privacy.plain(key)]),
    )
    for table in tables:
        table.privacy = figures.note
    return Release(k, filters, tables, privacy=figures.note)


def _published_tables(
    specs: Sequence[TableSpec], shapes: list[tuple], k: int, cell: Callable[[Key], Cell]
) -> list[PublishedTable]:
    tables = []
    for spec, (rows, columns) in zip(specs, shapes, strict=True):
        layout = _Layout(spec)
        table = PublishedTable(spec, k, rows, columns, total=cell(layout.total()))
        for r in rows:
            for c in columns if spec.columns else [""]:
                table.cells[(r, c)] = cell(layout.cell(r, c))
            table.row_totals[r] = cell(layout.row(r))
        for c in columns:
            table.column_totals[c] = cell(layout.column(c))
        tables.append(table)
    return tables


# The codes each dimension can take, public whatever the data (country, agency and month are
# the codes counted, widened by the scope and the filters: see docs/statistics.md).
_CODES: dict[str, tuple[str, ...]] = {
    Dim.PROFILE: (*ServedProfile.values, OTHER_PROFILE, NO_PROFILE),
    Dim.SEX: tuple(Sex.values),
    Dim.AGE_BAND: tuple(AgeBand.values),
    Dim.URGENCY: tuple(UrgencyLevel.values),
    Dim.STAGE: tuple(CaseStatus.values),
    Dim.KIND: tuple(ServiceCategory.values),
    Dim.OUTCOME: tuple(ReferralStatus.values),
    Dim.DAYS_TO_ACCEPTANCE: tuple(DaysBand.values),
    Dim.CROSS_BORDER: tuple(YesNo.values),
    Dim.OVERDUE: tuple(YesNo.values),
}


def _public(scope: Scope, filters: Filters) -> Domain:
    """The rows or columns a table with differential privacy shows for a dimension."""

    def domain(dim: str, seen: set[str]) -> set[str]:
        wanted = getattr(filters, dim, "") if dim in {"country", "sex", "age_band"} else ""
        if wanted:  # the filter keeps only that code
            return {wanted}
        if dim == Dim.MONTH:
            start, end = (
                filters.start or min(seen, default=""),
                filters.end or max(seen, default=""),
            )
            return set(_months(start, end))
        if dim == Dim.COUNTRY:
            return seen | set(scope.countries)
        if dim == Dim.AGENCY:
            return seen | {str(agency) for agency in scope.agencies}
        return set(_CODES.get(dim, ())) | seen

    return domain


def _months(start: str, end: str) -> list[str]:
    """Every month YYYY-MM from start to end (inclusive); none when either is unknown."""
    if not start or not end or start > end:
        return []
    first, last = (dt.date(int(m[:4]), int(m[5:7]), 1) for m in (start, end))
    return [f"{year:04d}-{month:02d}" for year, month in months_between(first, last)]


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
