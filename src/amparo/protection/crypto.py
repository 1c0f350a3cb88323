"""Encryption of personal fields at rest, and keyed hashes (blind indexes) for exact lookups.

The key ring is a list of Fernet keys, newest first: the first encrypts, all decrypt, so a
rotation can re-encrypt record by record while the service runs. The index key is separate and
stable: blind indexes must not change when encryption keys rotate (`amparo rotate-keys
--index` replaces it, re-deriving every digest; `index_key_next` is set only meanwhile).

Two more keys live beside them, outside the database: the audit key (HMAC-SHA256 of the audit
chain, so whoever can write to the database cannot recompute it) and the checkpoint key (the
Ed25519 seed that signs checkpoints of the chain's head).

Keys come from the environment (AMPARO_KEYS, comma-separated, AMPARO_INDEX_KEY,
AMPARO_AUDIT_KEY, AMPARO_CHECKPOINT_KEY) or from a JSON key file (AMPARO_KEY_FILE, default
<data dir>/keys.json). Without keys nothing personal can be written: there is no plaintext
fallback.
"""

import base64
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class KeyRingError(RuntimeError):
    """The key ring is missing or unusable; the message says what to do."""


@dataclass(frozen=True)
class KeyRing:
    encryption_keys: tuple[str, ...]
    index_key: bytes
    source: str
    audit_key_or_none: bytes | None = None
    checkpoint_key_or_none: bytes | None = None
    index_key_next: bytes | None = None

    @property
    def fernet(self) -> MultiFernet:
        return MultiFernet([Fernet(k) for k in self.encryption_keys])

    @property
    def audit_key(self) -> bytes:
        if self.audit_key_or_none is None:
            raise KeyRingError(_missing_key_message(self.source, "audit_key", "AMPARO_AUDIT_KEY"))
        return self.audit_key_or_none

    @property
    def checkpoint_key(self) -> bytes:
        if self.checkpoint_key_or_none is None:
            raise KeyRingError(
                _missing_key_message(self.source, "checkpoint_key", "AMPARO_CHECKPOINT_KEY")
            )
        return self.checkpoint_key_or_none


def _missing_key_message(source: str, name: str, variable: str) -> str:
    if source == "AMPARO_KEYS":
        return f"AMPARO_KEYS is set but {variable} is not: set it (32 url-safe base64 bytes)."
    return (
        f"{source} has no {name!r}: run 'amparo audit rekey', which adds the missing audit "
        "keys to the key file and re-keys the existing chain."
    )


def new_encryption_key() -> str:
    return Fernet.generate_key().decode("ascii")


