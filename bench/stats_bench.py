"""Regional statistics: the dashboard's release (counting, primary and secondary suppression
with its linear-programming audit) and its CSV downloads over a large synthetic set.

--events synthetic events (screenings, cases and referrals, 40/30/30) spread over the 11 RCM
countries, 40 institutions and 24 months. Some categories are rare on purpose (Belize,
older people, emergencies, a few profiles), so the tables have small cells to suppress.
Events are drawn from a pool of distinct fact rows, so memory holds the list of events, not a
dict per event. Every figure is the whole dashboard release (11 tables suppressed together)
under one set of filters, as a page load computes it after reading its facts; reading the
facts from the database is not part of it (see bench/RESULTS.md).

--path duckdb (the default) measures the analytics path the dashboards use when
AMPARO_STATS_EXTRACT names an extract: the events are generated straight into a DuckDB extract
of the same schema `amparo stats extract` writes (SQL, no Python row per event), then each of
the 11 dashboard queries (one GROUP BY per table, with the scope and filters as WHERE) is timed
under each set of filters and scopes, p50/p95 per query; then the whole release as a page
builds it from the extract (`tables.extract_counts`: 11 queries + suppression on a first load;
loaded again, the counts and the suppression come from the cache).
--path python is the older measure: facts in memory, counted in Python.

Run: .venv/bin/python bench/stats_bench.py [--events 10000000] [--runs 5] [--path duckdb]
     .venv/bin/python bench/stats_bench.py --path python [--events 1000000] [--runs 5]
"""

import argparse
import os
import random
import resource
import time
from pathlib import Path
from typing import Any

from _common import machine, percentiles, setup_django

COUNTRIES = {"MX": 30, "US": 25, "GT": 12, "HN": 10, "SV": 6, "CR": 5, "PA": 4, "NI": 3,
             "DO": 2, "CA": 2, "BZ": 0.05}  # fmt: skip
MONTHS = [f"{y}-{m:02d}" for y in (2025, 2026) for m in range(1, 13)]
SEXES = {"female": 45, "male": 54, "other": 0.5, "unknown": 0.5}
AGES = {"0-11": 10, "12-17": 12, "18-59": 75, "60+": 0.3, "unknown": 2}
URGENCY = {"normal": 80, "urgent": 19, "emergency": 0.2}


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _pool(rng: random.Random, size: int) -> dict[str, list[dict[str, Any]]]:
    """Distinct synthetic fact rows per measure (codes only, as `stats.domain.facts` makes)."""
    from amparo.people.enums import CaseStatus
    from amparo.referrals.enums import ReferralStatus, ServedProfile, ServiceCategory

    profiles = {p: (0.05 if i % 4 == 3 else 10.0) for i, p in enumerate(ServedProfile.values)}
    agencies = {f"{c}-{n}": w for c, w in COUNTRIES.items() for n in range(1, 5)}

    def common() -> dict[str, Any]:
        agency = _pick(rng, agencies)
        return {
            "country": agency[:2],
            "agency": agency,
            "month": rng.choice(MONTHS),
            "sex": _pick(rng, SEXES),
            "age_band": _pick(rng, AGES),
            "profile": tuple(sorted({_pick(rng, profiles) for _ in range(rng.randint(1, 2))})),
        }

    screenings = [{**common(), "urgency": _pick(rng, URGENCY)} for _ in range(size)]
    cases = [{**common(), "stage": rng.choice(CaseStatus.values)} for _ in range(size)]
    referrals = []
    for _ in range(size):
        fact = common()
        fact.update(
            kind=rng.choice(ServiceCategory.values),
            outcome=rng.choice(ReferralStatus.values[1:]),
            days_to_acceptance=rng.choice(["0", "1-3", "4-7", "8+", "none"]),
            cross_border=_pick(rng, {"yes": 3, "no": 97}),
            overdue=_pick(rng, {"yes": 8, "no": 92}),
        )
        referrals.append(fact)
    return {"screenings": screenings, "cases": cases, "referrals": referrals}


def _facts(rng: random.Random, events: int, pool: dict[str, list[dict[str, Any]]]) -> dict:
    shares = {"screenings": 0.4, "cases": 0.3, "referrals": 0.3}
    facts = {m: rng.choices(pool[m], k=int(events * share)) for m, share in shares.items()}
    # Training: a few thousand trained staff and certificates, the small tables of the page.
    staff = [{"country": c, "agency": f"{c}-1", "month": rng.choice(MONTHS)} for c in COUNTRIES
             for _ in range(int(COUNTRIES[c] * 20) + 3)]  # fmt: skip
    facts["certificates"] = staff * 2
    facts["trained_staff"] = staff
    return facts


