"""The linkage model on Splink: one definition for batch linkage and the node's scan.

Comparisons follow how the region's registrations differ: given names through nicknames and
sound keys, surnames swapped or dropped, birth dates with day and month swapped or only the
year known, documents and postcodes retyped, localities misspelt, phones reformatted.
Parameters are estimated without labels: u by random sampling, m by expectation
maximisation on two blocking passes, so that each comparison is trained on pairs not
blocked on it.

Two engines run the same model: DuckDB in memory (the default, and the node's scan), and
Spark in local mode (`spark.py`, for registries that outgrow one machine's DuckDB). The few
SQL functions our own levels call are named per engine in `_SQL`; Splink translates its own.
"""

import math
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import duckdb
import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on
from splink.blocking_analysis import count_comparisons_from_blocking_rules
from splink.blocking_rule_library import CustomRule
from splink.internals.exceptions import SplinkException
from tqdm import tqdm

from amparo.dedup.linkage.prepare import model_rows
from amparo.dedup.linkage.reading import open_registry
from amparo.dedup.linkage.staging import stage_registry

DEFAULT_THRESHOLD = 0.99  # precision >= 0.995 on a million synthetic records (bench/RESULTS.md)

ENGINES = ("duckdb", "spark")

# What our custom levels call, in each engine's SQL. On Spark, jaro_winkler is the Scala
# function from the JAR that ships in Splink's wheel (registered by spark.py).
_SQL = {
    "duckdb": {
        "jaro_winkler": "jaro_winkler_similarity",
        "words_overlap": "list_has_any(string_split({l}, ' '), string_split({r}, ' '))",
    },
    "spark": {
        "jaro_winkler": "jaro_winkler",
        "words_overlap": "arrays_overlap(split({l}, ' '), split({r}, ' '))",
    },
}


def _names_swapped(engine: str) -> str:
    """Given name written as the surname and the other way round, each perhaps with a typo."""
    jw = _SQL[engine]["jaro_winkler"]
    return f"{jw}(given1_l, surname_n_r) >= 0.9 AND {jw}(surname_n_l, given1_r) >= 0.9"


def _given(engine: str) -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="given_name",
        comparison_levels=[
            cll.NullLevel("given1"),
            cll.ExactMatchLevel("given_n", term_frequency_adjustments=True),
            cll.ExactMatchLevel("given1"),
            cll.CustomLevel(_names_swapped(engine), "given name and surname swapped"),
            cll.ExactMatchLevel("given1_key"),
            cll.JaroWinklerLevel("given1", 0.9),
            cll.CustomLevel(
                _SQL[engine]["words_overlap"].format(l="given_n_l", r="given_n_r"),
                "a given name in common",
            ),
            cll.JaroWinklerLevel("given1", 0.75),
            cll.ElseLevel(),
        ],
    )


def _surnames(engine: str) -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="surnames",
        comparison_levels=[
            cll.NullLevel("surname_n"),
            cll.CustomLevel(
                "surname_n_l = surname_n_r AND second_n_l = second_n_r", "both surnames equal"
            ),
            cll.CustomLevel(
                "surname_n_l = second_n_r AND second_n_l = surname_n_r", "surnames swapped"
            ),
            cll.ExactMatchLevel("surname_n", term_frequency_adjustments=True),
            cll.CustomLevel(_names_swapped(engine), "given name and surname swapped"),
            cll.CustomLevel(
                "surname_key_l = surname_key_r OR surname_n_l = second_n_r "
                "OR second_n_l = surname_n_r OR married_n_l = surname_n_r "
                "OR surname_n_l = married_n_r",
                "same sound, or one surname in the other's place",
            ),
            cll.JaroWinklerLevel("surname_n", 0.88),
            cll.ElseLevel(),
        ],
    )


