"""`amparo node` and `amparo federation`: what a focal point types, and what bad input gets."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from amparo.federation.domain import identity
from amparo.federation.models import OutboundEnvelope, Peer
from tests.federation.conftest import RemoteNode


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_init_prints_the_fingerprint_and_card_writes_it(reference: None, tmp_path: Path) -> None:
    out = run("node", "init", "--country", "MX", "--url", "https://mx.example.test")
    assert f"Fingerprint: {identity.fingerprint()}" in out
    run("node", "card", "--out", str(tmp_path / "MX.json"))
    card = json.loads((tmp_path / "MX.json").read_text())
    assert sorted(card) == [
        "amparo_node_card", "country", "encrypt_key", "fingerprint", "node_id", "sign_key", "url",
    ]  # fmt: skip
    assert "d" not in card["sign_key"]
    assert "d" not in card["encrypt_key"]


def test_trust_shows_the_fingerprint_and_pins_the_peer(mx_node: None, tmp_path: Path) -> None:
    guatemala = RemoteNode("GT")
    card = tmp_path / "GT.json"
    card.write_text(json.dumps(guatemala.card()))
    out = run("node", "trust", str(card), "--yes")
    assert guatemala.card()["fingerprint"] in out
    assert Peer.objects.get().trusted is True
    assert "GT  trusted" in run("node", "peers")


def test_trust_without_yes_and_without_a_terminal_pins_nothing(
    mx_node: None, tmp_path: Path
) -> None:
    card = tmp_path / "GT.json"
    card.write_text(json.dumps(RemoteNode("GT").card()))
    with pytest.raises(CommandError, match="Confirm with --yes"):
        run("node", "trust", str(card))
    assert not Peer.objects.exists()


def test_an_altered_card_is_refused_naming_the_field(mx_node: None, tmp_path: Path) -> None:
    content = RemoteNode("GT").card()
    content["sign_key"] = RemoteNode("GT").card()["sign_key"]  # another key, same fingerprint
    card = tmp_path / "GT.json"
    card.write_text(json.dumps(content))
    with pytest.raises(CommandError) as error:
        run("node", "trust", str(card), "--yes")
    assert str(error.value) == (
        "fingerprint: The fingerprint does not match the keys: the card was altered."
    )


def test_a_card_that_is_not_json_names_the_file_and_line(mx_node: None, tmp_path: Path) -> None:
    card = tmp_path / "GT.json"
    card.write_text('{\n  "node_id": oops\n}')
    with pytest.raises(CommandError) as error:
        run("node", "trust", str(card), "--yes")
    assert str(error.value).startswith(f"{card}: line 2: not JSON")


def test_a_private_key_in_a_card_is_refused(mx_node: None, tmp_path: Path) -> None:
    remote = RemoteNode("GT")
    content = remote.card()
    content["sign_key"] = remote.sign_key.as_dict(private=True)
    card = tmp_path / "GT.json"
    card.write_text(json.dumps(content))
    with pytest.raises(CommandError, match=r"sign_key: This must be a public key"):
        run("node", "trust", str(card), "--yes")


def test_untrust_stops_the_peer(gt_remote: RemoteNode) -> None:
    run("federation", "ping", "--to", "GT")
    assert "no longer trusted" in run("node", "untrust", "GT")
    assert OutboundEnvelope.objects.get().status == "stopped"
    with pytest.raises(CommandError, match="--to GT: no trusted peer"):
        run("federation", "ping", "--to", "GT")


def test_ping_queues_a_signed_envelope_without_personal_data(gt_remote: RemoteNode) -> None:
    run("federation", "ping", "--to", "GT", "--ttl", "60")
    content = gt_remote.open(OutboundEnvelope.objects.get().sealed)
    assert content["type"] == "ping"
    assert set(content) == {
        "v", "envelope", "type", "sender", "recipient", "sender_country", "recipient_country",
        "created", "expires", "in_reply_to",
    }  # fmt: skip


def test_import_of_a_file_that_is_not_an_envelope_file_names_it(
    gt_node: None, tmp_path: Path
) -> None:
    bad = tmp_path / "from-mx.json"
    bad.write_text(json.dumps({"format": "something-else"}))
    with pytest.raises(CommandError) as error:
        run("federation", "inbox", "import", str(bad))
    assert str(error.value) == f"{bad}: `format` must be 'amparo-envelopes/1'"


def test_import_exits_3_and_lists_what_was_refused(
    mx_remote: RemoteNode, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = mx_remote.seal(mx_remote.content("ping"))
    file = tmp_path / "from-mx.json"
    file.write_text(json.dumps({"format": "amparo-envelopes/1", "envelopes": [good, "junk"]}))
    out = StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("federation", "inbox", "import", str(file), stdout=out)
    assert exit_.value.code == 3
    assert json.loads(out.getvalue()) == {
        "accepted": 1,
        "duplicates": 0,
        "refused": [{"envelope": "#2", "reason": "malformed"}],
    }


def test_commands_before_init_say_what_to_do(reference: None) -> None:
    with pytest.raises(CommandError, match="run 'amparo node init --country XX'"):
        run("node", "card")
