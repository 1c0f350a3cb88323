"""The analytics path: the dashboard's counts as GROUP BY queries in DuckDB over an extract.

An extract is one DuckDB file of de-identified facts, the same rows `stats.domain.facts`
makes: dimension codes and a month per screening, case, referral, certificate and trained
person, never a name, a free text, a date of birth or an id of a person or a case. It is
written by `amparo stats extract --out FILE.duckdb` (or by `write_extract`), into a new file
beside the old one that replaces it in one rename, so a reader never sees half a refresh and a
dashboard that opened the old file keeps reading it until it closes.

When `AMPARO_STATS_EXTRACT` names an extract, `tables.build_release` counts there: one query
per table (`count_tables`), with the scope and the filters as WHERE clauses, the multi-valued
profile unnested in SQL. Suppression is unchanged: the counts go through the same grid, the
same primary and secondary suppression and the same cached audit as the live path, so both
paths publish the same release for the same facts (tests/stats/test_analytics.py).
"""

import os
import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from django.conf import settings
from django.utils import timezone

from amparo.stats.domain.facts import Fact, facts_for
from amparo.stats.domain.scope import REGION, Scope
from amparo.stats.enums import Dimension as Dim
from amparo.stats.enums import Measure

FORMAT = "amparo-stats-extract/1"

# The columns of each measure's facts table, in order. `profile` is a list of codes.
COLUMNS: dict[str, tuple[str, ...]] = {
    Measure.SCREENINGS: ("country", "agency", "month", "sex", "age_band", "profile", "urgency"),
    Measure.CASES: ("country", "agency", "month", "sex", "age_band", "profile", "stage"),
    Measure.REFERRALS: (
        "country",
        "agency",
        "month",
        "sex",
        "age_band",
        "profile",
        "kind",
        "outcome",
        "days_to_acceptance",
        "cross_border",
        "overdue",
    ),
    Measure.CERTIFICATES: ("country", "agency", "month"),
    Measure.TRAINED_STAFF: ("country", "agency", "month"),
}


def table_name(measure: str) -> str:
    return f"facts_{Measure(measure).value}"


def _column_type(column: str) -> str:
    return "VARCHAR[]" if column == Dim.PROFILE else "VARCHAR"


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    """The empty tables of an extract (also used by the bench's generator)."""
    con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    for measure, columns in COLUMNS.items():
        body = ", ".join(f"{c} {_column_type(c)} NOT NULL" for c in columns)
        con.execute(f"CREATE TABLE {table_name(measure)} ({body})")


def write_meta(con: duckdb.DuckDBPyConnection, **values: str) -> None:
    for key, value in values.items():
        con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", [key, value])


@dataclass(frozen=True)
class ExtractReport:
    path: Path
    rows: dict[str, int]
    written_at: str


def write_extract(path: str | Path, *, batch: int = 50_000) -> ExtractReport:
    """Write every fact of the node (region scope) into a new extract at `path`.

    Effects: writes `path` through a temporary file in the same folder and one rename; the old
    extract, if any, is replaced whole or not at all.
    """
    target = Path(path).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=".extract-", suffix=".duckdb", dir=target.parent)
    os.close(handle)
    temporary = Path(name)
    temporary.unlink()  # DuckDB creates the file itself
    written_at = timezone.now().isoformat(timespec="seconds")
    rows: dict[str, int] = {}
    try:
        con = duckdb.connect(str(temporary))
        try:
            create_schema(con)
            for measure, columns in COLUMNS.items():
                facts = facts_for(measure, Scope(REGION))
                rows[measure] = len(facts)
                _insert(con, measure, columns, facts, batch)
            write_meta(con, format=FORMAT, written_at=written_at)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        temporary.replace(target)
    finally:
        for leftover in (temporary, temporary.with_name(temporary.name + ".wal")):
            leftover.unlink(missing_ok=True)
    return ExtractReport(target, rows, written_at)


