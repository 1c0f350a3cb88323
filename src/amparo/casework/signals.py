"""Hooks for the apps above casework (imports point down only, so they listen here).

`consent_withdrawn` is sent by `withdraw_consent` inside its transaction, after the change and
its audit event: a receiver's writes (federation queues its `withdrawn` envelopes) commit or
roll back with the withdrawal. Keyword arguments: `consent`, `actor`.
"""

from django.dispatch import Signal

consent_withdrawn = Signal()
