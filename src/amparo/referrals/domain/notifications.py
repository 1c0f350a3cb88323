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


def notify_receivers(referral: Referral) -> int:
    recipients = _emails(referral.receiving_agency_id, {Role.RECEIVING_OFFICER, Role.SUPERVISOR})
    if not recipients:
        return 0
    subject = _("Amparo: referral %(ref)s (%(status)s)") % {
        "ref": referral.reference,
        "status": referral.get_status_display(),
    }
    body = _("A referral for your institution changed. Open Amparo to see it: %(ref)s.") % {
        "ref": referral.reference
    }
    return send_mail(subject, body, None, recipients)


def notify_sender(referral: Referral) -> int:
    recipients = sorted({e for e in [referral.created_by.email] if e})
    if not recipients:
        return 0
    subject = _("Amparo: referral %(ref)s (%(status)s)") % {
        "ref": referral.reference,
        "status": referral.get_status_display(),
    }
    body = _("A referral you sent changed. Open Amparo to see it: %(ref)s.") % {
        "ref": referral.reference
    }
    return send_mail(subject, body, None, recipients)
