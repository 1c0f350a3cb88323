"""The keyed audit chain and its signed checkpoints (issue 15 item 2, issue 13 item 4)."""

import hashlib
import hmac
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from amparo.accounts.models import User
from amparo.protection import crypto
from amparo.protection.domain.audit import _canonical, record_event, verify_chain
from amparo.protection.domain.keys import assert_keys_usable
from amparo.protection.models import GENESIS_HASH, AuditEvent


def _events(n: int, actor: User) -> list[AuditEvent]:
    return [record_event("case.viewed", actor=actor, payload={"n": i}) for i in range(n)]


def _recompute(digest: Callable[[bytes], str]) -> None:
    """What an attacker with write access does: rewrite every hash and link in order."""
    prev = GENESIS_HASH
    with connection.cursor() as cursor:
        for event in AuditEvent.objects.order_by("id"):
            new = digest(_canonical(event, prev))
            cursor.execute(
                "UPDATE protection_auditevent SET prev_hash = %s, hash = %s WHERE id = %s",
                [prev, new, event.pk],
            )
            prev = new


def _tamper(event: AuditEvent) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE protection_auditevent SET action = 'case.forgotten' WHERE id = %s",
            [event.pk],
        )


def test_an_event_hash_is_an_hmac_under_the_audit_key(mx_caseworker: User) -> None:
    event = _events(1, mx_caseworker)[0]
    expected = hmac.new(
        crypto.key_ring().audit_key, _canonical(event, GENESIS_HASH), hashlib.sha256
    ).hexdigest()
    assert event.hash == expected
    assert event.hash != hashlib.sha256(_canonical(event, GENESIS_HASH)).hexdigest()


def test_a_chain_recomputed_with_plain_sha256_after_tampering_is_detected(
    mx_caseworker: User, capsys: pytest.CaptureFixture[str]
) -> None:
    events = _events(4, mx_caseworker)
    _tamper(events[1])
    _recompute(lambda message: hashlib.sha256(message).hexdigest())
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify")
    assert exit_info.value.code == 1
    err = capsys.readouterr().err
    assert f"Audit chain BROKEN at event #{events[0].pk}" in err
    assert "not keyed yet" in err


def test_a_chain_recomputed_under_a_guessed_key_is_detected(mx_caseworker: User) -> None:
    events = _events(3, mx_caseworker)
    _tamper(events[2])
    _recompute(lambda message: hmac.new(b"g" * 32, message, hashlib.sha256).hexdigest())
    report = verify_chain()
    assert (report.first_broken_id, report.problem) == (
        events[0].pk,
        "content does not match its hash",
    )


def _plain_chain(actor: User, n: int) -> list[AuditEvent]:
    """A chain as written before the audit key existed (plain SHA-256)."""
    events = _events(n, actor)
    _recompute(lambda message: hashlib.sha256(message).hexdigest())
    return events


def test_an_unkeyed_chain_is_named_and_refused_at_start_up(mx_caseworker: User) -> None:
    _plain_chain(mx_caseworker, 2)
    with pytest.raises(crypto.KeyRingError, match="run 'amparo audit rekey'"):
        assert_keys_usable()


def test_rekey_keys_an_older_chain_which_then_verifies(
    mx_caseworker: User, capsys: pytest.CaptureFixture[str]
) -> None:
    _plain_chain(mx_caseworker, 3)
    call_command("audit", "rekey")
    assert "Audit chain keyed: 3 events re-keyed, 0 already keyed." in capsys.readouterr().out
    report = verify_chain()
    assert (report.intact, report.checked) == (True, 4)  # and the audit.rekeyed event
    assert AuditEvent.objects.order_by("-id").first().action == "audit.rekeyed"  # type: ignore[union-attr]


def test_rekey_refuses_a_tampered_chain_and_changes_nothing(mx_caseworker: User) -> None:
    events = _plain_chain(mx_caseworker, 3)
    _tamper(events[1])
    before = list(AuditEvent.objects.values_list("hash", flat=True))
    with pytest.raises(CommandError, match=f"BROKEN at event #{events[1].pk}"):
        call_command("audit", "rekey")
    assert list(AuditEvent.objects.values_list("hash", flat=True)) == before


def test_rekey_adds_the_missing_keys_to_an_older_key_file(
    mx_caseworker: User, tmp_path: Path
) -> None:
    key_file = tmp_path / "keys.json"
    old = crypto.new_key_file_content()
    del old["audit_key"], old["checkpoint_key"]
    crypto.write_key_file(key_file, old)
    with override_settings(AMPARO_KEYS="", AMPARO_INDEX_KEY="", AMPARO_KEY_FILE=key_file):
        crypto.reset_key_ring_cache()
        with pytest.raises(crypto.KeyRingError, match="has no 'audit_key'"):
            assert_keys_usable()
        call_command("audit", "rekey")
        content = json.loads(key_file.read_text())
        assert sorted(content) == [
            "audit_key",
            "checkpoint_key",
            "encryption_keys",
            "index_key",
        ]
        assert content["index_key"] == old["index_key"]
        assert verify_chain().intact
    crypto.reset_key_ring_cache()