def _birth() -> cl.CustomComparison:
    same_year = "birth_year_l = birth_year_r"
    return cl.CustomComparison(
        output_column_name="birth_date",
        comparison_levels=[
            cll.NullLevel("birth_year"),
            cll.ExactMatchLevel("dob"),
            cll.CustomLevel(
                f"{same_year} AND birth_month_l = birth_day_r AND birth_day_l = birth_month_r",
                "day and month swapped",
            ),
            cll.CustomLevel(
                "birth_month_l = birth_month_r AND birth_day_l = birth_day_r "
                "AND abs(birth_year_l - birth_year_r) = 1",
                "year off by one",
            ),
            cll.CustomLevel(
                f"{same_year} AND ((birth_month_l = 1 AND birth_day_l = 1) "
                "OR (birth_month_r = 1 AND birth_day_r = 1) "
                "OR birth_month_l IS NULL OR birth_month_r IS NULL)",
                "same year, one date approximate",
            ),
            cll.CustomLevel(same_year, "same year"),
            cll.ElseLevel(),
        ],
    )


def _retyped_code(column: str, output: str) -> cl.CustomComparison:
    """A code typed by hand (document, postcode): the same, or one character wrong or two
    neighbours swapped."""
    return cl.CustomComparison(
        output_column_name=output,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column),
            cll.DamerauLevenshteinLevel(column, 1),
            cll.ElseLevel(),
        ],
    )


def comparisons(optional: list[str], engine: str = "duckdb") -> list[Any]:
    """The model's comparisons; locality and postcode only when the input has them."""
    chosen: list[Any] = [
        _given(engine),
        _surnames(engine),
        _birth(),
        _retyped_code("document_n", "document"),
        cl.ExactMatch("phone_n"),
        cl.ExactMatch("sex"),
        cl.ExactMatch("nationality"),
    ]
    if "postcode" in optional:
        chosen.append(_retyped_code("postcode", "postcode"))
    if "locality" in optional:
        # Place names are misspelt like any other word (Berwkck, Parramtta).
        chosen.append(cl.JaroWinklerAtThresholds("locality", [0.92]))
    if "address" in optional:
        chosen.append(cl.JaroWinklerAtThresholds("address", [0.95, 0.85]))
    return chosen


@dataclass(frozen=True)
class Rule:
    """A blocking rule, and how to narrow it for a registry on which it would make too many
    comparisons (`blocking_for`)."""

    condition: str  # Splink's SQL over the two records l and r
    # Each entry makes one narrower rule: this one AND that condition, so a pair this rule
    # finds is still found when any one entry holds for it.
    narrower: tuple[str, ...] = ()

    def narrowed(self) -> list[str]:
        return [f"{self.condition} AND {extra}" for extra in self.narrower]


def _equal(*columns: str) -> str:
    return " AND ".join(f"l.{c} = r.{c}" for c in columns)


_YEAR = _equal("birth_year")
_DAY = _equal("birth_month", "birth_day")  # the birth date but for a year off by one
_NATIONALITY = _equal("nationality")
_GIVEN_INITIAL = "substr(l.given1, 1, 1) = substr(r.given1, 1, 1)"

# Rules on names or a birth date alone grow as the square of the registry (a common name
# meets every other bearer of it); rules on a document or a phone grow about linearly. The
# narrower rules were chosen on ten million synthetic records (bench/RESULTS.md).
RULES: list[Rule] = [
    Rule(_equal("given1_key", "surname_key"), narrower=(_YEAR, _equal("second_key"), _DAY)),
    Rule(_equal("surname_key", "dob")),
    Rule(_equal("given1_key", "dob")),
    Rule(_equal("document_n")),
    Rule(_equal("phone_n")),
    Rule("l.given1_key = r.given1_key AND l.surname_key = r.second_key", narrower=(_YEAR, _DAY)),
    Rule("l.given1_key = r.surname_key AND l.surname_key = r.given1_key"),
    Rule(_equal("dob", "postcode")),
    Rule(_equal("dob", "locality"), narrower=(_NATIONALITY, _GIVEN_INITIAL)),
    Rule(_equal("address", "postcode")),
    Rule(_equal("surname_key", "postcode"), narrower=(_YEAR, _equal("given1_key"))),
    Rule(_equal("given1_key", "postcode"), narrower=(_YEAR, _equal("second_key"))),
    Rule(_equal("surname_key", "second_key", "birth_year")),
    # Given name and surname swapped, one of them misspelt: the other meets its sound key.
    # Both directions, as a dedupe compares each pair once (l before r).
    Rule("l.given1_key = r.surname_key AND l.dob = r.dob"),
    Rule("l.surname_key = r.given1_key AND l.dob = r.dob"),
    # Both names misspelt beyond their sound keys: the birth date and the surname's initial
    # (about a tenth more comparisons on the synthetic population of a million).
    Rule(
        "l.dob = r.dob AND substr(l.surname_n, 1, 1) = substr(r.surname_n, 1, 1)",
        narrower=(_NATIONALITY, _GIVEN_INITIAL),
    ),
]

