"""Setting and clearing the legal hold of a case: one function each, audited, atomic."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext as _

from amparo.protection.domain.audit import record_event
from amparo.protection.enums import AuditAction
from amparo.protection.retention.models import LegalHold


def set_legal_hold(case: Model, *, actor: Model, reason: str) -> LegalHold:
    """Put a case under legal hold: retention never anonymises or erases it meanwhile.

    Raises `ValidationError` on `reason` when it is empty or the case is already held.
    Effects: the hold row (reason encrypted), a `legal_hold.set` audit event naming the case
    (no reason: it may name proceedings); one transaction.
    """
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the legal hold.")})
    with transaction.atomic():
        if LegalHold.objects.select_for_update().filter(case_id=case.pk).exists():
            raise ValidationError({"reason": _("This case is already under legal hold.")})
        hold = LegalHold.objects.create(case_id=case.pk, reason=reason.strip(), set_by_id=actor.pk)
        payload = {"case": case.pk, "hold": hold.pk}
        record_event(AuditAction.LEGAL_HOLD_SET, actor=actor, subject=case, payload=payload)
    return hold


def clear_legal_hold(case: Model, *, actor: Model) -> None:
    """Lift the legal hold of a case. Raises `ValidationError` when it is not held.

    Effects: deletes the hold row, writes a `legal_hold.cleared` audit event naming the case
    and the hold; one transaction.
    """
    with transaction.atomic():
        hold = LegalHold.objects.select_for_update().filter(case_id=case.pk).first()
        if hold is None:
            raise ValidationError({"case": _("This case is not under legal hold.")})
        payload = {"case": case.pk, "hold": hold.pk}
        hold.delete()
        record_event(AuditAction.LEGAL_HOLD_CLEARED, actor=actor, subject=case, payload=payload)


def is_held(case: Model) -> bool:
    return LegalHold.objects.filter(case_id=case.pk).exists()
