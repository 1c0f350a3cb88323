"""Hooks for the apps above referrals (imports point down only, so they listen here).

`referral_transitioned` is sent by every lifecycle transition inside its transaction, after
the change and its audit event: a receiver's writes commit or roll back with it. Keyword
arguments: `referral` (refreshed), `previous` and `to` (status codes), `actor`.
"""

from django.dispatch import Signal

referral_transitioned = Signal()
