"""Enrolling and resetting authenticator devices (two-factor authentication).

The password alone never reveals a TOTP secret: enrolment starts with a one-time code that an
administrator issues (shown once, stored as a hash, expiring), and the secret is shown only in
the session that redeemed the code. Every step is audited.
"""

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from amparo.accounts.models import User
from amparo.protection.domain.audit import record_event
from amparo.protection.enums import AuditAction
from amparo.protection.models import AuthenticatorDevice, EnrolmentCode

# Crockford's base32 (no I, L, O, U; those read as 1, 1, 0): 16 characters, 80 random bits.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_LENGTH = 16


def _digest(code: str) -> str:
    normalised = "".join(c for c in code.upper() if c.isalnum())
    normalised = normalised.replace("O", "0").replace("I", "1").replace("L", "1")
    return hashlib.sha256(normalised.encode("ascii", "ignore")).hexdigest()


def _format(raw: str) -> str:
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def issue_enrolment_code(user: User, *, actor: User | None) -> str:
    """Issue a one-time enrolment code for `user` and return it (the only time it is seen).

    Effects: earlier unused codes of the user stop working; the code's hash is stored with
    its expiry (AMPARO_ENROLMENT_CODE_HOURS); a `user.2fa_code_issued` event; one transaction.
    """
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(_LENGTH))
    now = timezone.now()
    hours = settings.AMPARO_ENROLMENT_CODE_HOURS
    with transaction.atomic():
        EnrolmentCode.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
        EnrolmentCode.objects.create(
            user=user,
            digest=_digest(raw),
            issued_by=actor,
            issued_at=now,
            expires_at=now + dt.timedelta(hours=hours),
        )
        record_event(
            AuditAction.USER_2FA_CODE_ISSUED,
            actor=actor,
            subject=user,
            payload={"expires_in_hours": hours},
        )
    return _format(raw)


def redeem_enrolment_code(user: User, code: str) -> AuthenticatorDevice | None:
    """Exchange a valid code for a new, unconfirmed device; None when the code is refused.

    Effects: the code is used up; earlier unconfirmed devices are removed; a
    `user.2fa_code_redeemed` event, or `user.2fa_code_refused` for a wrong, used or expired
    code; one transaction.
    """
    now = timezone.now()
    with transaction.atomic():
        found = (
            EnrolmentCode.objects.select_for_update()
            .filter(user=user, digest=_digest(code), used_at__isnull=True, expires_at__gt=now)
            .first()
        )
        if found is None:
            record_event(AuditAction.USER_2FA_CODE_REFUSED, actor=user, subject=user)
            return None
        found.used_at = now
        found.save(update_fields=["used_at"])
        AuthenticatorDevice.objects.filter(user=user, confirmed=False).delete()
        device = AuthenticatorDevice.objects.create(
            user=user, name="authenticator", confirmed=False
        )
        record_event(AuditAction.USER_2FA_CODE_REDEEMED, actor=user, subject=user)
    return device


def confirm_device(device: AuthenticatorDevice, token: str, *, actor: User) -> bool:
    """Confirm a new device with a code from it; False (nothing changed) when it is wrong.

    Effects: the device is confirmed, any other device of the user removed, and a
    `user.2fa_enrolled` event written, in one transaction.
    """
    with transaction.atomic():
        if not device.verify_token(token):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        AuthenticatorDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        record_event(AuditAction.USER_2FA_ENROLLED, actor=actor, subject=device.user)
    return True


def reset_two_factor(user: User, *, actor: User | None) -> int:
    """Remove every authenticator device of `user` (a lost or stolen phone).

    Effects: the devices and any unused enrolment code are removed, so the user must be
    issued a new code; a `user.2fa_reset` event; one transaction. Returns the devices removed.
    """
    with transaction.atomic():
        removed, _ = AuthenticatorDevice.objects.filter(user=user).delete()
        EnrolmentCode.objects.filter(user=user, used_at__isnull=True).update(used_at=timezone.now())
        record_event(
            AuditAction.USER_2FA_RESET, actor=actor, subject=user, payload={"devices": removed}
        )
    return removed


def has_confirmed_device(user: User) -> bool:
    return AuthenticatorDevice.objects.filter(user=user, confirmed=True).exists()
