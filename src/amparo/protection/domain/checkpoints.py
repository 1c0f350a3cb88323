"""Signed checkpoints of the audit chain's head, kept off the node, to notice truncation.

A keyed chain shows any change to an event and any gap between two events, but deleting the
newest events leaves a shorter chain that still verifies. A checkpoint records the head
(count, id and hash of the newest event, time) signed with the Ed25519 checkpoint key, which
is kept with the other keys outside the database. Kept elsewhere (a file on another machine,
an e-mail to the focal point), it lets `amparo audit verify --checkpoint FILE` name the events
that are missing.
"""

import base64
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.utils import timezone

from amparo.protection import crypto
from amparo.protection.domain.audit import ChainReport, chain_head, record_event
from amparo.protection.enums import AuditAction
from amparo.protection.models import AuditEvent

FORMAT = "amparo-audit-checkpoint/1"
_SIGNED_FIELDS = ("format", "count", "head_id", "head_hash", "at", "public_key")


class CheckpointError(ValueError):
    """A checkpoint file is unreadable, forged, or the chain no longer reaches it."""


def _signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(crypto.key_ring().checkpoint_key[:32])


def public_key_text() -> str:
    raw = _signing_key().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.urlsafe_b64encode(raw).decode("ascii")


def _message(content: dict[str, Any]) -> bytes:
    signed = {name: content[name] for name in _SIGNED_FIELDS}
    return json.dumps(signed, sort_keys=True, separators=(",", ":")).encode("ascii")


def make_checkpoint() -> dict[str, Any]:
    """Sign the current head of the chain.

    Effects: appends an `audit.checkpointed` event (after the signed head, so the checkpoint
    covers every event before it) and returns the signed content.
    """
    count, head_id, head_hash = chain_head()
    content: dict[str, Any] = {
        "format": FORMAT,
        "count": count,
        "head_id": head_id,
        "head_hash": head_hash,
        "at": timezone.now().isoformat(),
        "public_key": public_key_text(),
    }
    signature = _signing_key().sign(_message(content))
    content["signature"] = base64.urlsafe_b64encode(signature).decode("ascii")
    record_event(
        AuditAction.CHAIN_CHECKPOINTED,
        actor=None,
        payload={"count": count, "head_id": head_id},
    )
    return content


def write_checkpoint(path: Path, content: dict[str, Any]) -> None:
    """Write a checkpoint file readable by its owner only, without overwriting another."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(content, handle, indent=2)
        handle.write("\n")


def periodic_checkpoint_path(directory: Path) -> Path:
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S%fZ")
    return directory / f"audit-checkpoint-{stamp}.json"


def read_checkpoint(path: Path) -> dict[str, Any]:
    """Read a checkpoint and check its signature against this node's checkpoint key."""
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CheckpointError(f"{path}: not a readable checkpoint file ({exc}).") from None
    if not isinstance(content, dict) or content.get("format") != FORMAT:
        raise CheckpointError(f"{path}: not an Amparo audit checkpoint (format {FORMAT}).")
    missing = [name for name in (*_SIGNED_FIELDS, "signature") if name not in content]
    if missing:
        raise CheckpointError(f"{path}: missing field(s) {', '.join(missing)}.")
    if content["public_key"] != public_key_text():
        raise CheckpointError(f"{path}: signed with another key than this node's checkpoint key.")
    try:
        signature = base64.urlsafe_b64decode(str(content["signature"]))
        _public_key().verify(signature, _message(content))
    except (InvalidSignature, ValueError):
        raise CheckpointError(f"{path}: the signature does not match its content.") from None
    return content


def _public_key() -> Ed25519PublicKey:
    return _signing_key().public_key()


@dataclass(frozen=True)
class CheckpointReport:
    ok: bool
    problem: str


def check_against_chain(content: dict[str, Any], chain: ChainReport) -> CheckpointReport:
    """Compare a verified checkpoint with an intact chain: is its head still there?"""
    count, head_id, head_hash = content["count"], content["head_id"], content["head_hash"]
    if head_id is None:
        return CheckpointReport(True, "")
    kept = AuditEvent.objects.filter(id__lte=head_id)
    at_head = kept.filter(id=head_id).values_list("hash", flat=True).first()
    held = kept.count()
    if at_head == head_hash and held == count:
        return CheckpointReport(True, "")
    last_kept = kept.order_by("-id").values_list("id", flat=True).first()
    start = f"#{last_kept + 1}" if last_kept is not None else "#1"
    if at_head is not None and at_head != head_hash:
        problem = f"event #{head_id} is not the event the checkpoint signed (hash differs)"
    else:
        problem = (
            f"events {start} to #{head_id} are missing: the checkpoint of {content['at']} "
            f"signed {count} events up to #{head_id}; the database holds {held} of them"
        )
    return CheckpointReport(False, problem)
