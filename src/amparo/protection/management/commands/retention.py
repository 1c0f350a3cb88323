"""`amparo retention apply [--dry-run] [--rules FILE]`, `amparo retention hold|release`."""

from pathlib import Path
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Model
from django.utils import timezone

from amparo.lib.datafiles import DataFileError
from amparo.protection.retention.apply import Due, HeldError, apply_due, due_records
from amparo.protection.retention.holds import clear_legal_hold, set_legal_hold
from amparo.protection.retention.rules import RULES_FILE, load_rules


class Command(BaseCommand):
    help = (
        "Retention. 'apply' lists the records the rules file makes due, then anonymises cases, "
        "erases unattached screenings and the contents of old training attempts, leaving a "
        "tombstone and an audit event for each "
        "('--dry-run' only lists). 'hold CASE_REFERENCE --user U --reason TEXT' puts a case "
        "under legal hold (never touched by retention); 'release CASE_REFERENCE --user U' "
        "lifts it. Both are audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["apply", "hold", "release"])
        parser.add_argument("case", nargs="?", help="hold, release: the case reference")
        parser.add_argument("--dry-run", action="store_true", help="apply: list only")
        parser.add_argument("--rules", type=Path, default=RULES_FILE, help="the rules file")
        parser.add_argument("--user", help="hold, release: who does it (a username)")
        parser.add_argument("--reason", default="", help="hold: why the case is held")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "apply":
            self._apply(options["rules"], dry_run=options["dry_run"])
            return
        case, user = self._case(options["case"]), self._user(options["user"])
        try:
            if options["action"] == "hold":
                set_legal_hold(case, actor=user, reason=options["reason"])
                self.stdout.write(f"{case.reference}: under legal hold.")
            else:
                clear_legal_hold(case, actor=user)
                self.stdout.write(f"{case.reference}: legal hold lifted.")
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None

    def _case(self, reference: str | None) -> Any:
        if not reference:
            raise CommandError("give the case reference, e.g. MX-2026-000123")
        case = apps.get_model("people", "Case").objects.filter(reference=reference).first()
        if case is None:
            raise CommandError(f"no case with the reference {reference!r}")
        return case

    def _user(self, username: str | None) -> Model:
        user = get_user_model().objects.filter(username=username or "", is_active=True).first()
        if user is None:
            raise CommandError(f"--user: no active user {username!r}")
        return user

    def _apply(self, rules_file: Path, *, dry_run: bool) -> None:
        try:
            rules = load_rules(rules_file)
        except DataFileError as error:
            raise CommandError(str(error)) from None
        due = due_records(rules, now=timezone.now())
        for item in due:
            self.stdout.write(self._line(item))
        verb = "due" if dry_run else "done"
        if dry_run:
            self.stdout.write(f"{len(due)} record(s) due; nothing changed (--dry-run).")
            return
        skipped = 0
        for item in due:
            try:
                apply_due(item, actor=None)
            except HeldError as kept:
                skipped += 1
                self.stdout.write(str(kept))
        self.stdout.write(f"{len(due) - skipped} record(s) {verb}; {skipped} kept.")

    @staticmethod
    def _line(item: Due) -> str:
        since = item.since.date().isoformat()
        return f"{item.rule.action} {item.kind} {item.label} (rule {item.rule.id}, since {since})"
