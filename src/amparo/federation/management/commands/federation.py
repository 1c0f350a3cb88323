"""`amparo federation deliver|outbox export|inbox import|ping|erase|draft|approve`: the outbox
worker, the file transport for links without a network, a link test, and the cross-border
referral workflow from a shell (the same domain functions, gates and audit as the page and
the API: consent or legal basis, non-refoulement, the focal point's approval)."""

import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.http import Http404

from amparo.accounts.models import Agency, User
from amparo.federation.domain import delivery
from amparo.federation.domain.crossborder import (
    approve_cross_border_referral,
    draft_cross_border_referral,
    send_withdrawals,
)
from amparo.federation.domain.identity import NodeNotInitialised
from amparo.federation.domain.peers import trusted_peer_for_country
from amparo.federation.domain.queries import get_cross_border_referral_for
from amparo.federation.domain.received import erase_withdrawn_referrals
from amparo.federation.domain.sending import queue_envelope
from amparo.federation.enums import CrossBorderKind, EnvelopeType
from amparo.federation.models import Peer
from amparo.people.domain.queries import cases_visible_to, get_case_for

EXIT_REFUSED = 3


class Command(BaseCommand):
    help = (
        "Cross-border delivery. 'deliver [--once] [--interval S] [--backoff S]' runs the outbox "
        "worker (with --once: one pass); 'outbox export --to GT --out FILE' writes pending "
        "envelopes to a file and marks them sent-by-file; 'inbox import FILE' imports one and "
        "prints {accepted, duplicates, refused}, exiting 3 if any was refused; 'ping --to GT "
        "[--ttl S]' queues a signed link test; 'erase' erases withdrawn data past retention; "
        "'draft --case ID|REFERENCE --to GT --institution CODE --type TYPE --user USERNAME' "
        "drafts a cross-border referral; 'approve --referral ID|X-NNNNNN --user USERNAME' is "
        "the focal point's approval (the envelope enters the outbox)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action",
            choices=["deliver", "outbox", "inbox", "ping", "erase", "draft", "approve"],
        )
        parser.add_argument("subaction", nargs="?", help="outbox: export; inbox: import")
        parser.add_argument("file", nargs="?", type=Path, help="inbox import: the file")
        parser.add_argument("--to", help="the peer's country (ISO alpha-2)")
        parser.add_argument("--out", type=Path, help="outbox export: the file to write")
        parser.add_argument("--ttl", type=int, default=86400, help="ping: seconds before expiry")
        parser.add_argument("--once", action="store_true", help="deliver: one pass, then stop")
        parser.add_argument(
            "--interval", type=float, default=5.0, help="deliver: seconds between passes"
        )
        parser.add_argument(
            "--backoff", type=float, default=10.0, help="deliver: first retry delay in seconds"
        )
        parser.add_argument("--case", help="draft: the case id or reference (MX-2026-000001)")
        parser.add_argument("--institution", metavar="CODE", help="draft: the recipient")
        parser.add_argument("--type", dest="kind", help="draft: " + ", ".join(CrossBorderKind))
        parser.add_argument("--urgency", default="normal", help="draft: emergency, urgent, normal")
        parser.add_argument("--note", default="", help="draft: a note for the other country")
        parser.add_argument("--referral", help="approve: the cross-border referral (id or X-…)")
        parser.add_argument("--user", metavar="USERNAME", help="draft, approve: who acts")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            self._dispatch(options)
        except NodeNotInitialised as exc:
            raise CommandError(str(exc)) from None
        except Http404:
            raise CommandError("no such case or referral within the user's scope") from None
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                raise CommandError(
                    "; ".join(f"{f}: {m}" for f, ms in exc.message_dict.items() for m in ms)
                ) from None
            raise CommandError("; ".join(exc.messages)) from None

    def _dispatch(self, options: dict[str, Any]) -> None:
        action, sub = options["action"], options["subaction"]
        if action == "deliver":
            self._deliver(options)
        elif action == "outbox" and sub == "export":
            self._export(options["to"], options["out"])
        elif action == "inbox" and sub == "import":
            self._import(options["file"])
        elif action == "ping":
            self._ping(options["to"], options["ttl"])
        elif action == "erase":
            self.stdout.write(f"Erased {erase_withdrawn_referrals()} withdrawn referral(s).")
        elif action == "draft":
            self._draft(options)
        elif action == "approve":
            self._approve(options)
        else:
            raise CommandError("Use 'outbox export' or 'inbox import'.")

    def _peer(self, country: str | None) -> Peer:
        if not country:
            raise CommandError("Name the peer with --to, e.g. --to GT")
        peer = trusted_peer_for_country(country)
        if peer is None:
            raise CommandError(f"--to {country}: no trusted peer of that country.")
        return peer

    def _actor(self, username: str | None) -> User:
        if not username:
            raise CommandError("Name who acts with --user USERNAME")
        actor = User.objects.filter(username=username, is_active=True).first()
        if actor is None:
            raise CommandError(f"--user: no active user {username!r}")
        return actor

    def _draft(self, options: dict[str, Any]) -> None:
        actor = self._actor(options["user"])
        for name in ("case", "to", "institution", "kind"):
            if not options[name]:
                flag = "--type" if name == "kind" else f"--{name}"
                raise CommandError(f"draft needs {flag}")
        value = str(options["case"])
        if value.isdigit():
            case = get_case_for(actor, int(value))
        else:  # a reference: found only among the cases the user may see, like an id
            found = cases_visible_to(actor).filter(reference=value).values_list("pk", flat=True)
            case = get_case_for(actor, found.first() or 0)
        agency = Agency.objects.filter(code=options["institution"]).first()
        if agency is None:
            raise CommandError(
                f"--institution: no institution with the code {options['institution']!r}"
            )
        if agency.country_id != str(options["to"]).upper():
            raise CommandError(
                f"--institution {agency.code} is in {agency.country_id}, "
                f"not in --to {options['to']}"
            )
        referral = draft_cross_border_referral(
            case,
            actor=actor,
            recipient_agency=agency,
            kind=options["kind"],
            urgency=options["urgency"],
            narrative=options["note"],
        )
        self.stdout.write(f"{referral.reference} {referral.status} (id {referral.pk})")

    def _approve(self, options: dict[str, Any]) -> None:
        actor = self._actor(options["user"])
        value = str(options["referral"] or "").upper().removeprefix("X-")
        if not value.isdigit():
            raise CommandError("approve needs --referral ID or X-NNNNNN")
        referral = get_cross_border_referral_for(actor, int(value))
        approve_cross_border_referral(referral, actor=actor)
        self.stdout.write(f"{referral.reference} {referral.status} envelope {referral.envelope_id}")

    def _deliver(self, options: dict[str, Any]) -> None:
        backoff = dt.timedelta(seconds=max(0.0, options["backoff"]))
        while True:
            send_withdrawals()
            erase_withdrawn_referrals()
            report = delivery.deliver_due(backoff=backoff)
            if options["once"] or report.delivered or report.refused or report.stopped:
                self.stdout.write(
                    json.dumps(
                        {
                            "delivered": report.delivered,
                            "retrying": report.retried,
                            "refused": report.refused,
                            "stopped": report.stopped,
                        }
                    )
                )
            if options["once"]:
                return
            time.sleep(max(0.1, options["interval"]))

    def _export(self, country: str | None, out: Path | None) -> None:
        if out is None:
            raise CommandError("outbox export needs --out FILE")
        peer = self._peer(country)
        with transaction.atomic():
            content = delivery.export_pending(peer)
            tmp = out.with_name(out.name + ".tmp")
            tmp.write_text(json.dumps(content, indent=1) + "\n", encoding="utf-8")
            tmp.replace(out)  # the file exists before the rows are marked sent
        self.stdout.write(f"{len(content['envelopes'])} envelope(s) written to {out}.")

    def _import(self, path: Path | None) -> None:
        if path is None:
            raise CommandError("inbox import needs the file: amparo federation inbox import FILE")
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeError) as exc:
            raise CommandError(f"{path}: cannot read the file ({exc})") from None
        try:
            envelopes = delivery.envelopes_in_file(text, name=str(path))
        except delivery.BadEnvelopeFile as exc:
            raise CommandError(str(exc)) from None
        report = delivery.import_envelopes(envelopes)
        self.stdout.write(json.dumps(report.as_dict()))
        if report.refused:
            sys.exit(EXIT_REFUSED)

    def _ping(self, country: str | None, ttl: int) -> None:
        if ttl < 1:
            raise CommandError("--ttl must be at least 1 second")
        peer = self._peer(country)
        with transaction.atomic():
            envelope = queue_envelope(peer, EnvelopeType.PING, ttl=dt.timedelta(seconds=ttl))
        self.stdout.write(f"Ping {envelope.envelope_id} queued for {peer.country_id}.")