FILTERS = [
    {},
    {"country": "MX"},
    {"profile": "trafficking"},
    {"start": "2026-01", "end": "2026-06"},
    {"sex": "female", "age_band": "12-17"},
]


def _case(weights: dict[str, float], u: str) -> str:
    """SQL picking one code by weight from the uniform random column `u`."""
    total = sum(weights.values())
    bound, arms = 0.0, []
    for code, weight in list(weights.items())[:-1]:
        bound += weight / total
        arms.append(f"WHEN {u} < {bound!r} THEN '{code}'")
    return f"CASE {' '.join(arms)} ELSE '{list(weights)[-1]}' END"


def _uniform(codes: list[str], u: str) -> str:
    return _case(dict.fromkeys(codes, 1.0), u)


def _generate_extract(path: str, events: int) -> dict[str, int]:
    """`events` facts (40/30/30) straight into a DuckDB extract, in SQL."""
    import duckdb

    from amparo.people.enums import CaseStatus
    from amparo.referrals.enums import ReferralStatus, ServedProfile, ServiceCategory
    from amparo.stats.domain import analytics

    con = duckdb.connect(path)
    analytics.create_schema(con)
    con.execute("SELECT setseed(0.11)")
    profiles = {p: (0.05 if i % 4 == 3 else 10.0) for i, p in enumerate(ServedProfile.values)}
    randoms = ", ".join(f"random() AS u{i}" for i in range(14))
    first, second = _case(profiles, "u6"), _case(profiles, "u7")
    profile = (
        f"list_sort(list_distinct(CASE WHEN u8 < 0.3 THEN [{first}, {second}] ELSE [{first}] END))"
    )
    country = _case(COUNTRIES, "u1")
    head = (
        f"{country}, {country} || '-' || {_uniform(['1', '2', '3', '4'], 'u2')}, "
        f"{_uniform(MONTHS, 'u3')}, {_case(SEXES, 'u4')}, {_case(AGES, 'u5')}, {profile}"
    )
    shares = {"screenings": 0.4, "cases": 0.3, "referrals": 0.3}
    extra = {
        "screenings": _case(URGENCY, "u9"),
        "cases": _uniform(list(CaseStatus.values), "u9"),
        "referrals": ", ".join(
            [
                _uniform(list(ServiceCategory.values), "u9"),
                _uniform(list(ReferralStatus.values[1:]), "u10"),
                _uniform(["0", "1-3", "4-7", "8+", "none"], "u11"),
                _case({"yes": 3, "no": 97}, "u12"),
                _case({"yes": 8, "no": 92}, "u13"),
            ]
        ),
    }
    rows = {}
    for measure, share in shares.items():
        rows[measure] = int(events * share)
        con.execute(
            f"INSERT INTO {analytics.table_name(measure)} SELECT {head}, {extra[measure]} "  # noqa: S608
            f"FROM (SELECT {randoms} FROM range({rows[measure]}))"
        )
    rng = random.Random(11)
    staff = [(c, f"{c}-1", rng.choice(MONTHS)) for c in COUNTRIES
             for _ in range(int(COUNTRIES[c] * 20) + 3)]  # fmt: skip
    for measure, rows_of in (("certificates", staff * 2), ("trained_staff", staff)):
        statement = f"INSERT INTO {analytics.table_name(measure)} VALUES (?, ?, ?)"  # noqa: S608
        con.executemany(statement, rows_of)
    analytics.write_meta(con, format=analytics.FORMAT, written_at="bench")
    con.execute("CHECKPOINT")
    con.close()
    return rows


def _scopes() -> list[tuple[str, Any]]:
    from amparo.stats.domain.scope import AGENCY, COUNTRY, REGION, Scope

    return [
        ("region", Scope(REGION)),
        ("country MX", Scope(COUNTRY, countries=frozenset({"MX"}))),
        ("agency GT-1", Scope(AGENCY, agencies=frozenset({"GT-1"}))),  # type: ignore[arg-type]
    ]


