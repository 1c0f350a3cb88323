"""Consent and legal basis per purpose (and per recipient for sharing)."""

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts.models import Agency, User
from amparo.casework.enums import ConsentMethod, ConsentPurpose, LegalBasis
from amparo.casework.models import Consent
from amparo.casework.signals import consent_withdrawn
from amparo.lib.datafiles import DataFileError, read_data_file
from amparo.people.models import Case
from amparo.protection.domain.audit import record_event
from amparo.protection.enums import AuditAction

CONSENT_TEXTS_FILE = Path(__file__).resolve().parent.parent / "consent_texts.yaml"
MIGRANT_LANGUAGES = ("es", "en", "fr", "ht", "pt")


@dataclass(frozen=True)
class ConsentInput:
    purpose: str
    legal_basis: str = LegalBasis.CONSENT
    method: str = ""
    language: str = "es"
    given_on: dt.date | None = None
    expires_on: dt.date | None = None
    recipient: Agency | None = None
    interpreter_used: bool = False
    interpreter_name: str = ""
    justification: str = ""


def _check(data: ConsentInput) -> dt.date:
    errors: dict[str, str] = {}
    today = timezone.localdate()
    given = data.given_on or today
    if data.purpose not in ConsentPurpose.values:
        errors["purpose"] = _("Unknown purpose.")
    if data.legal_basis not in LegalBasis.values:
        errors["legal_basis"] = _("Unknown legal basis.")
    if data.legal_basis == LegalBasis.CONSENT and data.method not in ConsentMethod.values:
        errors["method"] = _(
            "Say how consent was given: written, verbal certified by staff, or audio."
        )
    if data.legal_basis != LegalBasis.CONSENT and not data.justification.strip():
        errors["justification"] = _("Without consent, explain why this legal basis applies.")
    if (
        data.purpose in {ConsentPurpose.SHARING, ConsentPurpose.CROSS_BORDER}
        and data.recipient is None
    ):
        errors["recipient"] = _("Sharing needs a named recipient.")
    if data.language not in MIGRANT_LANGUAGES:
        errors["language"] = _("Unknown language.")
    if given > today:
        errors["given_on"] = _("The date cannot be in the future.")
    if data.expires_on is not None and data.expires_on <= given:
        errors["expires_on"] = _("The expiry must come after the date consent was given.")
    if data.interpreter_used and not data.interpreter_name.strip():
        errors["interpreter_name"] = _("Name the interpreter.")
    if errors:
        raise ValidationError(errors)
    return given


def record_consent(case: Case, data: ConsentInput, *, actor: User) -> Consent:
    """Record consent or another legal basis for one purpose.

    Effects: validates every field (a ValidationError names each wrong field, nothing saved),
    the consent row and a `consent.recorded` audit event, in one transaction.
    """
    given = _check(data)
    with transaction.atomic():
        consent = Consent.objects.create(
            case=case,
            purpose=data.purpose,
            recipient=data.recipient,
            legal_basis=data.legal_basis,
            justification=data.justification.strip(),
            method=data.method if data.legal_basis == LegalBasis.CONSENT else "",
            language=data.language,
            interpreter_used=data.interpreter_used,
            interpreter_name=data.interpreter_name.strip(),
            given_on=given,
            expires_on=data.expires_on,
            recorded_by=actor,
        )
        payload = {"case": case.pk, "purpose": data.purpose, "legal_basis": data.legal_basis}
        if data.recipient is not None:
            payload["recipient"] = data.recipient.code
        record_event(AuditAction.CONSENT_RECORDED, actor=actor, subject=consent, payload=payload)
    return consent


def withdraw_consent(consent: Consent, *, actor: User, note: str = "") -> Consent:
    """Withdraw a consent from today on. Effects: withdrawal date and note, an audit event,
    and `casework.signals.consent_withdrawn` sent in the same transaction."""
    if consent.withdrawn_on is not None:
        raise ValidationError({"consent": _("This consent was already withdrawn.")})
    with transaction.atomic():
        consent.withdrawn_on = timezone.localdate()
        consent.withdrawal_note = note.strip()
        consent.save(update_fields=["withdrawn_on", "withdrawal_note"])
        payload = {"case": consent.case_id, "purpose": consent.purpose}
        record_event(AuditAction.CONSENT_WITHDRAWN, actor=actor, subject=consent, payload=payload)
        consent_withdrawn.send(Consent, consent=consent, actor=actor)
    return consent


def basis_holds_on(consent: Consent, day: dt.date) -> bool:
    """Whether a consent or legal basis allows its purpose on `day`: given on or before it,
    not expired by then (the expiry day is the first day it no longer holds) and not withdrawn
    on or before it. The one rule for sending, for showing shared data and for the gate."""
    if consent.given_on > day:
        return False
    if consent.expires_on is not None and consent.expires_on <= day:
        return False
    return consent.withdrawn_on is None or consent.withdrawn_on > day


def valid_basis_for(
    case: Case, purpose: str, *, recipient: Agency | None = None, on: dt.date | None = None
) -> Consent | None:
    """The newest record that allows this purpose on `on` (default today), for this recipient
    when one is named, or None. A recorded legal basis other than consent counts the same way,
    with its justification; `basis_holds_on` decides."""
    day = on or timezone.localdate()
    rows = Consent.objects.filter(case=case, purpose=purpose)
    if recipient is not None:
        rows = rows.filter(recipient=recipient)
    return next(
        (row for row in rows.order_by("-given_on", "-id") if basis_holds_on(row, day)), None
    )


def consent_text(purpose: str, language: str) -> str:
    """The text read to (or by) the migrant for a purpose, in one of the five languages."""
    texts = read_data_file(CONSENT_TEXTS_FILE)
    try:
        return str(texts[purpose][language]).strip()
    except (KeyError, TypeError):
        raise DataFileError(CONSENT_TEXTS_FILE, f"{purpose}.{language}", "missing text") from None
