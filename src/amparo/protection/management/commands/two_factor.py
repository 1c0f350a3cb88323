"""`amparo two-factor issue|reset USERNAME`: enrolment codes and device resets from the shell.

For the first administrator of a node (no one can issue them a code on the staff page yet) and
for operators; both are audited like the page's actions, with no actor.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from amparo.accounts.models import User
from amparo.protection.domain.two_factor import issue_enrolment_code, reset_two_factor


class Command(BaseCommand):
    help = (
        "'issue USERNAME' prints a one-time two-factor enrolment code for that user (shown "
        "once); 'reset USERNAME' removes their authenticator devices. Both are audited."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["issue", "reset"])
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user named {options['username']!r}.")
        if options["action"] == "issue":
            code = issue_enrolment_code(user, actor=None)
            self.stdout.write(f"Enrolment code for {user.username} (shown once): {code}")
        else:
            removed = reset_two_factor(user, actor=None)
            self.stdout.write(f"Removed {removed} authenticator device(s) of {user.username}.")
