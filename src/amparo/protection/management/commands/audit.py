from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from amparo.protection.domain.audit import verify_chain


class Command(BaseCommand):
    help = "Audit log tools. 'amparo audit verify' checks the hash chain from the first event."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if report.intact:
            self.stdout.write(f"Audit chain intact: {report.checked} events verified.")
            return
        self.stderr.write(
            f"Audit chain BROKEN at event #{report.first_broken_id}: {report.problem} "
            f"({report.checked - 1} events before it verified)."
        )
        raise SystemExit(1)
