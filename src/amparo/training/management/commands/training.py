"""`amparo training ...`: tools for the training programme that need no database.

`amparo training parse-gift FILE` prints the questions of a Moodle GIFT file as a JSON list,
so a trainer can check a quiz before it is imported. A malformed file prints `FILE:LINE:
problem` on stderr, nothing on stdout, and exits with status 1.
"""

import json
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser

from amparo.training.gift import GiftSyntaxError, parse_gift


class Command(BaseCommand):
    help = "Training programme tools. 'parse-gift FILE' prints a GIFT file's questions as JSON."
    # Parsing a file needs neither the database nor the project's checks.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        parse = subcommands.add_parser(
            "parse-gift",
            help="print the questions of a Moodle GIFT file as JSON",
            description="Print the questions of a Moodle GIFT file as a JSON list, in file order.",
        )
        parse.add_argument("file", type=Path, metavar="FILE", help="the GIFT file (UTF-8)")

    def handle(self, *args: Any, **options: Any) -> None:
        # Only one subcommand for now; import-gift will join it once the training models exist.
        self._parse_gift(options["file"])

    def _parse_gift(self, path: Path) -> None:
        try:
            questions = parse_gift(path.read_text(encoding="utf-8"), source=str(path))
        except GiftSyntaxError as exc:
            self._fail(str(exc))
        except UnicodeDecodeError as exc:
            self._fail(f"{path}: not UTF-8 text (byte {exc.start})")
        except OSError as exc:
            self._fail(f"{path}: cannot read the file: {exc.strerror}")
        self.stdout.write(json.dumps(questions, ensure_ascii=False, indent=2))

    def _fail(self, message: str) -> NoReturn:
        self.stderr.write(message)
        raise SystemExit(1)