# A rule that would make more comparisons than this per record, on the registry at hand, is
# replaced by its narrower rules, so that the comparisons (and the time to predict) grow
# about linearly with the registry. On the synthetic population the widest rule (the given
# name's and surname's keys) makes 13 per record at a million and 128 at ten million.
COMPARISONS_PER_RECORD = 5

# EM trains on at most this many blocked pairs, sampled by Splink on each side: a million
# records make about 13 million on the names' rule, so up to there EM sees every pair.
EM_MAX_PAIRS = 20_000_000

# Counting a rule's comparisons exactly costs as much as making them: above this many
# records they are estimated from a 5 % sample of records on each side.
EXACT_COUNT_UP_TO = 200_000


# Prediction holds one part's comparisons at a time. A large registry is predicted in
# chunks x chunks parts of at most about this many comparisons each: on 2 cores and 24 GB,
# a million records' 17.7 million comparisons peaked at 5.6 GB, while 10 million records'
# 150 million in one pass ran out of DuckDB's 19 GB.
COMPARISONS_PER_PART = 20_000_000


@dataclass(frozen=True)
class Blocking:
    rules: list[str]  # what predicts
    narrowed: list[str] = field(default_factory=list)  # rules replaced by narrower ones
    # Above EXACT_COUNT_UP_TO records: the comparisons of all the rules, each counted alone
    # (pairs two rules share are counted twice), and the chunks per side that keep each
    # part within COMPARISONS_PER_PART.
    comparisons: int | None = None
    chunks: int = 1


def blocking_for(registered: list[Any], records: int, link_type: str) -> Blocking:
    """The rules for this registry: each rule that has narrower versions is counted, and
    replaced by them if it would make more than COMPARISONS_PER_RECORD per record. On a
    large registry the rules are then counted together, to choose the chunks."""
    large = records > EXACT_COUNT_UP_TO
    counted: dict[str, int] = {}

    def count(condition: str) -> int:  # each rule is counted once
        if condition not in counted:
            counted[condition] = _comparisons(
                registered, condition, link_type, 0.05 if large else 1.0
            )
        return counted[condition]

    rules: list[str] = []
    narrowed: list[str] = []
    for rule in RULES:
        if rule.narrower and count(rule.condition) > COMPARISONS_PER_RECORD * records:
            rules.extend(rule.narrowed())
            narrowed.append(rule.condition)
        else:
            rules.append(rule.condition)
    if not large:
        return Blocking(rules, narrowed)
    total = sum(count(rule) for rule in rules)
    chunks = max(1, math.ceil(math.sqrt(total / COMPARISONS_PER_PART)))
    return Blocking(rules, narrowed, total, chunks)


def _comparisons(registered: list[Any], condition: str, link_type: str, proportion: float) -> int:
    with warnings.catch_warnings():
        # Splink warns when a sample meets few pairs; a rule that rare is far within bounds.
        warnings.simplefilter("ignore", UserWarning)
        counted = count_comparisons_from_blocking_rules(
            registered,
            blocking_rules=[condition],
            link_type=link_type,  # type: ignore[arg-type]
            record_sample_proportion=proportion,
        )
    return int(counted[0]["marginal_comparison_count"])


def settings(
    optional: list[str],
    link_type: str = "dedupe_only",
    engine: str = "duckdb",
    rules: list[str] | None = None,
) -> SettingsCreator:
    """The model; `rules` from `blocking_for`, every rule whole when not given."""
    return SettingsCreator(
        link_type=link_type,  # type: ignore[arg-type]
        comparisons=comparisons(optional, engine),
        blocking_rules_to_generate_predictions=[
            CustomRule(condition)
            for condition in (rules if rules is not None else [r.condition for r in RULES])
        ],
        retain_intermediate_calculation_columns=True,
    )