def encode_index_key(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii")


def new_secret_key() -> str:
    """A fresh 32-byte key, url-safe base64 (index, audit and checkpoint keys)."""
    return encode_index_key(secrets.token_bytes(32))


def new_key_file_content() -> dict[str, object]:
    return {
        "encryption_keys": [new_encryption_key()],
        "index_key": new_secret_key(),
        "audit_key": new_secret_key(),
        "checkpoint_key": new_secret_key(),
    }


def read_key_file(path: Path) -> dict[str, object]:
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise KeyRingError(f"The key file {path} is unreadable.") from None
    if not isinstance(content, dict):
        raise KeyRingError(f"The key file {path} does not hold a JSON object.")
    return content


def add_missing_keys(path: Path) -> list[str]:
    """Add an audit key and a checkpoint key to an older key file; return the names added."""
    content = read_key_file(path)
    added = [name for name in ("audit_key", "checkpoint_key") if not content.get(name)]
    if added:
        write_key_file(path, {**content, **{name: new_secret_key() for name in added}})
        reset_key_ring_cache()
    return added


def write_key_file(path: Path, content: dict[str, object]) -> None:
    """Write the key file atomically, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(content, handle, indent=2)
    tmp.replace(path)


def _decode_secret(value: str, name: str, source: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(value)
    except ValueError:
        raw = b""
    if len(raw) < 32:
        raise KeyRingError(f"{source}: the {name} must be at least 32 url-safe base64 bytes.")
    return raw


def _optional_secret(value: object, name: str, source: str) -> bytes | None:
    return _decode_secret(str(value), name, source) if value else None


def _validate(
    keys: list[str], index_key: str, source: str, extra: dict[str, object] | None = None
) -> KeyRing:
    if not keys:
        raise KeyRingError(f"{source} holds no encryption key.")
    for position, key in enumerate(keys):
        try:
            Fernet(key)
        except ValueError:
            raise KeyRingError(
                f"{source}: encryption key #{position + 1} is not a valid Fernet key "
                "(32 url-safe base64-encoded bytes)."
            ) from None
    raw_index = _decode_secret(index_key, "index key", source)
    more = extra or {}
    return KeyRing(
        tuple(keys),
        raw_index,
        source,
        audit_key_or_none=_optional_secret(more.get("audit_key"), "audit key", source),
        checkpoint_key_or_none=_optional_secret(
            more.get("checkpoint_key"), "checkpoint key", source
        ),
        index_key_next=_optional_secret(more.get("index_key_next"), "next index key", source),
    )


def read_key_ring() -> KeyRing:
    """Read the key ring from the environment or the key file, refusing anything unusable."""
    if settings.AMPARO_KEYS:
        if not settings.AMPARO_INDEX_KEY:
            raise KeyRingError("AMPARO_KEYS is set but AMPARO_INDEX_KEY is not: set both.")
        keys = [k.strip() for k in settings.AMPARO_KEYS.split(",") if k.strip()]
        extra: dict[str, object] = {
            "audit_key": settings.AMPARO_AUDIT_KEY,
            "checkpoint_key": settings.AMPARO_CHECKPOINT_KEY,
        }
        return _validate(keys, settings.AMPARO_INDEX_KEY, "AMPARO_KEYS", extra)
    path = Path(settings.AMPARO_KEY_FILE)
    if not path.exists():
        raise KeyRingError(
            f"No encryption keys: set AMPARO_KEYS and AMPARO_INDEX_KEY, or create the key file "
            f"{path} (AMPARO_KEY_FILE). 'amparo demo' creates one for a demo."
        )
    content = read_key_file(path)
    try:
        keys = list(content["encryption_keys"])  # type: ignore[call-overload]
        index_key = str(content["index_key"])
    except (KeyError, TypeError):
        raise KeyRingError(
            f"The key file {path} is unreadable or lacks 'encryption_keys' and 'index_key'."
        ) from None
    return _validate(keys, index_key, f"key file {path}", content)


@cache
def key_ring() -> KeyRing:
    return read_key_ring()


def reset_key_ring_cache() -> None:
    key_ring.cache_clear()
    _fernet.cache_clear()


@cache
def _fernet() -> MultiFernet:
    return key_ring().fernet


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise KeyRingError(
            "A stored value cannot be decrypted with the configured keys: the key ring is "
            "wrong or a key was removed before re-encryption finished."
        ) from None


def reencrypt(token: str) -> str:
    """Re-encrypt a token under the newest key without exposing the plaintext."""
    return _fernet().rotate(token.encode("ascii")).decode("ascii")


_index_key_override: ContextVar[bytes | None] = ContextVar("index_key_override", default=None)


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed hash for exact lookups; `purpose` keeps indexes apart (a phone is not a name)."""
    message = f"{purpose}\x00{value}".encode()
    key = _index_key_override.get() or key_ring().index_key
    return hmac.new(key, message, hashlib.sha256).hexdigest()


@contextmanager
def deriving_with_index_key(key: bytes) -> Iterator[None]:
    """Compute blind indexes under another key (the next one, during an index-key rotation)."""
    token = _index_key_override.set(key)
    try:
        yield
    finally:
        _index_key_override.reset(token)


def audit_mac(message: bytes) -> str:
    """HMAC-SHA256 of an audit event under the audit key (hex)."""
    return hmac.new(key_ring().audit_key, message, hashlib.sha256).hexdigest()
