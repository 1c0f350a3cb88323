"""Named reads of the federation, and the access gates of its two sensitive objects.

Gates answer 404 for anything outside the caller's scope, exactly as for a missing row.
Reading the personal data a referral carries is audited here, not in the views.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.http import Http404

from amparo.accounts.enums import Role
from amparo.accounts.models import Agency, User
from amparo.federation.domain.identity import NodeNotInitialised, this_node
from amparo.federation.enums import (
    CrossBorderStatus,
    FederationAudit,
    InboundStatus,
    OutboxStatus,
)
from amparo.federation.models import CrossBorderReferral, OutboundEnvelope, Peer, ReceivedReferral
from amparo.federation.rules import is_focal_point
from amparo.people.domain.queries import cases_visible_to
from amparo.people.models import Case
from amparo.protection.domain.audit import record_event
from amparo.protection.models import AuditEvent


def node_country() -> str | None:
    try:
        return this_node().country_id
    except NodeNotInitialised:
        return None


def _is_focal_point_here(user: User) -> bool:
    country = node_country()
    return country is not None and is_focal_point(user, country)


def cross_border_referrals_visible_to(user: User) -> QuerySet[CrossBorderReferral]:
    """Referrals of cases the user may see; the focal point sees every one of the node."""
    rows = CrossBorderReferral.objects.select_related(
        "case", "recipient_agency", "peer", "drafted_by", "approved_by"
    )
    if _is_focal_point_here(user):
        return rows
    return rows.filter(case__in=cases_visible_to(user).values("pk"))


def get_cross_border_referral_for(user: User, referral_id: int) -> CrossBorderReferral:
    referral = cross_border_referrals_visible_to(user).filter(pk=referral_id).first()
    if referral is None:
        raise Http404
    return referral


def cross_border_referrals_of(case: Case) -> QuerySet[CrossBorderReferral]:
    return CrossBorderReferral.objects.filter(case=case).select_related("recipient_agency", "peer")


def approvals_waiting_for(user: User) -> QuerySet[CrossBorderReferral]:
    if not _is_focal_point_here(user):
        return CrossBorderReferral.objects.none()
    return cross_border_referrals_visible_to(user).filter(status=CrossBorderStatus.DRAFT)


def received_visible_to(user: User) -> QuerySet[ReceivedReferral]:
    """The focal point sees the whole cross-border inbox; an institution's staff see what was
    routed to their institution."""
    # Not the envelope: its body is the personal data, read (and audited) one at a time.
    rows = ReceivedReferral.objects.select_related("peer", "addressed_to", "routed_to")
    if _is_focal_point_here(user):
        return rows
    roles = [Role.RECEIVING_OFFICER, Role.SUPERVISOR, Role.CASE_MANAGER]
    agencies = [m.agency_id for m in user.memberships.all() if m.active and m.role in roles]
    if not user.is_authenticated or not agencies:
        return ReceivedReferral.objects.none()
    return rows.filter(routed_to_id__in=agencies)


def get_received_referral_for(user: User, received_id: int) -> ReceivedReferral:
    received = (
        received_visible_to(user)
        .select_related("envelope", "case", "local_referral")
        .filter(pk=received_id)
        .first()
    )
    if received is None:
        raise Http404
    return received


def read_received_data(received: ReceivedReferral, *, actor: User) -> dict[str, Any] | None:
    """The minimum data and consent proof of a received referral, audited; None once the
    consent was withdrawn (hidden at once) or the data erased."""
    if received.status in {InboundStatus.WITHDRAWN, InboundStatus.ERASED}:
        return None
    body = received.envelope.body or {}
    record_event(FederationAudit.INBOUND_VIEWED, actor=actor, subject=received)
    return {
        "data": body.get("referral", {}).get("data", {}),
        "narrative": body.get("referral", {}).get("narrative", ""),
        "consent": body.get("consent", {}),
        "case_ref": body.get("case_ref", ""),
        "sender_country": body.get("sender_country", received.peer.country_id),
    }


def read_sent_data(referral: CrossBorderReferral, *, actor: User) -> dict[str, Any] | None:
    """What left (or will leave) the node with this referral, audited."""
    record_event(FederationAudit.REFERRAL_VIEWED, actor=actor, subject=referral)
    if referral.shared_data is None:
        return None
    return {"data": referral.shared_data, "consent": referral.consent_proof}


def routing_choices() -> QuerySet[Agency]:
    """Institutions of this country a received referral can go to."""
    country = node_country()
    return Agency.objects.filter(country_id=country, active=True, enforcement=False)


def cross_border_recipients() -> QuerySet[Agency]:
    """Institutions of the countries whose node is a trusted peer (the safety check still
    runs on each choice: this list is not the permission)."""
    countries = Peer.objects.filter(trusted=True).values("country_id")
    return Agency.objects.filter(country_id__in=countries, active=True, enforcement=False)


def peers_with_outbox() -> list[tuple[Peer, int]]:
    peers = list(Peer.objects.select_related("country").order_by("country_id"))
    pending = {
        row["peer_id"]: row["n"]
        for row in OutboundEnvelope.objects.filter(status=OutboxStatus.PENDING)
        .values("peer_id")
        .annotate(n=Count("id"))
    }
    return [(peer, pending.get(peer.pk, 0)) for peer in peers]


@dataclass(frozen=True)
class RefusedEnvelope:
    """One refused envelope: `inbound` when this node refused it, otherwise the peer refused
    ours (or the safety check or an untrusted peer stopped it here before it left)."""

    direction: str  # "inbound" or "outbound"
    at: dt.datetime
    envelope: str
    peer: str  # the country, or the unknown sender's node id
    kind: str  # the envelope type when known
    status: str  # refused or stopped
    code: str


def refused_envelopes(*, limit: int = 100) -> list[RefusedEnvelope]:
    """Envelopes refused in both directions, newest first, with their reason codes: what this
    node refused (from the audit chain, which holds the code, the envelope id and the claimed
    sender, never the content) and what peers refused or this node stopped in its outbox."""
    countries = {str(p.node_id): p.country_id for p in Peer.objects.all()}
    inbound = [
        RefusedEnvelope(
            direction="inbound",
            at=event.at,
            envelope=str(event.payload.get("envelope", "")),
            peer=countries.get(str(event.payload.get("sender", "")), "")
            or str(event.payload.get("sender", "")),
            kind="",
            status=OutboxStatus.REFUSED,
            code=str(event.payload.get("code", "")),
        )
        for event in AuditEvent.objects.filter(action=FederationAudit.ENVELOPE_REFUSED).order_by(
            "-id"
        )[:limit]
    ]
    outbound = [
        RefusedEnvelope(
            direction="outbound",
            at=row.delivered_at or row.next_attempt_at,
            envelope=str(row.envelope_id),
            peer=row.peer.country_id,
            kind=row.kind,
            status=row.status,
            code=row.last_error,
        )
        for row in OutboundEnvelope.objects.filter(
            status__in=[OutboxStatus.REFUSED, OutboxStatus.STOPPED]
        )
        .select_related("peer")
        .order_by("-id")[:limit]
    ]
    return sorted(inbound + outbound, key=lambda row: row.at, reverse=True)[:limit]
