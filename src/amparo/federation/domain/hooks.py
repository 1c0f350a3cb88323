"""What the federation hears from the apps below it (imports point down only, so casework
and referrals send signals and the federation's AppConfig connects these receivers).

Both run inside the sender's transaction: the envelope is queued exactly when the change it
reports is committed, and rolls back with it.
"""

from typing import Any

from amparo.casework.models import Consent
from amparo.federation.domain.crossborder import OPEN_STATUSES, withdraw_cross_border_referral
from amparo.federation.domain.identity import NodeNotInitialised, this_node
from amparo.federation.domain.received import on_step
from amparo.federation.models import CrossBorderReferral
from amparo.referrals.models import Referral


def _is_node() -> bool:
    try:
        this_node()
    except NodeNotInitialised:
        return False
    return True


def consent_withdrawn(sender: type, *, consent: Consent, actor: Any, **kwargs: Any) -> None:
    """Withdrawing consent queues `withdrawn` at once for every open cross-border referral
    it allowed (to a peer still trusted)."""
    if not _is_node():
        return
    rows = CrossBorderReferral.objects.filter(
        basis=consent, status__in=OPEN_STATUSES, peer__trusted=True
    ).select_related("peer", "case")
    for referral in rows:
        withdraw_cross_border_referral(referral, actor=actor)


def referral_transitioned(
    sender: type, *, referral: Referral, to: str, actor: Any, **kwargs: Any
) -> None:
    """An in-country referral that came from another country tells it each step."""
    on_step(referral, to, actor)
