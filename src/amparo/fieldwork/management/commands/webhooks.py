"""`amparo webhooks deliver [--loop] [--interval SECONDS] [--limit N]`: send the outbox.
`amparo webhooks prune [--older-than DAYS] [--dry-run]`: delete old finished deliveries.

Run `deliver` from cron (once a minute) or as a long-running worker with `--loop`. Each run
sends the deliveries whose time has come and prints how many were delivered, retried, failed or
withheld. Run `prune` daily: it deletes delivered, withheld and failed deliveries older than
the retention period (90 days by default), never a pending one, and records it in the audit log.
"""

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from amparo.fieldwork.domain.deliveries import (
    DEFAULT_RETENTION,
    deliver_due,
    old_deliveries,
    prune_deliveries,
)


class Command(BaseCommand):
    help = "Webhooks: deliver the events waiting in the outbox (retries with backoff); prune."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        deliver = sub.add_parser("deliver", help="send the deliveries that are due")
        deliver.add_argument("--loop", action="store_true", help="keep running")
        deliver.add_argument("--interval", type=int, default=30, help="seconds between runs")
        deliver.add_argument("--limit", type=int, default=100, help="deliveries per run")
        prune = sub.add_parser("prune", help="delete finished deliveries older than --older-than")
        prune.add_argument(
            "--older-than",
            type=int,
            default=DEFAULT_RETENTION.days,
            metavar="DAYS",
            help=f"days to keep finished deliveries (default {DEFAULT_RETENTION.days}, at least 1)",
        )
        prune.add_argument("--dry-run", action="store_true", help="count, delete nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "prune":
            self._prune(options)
            return
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

    def _prune(self, options: dict[str, Any]) -> None:
        if options["older_than"] < 1:
            raise CommandError(f"--older-than: {options['older_than']} is less than 1 day")
        period = dt.timedelta(days=options["older_than"])
        if options["dry_run"]:
            count = old_deliveries(older_than=period).count()
            self.stdout.write(_("would delete: %(count)s") % {"count": count})
            return
        count = prune_deliveries(actor=None, older_than=period)
        self.stdout.write(_("deleted: %(count)s") % {"count": count})
