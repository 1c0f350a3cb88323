"""Screening engine: time to evaluate one full answer set (validation included), in microseconds.

No database: the protocol and the agency directory come from the data files, loaded once
before timing. Run: .venv/bin/python bench/screening_engine_bench.py [--runs N]
"""

import argparse
import json
import os
import statistics
import time
from collections.abc import Callable

from _common import machine

# Every question answered, most of them "yes", so that every rule and branch is evaluated.
FULL_ANSWERS: dict[str, object] = {
    "immediate_danger": True,
    "needs_urgent_medical_care": True,
    "age_years": None,
    "apparent_minor": True,
    "sex": "female",
    "nationality": "GT",
    "stateless": False,
    "indigenous": True,
    "speaks_local_language": False,
    "country_of_identification": "MX",
    "travelling_alone": False,
    "accompanying_adult_relationship": "unrelated",
    "fear_of_return": False,
    "family_threatened_or_killed": False,
    "persecution_grounds": [],
    "deceptive_job_offer": True,
    "documents_held_by_other": True,
    "debt_to_recruiter_or_smuggler": True,
    "restricted_movement": True,
    "forced_work_or_sex": True,
    "controlled_by_other": True,
    "crimes_in_transit": ["robbery", "sexual_violence", "extortion"],
    "days_since_sexual_violence": 2,
    "injuries_visible": True,
    "abandoned_by_smuggler": True,
    "pregnant": True,
    "lactating": False,
    "disability": True,
    "serious_medical_condition": True,
    "lgbti_at_risk": True,
}


def percentiles_us(samples_ns: list[int]) -> str:
    ordered = sorted(samples_ns)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    median = statistics.median(ordered)
    return f"p50 {median / 1000:.1f} µs, p95 {p95 / 1000:.1f} µs (n={len(ordered)})"


def time_each(runs: int, work: Callable[[], None]) -> list[int]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        work()
        samples.append(time.perf_counter_ns() - start)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20_000)
    runs = parser.parse_args().runs
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amparo.settings")
    import django

    django.setup()
    from amparo.screening.engine import evaluate
    from amparo.screening.protocol import load_protocol

    protocol = load_protocol("rcm-2013")
    result = evaluate(protocol, FULL_ANSWERS)  # warm-up: directory, catalogues, caches
    profiles = len(result.profiles)

    def evaluate_once() -> None:
        evaluate(protocol, FULL_ANSWERS, lang="es")

    def evaluate_and_serialise() -> None:
        json.dumps(evaluate(protocol, FULL_ANSWERS, lang="es").to_dict(), ensure_ascii=False)

    print(f"machine: {machine()}")
    print(f"answer set: {len(FULL_ANSWERS)} answers, {profiles} profiles suggested")
    print(f"evaluate: {percentiles_us(time_each(runs, evaluate_once))}")
    print(f"evaluate + to_dict + JSON: {percentiles_us(time_each(runs, evaluate_and_serialise))}")


if __name__ == "__main__":
    main()
