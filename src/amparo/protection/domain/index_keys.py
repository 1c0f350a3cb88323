"""Rotation of the blind-index key: every digest re-derived under a new key, resumably.

Blind indexes (PersonIdentifier digests, keyed codes of special-category data) are HMACs under
the index key. Rotating it means recomputing each from its decrypted source value. The steps,
each safe to interrupt (kill -9 included):

1. the next key is written to the key file as `index_key_next` (kept on a rerun);
2. each source is re-derived in batches under the next key; every batch and its progress row
   commit together, so a rerun resumes after the last committed batch;
3. the key file swaps `index_key_next` in as `index_key`; the progress rows are deleted and a
   `keys.index_rotated` event is appended.

While `index_key_next` is in the key file the service refuses to start (assert_keys_usable):
digests are then under two keys, and search would miss people. Run it with the service
stopped, as writes during step 2 would be derived under the old key.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Model, QuerySet

from amparo.protection import crypto
from amparo.protection.domain.audit import record_event
from amparo.protection.enums import AuditAction
from amparo.protection.fields import KeyedCodeField
from amparo.protection.models import IndexRotationProgress


@dataclass(frozen=True)
class IndexSource:
    name: str
    owners: Callable[[], QuerySet[Any]]
    rederive: Callable[[list[Any]], int]


@dataclass(frozen=True)
class IndexRotationReport:
    rows: int
    sources: int
    resumed: bool


def key_id(key: bytes) -> str:
    """A short fingerprint naming a key without revealing it."""
    return hashlib.sha256(b"amparo-index-key-id\x00" + key).hexdigest()[:16]


def index_sources() -> list[IndexSource]:
    """Every source of blind indexes: the modules the settings name, then keyed code fields."""
    sources = []
    for dotted in settings.AMPARO_BLIND_INDEX_SOURCES:
        module = import_module(dotted)
        sources.append(IndexSource(module.NAME, module.owners, module.rederive))
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, KeyedCodeField)]
        if fields:
            sources.append(_keyed_code_source(model, fields))
    return sources


def _keyed_code_source(model: type[Model], fields: list[KeyedCodeField]) -> IndexSource:
    def rederive(rows: list[Model]) -> int:
        for row in rows:
            changes = {f.attname: f.key_for(getattr(row, f.source)) for f in fields}
            model._default_manager.filter(pk=row.pk).update(**changes)
        return len(rows)

    return IndexSource(
        model._meta.label_lower, lambda: model._default_manager.order_by("pk"), rederive
    )


def rotate_index_key(*, batch_size: int = 200) -> IndexRotationReport:
    """Rotate the blind-index key (see the module docstring for the steps and their effects)."""
    if settings.AMPARO_KEYS:
        raise crypto.KeyRingError(
            "Keys come from AMPARO_KEYS: the index key can be rotated only with a key file "
            "(AMPARO_KEY_FILE), where the rotation can record its progress."
        )
    path = Path(settings.AMPARO_KEY_FILE)
    content = crypto.read_key_file(path)
    resumed = bool(content.get("index_key_next"))
    if not resumed:
        content["index_key_next"] = crypto.new_secret_key()
        crypto.write_key_file(path, content)
    crypto.reset_key_ring_cache()
    next_key = crypto.read_key_ring().index_key_next
    assert next_key is not None
    current = key_id(next_key)
    IndexRotationProgress.objects.exclude(key_id=current).delete()
    rows = 0
    sources = index_sources()
    for source in sources:
        rows += _rederive_source(source, current, next_key, batch_size)
    _swap_keys(path, content)
    with transaction.atomic():
        IndexRotationProgress.objects.filter(key_id=current).delete()
        payload = {"sources": len(sources), "rows": rows, "resumed": resumed}
        record_event(AuditAction.INDEX_KEY_ROTATED, actor=None, payload=payload)
    return IndexRotationReport(rows, len(sources), resumed)


def _rederive_source(source: IndexSource, current: str, next_key: bytes, batch_size: int) -> int:
    progress, _created = IndexRotationProgress.objects.get_or_create(
        source=source.name, key_id=current
    )
    while not progress.done:
        batch = list(source.owners().filter(pk__gt=progress.last_pk)[:batch_size])
        with transaction.atomic(), crypto.deriving_with_index_key(next_key):
            if batch:
                source.rederive(batch)
                progress.last_pk = batch[-1].pk
                progress.rows += len(batch)
            progress.done = len(batch) < batch_size
            progress.save(update_fields=["last_pk", "rows", "done"])
    return progress.rows


def _swap_keys(path: Path, content: dict[str, object]) -> None:
    swapped = {k: v for k, v in content.items() if k != "index_key_next"}
    swapped["index_key"] = content["index_key_next"]
    crypto.write_key_file(path, swapped)
    crypto.reset_key_ring_cache()


def rotation_unfinished() -> bool:
    return crypto.key_ring().index_key_next is not None
