"""Growing delays after failed sign-ins, per account and address, and a limit per address.

django-axes records every failure (username, address, user agent) in its AccessAttempt table,
shared by all server processes. Delays are computed from those records:

- one account from one address: after AMPARO_LOGIN_FAILURE_LIMIT failures, each further try
  waits AMPARO_LOGIN_DELAY_SECONDS, doubled at every failure, up to
  AMPARO_LOGIN_COOLOFF_MINUTES. A stranger elsewhere therefore cannot lock the real user out;
- one address, any accounts (password spraying): after AMPARO_LOGIN_IP_LIMIT failures within
  the last hour the address waits until that hour has passed since its latest failure.

Axes' own hard lock is off (settings.AXES_LOCK_OUT_AT_FAILURE): a hard lock by username is
what let anyone lock any account.
"""

import datetime as dt

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.utils import timezone

IP_WINDOW = dt.timedelta(hours=1)


def account_delay(failures: int) -> dt.timedelta:
    """The wait after `failures` failures of one account from one address."""
    excess = failures - settings.AXES_FAILURE_LIMIT
    if excess < 0:
        return dt.timedelta(0)
    cap = settings.AMPARO_LOGIN_MAX_DELAY
    seconds = settings.AMPARO_LOGIN_DELAY_SECONDS * 2 ** min(excess, 30)
    return min(dt.timedelta(seconds=seconds), cap)


def sign_in_wait(username: str, ip_address: str | None) -> dt.timedelta | None:
    """How long this username must wait before trying again from this address; None if free."""
    if not settings.AXES_ENABLED:
        return None
    now = timezone.now()
    from_address = AccessAttempt.objects.filter(ip_address=ip_address)
    recent = from_address.filter(attempt_time__gte=now - IP_WINDOW).aggregate(
        failures=Sum("failures_since_start"), last=Max("attempt_time")
    )
    if (recent["failures"] or 0) >= settings.AMPARO_LOGIN_IP_LIMIT:
        return recent["last"] + IP_WINDOW - now
    own = from_address.filter(username=username).aggregate(
        failures=Sum("failures_since_start"), last=Max("attempt_time")
    )
    if own["last"] is None:
        return None
    remaining = own["last"] + account_delay(own["failures"]) - now
    return remaining if remaining > dt.timedelta(0) else None