def test_env_keys_without_an_audit_key_are_refused_naming_the_variable() -> None:
    with override_settings(AMPARO_AUDIT_KEY=""):
        crypto.reset_key_ring_cache()
        with pytest.raises(crypto.KeyRingError, match="AMPARO_AUDIT_KEY is not"):
            assert_keys_usable()
    crypto.reset_key_ring_cache()


# Checkpoints


def test_a_checkpoint_signs_the_head_and_verify_reaches_it(
    mx_caseworker: User, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = _events(3, mx_caseworker)
    out = tmp_path / "cp.json"
    call_command("audit", "checkpoint", "--out", str(out))
    content = json.loads(out.read_text())
    assert (content["count"], content["head_id"], content["head_hash"]) == (
        3,
        events[-1].pk,
        events[-1].hash,
    )
    assert out.stat().st_mode & 0o777 == 0o600
    _events(2, mx_caseworker)  # the chain goes on after a checkpoint
    call_command("audit", "verify", "--checkpoint", str(out))
    assert "Audit chain intact: 6 events verified, 1 checkpoint(s) reached." in (
        capsys.readouterr().out
    )


def _delete_from(event_id: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM protection_auditevent WHERE id >= %s", [event_id])


def test_verify_names_the_missing_range_when_the_newest_events_are_gone(
    mx_caseworker: User, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = _events(5, mx_caseworker)
    out = tmp_path / "cp.json"
    call_command("audit", "checkpoint", "--out", str(out))
    _delete_from(events[3].pk)  # the two newest events signed by the checkpoint, and after
    call_command("audit", "verify")  # without the checkpoint, truncation is invisible
    with pytest.raises(SystemExit):
        call_command("audit", "verify", "--checkpoint", str(out))
    err = capsys.readouterr().err
    assert (
        f"events #{events[3].pk} to #{events[4].pk} are missing: the checkpoint of "
        f"{json.loads(out.read_text())['at']} signed 5 events up to #{events[4].pk}; "
        "the database holds 3 of them"
    ) in err


def test_truncation_followed_by_new_events_is_still_named(
    mx_caseworker: User, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = _events(4, mx_caseworker)
    out = tmp_path / "cp.json"
    call_command("audit", "checkpoint", "--out", str(out))
    _delete_from(events[2].pk)
    _events(3, mx_caseworker)  # new events link to the shortened chain
    assert verify_chain().intact
    with pytest.raises(SystemExit):
        call_command("audit", "verify", "--checkpoint", str(out))
    assert f"events #{events[2].pk} to #{events[3].pk} are missing" in capsys.readouterr().err


def test_a_forged_checkpoint_is_refused(mx_caseworker: User, tmp_path: Path) -> None:
    _events(2, mx_caseworker)
    out = tmp_path / "cp.json"
    call_command("audit", "checkpoint", "--out", str(out))
    content = json.loads(out.read_text())
    content["count"] = 1
    out.write_text(json.dumps(content))
    with pytest.raises(CommandError, match="the signature does not match its content"):
        call_command("audit", "verify", "--checkpoint", str(out))


def test_a_checkpoint_from_another_node_is_refused(mx_caseworker: User, tmp_path: Path) -> None:
    _events(1, mx_caseworker)
    out = tmp_path / "cp.json"
    with override_settings(AMPARO_CHECKPOINT_KEY=crypto.new_secret_key()):
        crypto.reset_key_ring_cache()
        call_command("audit", "checkpoint", "--out", str(out))
    crypto.reset_key_ring_cache()
    with pytest.raises(CommandError, match="signed with another key"):
        call_command("audit", "verify", "--checkpoint", str(out))


def test_periodic_checkpoints_go_to_a_folder_and_are_never_overwritten(
    mx_caseworker: User, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _events(2, mx_caseworker)
    folder = tmp_path / "checkpoints"
    call_command("audit", "checkpoint", "--dir", str(folder))
    call_command("audit", "checkpoint", "--dir", str(folder))
    files = sorted(folder.glob("audit-checkpoint-*.json"))
    assert [json.loads(f.read_text())["count"] for f in files] == [2, 3]
    with pytest.raises(CommandError, match="is never overwritten"):
        call_command("audit", "checkpoint", "--out", str(files[0]))
    call_command("audit", "verify", "--checkpoint", str(folder))
    assert "2 checkpoint(s) reached" in capsys.readouterr().out


def test_checkpoint_needs_exactly_one_destination(db: None) -> None:
    with pytest.raises(CommandError, match="exactly one of --out FILE or --dir DIR"):
        call_command("audit", "checkpoint")
