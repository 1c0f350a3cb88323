"""The actions a user may take on a referral, by side: one dispatch for pages and API."""

from collections.abc import Callable

from django.http import Http404

from amparo.accounts.models import User
from amparo.referrals.domain import referrals as flow
from amparo.referrals.domain.queries import is_sender
from amparo.referrals.models import Referral
from amparo.referrals.rules import is_receiver
from amparo.screening.domain.queries import confirmed_profiles


def _actions(
    user: User, referral: Referral, reason: str, outcome: str
) -> dict[str, Callable[[], Referral]]:
    if is_receiver(user, referral):
        return {
            "acknowledge": lambda: flow.acknowledge_referral(referral, actor=user),
            "accept": lambda: flow.accept_referral(referral, actor=user),
            "decline": lambda: flow.decline_referral(referral, actor=user, reason=reason),
            "complete": lambda: flow.complete_referral(referral, actor=user, outcome=outcome),
        }
    if is_sender(user, referral):
        return {
            "send": lambda: flow.send_referral(
                referral, actor=user, profiles=confirmed_profiles(referral.case)
            ),
            "approve": lambda: flow.approve_enforcement_referral(referral, actor=user),
            "close": lambda: flow.close_referral(referral, actor=user),
            "revoke": lambda: flow.revoke_referral(referral, actor=user),
        }
    return {}


def act_on_referral(
    user: User, referral: Referral, action: str, *, reason: str = "", outcome: str = ""
) -> Referral:
    """Run one action of the user's side (receiving or sending) on a referral the gate gave.

    An action of the other side, or an unknown one, answers 404 like anything out of scope.
    The domain function it calls lists its own effects.
    """
    actions = _actions(user, referral, reason, outcome)
    if action not in actions:
        raise Http404
    return actions[action]()
