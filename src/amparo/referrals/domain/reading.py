"""Audited reads of referrals: every list that shows a referral's shared data (names,
documents, phones) records which referrals it showed, as `case.listed` does for cases."""

from amparo.accounts.models import User
from amparo.protection.domain.audit import record_event
from amparo.protection.enums import AuditAction
from amparo.referrals.domain.queries import inbox_for, referrals_visible_to
from amparo.referrals.models import Referral


def _record_listing(user: User, referrals: list[Referral], listing: str) -> None:
    if referrals:
        payload = {"listing": listing, "referrals": [referral.pk for referral in referrals]}
        record_event(AuditAction.REFERRAL_LISTED, actor=user, payload=payload)


def list_referrals(user: User, *, limit: int, offset: int = 0) -> list[Referral]:
    """A page of the referrals the user may see, recording which were shown."""
    referrals = list(referrals_visible_to(user)[offset : offset + limit])
    _record_listing(user, referrals, "visible")
    return referrals


def list_inbox(user: User, *, limit: int) -> list[Referral]:
    """The first referrals of the user's inbox, recording which were shown."""
    referrals = list(inbox_for(user)[:limit])
    _record_listing(user, referrals, "inbox")
    return referrals
