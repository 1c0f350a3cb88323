"""`amparo dedup ...`: synthetic populations, batch linkage of a CSV, and the node's scan.

`amparo dedup generate N --out PEOPLE.csv --truth TRUTH.csv [--seed S]` writes a synthetic
population with known duplicates (how duplicates are corrupted: `amparo dedup generate -h`).

`amparo dedup link INPUT.csv --out PAIRS.csv [--clusters CLUSTERS.csv] [--threshold P]
[--engine duckdb|spark] [--chunks K]` needs no database: it writes `id_l,id_r,probability`,
one row per predicted duplicate pair with `id_l < id_r`, and with `--clusters` `id,cluster`.
Bad input is refused naming the file, line and column, and nothing is written. `--engine
spark` runs the same model on Spark in local mode (needs Java 17+ and `pip install
'amparo[spark]'`). `--chunks K` predicts in K x K parts (each side of the blocking join in K
slices), one after another, so that a large registry's comparisons need not all be held at
once; the pairs are the same. On DuckDB the file is read in batches straight into DuckDB,
and a blocking rule too wide for the registry is replaced by narrower ones, named on stderr
(decision 0021).

`amparo dedup scan [--threshold P]` runs the same model over the node's registry, in memory
only, and fills the review queue.
"""

import logging
from pathlib import Path
from typing import Any, NoReturn

import pandas as pd
from django.core.management.base import BaseCommand, CommandError, CommandParser

from amparo.dedup import synthetic
from amparo.dedup.linkage.model import (
    COMPARISONS_PER_RECORD,
    DEFAULT_THRESHOLD,
    ENGINES,
    link_file,
)
from amparo.dedup.linkage.reading import InputError
from amparo.dedup.linkage.spark import SparkUnavailable
from amparo.lib import csvsafe


def _write(path: str, columns: list[str], table: pd.DataFrame) -> None:
    """Through the CSV helper: an id such as '=HYPERLINK(...)' is written as text."""
    with Path(path).open("w", encoding="utf-8", newline="") as out:
        writer = csvsafe.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(table[columns].itertuples(index=False, name=None))


def _probability(text: str) -> float:
    value = float(text)
    if not 0 < value < 1:
        raise ValueError(text)
    return value


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = "Duplicate detection: generate a synthetic population, link a CSV, scan the registry."
    requires_system_checks: list[str] = []  # `link` and `generate` need no database

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        generate = commands.add_parser(
            "generate",
            help="write a synthetic population with known duplicates",
            description=synthetic.__doc__,
            formatter_class=__import__("argparse").RawDescriptionHelpFormatter,
        )
        generate.add_argument("count", type=int, metavar="N", help="number of records")
        generate.add_argument("--out", required=True, metavar="PEOPLE.csv")
        generate.add_argument("--truth", required=True, metavar="TRUTH.csv")
        generate.add_argument("--seed", type=int, default=0, metavar="S")
        linking = commands.add_parser(
            "link",
            help="predict duplicate pairs in a CSV (no database needed)",
            description="Predict duplicate pairs in INPUT.csv with the Splink model.",
        )
        linking.add_argument("input", metavar="INPUT.csv")
        linking.add_argument("--out", required=True, metavar="PAIRS.csv")
        linking.add_argument("--clusters", metavar="CLUSTERS.csv")
        linking.add_argument("--threshold", type=_probability, default=DEFAULT_THRESHOLD)
        linking.add_argument(
            "--engine",
            choices=ENGINES,
            default="duckdb",
            help="duckdb (in memory, the default) or spark (local mode; needs Java 17+)",
        )
        linking.add_argument(
            "--chunks",
            type=_positive,
            default=None,
            metavar="K",
            help="predict in K x K parts one after another, to hold less at once (default: "
            "as many as the registry needs, 1 up to 200,000 records)",
        )
        scan = commands.add_parser(
            "scan", help="fill the review queue from the node's registry (in memory only)"
        )
        scan.add_argument("--threshold", type=_probability, default=DEFAULT_THRESHOLD)

    def handle(self, *args: Any, **options: Any) -> None:
        logging.getLogger("splink").setLevel(logging.ERROR)
        handlers = {"generate": self._generate, "link": self._link, "scan": self._scan}
        handlers[options["subcommand"]](options)

    def _generate(self, options: dict[str, Any]) -> None:
        if options["count"] < 1:
            self._refuse("N must be at least 1.")
        with (
            synthetic.open_for_writing(options["out"]) as people,
            synthetic.open_for_writing(options["truth"]) as truth,
        ):
            persons = synthetic.write_population(
                options["count"], people, truth, seed=options["seed"]
            )
        self.stdout.write(f"{options['count']} records of {persons} persons.")

    def _link(self, options: dict[str, Any]) -> None:
        try:
            result = link_file(
                options["input"],
                threshold=options["threshold"],
                clusters=bool(options["clusters"]),
                progress=True,
                engine=options["engine"],
                chunks=options["chunks"],
            )
        except (InputError, SparkUnavailable) as error:
            self._refuse(str(error))
        if result.blocking and result.blocking.narrowed:
            self.stderr.write(
                "Rules that would make more than "
                f"{COMPARISONS_PER_RECORD} comparisons per record, used narrowed: "
                + "; ".join(result.blocking.narrowed)
            )
        _write(options["out"], ["id_l", "id_r", "probability"], result.pairs)
        if result.clusters is not None:
            _write(options["clusters"], ["id", "cluster"], result.clusters.sort_values("id"))
        self.stdout.write(f"{len(result.pairs)} pairs above {options['threshold']}.")

    def _scan(self, options: dict[str, Any]) -> None:
        from amparo.dedup.domain.scan import scan_registry

        counts = scan_registry(threshold=options["threshold"], actor=None)
        self.stdout.write(
            f"{counts.persons} persons compared: {counts.new} new candidate pairs, "
            f"{counts.updated} updated, {counts.skipped} already decided."
        )

    def _refuse(self, message: str) -> NoReturn:
        raise CommandError(message, returncode=1)
