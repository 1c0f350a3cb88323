"""`amparo referral draft|approve|send --user USERNAME ...`: the referral workflow from a shell.

The same gates and domain functions as the page and the API, so a refusal (a feared country,
a body with detention or removal powers, a service of another country) is the same, with the
same audit event, and is printed naming the field; nothing is saved then.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from amparo.accounts.models import Agency, User
from amparo.casework.errors import CaseworkError
from amparo.people.domain.queries import get_case_for
from amparo.referrals.domain import referrals as flow
from amparo.referrals.domain.actions import act_on_referral
from amparo.referrals.domain.queries import get_referral_for
from amparo.referrals.models import Referral


class Command(BaseCommand):
    help = "Draft, approve or send a referral as a named user (the same rules as the page)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        draft = sub.add_parser("draft", help="draft a referral of a case to an institution")
        draft.add_argument("--case", type=int, required=True, help="the case id")
        draft.add_argument("--agency", required=True, metavar="CODE", help="the recipient")
        draft.add_argument("--kind", required=True, help="the referral kind (service category)")
        draft.add_argument("--urgency", default="normal", help="emergency, urgent or normal")
        for name, text in (("approve", "approve a draft"), ("send", "send a draft")):
            action = sub.add_parser(name, help=text)
            action.add_argument("--referral", type=int, required=True, help="the referral id")
            action.add_argument("--user", required=True, metavar="USERNAME")
        draft.add_argument("--user", required=True, metavar="USERNAME", help="who drafts")

    def handle(self, *args: Any, **options: Any) -> None:
        actor = User.objects.filter(username=options["user"], is_active=True).first()
        if actor is None:
            raise CommandError(f"--user: no active user {options['user']!r}")
        try:
            referral = self._run(actor, options)
        except Http404:
            raise CommandError("no such case or referral within the user's scope") from None
        except ValidationError as error:
            messages = [f"{field}: {m}" for field, ms in error.message_dict.items() for m in ms]
            raise CommandError("; ".join(messages)) from None
        except CaseworkError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{referral.reference} {referral.status}")

    def _run(self, actor: User, options: dict[str, Any]) -> Referral:
        if options["subcommand"] == "draft":
            case = get_case_for(actor, options["case"])
            agency = Agency.objects.filter(code=options["agency"]).first()
            if agency is None:
                raise CommandError(f"--agency: no institution with the code {options['agency']!r}")
            return flow.draft_referral(
                case,
                actor=actor,
                receiving_agency=agency,
                kind=options["kind"],
                urgency=options["urgency"],
            )
        referral = get_referral_for(actor, options["referral"])
        return act_on_referral(actor, referral, options["subcommand"])
