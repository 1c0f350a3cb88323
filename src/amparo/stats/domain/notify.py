"""E-mail each country's focal points the surge flags of their country's own counts.

The message holds the series, the month, the kind of flag and its explanation: counts of k or
more only, never a person, a case or an agency's name.
"""

from collections import defaultdict

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from amparo.accounts.enums import Role
from amparo.accounts.models import Membership, User
from amparo.protection.domain.audit import record_event
from amparo.stats.domain.queries import OWN_SERIES, surges_for
from amparo.stats.domain.scope import COUNTRY, Scope
from amparo.stats.enums import StatsAuditAction
from amparo.stats.models import SurgeNotice


def focal_points_by_country() -> dict[str, list[User]]:
    found: dict[str, list[User]] = defaultdict(list)
    memberships = Membership.objects.filter(
        role=Role.FOCAL_POINT, active=True, user__is_active=True
    ).select_related("user", "agency")
    for membership in memberships:
        if membership.user.email:
            found[membership.agency.country_id].append(membership.user)
    return found


def notify_surges() -> int:
    """Send each new flag once per country. Effects: one e-mail per focal point and flag, a
    `SurgeNotice` per flag and country, a `stats.surge_notified` audit event each."""
    sent = 0
    for country, users in sorted(focal_points_by_country().items()):
        for name in OWN_SERIES:
            for flag in surges_for(name, Scope(COUNTRY, countries=frozenset({country})))["flags"]:
                sent += _notify(country, name, flag, users)  # type: ignore[arg-type]
    return sent


def _notify(country: str, series: str, flag: dict[str, object], users: list[User]) -> int:
    try:
        with transaction.atomic():
            notice = SurgeNotice.objects.create(
                series=series, period=str(flag["period"]), kind=str(flag["kind"]), country=country
            )
            payload = {"series": series, "period": notice.period, "kind": notice.kind}
            record_event(
                StatsAuditAction.SURGE_NOTIFIED, actor=None, subject=notice, payload=payload
            )
    except IntegrityError:
        return 0  # already sent
    for user in users:
        with override(user.language):
            subject = _("Amparo: a surge in %(series)s in %(period)s") % {
                "series": series, "period": flag["period"]
            }  # fmt: skip
            send_mail(subject, str(flag["explanation"]), None, [user.email])
    return len(users)
