"""`amparo htcds export (--publication | --recipient CODE) --user USERNAME [--out FILE|-]`.

Writes the trafficking cases the user may export as HTCDS CSV: for a named recipient (cases
whose person consented to sharing with it), or k-anonymised for publication (cases with a basis
for anonymous statistics). Prints on stderr how many rows k-anonymity left out.
"""

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from amparo.accounts.models import Agency, User
from amparo.fieldwork.domain.htcds import read_htcds_cases
from amparo.fieldwork.interfaces.htcds import htcds_table, write_csv


class Command(BaseCommand):
    help = "HTCDS (Human Trafficking Case Data Standard) export of trafficking cases."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        export = sub.add_parser("export", help="write trafficking cases as HTCDS CSV")
        target = export.add_mutually_exclusive_group(required=True)
        target.add_argument("--publication", action="store_true", help="k-anonymised (k=11)")
        target.add_argument("--recipient", metavar="CODE", help="the receiving agency's code")
        export.add_argument("--user", required=True, metavar="USERNAME", help="who exports")
        export.add_argument("--out", default="-", help="the file to write ('-': standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(username=options["user"], is_active=True).first()
        if actor is None:
            raise CommandError(f"--user: no active user {options['user']!r}")
        recipient = None
        if options["recipient"]:
            recipient = Agency.objects.filter(code=options["recipient"]).first()
            if recipient is None:
                raise CommandError(f"--recipient: no agency with the code {options['recipient']!r}")
        publication = bool(options["publication"])
        try:
            items = read_htcds_cases(actor=actor, publication=publication, recipient=recipient)
        except PermissionDenied as error:
            raise CommandError(f"--user: {error}") from None
        columns, rows, dropped = htcds_table(items, publication=publication)
        if options["out"] == "-":
            write_csv(columns, rows, self.stdout)
        else:
            with Path(options["out"]).open("w", encoding="utf-8", newline="") as stream:
                write_csv(columns, rows, stream)
        summary = _("rows: %(rows)s, left out by k-anonymity: %(dropped)s")
        sys.stderr.write(summary % {"rows": len(rows), "dropped": dropped} + "\n")
