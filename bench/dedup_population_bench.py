"""The linkage model against a vanilla Splink model on the synthetic population.

Generates N records (`amparo dedup generate`, seed fixed), then runs in a fresh process each:
- amparo: `amparo dedup link`'s own path (read and check the CSV, normalise, Splink);
- amparo-spark: the same model on Splink's Spark backend in local mode (`--engine spark`);
  its peak memory is the Python process plus the JVM (which the engine ends and waits for);
- vanilla: Splink's default comparisons (NameComparison, DateOfBirthComparison, exact match)
  on the raw columns lower-cased, with the usual blocking rules and the same EM training.
Prints pairs, precision, recall, F1, wall time and peak memory of each, and the machine; for
amparo's own path also the time of each stage (reading and normalising, choosing the
blocking rules, EM, predicting) and the blocking rules it narrowed for the size. Peak memory
is read as soon as the model has run, before the bench loads the truth. Several sizes
(`--records 250000,500000`) add, per stage, the growth exponent k between the two largest
(time ~ N^k) and what it projects for --project records: a projection, not a measurement.

    .venv/bin/python bench/dedup_population_bench.py --records 1000000
    .venv/bin/python bench/dedup_population_bench.py --records 100000 --models amparo,amparo-spark
    .venv/bin/python bench/dedup_population_bench.py --records 250000,500000 --models amparo
    .venv/bin/python bench/dedup_population_bench.py --records 10000000 --models amparo \
        --people PEOPLE.csv --truth TRUTH.csv   # a population generated beforehand
"""

import argparse
import json
import logging
import math
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from _common import machine

THRESHOLD = 0.9


def _amparo(
    path: str, engine: str = "duckdb", chunks: int = 0
) -> tuple[list[tuple[str, str, float]], dict[str, float], list[str]]:
    """The pairs, the seconds of each stage, and the blocking rules narrowed for the size:
    `amparo dedup link`'s own path (on DuckDB the registry is read in batches into DuckDB;
    Spark takes it as one table)."""
    from amparo.dedup.linkage.model import link_file

    result = link_file(path, threshold=THRESHOLD, engine=engine, chunks=chunks or None)
    stages = result.seconds
    pairs = result.pairs
    blocking = result.blocking
    narrowed = [f"narrowed: {rule}" for rule in blocking.narrowed] if blocking else []
    if blocking and blocking.comparisons:
        narrowed.append(f"comparisons (rules counted alone) {blocking.comparisons:,}")
    if blocking:
        narrowed.append(f"chunks per side {blocking.chunks}")
    return list(zip(pairs.id_l, pairs.id_r, pairs.probability, strict=True)), stages, narrowed


def _vanilla(path: str) -> list[tuple[str, str, float]]:
    import pandas as pd
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    frame = pd.read_csv(path, dtype=str).rename(columns={"id": "unique_id"})
    for column in frame.columns[1:]:
        frame[column] = frame[column].str.lower().str.strip()
    frame["birth_date"] = pd.to_datetime(frame["birth_date"], errors="coerce")
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.NameComparison("second_surname"),
            cl.DateOfBirthComparison("birth_date", input_is_string=False),
            cl.ExactMatch("document_number"),
            cl.ExactMatch("phone"),
            cl.ExactMatch("sex"),
            cl.ExactMatch("nationality"),
            cl.ExactMatch("locality"),
            cl.ExactMatch("postcode"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "surname"),
            block_on("surname", "birth_date"),
            block_on("given_name", "birth_date"),
            block_on("document_number"),
            block_on("phone"),
        ],
    )
    linker = Linker(DuckDBAPI().register(frame), settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("document_number", "birth_date")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "surname")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
    found = linker.inference.predict(threshold_match_probability=THRESHOLD).as_pandas_dataframe()
    return list(zip(found.unique_id_l, found.unique_id_r, found.match_probability, strict=True))


