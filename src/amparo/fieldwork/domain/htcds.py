"""Which trafficking cases the HTCDS export may read, and the audit of each export.

A case is exported only when an officer confirmed the trafficking profile and a recorded
basis covers the export: anonymous statistics (`statistics`) for a publication, or sharing with
the named recipient (`sharing`) otherwise, where the safety rules must also allow that
recipient. The shaping of rows (HTCDS codes, k-anonymity) is in `interfaces/htcds.py`.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction

from amparo.accounts.enums import Role
from amparo.accounts.models import Agency, User
from amparo.casework.domain.consent import valid_basis_for
from amparo.casework.enums import ConsentPurpose
from amparo.people.domain.queries import cases_visible_to
from amparo.people.models import Case
from amparo.protection.domain.audit import record_event
from amparo.protection.enums import AuditAction
from amparo.referrals.domain.safety import check_recipient_allowed
from amparo.referrals.enums import ReferralStatus
from amparo.referrals.models import Referral
from amparo.screening.domain.queries import confirmed_profiles
from amparo.screening.models import Screening

TRAFFICKING = "trafficking"
# Exporting many cases at once is a supervisor's or a national focal point's decision.
EXPORTER_ROLES = frozenset({Role.SUPERVISOR, Role.FOCAL_POINT})


@dataclass(frozen=True)
class HtcdsCase:
    """What the export reads of one case: the case and person, the answers of its latest
    screening, its latest sent referral, and whether the person agreed to assistance."""

    case: Case
    answers: dict[str, object]
    referral: Referral | None
    agreement: bool


def _covered(case: Case, *, publication: bool, recipient: Agency | None) -> bool:
    if publication:
        return valid_basis_for(case, ConsentPurpose.STATISTICS) is not None
    if recipient is None or recipient.enforcement:
        return False
    if valid_basis_for(case, ConsentPurpose.SHARING, recipient=recipient) is None:
        return False
    return check_recipient_allowed(case, recipient, "") is None


def _read(case: Case) -> HtcdsCase:
    screening = Screening.objects.filter(case=case).order_by("-created_at", "-id").first()
    referral = (
        Referral.objects.filter(case=case, sent_at__isnull=False)
        .exclude(status=ReferralStatus.REVOKED)
        .select_related("receiving_agency")
        .order_by("-sent_at", "-id")
        .first()
    )
    return HtcdsCase(
        case=case,
        answers=dict(screening.answers or {}) if screening else {},
        referral=referral,
        agreement=valid_basis_for(case, ConsentPurpose.ASSISTANCE) is not None,
    )


def read_htcds_cases(
    *, actor: User, publication: bool, recipient: Agency | None = None
) -> list[HtcdsCase]:
    """The trafficking cases the actor may export, for a publication or for `recipient`.

    Raises `PermissionDenied` unless the actor is a supervisor or a national focal point, and
    `ValueError` when neither or both of `publication` and `recipient` are given.

    Effects: one `htcds.exported` audit event naming the cases read (ids only), whether the
    export is for publication, and the recipient's code.
    """
    if publication == (recipient is not None):
        raise ValueError("export either for publication or for one named recipient")
    if not actor.memberships.filter(active=True, role__in=EXPORTER_ROLES).exists():
        raise PermissionDenied("only a supervisor or a national focal point exports cases")
    cases = [
        case
        for case in cases_visible_to(actor).order_by("id")
        if TRAFFICKING in confirmed_profiles(case)
        and _covered(case, publication=publication, recipient=recipient)
    ]
    with transaction.atomic():
        payload = {
            "cases": [case.pk for case in cases],
            "publication": publication,
            "recipient": recipient.code if recipient else None,
        }
        record_event(AuditAction.HTCDS_EXPORTED, actor=actor, payload=payload)
        return [_read(case) for case in cases]