def _memory_only() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that never spills to disk: the scan holds decrypted names."""
    connection = duckdb.connect(":memory:")
    connection.execute("SET temp_directory = ''")
    connection.execute("SET enable_progress_bar = false")
    # Results are sorted by us; keeping DuckDB's row order costs memory on large joins.
    connection.execute("SET preserve_insertion_order = false")
    return connection


@contextmanager
def _database(engine: str) -> Iterator[tuple[Any, Callable[[pd.DataFrame], Any]]]:
    """Splink's database API for the engine, and how to hand it a pandas table."""
    if engine == "duckdb":
        yield DuckDBAPI(connection=_memory_only()), lambda frame: frame
    elif engine == "spark":
        from amparo.dedup.linkage.spark import spark_api

        with spark_api() as found:
            yield found
    else:
        raise ValueError(f"unknown engine {engine!r}: one of {', '.join(ENGINES)}")


@dataclass
class LinkResult:
    pairs: pd.DataFrame  # id_l, id_r, probability, and the match weight of each comparison
    clusters: pd.DataFrame | None  # id, cluster
    seconds: dict[str, float] = field(default_factory=dict)  # wall time of each stage
    blocking: Blocking | None = None  # the rules used, and which were narrowed


class _Stages:
    """The progress bar on stderr, and the wall time of each stage (for the benchmarks)."""

    def __init__(self, bar: tqdm) -> None:
        self._bar = bar
        self._current = ""
        self._started = 0.0
        self.seconds: dict[str, float] = {}

    def start(self, name: str) -> None:
        self.end()
        self._bar.set_description(name)
        self._current, self._started = name, time.perf_counter()

    def end(self) -> None:
        if self._current:
            self.seconds[self._current] = time.perf_counter() - self._started
            self._bar.update()
            self._current = ""


@contextmanager
def _stages(total: int, show: bool) -> Iterator[_Stages]:
    with tqdm(total=total, file=sys.stderr, disable=not show, unit="stage") as bar:
        stages = _Stages(bar)
        yield stages
        stages.end()


def _train(linker: Linker) -> None:
    """Estimate without labels. On a small registry a session may meet no pair of some
    level; its parameters then keep Splink's defaults and the next session goes on."""
    linker.training.estimate_probability_two_random_records_match(
        [block_on("document_n", "birth_year"), block_on("given_n", "surname_n", "dob")],
        recall=0.7,
    )
    # One pass over the whole sample, no early stop: which pairs an early stop keeps depends
    # on the engine's hash function, and on Spark every extra chunk is a job (seconds).
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1, num_chunks=1)
    for rule in (block_on("given1_key", "surname_key"), block_on("document_n")):
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True, max_pairs=EM_MAX_PAIRS
            )
        except (ValueError, SplinkException) as error:
            sys.stderr.write(f"EM session skipped: {error}\n")


@dataclass(frozen=True)
class _Options:
    threshold: float
    clusters: bool
    chunks: int | None  # None: as many as the registry needs (Blocking.chunks)


def link(
    tables: list[pd.DataFrame],
    optional: list[str],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    clusters: bool = False,
    progress: bool = False,
    engine: str = "duckdb",
    chunks: int | None = None,
) -> LinkResult:
    """Predicted duplicate pairs (one table: dedupe; two: link across them), best first.

    engine: "duckdb" (in memory) or "spark" (local mode; raises spark.SparkUnavailable
    naming what to install when Java or pyspark is missing). chunks: Splink predicts in
    chunks x chunks parts, one after another (each side of the blocking join in slices), to
    hold fewer comparisons at once; the pairs are the same. None: as many as keep each part
    within COMPARISONS_PER_PART (one, up to EXACT_COUNT_UP_TO records)."""
    link_type = "dedupe_only" if len(tables) == 1 else "link_only"
    options = _Options(threshold, clusters, chunks)
    with _stages(_stage_count(clusters), progress) as stages, _database(engine) as (db, table):
        stages.start("registering")
        registered = [
            db.register(table(t), dataset_display_name=f"t{i}") for i, t in enumerate(tables)
        ]
        records = sum(len(t) for t in tables)
        result = _link(registered, records, optional, link_type, engine, stages, options)
    result.seconds = stages.seconds  # every stage has ended
    return result


