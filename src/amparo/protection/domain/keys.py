"""Key checks at start-up and key rotation."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connection, transaction

from amparo.lib.env import env_bool
from amparo.protection import crypto
from amparo.protection.domain.audit import UNKEYED, head_is_keyed, record_event
from amparo.protection.enums import AuditAction
from amparo.protection.fields import ENCRYPTED_FIELD_TYPES
from amparo.protection.models import KeyCanary

CANARY_TEXT = "amparo-key-canary"


def assert_keys_usable() -> None:
    """Stop with a clear message if the keys are missing or cannot read what is stored.

    Creates the canary on a database that has none yet. Refuses an unfinished index-key
    rotation and a chain not keyed yet. Raises crypto.KeyRingError.
    """
    crypto.reset_key_ring_cache()
    ring = crypto.key_ring()
    ring.audit_key  # noqa: B018  (raises, naming what to do, when it is missing)
    ring.checkpoint_key  # noqa: B018
    if ring.index_key_next is not None:
        raise crypto.KeyRingError(
            "An index-key rotation is unfinished (index_key_next in the key file): run "
            "'amparo rotate-keys --index' again before starting the service."
        )
    try:
        canary = KeyCanary.objects.first()
    except DatabaseError:
        return  # not migrated yet: nothing stored that a wrong key could misread
    if canary is None:
        KeyCanary.objects.create(value=CANARY_TEXT)
    elif canary.value != CANARY_TEXT:
        raise crypto.KeyRingError("The key canary decrypted to the wrong value.")
    if not head_is_keyed():
        raise crypto.KeyRingError(f"The audit chain's newest event is not keyed: {UNKEYED}.")


def assert_secret_key_chosen() -> None:
    """Refuse to serve with the secret key committed in git, unless the demo was chosen.

    Raises crypto.KeyRingError naming the variables to set.
    """
    # Read at call time: `amparo demo` chooses the demo after the settings were loaded.
    chosen = env_bool("AMPARO_DEMO", False)
    if settings.SECRET_KEY == settings.DEMO_SECRET_KEY and not chosen:
        raise crypto.KeyRingError(
            "AMPARO_SECRET_KEY is not set, and the demo's public secret key may serve only a "
            "demo: set AMPARO_SECRET_KEY (a long random value), or choose the demo with "
            "'amparo demo' or AMPARO_DEMO=true."
        )


@dataclass(frozen=True)
class RotationReport:
    rows: int
    values: int
    keys_in_ring: int


def _encrypted_columns() -> list[tuple[type, list[str]]]:
    found = []
    for model in apps.get_models():
        names = [
            f.attname for f in model._meta.concrete_fields if isinstance(f, ENCRYPTED_FIELD_TYPES)
        ]
        if names:
            found.append((model, names))
    return found


def reencrypt_all() -> RotationReport:
    """Re-encrypt every encrypted value under the newest key, in one transaction.

    Reads and writes the raw tokens with SQL, so no plaintext is ever materialised: Fernet
    rotation decrypts and re-encrypts inside the library call.
    """
    rows = values = 0
    with transaction.atomic():
        for model, names in _encrypted_columns():
            for pk, *tokens in _raw_tokens(model, names):
                changes = {n: crypto.reencrypt(t) for n, t in zip(names, tokens, strict=True) if t}
                if changes:
                    _write_raw(model, pk, changes)
                    values += len(changes)
                rows += 1
    return RotationReport(rows, values, len(crypto.key_ring().encryption_keys))


def _raw_tokens(model: type, names: list[str]) -> list[tuple[Any, ...]]:

    table = model._meta.db_table  # type: ignore[attr-defined]
    pk = model._meta.pk.column  # type: ignore[attr-defined]
    qn = connection.ops.quote_name
    columns = ", ".join(qn(n) for n in [pk, *names])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {qn(table)}")  # noqa: S608  (identifiers quoted)
        return list(cursor.fetchall())


def _write_raw(model: type, pk: int, changes: dict[str, str]) -> None:

    table = model._meta.db_table  # type: ignore[attr-defined]
    pk_col = model._meta.pk.column  # type: ignore[attr-defined]
    qn = connection.ops.quote_name
    sets = ", ".join(f"{qn(n)} = %s" for n in changes)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {qn(table)} SET {sets} WHERE {qn(pk_col)} = %s",  # noqa: S608
            [*changes.values(), pk],
        )


def rotate_key_file(*, retire_old: bool) -> RotationReport:
    """Add a new key to the key file, re-encrypt everything under it, optionally drop old keys.

    The new key is written first (old keys kept) so a crash mid-way leaves every value readable.
    """
    if settings.AMPARO_KEYS:
        raise crypto.KeyRingError(
            "Keys come from AMPARO_KEYS: put a new key first in AMPARO_KEYS, restart, and run "
            "'amparo rotate-keys --reencrypt-only'; then remove the old key."
        )
    path = Path(settings.AMPARO_KEY_FILE)
    ring = crypto.read_key_ring()
    new_key = crypto.new_encryption_key()
    # Every other key (index, audit, checkpoint) is kept as it is.
    content = {**crypto.read_key_file(path), "encryption_keys": [new_key, *ring.encryption_keys]}
    crypto.write_key_file(path, content)
    crypto.reset_key_ring_cache()
    report = reencrypt_all()
    if retire_old:
        crypto.write_key_file(path, {**content, "encryption_keys": [new_key]})
        crypto.reset_key_ring_cache()
    payload = {"values": report.values, "retired_old_keys": retire_old}
    record_event(AuditAction.KEYS_ROTATED, actor=None, payload=payload)
    return RotationReport(report.rows, report.values, len(crypto.key_ring().encryption_keys))