def analytics_path(args: argparse.Namespace) -> None:
    """Each dashboard query over a DuckDB extract of `--events` facts."""
    import tempfile

    from django.core.cache import cache

    from amparo.stats.domain import analytics
    from amparo.stats.domain.tables import (
        DASHBOARD,
        Filters,
        extract_counts,
        release_from_counts,
    )

    folder = tempfile.mkdtemp(prefix="amparo-stats-bench-")
    path = str(Path(folder) / "facts.duckdb")
    print(machine())
    started = time.perf_counter()
    rows = _generate_extract(path, args.events)
    size = Path(path).stat().st_size / 1e6
    print(f"{sum(rows.values()):,} synthetic events {rows} generated into a DuckDB extract "
          f"({size:.0f} MB) in {time.perf_counter() - started:.1f} s")  # fmt: skip
    per_query: dict[str, list[float]] = {spec.id: [] for spec in DASHBOARD}
    release_ms, cached_ms, every_ms, hidden, small = [], [], [], 0, 0
    with analytics.open_extract(path) as con:
        for _name, scope in _scopes():
            for wanted in FILTERS:
                filters = Filters(**wanted)
                for _run in range(args.runs):
                    for spec in DASHBOARD:
                        sql, params = analytics.count_query(spec.measure, spec.by, scope, filters)
                        began = time.perf_counter()
                        con.execute(sql, params).fetchall()
                        elapsed = (time.perf_counter() - began) * 1000
                        per_query[spec.id].append(elapsed)
                        every_ms.append(elapsed)
                cache.clear()  # first load: 11 queries, suppression and its audit
                began = time.perf_counter()
                counts, _as_of = extract_counts(Path(path), scope, filters, DASHBOARD)
                release = release_from_counts(counts, filters, DASHBOARD, k=11)
                release_ms.append((time.perf_counter() - began) * 1000)
                for _run in range(args.runs):  # loaded again: counts and suppression cached
                    began = time.perf_counter()
                    counts, _as_of = extract_counts(Path(path), scope, filters, DASHBOARD)
                    release = release_from_counts(counts, filters, DASHBOARD, k=11)
                    cached_ms.append((time.perf_counter() - began) * 1000)
                values = [v for t in release.tables for v in t.published_values()]
                hidden += sum(v is None for v in values)
                small += sum(1 for v in values if v is not None and 0 < v < 11)
    print(f"{len(_scopes())} scopes x {len(FILTERS)} sets of filters x {args.runs} runs:")
    for spec_id, samples in per_query.items():
        print(f"  query {spec_id}: {percentiles(samples)}")
    print(f"  every query: {percentiles(every_ms)}; slowest {max(every_ms):.0f} ms")
    print(f"whole release, first load (11 queries + suppression + audit): "
          f"{percentiles(release_ms)}")  # fmt: skip
    print(f"whole release loaded again (counts and suppression cached): {percentiles(cached_ms)}")
    print(f"{hidden} figures suppressed over the releases, {small} published between 1 and 10")
    print("load average: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the process (DuckDB included): {peak:.0f} MB")
    Path(path).unlink()
    Path(folder).rmdir()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5, help="releases per set of filters")
    parser.add_argument("--pool", type=int, default=20_000, help="distinct fact rows per measure")
    parser.add_argument("--path", choices=["duckdb", "python"], default="duckdb")
    args = parser.parse_args()
    setup_django()
    if args.path == "duckdb":
        analytics_path(args)
        return
    from django.core.cache import cache

    from amparo.stats.domain.tables import DASHBOARD, Filters, release_from_facts
    from amparo.stats.interfaces.exports import to_csv

    rng = random.Random(11)  # reproducible synthetic data, not secrets
    started = time.perf_counter()
    facts = _facts(rng, args.events, _pool(rng, args.pool))
    print(machine())
    print(f"{args.events:,} synthetic events made in {time.perf_counter() - started:.1f} s")

    release_ms, cached_ms, csv_ms, hidden, cells, published = [], [], [], [], 0, 0
    for wanted in FILTERS:
        filters = Filters(**wanted)
        kept = {m: [f for f in rows if filters.keep(f)] for m, rows in facts.items()}
        for _run in range(args.runs):
            cache.clear()  # the first load of these figures: count, suppress, audit
            began = time.perf_counter()
            release = release_from_facts(kept, filters, DASHBOARD, k=11)
            release_ms.append((time.perf_counter() - began) * 1000)
            began = time.perf_counter()  # loaded again: the suppression comes from the cache
            release = release_from_facts(kept, filters, DASHBOARD, k=11)
            cached_ms.append((time.perf_counter() - began) * 1000)
            began = time.perf_counter()
            size = sum(len(to_csv(t, hxl=True)) for t in release.tables)
            csv_ms.append((time.perf_counter() - began) * 1000)
        values = [v for t in release.tables for v in t.published_values()]
        cells, published = cells + len(values), published + sum(v is not None for v in values)
        hidden.append(sum(v is None for v in values))
        small = [v for v in values if v is not None and 0 < v < 11]
        print(f"filters {wanted or 'none'}: {len(values)} published figures, "
              f"{hidden[-1]} suppressed, {len(small)} between 1 and 10, "
              f"HXL CSV of the 11 tables {size:,} bytes")  # fmt: skip
    print(f"dashboard release (count + suppress + audit), 11 tables: {percentiles(release_ms)}")
    print(f"same release loaded again (count, cached suppression): {percentiles(cached_ms)}")
    print(f"HXL CSV of the 11 tables: {percentiles(csv_ms)}")
    print("load average: {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of the process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
