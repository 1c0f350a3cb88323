"""`amparo node init|card|trust|untrust|peers|rotate`: this node's identity and its peers."""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from amparo.federation.domain import identity, peers
from amparo.federation.models import Peer


def _errors(error: ValidationError) -> str:
    by_field = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
    return "; ".join(f"{field}: {' '.join(messages)}" for field, messages in by_field.items())


class Command(BaseCommand):
    help = (
        "This node's identity and its pinned peers. 'init --country MX [--url URL]' creates the "
        "keys and prints the fingerprint; 'card --out FILE' writes the public card; 'trust "
        "CARD.json [--yes]' pins a peer after you compare its fingerprint out of band; "
        "'untrust COUNTRY' stops all traffic with it; 'peers' lists them; 'rotate' replaces "
        "this node's keys (peers must pin the new card)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "action", choices=["init", "card", "trust", "untrust", "peers", "rotate"]
        )
        parser.add_argument("target", nargs="?", help="trust: the card file; untrust: country")
        parser.add_argument("--country", help="init: this node's country (ISO alpha-2)")
        parser.add_argument("--url", default="", help="init: the URL peers reach this node at")
        parser.add_argument("--out", type=Path, help="card: the file to write (default stdout)")
        parser.add_argument(
            "--yes", action="store_true", help="trust: the fingerprint was compared already"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        try:
            if action == "init":
                self._init(options["country"], options["url"])
            elif action == "card":
                self._card(options["out"])
            elif action == "trust":
                self._trust(options["target"], yes=options["yes"])
            elif action == "untrust":
                self._untrust(options["target"])
            elif action == "rotate":
                identity.rotate_node_keys(actor=None)
                self.stdout.write(f"New keys. Fingerprint: {identity.fingerprint()}")
                self.stdout.write("Every peer must pin the new card: send it with 'node card'.")
            else:
                self._peers()
        except identity.NodeNotInitialised as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise CommandError(_errors(exc)) from None

    def _init(self, country: str | None, url: str) -> None:
        if not country:
            raise CommandError("init needs --country, e.g. --country MX")
        node = identity.init_node(country=country, url=url, actor=None)
        self.stdout.write(f"Node {node.node_id} ({node.country_id}) created.")
        self.stdout.write(f"Fingerprint: {identity.fingerprint()}")

    def _card(self, out: Path | None) -> None:
        text = json.dumps(identity.public_card(), indent=2, sort_keys=True) + "\n"
        if out is None:
            self.stdout.write(text, ending="")
            return
        out.write_text(text, encoding="utf-8")
        self.stdout.write(f"Card written to {out}. Fingerprint: {identity.fingerprint()}")

    def _trust(self, path: str | None, *, yes: bool) -> None:
        if not path:
            raise CommandError("trust needs the card file: amparo node trust GT.json")
        try:
            card = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"{path}: cannot read the card ({exc.strerror})") from None
        except json.JSONDecodeError as exc:
            raise CommandError(f"{path}: line {exc.lineno}: not JSON ({exc.msg})") from None
        if not isinstance(card, dict):
            raise CommandError(f"{path}: a card is a JSON object")
        checked = peers.read_card(card)
        self.stdout.write(
            f"Peer {checked['node_id']} ({checked['country']}) at {checked['url'] or '-'}\n"
            f"Fingerprint: {checked['fingerprint']}\n"
            "Compare it with the other country's focal point by phone or in person, not by the "
            "channel that brought the card."
        )
        if not yes and not self._confirmed():
            raise CommandError("Not trusted: the fingerprint was not confirmed.")
        peer = peers.trust_peer(card, actor=None)
        self.stdout.write(f"Trusted {peer.country_id} node {peer.node_id}.")

    def _confirmed(self) -> bool:
        if not sys.stdin.isatty():
            raise CommandError("Confirm with --yes once the fingerprint matches (no terminal).")
        return input("Does it match? Type yes: ").strip().lower() == "yes"

    def _untrust(self, country: str | None) -> None:
        if not country:
            raise CommandError("untrust needs the peer's country, e.g. amparo node untrust GT")
        peer = peers.trusted_peer_for_country(country)
        if peer is None:
            raise CommandError(f"{country.upper()}: no trusted peer of that country.")
        peers.untrust_peer(peer, actor=None)
        self.stdout.write(f"{peer.country_id} node {peer.node_id} is no longer trusted.")

    def _peers(self) -> None:
        rows = Peer.objects.order_by("country_id", "node_id")
        if not rows:
            self.stdout.write("No peers yet: 'amparo node trust CARD.json'.")
        for peer in rows:
            state = "trusted" if peer.trusted else "UNTRUSTED"
            self.stdout.write(
                f"{peer.country_id}  {state:9}  {peer.node_id}  {peer.url or '-'}  "
                f"{peer.fingerprint}"
            )
