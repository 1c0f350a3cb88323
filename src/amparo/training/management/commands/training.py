"""`amparo training ...`: tools for the training programme.

- `parse-gift FILE` prints the questions of a Moodle GIFT file as a JSON list, so a trainer can
  check a quiz before it is imported (no database needed).
- `load-content [--dir DIR]` checks the content folder and syncs it into the database
  (idempotent: unchanged courses and practice cases are left as they are).
- `import-gift FILE --module CODE [--course ID] [--lang es]` stores a GIFT file's questions as
  the module's question bank in that language, all or nothing.
- `export-gift --module CODE [--course ID] [--lang es] [--out FILE|-]` writes the bank as GIFT.
- `export-xapi [--out FILE|-]` writes every learning record as xAPI statements (JSON).

A refused input prints `FILE:LINE: problem` (or `FILE: key: problem`) on stderr, nothing on
stdout, and exits with status 1.
"""

import json
from pathlib import Path
from typing import Any, NoReturn

from django.core.management.base import BaseCommand, CommandParser

from amparo.accounts.models import User
from amparo.lib.datafiles import DataFileError
from amparo.training.domain.content import load_content
from amparo.training.domain.questions import (
    ModuleNotFoundError,
    export_gift,
    find_module,
    import_gift,
)
from amparo.training.enums import CONTENT_LANGUAGES
from amparo.training.gift import GiftSyntaxError, parse_gift
from amparo.training.loader import CONTENT_DIR
from amparo.training.xapi import statements_for


class Command(BaseCommand):
    help = (
        "Training programme tools: parse-gift, load-content, import-gift, export-gift, export-xapi."
    )
    # Parsing a file needs neither the database nor the project's checks.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        parse = sub.add_parser(
            "parse-gift",
            help="print the questions of a Moodle GIFT file as JSON",
            description="Print the questions of a Moodle GIFT file as a JSON list, in file order.",
        )
        parse.add_argument("file", type=Path, metavar="FILE", help="the GIFT file (UTF-8)")
        load = sub.add_parser("load-content", help="sync the content folder into the database")
        load.add_argument("--dir", type=Path, default=CONTENT_DIR, help="the content folder")
        imp = sub.add_parser("import-gift", help="store a GIFT file as a module's question bank")
        imp.add_argument("file", type=Path, metavar="FILE", help="the GIFT file (UTF-8)")
        self._module_arguments(imp)
        exp = sub.add_parser("export-gift", help="write a module's question bank as GIFT")
        self._module_arguments(exp)
        exp.add_argument("--out", default="-", help="the file to write ('-': standard output)")
        xapi = sub.add_parser("export-xapi", help="write the learning records as xAPI statements")
        xapi.add_argument("--out", default="-", help="the file to write ('-': standard output)")

    def _module_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--module", required=True, metavar="CODE", help="the module's code")
        parser.add_argument("--course", metavar="ID", help="the course, if several have the module")
        parser.add_argument("--lang", default="es", choices=CONTENT_LANGUAGES)

    def handle(self, *args: Any, **options: Any) -> None:
        handlers = {
            "parse-gift": self._parse_gift,
            "load-content": self._load_content,
            "import-gift": self._import_gift,
            "export-gift": self._export_gift,
            "export-xapi": self._export_xapi,
        }
        handlers[options["subcommand"]](options)

    def _read(self, path: Path) -> str:
        try:
            return path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            self._fail(f"{path}: not UTF-8 text (byte {exc.start})")
        except OSError as exc:
            self._fail(f"{path}: cannot read the file: {exc.strerror}")

    def _parse_gift(self, options: dict[str, Any]) -> None:
        path = options["file"]
        text = self._read(path)
        try:
            questions = parse_gift(text, source=str(path))
        except GiftSyntaxError as exc:
            self._fail(str(exc))
        self.stdout.write(json.dumps(questions, ensure_ascii=False, indent=2))

    def _load_content(self, options: dict[str, Any]) -> None:
        try:
            report = load_content(options["dir"])
        except DataFileError as exc:
            self._fail(str(exc))
        for label, lines in (
            ("created", report.created),
            ("updated", report.updated),
            ("unchanged", report.unchanged),
        ):
            for line in lines:
                self.stdout.write(f"{label}: {line}")

    def _module(self, options: dict[str, Any]) -> Any:
        try:
            return find_module(options["module"], course=options["course"])
        except ModuleNotFoundError as exc:
            self._fail(str(exc))

    def _import_gift(self, options: dict[str, Any]) -> None:
        path, lang = options["file"], options["lang"]
        module = self._module(options)
        text = self._read(path)
        try:
            count = import_gift(module, text, lang=lang, source=str(path), actor=None)
        except (GiftSyntaxError, DataFileError) as exc:
            self._fail(str(exc))
        self.stdout.write(
            f"{count} questions stored in {module.course.code}/{module.code} ({lang})."
        )

    def _export_gift(self, options: dict[str, Any]) -> None:
        module = self._module(options)
        self._write(options["out"], export_gift(module, lang=options["lang"]))

    def _export_xapi(self, options: dict[str, Any]) -> None:
        statements = statements_for(User.objects.all())
        self._write(options["out"], json.dumps(statements, ensure_ascii=False, indent=2) + "\n")

    def _write(self, out: str, text: str) -> None:
        if out == "-":
            self.stdout.write(text, ending="")
            return
        try:
            Path(out).write_text(text, encoding="utf-8")
        except OSError as exc:
            self._fail(f"{out}: cannot write the file: {exc.strerror}")

    def _fail(self, message: str) -> NoReturn:
        self.stderr.write(message)
        raise SystemExit(1)