def link_file(
    path: str,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    clusters: bool = False,
    progress: bool = False,
    engine: str = "duckdb",
    chunks: int | None = None,
) -> LinkResult:
    """`link` on a registry CSV (`amparo dedup link`). On DuckDB, of any size: read, checked
    and normalised in batches straight into DuckDB (staging.py), so that Python never holds
    the registry; Spark takes it as one table. Raises reading.InputError, naming the line and
    column, for bad input."""
    options = _Options(threshold, clusters, chunks)
    with _stages(_stage_count(clusters), progress) as stages, open_registry(path) as registry:
        stages.start("reading and normalising")
        if engine == "duckdb":
            connection = _memory_only()
            records = stage_registry(registry, connection, "registry")
            db = DuckDBAPI(connection=connection)
            registered = [db.register("registry", dataset_display_name="t0")]
            result = _link(
                registered, records, registry.optional, "dedupe_only", engine, stages, options
            )
        else:
            frame = pd.DataFrame(model_rows(row for batch in registry.batches for row in batch))
            with _database(engine) as (db, table):
                registered = [db.register(table(frame), dataset_display_name="t0")]
                result = _link(
                    registered, len(frame), registry.optional, "dedupe_only", engine, stages,
                    options,
                )  # fmt: skip
    result.seconds = stages.seconds
    return result


def _stage_count(clusters: bool) -> int:
    """Registering (or reading), choosing the rules, EM, predicting; clustering if asked."""
    return 5 if clusters else 4


def _link(
    registered: list[Any],
    records: int,
    optional: list[str],
    link_type: str,
    engine: str,
    stages: _Stages,
    options: _Options,
) -> LinkResult:
    stages.start("choosing blocking rules")
    blocking = blocking_for(registered, records, link_type)
    # log_level=None: Splink would otherwise set its own logger to INFO and print every
    # step on stderr, over the progress bar; the caller's logging configuration decides.
    linker = Linker(
        registered, settings(optional, link_type, engine, blocking.rules), log_level=None
    )
    stages.start("estimating parameters (EM)")
    _train(linker)
    stages.start("predicting pairs")
    chunks = options.chunks or blocking.chunks
    parts = chunks if chunks > 1 else None  # None: Splink's one pass
    predictions = linker.inference.predict(
        threshold_match_probability=options.threshold,
        num_chunks_left=parts,
        num_chunks_right=parts,
    )
    pairs = _pairs(_scores(linker, predictions))
    found = None
    if options.clusters:
        stages.start("clustering")
        clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, options.threshold
        ).as_pandas_dataframe()
        found = clustered[["unique_id", "cluster_id"]].rename(
            columns={"unique_id": "id", "cluster_id": "cluster"}
        )
    return LinkResult(pairs=pairs, clusters=found, blocking=replace(blocking, chunks=chunks))


def _scores(linker: Linker, predictions: Any) -> pd.DataFrame:
    """The ids, the probability and each comparison's level and weights of the predicted
    pairs, without the compared values Splink keeps beside them (at ten million records
    those strings alone would fill gigabytes)."""
    names = [column.unquote().name for column in predictions.columns]
    wanted = [
        name
        for name in names
        if name in ("unique_id_l", "unique_id_r", "match_probability")
        or name.startswith(("gamma_", "mw_"))
    ]
    sql = f"SELECT {', '.join(wanted)} FROM {predictions.physical_name}"  # noqa: S608
    return linker.misc.query_sql(sql, output_type="splink_df").as_pandas_dataframe()


def _pairs(predicted: pd.DataFrame) -> pd.DataFrame:
    """id_l < id_r and probability, then per comparison its level (gamma_) and weight (mw_)."""
    left = predicted["unique_id_l"].astype(str)
    right = predicted["unique_id_r"].astype(str)
    swap = left > right
    out = pd.DataFrame(
        {
            "id_l": left.where(~swap, right),
            "id_r": right.where(~swap, left),
            "probability": predicted["match_probability"].astype(float).round(6),
        }
    )
    for column in predicted.columns:
        if column.startswith("gamma_"):
            name = column[len("gamma_") :]
            weight = predicted[f"mw_{name}"].astype(float)
            if f"mw_tf_adj_{name}" in predicted.columns:
                weight = weight + predicted[f"mw_tf_adj_{name}"].astype(float).fillna(0.0)
            out[f"gamma_{name}"] = predicted[column].astype(int)
            out[f"mw_{name}"] = weight.round(2)
    return out.sort_values(["probability", "id_l", "id_r"], ascending=[False, True, True])
