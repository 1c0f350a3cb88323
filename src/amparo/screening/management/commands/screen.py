"""`amparo screen --answers FILE.json`: a preliminary identification, printed as JSON.

It reads no database, so a trainer or a partner can try a protocol on a laptop. Bad input
stops with a message on stderr naming the file and every bad answer code; nothing goes to
stdout then, so a pipeline never mistakes an error for a result.
"""

import json
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from amparo.lib.datafiles import DataFileError
from amparo.screening.engine import evaluate
from amparo.screening.enums import TEXT_LANGUAGES
from amparo.screening.protocol import AnswersError, ProtocolNotFoundError, load_protocol


class Command(BaseCommand):
    help = "Evaluate screening answers (a JSON object) against a protocol, without the database."
    requires_system_checks: list[str] = []  # evaluation needs no configured node, only the files

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--answers", required=True, type=Path, help="JSON file: answer code to value"
        )
        parser.add_argument(
            "--protocol", default="rcm-2013", help="protocol id (default: rcm-2013)"
        )
        parser.add_argument("--protocol-version", help="protocol version (default: the latest)")
        parser.add_argument(
            "--lang", default="es", choices=TEXT_LANGUAGES, help="language of the texts"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["answers"]
        try:
            protocol = load_protocol(options["protocol"], options["protocol_version"])
        except (ProtocolNotFoundError, DataFileError) as exc:
            raise CommandError(str(exc)) from None
        answers = _read_answers(path)
        try:
            result = evaluate(protocol, answers, lang=options["lang"])
        except AnswersError as exc:
            problems = "\n".join(f"  {problem}" for problem in exc.problems)
            raise CommandError(f"{path}: invalid answers:\n{problems}") from None
        self.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))


def _read_answers(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CommandError(f"{path}: cannot be read ({exc.strerror})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CommandError(f"{path}: not valid JSON ({exc})") from None
