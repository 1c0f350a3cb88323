"""Email notifications about referrals. They carry no personal data: a reference and a link."""

from django.core.mail import send_mail
from django.utils.translation import gettext as _

from amparo.accounts.enums import Role
from amparo.accounts.models import User
from amparo.referrals.models import Referral


def _emails(agency_id: int, roles: set[str]) -> list[str]:
    users = User.objects.filter(
        memberships__agency_id=agency_id,
        memberships__role__in=roles,
        memberships__active=True,
        is_active=True,
    ).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def _send(referral: Referral, recipients: list[str], body: str) -> int:
    """One email naming the referral and its status; nothing about the person."""
    if not recipients:
        return 0
    values = {"ref": referral.reference, "status": referral.get_status_display()}
    subject = _("Amparo: referral %(ref)s (%(status)s)") % values
    return send_mail(subject, body % values, None, recipients)


def notify_receivers(referral: Referral) -> int:
    recipients = _emails(referral.receiving_agency_id, {Role.RECEIVING_OFFICER, Role.SUPERVISOR})
    body = _("A referral for your institution changed. Open Amparo to see it: %(ref)s.")
    return _send(referral, recipients, body)


def notify_sender(referral: Referral) -> int:
    recipients = sorted({e for e in [referral.created_by.email] if e})
    return _send(
        referral, recipients, _("A referral you sent changed. Open Amparo to see it: %(ref)s.")
    )
