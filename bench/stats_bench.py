"""Regional statistics: the dashboard's release (counting, primary and secondary suppression
with its linear-programming audit) and its CSV downloads over a large synthetic set.

--events synthetic events (screenings, cases and referrals, 40/30/30) spread over the 11 RCM
countries, 40 institutions and 24 months. Some categories are rare on purpose (Belize,
older people, emergencies, a few profiles), so the tables have small cells to suppress.
Events are drawn from a pool of distinct fact rows, so memory holds the list of events, not a
dict per event. Every figure is the whole dashboard release (11 tables suppressed together)
under one set of filters, as a page load computes it after reading its facts; reading the
facts from the database is not part of it (see bench/RESULTS.md).

Run: .venv/bin/python bench/stats_bench.py [--events 1000000] [--runs 5]
"""

import argparse
import os
import random
import resource
import time
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5, help="releases per set of filters")
    parser.add_argument("--pool", type=int, default=20_000, help="distinct fact rows per measure")
    args = parser.parse_args()
    setup_django()
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