def _child(model: str, path: str, truth_path: str, chunks: int) -> None:
    """Run one model in this process; print one JSON line with its figures."""
    logging.getLogger("splink").setLevel(logging.ERROR)
    started = time.perf_counter()
    stages: dict[str, float] = {}
    narrowed: list[str] = []
    if model in ("amparo", "amparo-spark"):
        engine = "spark" if model == "amparo-spark" else "duckdb"
        pairs, stages, narrowed = _amparo(path, engine=engine, chunks=chunks)
    else:
        pairs = _vanilla(path)
    seconds = time.perf_counter() - started  # the Spark engine has ended and reaped its JVM
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak_mb += resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the JVM
    person = {}
    with Path(truth_path).open(encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            record, owner = line.rstrip("\n").split(",")
            person[record] = owner
    sizes = Counter(person.values())
    true_pairs = sum(k * (k - 1) // 2 for k in sizes.values())
    for threshold in (THRESHOLD, 0.99, 0.999):
        kept = [(a, b) for a, b, p in pairs if p >= threshold]
        hits = sum(person[a] == person[b] for a, b in kept)
        precision, recall = hits / max(len(kept), 1), hits / true_pairs
        f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
        figures = {"model": model, "threshold": threshold, "pairs": len(kept),
                   "true_pairs": true_pairs, "precision": precision, "recall": recall, "f1": f1,
                   "seconds": seconds, "peak_mb": peak_mb, "stages": stages,
                   "narrowed": narrowed}  # fmt: skip
        print("RESULT " + json.dumps(figures))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", default="100000", help="one size, or several: 250000,500000")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--models", default="amparo,vanilla")
    parser.add_argument("--project", type=int, default=10_000_000, help="size to project to")
    parser.add_argument(
        "--chunks", type=int, default=0, help="amparo's `dedup link --chunks` (0: its default)"
    )
    parser.add_argument("--people", help="a population generated beforehand (one size only)")
    parser.add_argument("--truth", help="its TRUTH.csv")
    parser.add_argument("--child", nargs=3, metavar=("MODEL", "PEOPLE", "TRUTH"))
    args = parser.parse_args()
    if args.child:
        _child(*args.child, chunks=args.chunks)
        return
    print(f"machine: {machine()}")
    measured: dict[str, list[tuple[int, dict[str, float]]]] = {}
    given = (Path(args.people), Path(args.truth)) if args.people and args.truth else None
    for records in [int(size) for size in args.records.split(",")]:
        population = given or _generate(records, args.seed)
        for model, stages in _run_size(population, args.models.split(","), args.chunks):
            measured.setdefault(model, []).append((records, stages))
    for model, sizes in measured.items():
        if len(sizes) >= 2:
            _project(model, sorted(sizes)[-2:], args.project)


def _generate(records: int, seed: int) -> tuple[Path, Path]:
    folder = Path(tempfile.mkdtemp(prefix="amparo-dedup-bench-"))
    people, truth = folder / "people.csv", folder / "truth.csv"
    started = time.perf_counter()
    subprocess.run(  # noqa: S603  (our own command, fixed arguments)
        [sys.executable, "-m", "amparo", "dedup", "generate", str(records), "--out",
         str(people), "--truth", str(truth), "--seed", str(seed)],
        check=True,
    )  # fmt: skip
    print(f"generated {records:,} records in {time.perf_counter() - started:.0f} s")
    return people, truth


def _run_size(
    population: tuple[Path, Path], models: list[str], chunks: int
) -> list[tuple[str, dict[str, float]]]:
    """Run each model on the population in a fresh process; print its figures."""
    people, truth = population
    found = []
    for model in models:
        done = subprocess.run(  # noqa: S603
            [sys.executable, __file__, "--child", model, str(people), str(truth),
             "--chunks", str(chunks)],
            check=False, capture_output=True, text=True,
        )  # fmt: skip
        if done.returncode != 0:  # say why (a Spark run that fails says it on stderr only)
            tail = "\n".join(done.stderr.splitlines()[-15:])
            print(f"{model:12s} failed (exit {done.returncode}):\n{tail}")
            continue
        results = [json.loads(x[len("RESULT ") :]) for x in done.stdout.splitlines()
                   if x.startswith("RESULT ")]  # fmt: skip
        for r in results:
            print(f"{model:12s} p >= {r['threshold']}: pairs {r['pairs']:,}"
                  f" (true {r['true_pairs']:,})"
                  f"  P {r['precision']:.4f}  R {r['recall']:.4f}  F1 {r['f1']:.4f}"
                  f"  {r['seconds']:.0f} s  peak {r['peak_mb']:,.0f} MB")  # fmt: skip
        if results and results[0]["stages"]:
            stages = {**results[0]["stages"], "peak MB": results[0]["peak_mb"]}
            print(f"{model:12s} stages: " + ", ".join(f"{k} {v:,.1f}" for k, v in stages.items()))
            for rule in results[0]["narrowed"]:
                print(f"{model:12s} blocking: {rule}")
            found.append((model, stages))
    return found


def _project(model: str, sizes: list[tuple[int, dict[str, float]]], target: int) -> None:
    """Per stage, k in time ~ N^k between the two largest sizes, and its value at `target`."""
    (small, before), (large, after) = sizes
    print(f"{model}: growth from {small:,} to {large:,} records, projected to {target:,}")
    total = 0.0
    for stage, value in after.items():
        if before.get(stage, 0) <= 0 or value <= 0:
            continue
        k = math.log(value / before[stage]) / math.log(large / small)
        projected = value * (target / large) ** k
        total += projected if stage != "peak MB" else 0.0
        print(f"  {stage:28s} k = {k:.2f}   at {target:,}: {projected:,.0f}")
    print(f"  total seconds at {target:,} (projected): {total:,.0f}")


if __name__ == "__main__":
    main()
