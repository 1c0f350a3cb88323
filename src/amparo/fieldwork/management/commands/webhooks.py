"""`amparo webhooks deliver [--loop] [--interval SECONDS] [--limit N]`: send the outbox.

Run it from cron (once a minute) or as a long-running worker with `--loop`. Each run sends the
deliveries whose time has come and prints how many were delivered, retried, failed or withheld.
"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from amparo.fieldwork.domain.deliveries import deliver_due


class Command(BaseCommand):
    help = "Webhooks: deliver the events waiting in the outbox (retries with backoff)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        deliver = sub.add_parser("deliver", help="send the deliveries that are due")
        deliver.add_argument("--loop", action="store_true", help="keep running")
        deliver.add_argument("--interval", type=int, default=30, help="seconds between runs")
        deliver.add_argument("--limit", type=int, default=100, help="deliveries per run")

    def handle(self, *args: Any, **options: Any) -> None:
        while True:
            counts = deliver_due(limit=options["limit"])
            summary = _(
                "delivered: %(delivered)s, retrying: %(retrying)s, failed: %(failed)s, "
                "withheld: %(withheld)s"
            )
            self.stdout.write(summary % vars(counts))
            if not options["loop"]:
                return
            time.sleep(max(1, options["interval"]))
