"""Cross-border referrals on the sending node: a case manager drafts, the national focal
point approves, the envelope goes to the outbox; withdrawal of consent follows it.

The gates are those of an in-country referral (consent or a recorded legal basis covering
that country and institution) plus the safety check of the referrals app, which refuses any
institution of a country the person fears returning to, with the reason.
"""

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts.models import Agency, User
from amparo.casework.domain.consent import consent_text, valid_basis_for
from amparo.casework.enums import ConsentPurpose, LegalBasis
from amparo.casework.models import Consent
from amparo.federation.domain.identity import this_node
from amparo.federation.domain.peers import trusted_peer_for_country
from amparo.federation.domain.sending import add_step, queue_envelope
from amparo.federation.enums import (
    CrossBorderKind,
    CrossBorderStatus,
    EnvelopeType,
    FederationAudit,
)
from amparo.federation.models import CrossBorderReferral
from amparo.federation.rules import is_focal_point
from amparo.lib.datafiles import DataFileError, read_data_file, require_keys
from amparo.people.models import Case
from amparo.protection import crypto
from amparo.protection.domain.audit import record_event
from amparo.referrals.domain.minimum_data import KNOWN_FIELDS, age_band
from amparo.referrals.domain.safety import check_draft_allowed, check_recipient_allowed
from amparo.referrals.enums import ServiceCategory, Urgency
from amparo.screening.domain.queries import confirmed_profiles

MINIMUM_DATA_FILE = Path(__file__).resolve().parent.parent / "minimum_data.yaml"
# The in-country referral kind each cross-border type is checked as by the safety rules.
PURPOSE_OF_KIND = {
    CrossBorderKind.FAMILY_TRACING_RETURN: ServiceCategory.FAMILY_TRACING,
    CrossBorderKind.INTERNATIONAL_PROTECTION: ServiceCategory.ASYLUM,
    CrossBorderKind.CONTINUITY_OF_CARE: ServiceCategory.HEALTH,
    CrossBorderKind.VICTIM_ASSISTANCE: ServiceCategory.VICTIM_ASSISTANCE,
}
OPEN_STATUSES = (CrossBorderStatus.APPROVED, CrossBorderStatus.RECEIVED, CrossBorderStatus.ACCEPTED)


@cache
def minimum_data_sets(path: Path = MINIMUM_DATA_FILE) -> dict[str, tuple[str, ...]]:
    """Fields per cross-border type, checked: a wrong type or field names the file and key."""
    data = read_data_file(path)
    sets: dict[str, tuple[str, ...]] = {}
    for kind in CrossBorderKind.values:
        row = require_keys(
            path, kind, data.get(kind) if isinstance(data, dict) else None, {"fields"}
        )
        unknown = sorted(set(row["fields"]) - (KNOWN_FIELDS - {"case_reference"}))
        if unknown:
            raise DataFileError(path, f"{kind}.fields", f"unknown field(s): {', '.join(unknown)}")
        sets[kind] = tuple(row["fields"])
    return sets


def shared_data(case: Case, kind: str, urgency: str) -> dict[str, Any]:
    """The values of the type's minimum data set for this case, and nothing else."""
    person = case.person
    guardian = getattr(case, "guardian", None)
    available: dict[str, Any] = {
        "given_names": person.given_names,
        "first_surname": person.first_surname,
        "second_surname": person.second_surname,
        "sex": person.sex,
        "birth_date": str(person.birth_date or ""),
        "birth_year": person.birth_year,
        "age_band": age_band(person.age_on(timezone.localdate())),
        "nationalities": list(person.nationalities or []),
        "languages": list(person.languages or []),
        "phone": person.phone,
        "documents": list(person.documents or []),
        "profiles": confirmed_profiles(case),
        "urgency": urgency,
        "guardian": {"name": guardian.name, "relationship": guardian.relationship}
        if guardian
        else None,
    }
    return {field: available[field] for field in minimum_data_sets()[kind]}


def consent_proof(basis: Consent, agency: Agency) -> dict[str, Any]:
    """What the receiving country needs to know of the consent: never the person's words."""
    text_hash = ""
    if basis.legal_basis == LegalBasis.CONSENT:
        text = consent_text(ConsentPurpose.CROSS_BORDER, basis.language)
        text_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return {
        "legal_basis": basis.legal_basis,
        "purpose": basis.purpose,
        "recipient_country": agency.country_id,
        "recipient_institution": agency.code,
        "date": basis.given_on.isoformat(),
        "expires": basis.expires_on.isoformat() if basis.expires_on else None,
        "method": basis.method,
        "language": basis.language,
        "interpreter": basis.interpreter_used,
        "text_sha256": text_hash,
    }


def opaque_case_reference(case: Case) -> str:
    """A stable reference the other country quotes back, that reveals nothing of the case."""
    return crypto.blind_index(str(case.pk), purpose="federation-case-ref")[:24]


def _gate_errors(case: Case, agency: Agency, kind: str, *, approver: User | None) -> dict[str, str]:
    """Every reason this case may not go to this institution, by field (empty: allowed)."""
    node = this_node()
    if agency.country_id == node.country_id:
        return {"recipient_agency": _("This institution is in this country: refer in-country.")}
    if trusted_peer_for_country(agency.country_id) is None:
        return {"recipient_agency": _("This country's node is not a trusted peer of this node.")}
    purpose = PURPOSE_OF_KIND[CrossBorderKind(kind)]
    if approver is None:
        refusal = check_draft_allowed(case, agency, purpose)
    else:
        refusal = check_recipient_allowed(case, agency, purpose, approved_by=approver)
    if refusal is not None:
        return {"recipient_agency": refusal.message}
    if valid_basis_for(case, ConsentPurpose.CROSS_BORDER, recipient=agency) is None:
        return {
            "basis": _(
                "No consent or legal basis covers a transfer to this institution of this "
                "country: record one first."
            )
        }
    return {}


