"""Encryption of personal fields at rest, and keyed hashes (blind indexes) for exact lookups.

The key ring is a list of Fernet keys, newest first: the first encrypts, all decrypt, so a
rotation can re-encrypt record by record while the service runs. The index key is separate and
stable: blind indexes must not change when encryption keys rotate.

Keys come from the environment (AMPARO_KEYS, comma-separated, and AMPARO_INDEX_KEY) or from a
JSON key file (AMPARO_KEY_FILE, default <data dir>/keys.json). Without keys nothing personal
can be written: there is no plaintext fallback.
"""

import base64
import hashlib
import hmac
import json
import os
import secrets
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

    @property
    def fernet(self) -> MultiFernet:
        return MultiFernet([Fernet(k) for k in self.encryption_keys])


def new_encryption_key() -> str:
    return Fernet.generate_key().decode("ascii")


def encode_index_key(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii")


def new_key_file_content() -> dict[str, object]:
    return {
        "encryption_keys": [new_encryption_key()],
        "index_key": encode_index_key(secrets.token_bytes(32)),
    }


def write_key_file(path: Path, content: dict[str, object]) -> None:
    """Write the key file atomically, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(content, handle, indent=2)
    tmp.replace(path)


def _validate(keys: list[str], index_key: str, source: str) -> KeyRing:
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
    try:
        raw_index = base64.urlsafe_b64decode(index_key)
    except ValueError:
        raw_index = b""
    if len(raw_index) < 32:
        raise KeyRingError(f"{source}: the index key must be at least 32 url-safe base64 bytes.")
    return KeyRing(tuple(keys), raw_index, source)


def read_key_ring() -> KeyRing:
    """Read the key ring from the environment or the key file, refusing anything unusable."""
    if settings.AMPARO_KEYS:
        if not settings.AMPARO_INDEX_KEY:
            raise KeyRingError("AMPARO_KEYS is set but AMPARO_INDEX_KEY is not: set both.")
        keys = [k.strip() for k in settings.AMPARO_KEYS.split(",") if k.strip()]
        return _validate(keys, settings.AMPARO_INDEX_KEY, "AMPARO_KEYS")
    path = Path(settings.AMPARO_KEY_FILE)
    if not path.exists():
        raise KeyRingError(
            f"No encryption keys: set AMPARO_KEYS and AMPARO_INDEX_KEY, or create the key file "
            f"{path} (AMPARO_KEY_FILE). 'amparo demo' creates one for a demo."
        )
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
        keys = list(content["encryption_keys"])
        index_key = str(content["index_key"])
    except (OSError, ValueError, KeyError, TypeError):
        raise KeyRingError(
            f"The key file {path} is unreadable or lacks 'encryption_keys' and 'index_key'."
        ) from None
    return _validate(keys, index_key, f"key file {path}")


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


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed hash for exact lookups; `purpose` keeps indexes apart (a phone is not a name)."""
    message = f"{purpose}\x00{value}".encode()
    return hmac.new(key_ring().index_key, message, hashlib.sha256).hexdigest()
