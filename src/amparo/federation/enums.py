"""Codes of the federation. Envelope types and refusal codes are a contract between nodes:
extend, never rename."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EnvelopeType(models.TextChoices):
    REFERRAL = "referral", _("Referral")
    RECEIPT = "receipt", _("Receipt")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    OUTCOME = "outcome", _("Outcome")
    WITHDRAWN = "withdrawn", _("Consent withdrawn")
    PING = "ping", _("Link test")


class RefusalCode(models.TextChoices):
    BAD_SIGNATURE = "bad_signature", _("The signature or the encryption does not verify")
    UNKNOWN_SENDER = "unknown_sender", _("The sender is not a trusted peer")
    NOT_FOR_THIS_NODE = "not_for_this_node", _("The envelope is addressed to another node")
    EXPIRED = "expired", _("The envelope has expired")
    MALFORMED = "malformed", _("The envelope is malformed")
    RATE_LIMITED = "rate_limited", _("Too many envelopes from this peer: try again later")


class CrossBorderKind(models.TextChoices):
    """Cross-border referral types, each with its own minimum data set."""

    FAMILY_TRACING_RETURN = "family_tracing_return", _("Family tracing and safe return of a child")
    INTERNATIONAL_PROTECTION = "international_protection", _("International protection")
    CONTINUITY_OF_CARE = "continuity_of_care", _("Continuity of care")
    VICTIM_ASSISTANCE = "victim_assistance", _("Victim assistance")


class CrossBorderStatus(models.TextChoices):
    """A cross-border referral as the sending node sees it."""

    DRAFT = "draft", _("Draft, awaiting the focal point")
    APPROVED = "approved", _("Approved, in the outbox")
    RECEIVED = "received", _("Received by the other country")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Outcome reported")
    WITHDRAWN = "withdrawn", _("Consent withdrawn")


class InboundStatus(models.TextChoices):
    """A cross-border referral as the receiving node sees it."""

    RECEIVED = "received", _("Received, awaiting routing")
    ROUTED = "routed", _("Routed to an institution")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Outcome reported")
    WITHDRAWN = "withdrawn", _("Consent withdrawn: data hidden")
    ERASED = "erased", _("Erased")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    SENT_BY_FILE = "sent_by_file", _("Sent by file")
    REFUSED = "refused", _("Refused by the peer")
    STOPPED = "stopped", _("Stopped: peer no longer trusted, or the safety check refused it")


class Transport(models.TextChoices):
    HTTP = "http", _("Network")
    FILE = "file", _("File")


class FederationAudit(models.TextChoices):
    """Audit action codes of the federation (payloads hold ids and codes only)."""

    NODE_INITIALISED = "federation.node_initialised"
    NODE_KEYS_ROTATED = "federation.node_keys_rotated"
    PEER_TRUSTED = "federation.peer_trusted"
    PEER_UNTRUSTED = "federation.peer_untrusted"
    REFERRAL_DRAFTED = "federation.referral_drafted"
    REFERRAL_APPROVED = "federation.referral_approved"
    REFERRAL_VIEWED = "federation.referral_viewed"
    REFERRAL_WITHDRAWN = "federation.referral_withdrawn"
    ENVELOPE_QUEUED = "federation.envelope_queued"
    ENVELOPE_DELIVERED = "federation.envelope_delivered"
    ENVELOPE_EXPORTED = "federation.envelope_exported"
    ENVELOPE_REFUSED_BY_PEER = "federation.envelope_refused_by_peer"
    ENVELOPE_STOPPED = "federation.envelope_stopped"
    ENVELOPE_RECEIVED = "federation.envelope_received"
    ENVELOPE_DUPLICATE = "federation.envelope_duplicate"
    ENVELOPE_REFUSED = "federation.envelope_refused"
    INBOUND_VIEWED = "federation.inbound_viewed"
    INBOUND_ROUTED = "federation.inbound_routed"
    INBOUND_DECIDED = "federation.inbound_decided"
    INBOUND_HIDDEN = "federation.inbound_hidden"
    INBOUND_ERASED = "federation.inbound_erased"
    REFUSALS_VIEWED = "federation.refusals_viewed"