def draft_cross_border_referral(
    case: Case,
    *,
    actor: User,
    recipient_agency: Agency,
    kind: str,
    urgency: str = Urgency.NORMAL,
    narrative: str = "",
) -> CrossBorderReferral:
    """Prepare a cross-border referral; nothing leaves the node until the focal point approves.

    Effects: checks type, urgency and every gate (ValidationError naming each field, nothing
    saved), then the draft row, its first step and an audit event, in one transaction.
    """
    errors: dict[str, str] = {}
    if kind not in CrossBorderKind.values:
        errors["kind"] = _("Unknown cross-border referral type.")
    if urgency not in Urgency.values:
        errors["urgency"] = _("Unknown urgency.")
    if not errors:
        errors = _gate_errors(case, recipient_agency, kind, approver=None)
    if errors:
        raise ValidationError(errors)
    peer = trusted_peer_for_country(recipient_agency.country_id)
    assert peer is not None  # checked by _gate_errors
    with transaction.atomic():
        referral = CrossBorderReferral.objects.create(
            case=case,
            peer=peer,
            recipient_agency=recipient_agency,
            kind=kind,
            urgency=urgency,
            narrative=narrative.strip(),
            drafted_by=actor,
        )
        add_step(referral, "drafted")
        record_event(
            FederationAudit.REFERRAL_DRAFTED,
            actor=actor,
            subject=referral,
            payload={"case": case.pk, "kind": kind, "recipient": recipient_agency.code},
        )
    return referral


def approve_cross_border_referral(
    referral: CrossBorderReferral, *, actor: User, expected_version: int | None = None
) -> CrossBorderReferral:
    """The focal point's approval: every gate again, then the envelope into the outbox.

    Effects: the minimum data and consent proof taken now, the sealed `referral` envelope
    queued, the status, a step and an audit event, in one transaction.
    """
    node = this_node()
    if not is_focal_point(actor, node.country_id):
        raise ValidationError({"actor": _("Only the national focal point approves this.")})
    if referral.status != CrossBorderStatus.DRAFT:
        raise ValidationError({"status": _("Only a draft can be approved.")})
    if expected_version is not None and expected_version != referral.version:
        raise ValidationError({"version": _("The referral changed since you read it.")})
    case, agency = referral.case, referral.recipient_agency
    errors = _gate_errors(case, agency, referral.kind, approver=actor)
    if errors:
        raise ValidationError(errors)
    basis = valid_basis_for(case, ConsentPurpose.CROSS_BORDER, recipient=agency)
    assert basis is not None  # checked by _gate_errors
    with transaction.atomic():
        referral.basis = basis
        referral.shared_data = shared_data(case, referral.kind, referral.urgency)
        referral.consent_proof = consent_proof(basis, agency)
        referral.status = CrossBorderStatus.APPROVED
        referral.approved_by, referral.approved_at = actor, timezone.now()
        referral.version += 1
        envelope = queue_envelope(
            referral.peer,
            EnvelopeType.REFERRAL,
            about=referral,
            case_ref=opaque_case_reference(case),
            referral={
                "kind": referral.kind,
                "urgency": referral.urgency,
                "institution": agency.code,
                "narrative": referral.narrative,
                "data": referral.shared_data,
            },
            consent=referral.consent_proof,
        )
        referral.envelope_id = envelope.envelope_id
        referral.save(
            update_fields=[
                "basis", "shared_data", "consent_proof", "status", "approved_by",
                "approved_at", "version", "envelope_id",
            ]
        )  # fmt: skip
        record_event(
            FederationAudit.REFERRAL_APPROVED,
            actor=actor,
            subject=referral,
            payload={"case": case.pk, "envelope": str(envelope.envelope_id)},
        )
    return referral


def withdraw_cross_border_referral(
    referral: CrossBorderReferral, *, actor: User | None
) -> CrossBorderReferral:
    """Tell the other country that consent was withdrawn: it hides the data at once and
    erases it on its retention rule. Effects: a `withdrawn` envelope, status, step, audit."""
    if referral.status not in OPEN_STATUSES:
        raise ValidationError({"status": _("This referral is not open in the other country.")})
    with transaction.atomic():
        queue_envelope(
            referral.peer,
            EnvelopeType.WITHDRAWN,
            about=referral,
            in_reply_to=str(referral.envelope_id),
            case_ref=opaque_case_reference(referral.case),
        )
        referral.status = CrossBorderStatus.WITHDRAWN
        referral.version += 1
        referral.save(update_fields=["status", "version"])
        record_event(
            FederationAudit.REFERRAL_WITHDRAWN,
            actor=actor,
            subject=referral,
            payload={"case": referral.case_id},
        )
    return referral


def send_withdrawals() -> int:
    """Every open cross-border referral whose consent was withdrawn (from any page) sends its
    `withdrawn` envelope; the outbox worker runs this before each delivery pass."""
    rows = CrossBorderReferral.objects.filter(
        status__in=OPEN_STATUSES, basis__withdrawn_on__isnull=False
    ).select_related("peer", "case")
    count = 0
    for referral in rows:
        if referral.peer.trusted:
            withdraw_cross_border_referral(referral, actor=None)
            count += 1
    return count
