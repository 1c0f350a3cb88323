"""`amparo directory ...`: the service directory in Open Referral HSDS 3.0.

`amparo directory import FILE` reads an HSDS organization, service, location or service at
location, a list of them, or a page of the HSDS API, and creates or updates the directory by
HSDS id. A file with any problem is refused whole: each problem is printed on stderr with its
JSON path, the status is 1, and the directory is left as it was.

`amparo directory export --format hsds [--out FILE]` writes every service as a JSON list of
HSDS service objects (to stdout with `--out -`, the default).

`amparo directory seed` gives each active agency that is not an enforcement body an
organisation and a service; running it again changes nothing.

`amparo directory eligibility --check` compares matching's eligibility table with the
directory (status 1 and one line per stale service when they differ); without `--check` it
derives the table again (after rows were written behind the directory's write functions).
"""

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser

from amparo.referrals.domain.directory import DirectoryImportError, import_directory
from amparo.referrals.domain.eligibility import eligibility_differences, rebuild_eligibility
from amparo.referrals.domain.queries import services_for_export
from amparo.referrals.domain.seed import seed_directory_from_agencies
from amparo.referrals.interfaces.hsds import parse_hsds, read_hsds_json, services_to_hsds

_EXPORT_CHUNK = 1000


class Command(BaseCommand):
    help = "Service directory: import or export Open Referral HSDS 3.0, seed from agencies."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        importing = subcommands.add_parser(
            "import",
            help="create or update directory records from an HSDS 3.0 JSON file",
            description="Import an HSDS 3.0 JSON file, all or nothing.",
        )
        importing.add_argument("file", metavar="FILE", help="the JSON file, or - for stdin")
        exporting = subcommands.add_parser(
            "export",
            help="write every service as HSDS 3.0 JSON",
            description="Write every service as a JSON list of HSDS 3.0 service objects.",
        )
        exporting.add_argument("--format", required=True, choices=["hsds"])
        exporting.add_argument("--out", default="-", metavar="FILE", help="- for stdout")
        subcommands.add_parser(
            "seed",
            help="one organisation and service per agency (not enforcement bodies)",
            description="Seed the directory from the agencies; running it again changes nothing.",
        )
        eligibility = subcommands.add_parser(
            "eligibility",
            help="check or derive again matching's eligibility table",
            description="Derive matching's eligibility table again, or --check it.",
        )
        eligibility.add_argument(
            "--check", action="store_true", help="compare only; status 1 when stale"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        handlers = {
            "import": self._import,
            "export": self._export,
            "seed": self._seed,
            "eligibility": self._eligibility,
        }
        handlers[options["subcommand"]](options)

    def _import(self, options: dict[str, Any]) -> None:
        source = options["file"]
        text = self._read(source)
        try:
            counts = import_directory(parse_hsds(read_hsds_json(text)))
        except DirectoryImportError as exc:
            self._refuse(source, exc.problems)
        self.stdout.write(
            f"Imported: organizations {counts.organizations}, services {counts.services}, "
            f"locations {counts.locations}, services at locations "
            f"{counts.service_at_locations}."
        )

    def _read(self, source: str) -> str:
        if source == "-":
            return sys.stdin.read()
        try:
            return Path(source).read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            self._refuse(source, [f"not UTF-8 text (byte {exc.start})"])
        except OSError as exc:
            self._refuse(source, [f"cannot read the file: {exc.strerror}"])

    def _refuse(self, source: str, problems: list[str]) -> NoReturn:
        count = len(problems)
        self.stderr.write(
            f"{source}: refused, nothing imported ({count} problem{'s' if count != 1 else ''}):"
        )
        for problem in problems:
            self.stderr.write(f"  {problem}")
        raise SystemExit(1)

    def _export(self, options: dict[str, Any]) -> None:
        services = services_for_export().iterator(chunk_size=_EXPORT_CHUNK)
        objects = list(services_to_hsds(services))
        # No indentation: the standard library's fast encoder only writes compact JSON.
        text = json.dumps(objects, ensure_ascii=False) + "\n"
        if options["out"] == "-":
            self.stdout.write(text, ending="")
            return
        Path(options["out"]).write_text(text, encoding="utf-8")
        self.stderr.write(f"Exported {len(objects)} services to {options['out']}.")

    def _seed(self, options: dict[str, Any]) -> None:
        counts = seed_directory_from_agencies()
        self.stdout.write(
            f"Created: organizations {counts.organizations_created}, "
            f"services {counts.services_created}."
        )

    def _eligibility(self, options: dict[str, Any]) -> None:
        if not options["check"]:
            rebuild_eligibility()
            self.stdout.write("Eligibility table derived again from the directory.")
            return
        problems = eligibility_differences()
        if problems:
            self.stderr.write("The eligibility table differs from the directory:")
            for problem in problems:
                self.stderr.write(f"  {problem}")
            raise SystemExit(1)
        self.stdout.write("The eligibility table agrees with the directory.")
