"""Differential privacy of the dashboard's release (issue 11, decision 0018): what a page load
costs with `AMPARO_STATS_DP_EPSILON` set, beside the suppressed release.

The facts are stats_bench.py's synthetic ones (--events, 40/30/30 screenings, cases and
referrals over 11 countries, 24 months); counting them is not measured (the counts are the
same on every path). Per set of filters, measured on the counts of the 11 dashboard tables:

- new: `tables.private_release` for content never published (OpenDP's noise on every query,
  the release stored, the ledger locked and charged, the audit event), one per filter set;
- stored: the same release loaded again (read back, nothing drawn, nothing spent), --runs each;
- suppressed: `tables.release_from_counts` with its suppression cache cleared (the default
  path's first load), for comparison.

Run: .venv/bin/python bench/stats_privacy_bench.py [--events 200000] [--runs 20]
                                                 [--database-url URL]
"""

import argparse
import os
import random
import time
from decimal import Decimal

from _common import machine, percentiles, setup_django
from stats_bench import FILTERS, _facts, _pool


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    setup_django(args.database_url)

    from django.core.cache import cache

    from amparo.stats.domain import privacy
    from amparo.stats.domain.scope import REGION, Scope
    from amparo.stats.domain.tables import (
        DASHBOARD,
        Filters,
        _count,
        private_release,
        release_from_counts,
    )

    rng = random.Random(11)
    facts = _facts(rng, args.events, _pool(rng, 5_000))
    config = privacy.PrivacyConfig(Decimal(1), Decimal(10_000))
    new_ms, stored_ms, suppressed_ms = [], [], []
    for raw in FILTERS:
        filters = Filters(**raw)
        kept = {m: [f for f in rows if filters.keep(f)] for m, rows in facts.items()}
        counts = {spec.id: _count(kept[spec.measure], spec) for spec in DASHBOARD}

        def private(counts=counts, filters=filters):  # type: ignore[no-untyped-def]
            return private_release(
                Scope(REGION),
                counts,
                filters,
                DASHBOARD,
                k=11,
                config=config,
                actor=None,
                edition="day:bench",
            )

        start = time.perf_counter()
        release = private()
        new_ms.append((time.perf_counter() - start) * 1000)
        for _ in range(args.runs):
            start = time.perf_counter()
            private()
            stored_ms.append((time.perf_counter() - start) * 1000)
        cache.clear()
        start = time.perf_counter()
        release_from_counts(counts, filters, DASHBOARD, k=11)
        suppressed_ms.append((time.perf_counter() - start) * 1000)
        cells = sum(len(t.published_values()) for t in release.tables)
        print(f"filters {raw or 'none'}: {cells} published figures")

    print(machine())
    print(f"database: {'postgresql' if args.database_url else 'sqlite'}; events {args.events}")
    print(f"load average: {os.getloadavg()}")
    print(f"private release, new (noise + store + ledger + audit): {percentiles(new_ms)}")
    print(f"private release, stored (read back): {percentiles(stored_ms)}")
    print(f"suppressed release, suppression not cached: {percentiles(suppressed_ms)}")


if __name__ == "__main__":
    main()
