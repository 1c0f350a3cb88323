"""National nodes, their keys and peers, and the envelopes that travel between them.

Private keys are encrypted at rest under the key ring (like every personal field), so a copy
of the database without the key file cannot sign or read an envelope. Everything that holds
a person's data (minimum data set, consent proof, sealed envelopes) is encrypted too.
"""

from django.conf import settings
from django.db import models

from amparo.federation.enums import (
    CrossBorderKind,
    CrossBorderStatus,
    EnvelopeType,
    InboundStatus,
    OutboxStatus,
    Transport,
)
from amparo.protection.fields import EncryptedJSONField, EncryptedTextField

_USER = settings.AUTH_USER_MODEL


class NodeIdentity(models.Model):
    """This node: one row at most (the primary key is always 1)."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    node_id = models.UUIDField(unique=True)
    country = models.ForeignKey("accounts.Country", on_delete=models.PROTECT, related_name="+")
    url = models.URLField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="single_node")]

    def __str__(self) -> str:
        return f"{self.country_id} node {self.node_id}"


class NodeKey(models.Model):
    """One key pair of this node. The newest unretired key of each use is current; retired
    encryption keys still decrypt envelopes sealed before a peer re-pinned the new card."""

    class Use(models.TextChoices):
        SIGN = "sign"
        ENCRYPT = "encrypt"

    use = models.CharField(max_length=10, choices=Use.choices)
    kid = models.CharField(max_length=64, unique=True)  # RFC 7638 thumbprint
    public_jwk = models.JSONField()
    private_jwk = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.use} key {self.kid}"


class Peer(models.Model):
    """Another country's node, pinned by its public keys after an out-of-band fingerprint
    comparison. An untrusted peer is kept (its history stays readable) but no envelope goes
    to it or is accepted from it."""

    node_id = models.UUIDField(unique=True)
    country = models.ForeignKey("accounts.Country", on_delete=models.PROTECT, related_name="+")
    url = models.URLField(max_length=300, blank=True)
    sign_jwk = models.JSONField()
    encrypt_jwk = models.JSONField()
    fingerprint = models.CharField(max_length=64)
    trusted = models.BooleanField(default=True)
    trusted_at = models.DateTimeField()
    untrusted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["country_id", "node_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["country"], condition=models.Q(trusted=True), name="one_trusted_per_country"
            )
        ]

    def __str__(self) -> str:
        return f"{self.country_id} peer {self.node_id}"


class CrossBorderReferral(models.Model):
    """A referral of a case to an institution of another country, on the sending node.

    `shared_data` is the minimum data set and `consent_proof` the consent that allows it,
    both taken when the focal point approves: they are exactly what the envelope carries.
    """

    case = models.ForeignKey("people.Case", on_delete=models.PROTECT, related_name="+")
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="referrals_sent")
    recipient_agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=30, choices=CrossBorderKind.choices)
    urgency = models.CharField(max_length=10, default="normal")
    status = models.CharField(
        max_length=12, choices=CrossBorderStatus.choices, default=CrossBorderStatus.DRAFT
    )
    basis = models.ForeignKey(
        "casework.Consent", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    narrative = EncryptedTextField(blank=True)
    shared_data = EncryptedJSONField(null=True, blank=True)
    consent_proof = EncryptedJSONField(null=True, blank=True)
    remote_note = EncryptedTextField(blank=True)  # the decline reason or outcome sent back
    drafted_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    drafted_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    envelope_id = models.UUIDField(null=True, blank=True, unique=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-drafted_at", "-id"]

    def __str__(self) -> str:
        return f"Cross-border referral #{self.pk}"

    @property
    def reference(self) -> str:
        return f"X-{self.pk:06d}"


class CrossBorderStep(models.Model):
    """One step of a cross-border referral as seen from the sending case (envelope in or
    out), so the case shows each one: queued, delivered, receipt, accepted, outcome..."""

    referral = models.ForeignKey(
        CrossBorderReferral, on_delete=models.CASCADE, related_name="steps"
    )
    kind = models.CharField(max_length=20)
    at = models.DateTimeField()
    envelope_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at:%Y-%m-%d %H:%M}"


class OutboundEnvelope(models.Model):
    """The outbox: a sealed envelope waiting for, or past, delivery to one peer.

    Delivery is at-least-once and in order per peer (by `id`); the peer stores by envelope
    id, so a repeat is harmless. `sealed` is already encrypted to the peer and encrypted
    again at rest.
    """

    envelope_id = models.UUIDField(unique=True)
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="outbox")
    kind = models.CharField(max_length=12, choices=EnvelopeType.choices)
    in_reply_to = models.UUIDField(null=True, blank=True)
    referral = models.ForeignKey(
        CrossBorderReferral, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sealed = EncryptedTextField()
    status = models.CharField(
        max_length=12, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_error = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    receipt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["peer", "status", "id"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.envelope_id}"


class InboundEnvelope(models.Model):
    """An envelope received from a peer, verified, stored once by envelope id."""

    envelope_id = models.UUIDField(unique=True)
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="inbox")
    kind = models.CharField(max_length=12, choices=EnvelopeType.choices)
    in_reply_to = models.UUIDField(null=True, blank=True)
    body = EncryptedJSONField(null=True, blank=True)  # the verified content; None once erased
    transport = models.CharField(max_length=5, choices=Transport.choices)
    received_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.envelope_id} from {self.peer_id}"


class ReceivedReferral(models.Model):
    """A cross-border referral on the receiving node: the focal point routes it to an
    in-country institution, which accepts or declines it and reports the outcome."""

    envelope = models.OneToOneField(
        InboundEnvelope, on_delete=models.PROTECT, related_name="referral"
    )
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="referrals_received")
    kind = models.CharField(max_length=30, choices=CrossBorderKind.choices)
    urgency = models.CharField(max_length=10, default="normal")
    addressed_to = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    routed_to = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=12, choices=InboundStatus.choices, default=InboundStatus.RECEIVED
    )
    note = EncryptedTextField(blank=True)  # decline reason or outcome, as sent back
    # Made when the focal point routes it: the person and case opened on this node from the
    # minimum data set, and the in-country referral (issue 5's lifecycle) to the institution.
    case = models.ForeignKey(
        "people.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    local_referral = models.OneToOneField(
        "referrals.Referral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cross_border_origin",
    )
    received_at = models.DateTimeField()
    routed_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    erase_after = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["routed_to", "status"])]

    def __str__(self) -> str:
        return f"Received referral #{self.pk}"

    @property
    def reference(self) -> str:
        return f"XR-{self.pk:06d}"
