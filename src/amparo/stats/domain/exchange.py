"""The regional node is fed only signed, suppressed aggregates.

`export_aggregates` publishes the dashboard's tables of one month of the whole node (the same
release, suppression and all, as the regional dashboard) and signs them with this node's
federation key (a compact JWS, `federation.domain.identity.sign`); `import_aggregates` on the
regional node verifies the JWS against the sender's pinned card (`federation` peers), checks
again that no value lies between 1 and k-1, and stores the release as received.
"""

import datetime as dt
import json
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts.models import User
from amparo.federation.domain import identity
from amparo.federation.domain.peers import trusted_peer
from amparo.protection.domain.audit import record_event
from amparo.stats.domain.scope import REGION, Scope
from amparo.stats.domain.tables import DASHBOARD, Filters, build_release, stats_k
from amparo.stats.enums import StatsAuditAction
from amparo.stats.models import ReceivedAggregate

FORMAT = "amparo-stats-aggregates/1"
_PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def check_period(period: str) -> str:
    if not _PERIOD.match(period):
        raise ValidationError(
            _("period: expected a month YYYY-MM, got %(value)r") % {"value": period}
        )
    return period


def export_aggregates(period: str, *, actor: User | None) -> dict[str, Any]:
    """The signed envelope of one month's suppressed tables (`payload` is there to read; only
    the one inside the JWS counts).

    Effects: writes a `stats.aggregates_exported` audit
    event (period and table count); with differential privacy on, a month never published
    before spends the region's privacy budget (refused with `PrivacyBudgetSpent` once spent).
    """
    check_period(period)
    release = build_release(
        Scope(REGION), Filters(start=period, end=period), DASHBOARD, actor=actor
    )
    node = identity.this_node()
    payload = {
        "format": FORMAT,
        "node": str(node.node_id),
        "country": node.country_id,
        "period": period,
        "k": release.k,
        "created_at": timezone.now().isoformat(timespec="seconds"),
        "tables": [
            {"id": t.spec.id, "measure": t.spec.measure, "by": list(t.spec.by), **t.to_json()}
            for t in release.tables
        ],
    }
    signed = identity.sign(identity.canonical_json(payload)).decode()
    envelope = {"format": FORMAT, "node": payload["node"], "jws": signed, "payload": payload}
    record_event(
        StatsAuditAction.AGGREGATES_EXPORTED,
        actor=actor,
        payload={"period": period, "tables": len(release.tables)},
    )
    return envelope


def _small_values(payload: dict[str, Any]) -> list[str]:
    k = max(stats_k(), int(payload.get("k", 0)))
    found = []
    for table in payload.get("tables", []):
        parts = [*table["cells"], *table["row_totals"], *table["column_totals"], table["total"]]
        for part in parts:
            value = part.get("value")
            if value is not None and (not isinstance(value, int) or 0 < value < k or value < 0):
                found.append(f"{table.get('id')}: {part}")
    return found


def _verified_payload(envelope: Any) -> dict[str, Any]:
    if not isinstance(envelope, dict) or envelope.get("format") != FORMAT:
        raise ValidationError(_("format: expected %(format)s") % {"format": FORMAT})
    node = str(envelope.get("node", ""))
    peer = trusted_peer(node) if re.fullmatch(r"[0-9a-f-]{36}", node) else None
    if peer is None:
        raise ValidationError(_("node: %(node)r is not a trusted node") % {"node": node})
    try:
        signed = identity.verify(str(envelope.get("jws", "")).encode(), public_key=peer.sign_jwk)
    except identity.BadSignature:
        raise ValidationError(
            _("jws: the signature does not match the pinned key of node %(node)s") % {"node": node}
        ) from None
    payload = json.loads(signed)
    if not isinstance(payload, dict) or payload.get("node") != node:
        raise ValidationError(_("jws: the signed payload names another node"))
    return payload


def import_aggregates(envelope: Any, *, actor: User | None) -> ReceivedAggregate:
    """Verify and store a release from a trusted national node.

    Effects: refuses (ValidationError naming what is wrong) an unknown or untrusted node, a
    signature that does not verify, a release already received, or any value between 1 and
    k-1; stores the signed payload; writes a `stats.aggregates_imported` audit event; one
    transaction.
    """
    payload = _verified_payload(envelope)
    period = check_period(str(payload.get("period", "")))
    small = _small_values(payload)
    if small:
        raise ValidationError(
            _("tables: values below k were published: %(cells)s") % {"cells": "; ".join(small[:5])}
        )
    created = dt.datetime.fromisoformat(str(payload["created_at"]))
    try:
        with transaction.atomic():
            received = ReceivedAggregate.objects.create(
                node=payload["node"], period=period, created_at=created, payload=payload,
                signature=str(envelope["jws"]), key_fingerprint=trusted_fingerprint(payload),
            )  # fmt: skip
            record_event(
                StatsAuditAction.AGGREGATES_IMPORTED,
                actor=actor,
                subject=received,
                payload={"period": period, "tables": len(payload.get("tables", []))},
            )
    except IntegrityError:
        raise ValidationError(_("this release was already received")) from None
    return received


def trusted_fingerprint(payload: dict[str, Any]) -> str:
    peer = trusted_peer(str(payload["node"]))
    return peer.fingerprint if peer else ""
