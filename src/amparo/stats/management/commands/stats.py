"""`amparo stats table|export|import|import-series|surges|notify-surges`.

amparo stats table --by country,profile [--from YYYY-MM --to YYYY-MM] --format json
amparo stats export --period 2026-11 --out FILE.json
amparo stats import FILE.json
amparo stats import-series FILE.csv --name NAME [--vintage YYYY-MM]
amparo stats surges --series NAME --format json
amparo stats notify-surges
amparo stats extract --out FILE.duckdb
"""

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from amparo.stats.domain.analytics import write_extract
from amparo.stats.domain.exchange import check_period, export_aggregates, import_aggregates
from amparo.stats.domain.notify import notify_surges
from amparo.stats.domain.queries import surges_for
from amparo.stats.domain.scope import REGION, Scope
from amparo.stats.domain.series import import_series
from amparo.stats.domain.tables import DASHBOARD, DIMENSIONS_OF, Filters, TableSpec, build_release
from amparo.stats.enums import Dimension, Measure
from amparo.stats.routers import is_regional_node


class Command(BaseCommand):
    help = "Published (suppressed) statistics, the regional node's aggregates, public series."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        table = sub.add_parser("table", help="print one published table")
        table.add_argument(
            "--by", required=True, help="one or two dimensions, e.g. country,profile"
        )
        table.add_argument("--measure", default=Measure.SCREENINGS, choices=Measure.values)
        table.add_argument("--from", dest="start", default="")
        table.add_argument("--to", dest="end", default="")
        table.add_argument("--format", default="json", choices=["json"])
        export = sub.add_parser("export", help="write this node's signed aggregates of a month")
        export.add_argument("--period", required=True)
        export.add_argument("--out", required=True)
        load = sub.add_parser("import", help="verify and load a national node's aggregates")
        load.add_argument("file")
        series = sub.add_parser("import-series", help="load a public series with its vintages")
        series.add_argument("file")
        series.add_argument("--name", required=True)
        series.add_argument("--vintage", default="", help="YYYY-MM when the file has no column")
        surges = sub.add_parser("surges", help="print the surge flags of a series")
        surges.add_argument("--series", required=True)
        surges.add_argument("--format", default="json", choices=["json"])
        sub.add_parser("notify-surges", help="e-mail new flags to each country's focal points")
        extract = sub.add_parser(
            "extract", help="write the de-identified facts the dashboards count (DuckDB)"
        )
        extract.add_argument("--out", required=True, help="the file AMPARO_STATS_EXTRACT names")
        self._parser: ArgumentParser = parser

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"].replace("-", "_")
        try:
            getattr(self, f"_{action}")(options)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        except Http404:
            raise CommandError("no such series") from None

    def _table(self, options: dict[str, Any]) -> None:
        spec = _spec(options["measure"], options["by"])
        start, end = options["start"], options["end"]
        for value in (start, end):
            if value:
                check_period(value)
        same = [s for s in DASHBOARD if (s.measure, s.by) == (spec.measure, spec.by)]
        specs = DASHBOARD if same else (spec,)
        release = build_release(Scope(REGION), Filters(start=start, end=end), specs)
        table = release.table(same[0].id if same else spec.id)
        self.stdout.write(json.dumps(table.to_json(), ensure_ascii=False, indent=2))

    def _export(self, options: dict[str, Any]) -> None:
        envelope = export_aggregates(options["period"], actor=None)
        Path(options["out"]).write_text(json.dumps(envelope, ensure_ascii=False, indent=1))
        self.stdout.write(f"wrote {options['out']}: {len(envelope['payload']['tables'])} tables")

    def _import(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        try:
            envelope = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"{path.name}: not a readable JSON file ({error})") from None
        received = import_aggregates(envelope, actor=None)
        self.stdout.write(f"loaded {received.node} {received.period}")

    def _import_series(self, options: dict[str, Any]) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        report = import_series(path, name=options["name"], actor=None, vintage=options["vintage"])
        self.stdout.write(
            f"{report.series}: {report.added} added, {report.kept} already stored, "
            f"{report.derived} months derived"
        )

    def _surges(self, options: dict[str, Any]) -> None:
        self.stdout.write(json.dumps(surges_for(options["series"]), ensure_ascii=False, indent=2))

    def _notify_surges(self, options: dict[str, Any]) -> None:
        self.stdout.write(f"{notify_surges()} e-mails sent")

    def _extract(self, options: dict[str, Any]) -> None:
        if is_regional_node():
            raise CommandError("a regional node holds no facts to extract")
        report = write_extract(options["out"])
        rows = ", ".join(f"{measure} {count}" for measure, count in report.rows.items())
        self.stdout.write(f"wrote {options['out']} at {report.written_at}: {rows}")


def _spec(measure: str, by: str) -> TableSpec:
    dims = [d.strip() for d in by.split(",") if d.strip()]
    if not 1 <= len(dims) <= 2:
        raise CommandError("--by: give one or two dimensions, e.g. country,profile")
    for dim in dims:
        if dim not in Dimension.values or dim not in DIMENSIONS_OF[measure]:
            known = ", ".join(sorted(DIMENSIONS_OF[measure]))
            raise CommandError(f"--by: {dim!r} is not a dimension of {measure} ({known})")
    columns = dims[1] if len(dims) == 2 else None
    return TableSpec(f"{measure}_by_{'_'.join(dims)}", measure, dims[0], columns)