def _insert(
    con: duckdb.DuckDBPyConnection,
    measure: str,
    columns: Sequence[str],
    facts: list[Fact],
    batch: int,
) -> None:
    marks = ", ".join("?" for _c in columns)
    statement = f"INSERT INTO {table_name(measure)} VALUES ({marks})"  # noqa: S608 (our names)
    for start in range(0, len(facts), batch):
        chunk = facts[start : start + batch]
        con.executemany(statement, [[_cell(f, c) for c in columns] for f in chunk])


def _cell(fact: Fact, column: str) -> Any:
    value = fact.get(column, "")
    if column == Dim.PROFILE:
        return list(value) if isinstance(value, tuple) else [str(value)]
    return str(value)


def configured_extract() -> Path | None:
    """The extract named by `AMPARO_STATS_EXTRACT`, when it is set and exists."""
    name = getattr(settings, "AMPARO_STATS_EXTRACT", "")
    if not name:
        return None
    path = Path(name)
    return path if path.exists() else None


@contextmanager
def open_extract(path: str | Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        yield con
    finally:
        con.close()


def written_at(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute("SELECT value FROM meta WHERE key = 'written_at'").fetchone()
    return str(row[0]) if row else ""


def _where(measure: str, scope: Scope, filters: Any) -> tuple[str, list[Any]]:
    """The scope and the filters of `tables.Filters.keep` as SQL, for one measure's table."""
    columns = set(COLUMNS[measure])
    clauses: list[str] = []
    params: list[Any] = []
    if scope.agencies:
        clauses.append("agency IN (SELECT unnest(?))")
        params.append(sorted(str(a) for a in scope.agencies))
    elif scope.countries:
        clauses.append("country IN (SELECT unnest(?))")
        params.append(sorted(scope.countries))
    if filters is None:
        return (" WHERE " + " AND ".join(clauses)) if clauses else "", params
    if filters.start:
        clauses.append("month >= ?")
        params.append(filters.start)
    if filters.end:
        clauses.append("month <= ?")
        params.append(filters.end)
    for name in ("country", "sex", "age_band"):
        wanted = getattr(filters, name)
        if wanted and name in columns:
            clauses.append(f"{name} = ?")
            params.append(wanted)
    if filters.profile and Dim.PROFILE in columns:
        clauses.append("list_contains(profile, ?)")
        params.append(filters.profile)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def count_query(measure: str, by: Sequence[str], scope: Scope, filters: Any) -> tuple[str, list]:
    """One table's GROUP BY: (row code, column code or '', count) per non-empty cell."""
    picked = [f"unnest({d})" if d == Dim.PROFILE else d for d in by]
    if len(picked) == 1:
        picked.append("''")
    where, params = _where(measure, scope, filters)
    # Identifiers come from COLUMNS and Measure only; every value is a bound parameter.
    inner = f"SELECT {picked[0]} AS r, {picked[1]} AS c FROM {table_name(measure)}{where}"  # noqa: S608
    return f"SELECT r, c, count(*) FROM ({inner}) GROUP BY r, c", params  # noqa: S608


def count_tables(
    con: duckdb.DuckDBPyConnection, specs: Sequence[Any], scope: Scope, filters: Any
) -> dict[str, Counter[tuple[str, str]]]:
    """The counts of each table (by spec id), exactly as `tables._count` makes them."""
    counts: dict[str, Counter[tuple[str, str]]] = {}
    for spec in specs:
        sql, params = count_query(spec.measure, spec.by, scope, filters)
        counted: Counter[tuple[str, str]] = Counter()
        for r, c, n in con.execute(sql, params).fetchall():
            counted[(str(r), str(c))] = int(n)
        counts[spec.id] = counted
    return counts


def monthly_counts(con: duckdb.DuckDBPyConnection, measure: str, scope: Scope) -> Counter[str]:
    """Facts per month of one measure in the scope (the node's own surge series)."""
    where, params = _where(measure, scope, None)
    sql = f"SELECT month, count(*) FROM {table_name(measure)}{where} GROUP BY month"  # noqa: S608
    return Counter({str(m): int(n) for m, n in con.execute(sql, params).fetchall()})
