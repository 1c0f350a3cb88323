"""E-mail each country's focal points the surge flags of their country's own counts.

Each flag goes out once per country (a `SurgeNotice`), to every active focal point of that
country, written in each recipient's language (the flags are worded again under the
recipient's language, never in the server's). The message holds the series, the month, the
kind of flag and its explanation: counts of k or more only, never a person, a case or an
agency's name. With differential privacy on, the flags are those of the country's published
noisy monthly totals (`queries.surges_for`), and their explanations say so; a country whose
privacy budget cannot pay for that release gets nothing until it can.
"""

from collections import defaultdict
from contextlib import nullcontext
from typing import Any

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils.dates import MONTHS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from amparo.accounts.enums import Role
from amparo.accounts.models import Membership, User
from amparo.protection.domain.audit import record_event
from amparo.stats.domain.privacy import PrivacyBudgetSpent
from amparo.stats.domain.queries import OWN_SERIES, surges_for
from amparo.stats.domain.scope import COUNTRY, Scope
from amparo.stats.enums import StatsAuditAction
from amparo.stats.models import SurgeNotice

SERIES_LABELS = {
    "node-screenings": gettext_lazy("screenings recorded on this node"),
    "node-referrals": gettext_lazy("referrals sent from this node"),
}


def focal_points_by_country() -> dict[str, list[User]]:
    found: dict[str, list[User]] = defaultdict(list)
    memberships = Membership.objects.filter(
        role=Role.FOCAL_POINT, active=True, user__is_active=True
    ).select_related("user", "agency")
    for membership in memberships:
        if membership.user.email and membership.user not in found[membership.agency.country_id]:
            found[membership.agency.country_id].append(membership.user)
    return found


def notify_surges() -> int:
    """Send each new flag once per country; returns the number of e-mails sent.

    Effects, per new flag and country, in one transaction: a `SurgeNotice`, a
    `stats.surge_notified` audit event (series, period, kind) and one e-mail per focal point
    in their language. A failed send rolls the notice back, so the flag is tried again.
    """
    sent = 0
    for country, users in sorted(focal_points_by_country().items()):
        scope = Scope(COUNTRY, countries=frozenset({country}))
        for name in OWN_SERIES:
            worded = _Worded(name, scope)
            try:
                flags = worded.flags("")
            except PrivacyBudgetSpent:
                continue  # no published figures to flag from: tried again on the next run
            for flag in flags:
                sent += _notify(country, name, flag, users, worded)
    return sent


class _Worded:
    """The flags of one series and scope, worded in each language asked for (computed once)."""

    def __init__(self, series: str, scope: Scope) -> None:
        self.series, self.scope = series, scope
        self._by_language: dict[str, list[dict[str, Any]]] = {}

    def flags(self, language: str) -> list[dict[str, Any]]:
        """In `language`, or in the active one when empty."""
        if language not in self._by_language:
            with override(language) if language else nullcontext():
                found = surges_for(self.series, self.scope)["flags"]
            self._by_language[language] = list(found)  # type: ignore[call-overload]
        return self._by_language[language]

    def flag(self, language: str, key: tuple[str, str]) -> dict[str, Any]:
        return next(f for f in self.flags(language) if (f["period"], f["kind"]) == key)


def _notify(
    country: str, series: str, flag: dict[str, Any], users: list[User], worded: _Worded
) -> int:
    key = (str(flag["period"]), str(flag["kind"]))
    try:
        with transaction.atomic():
            notice = SurgeNotice.objects.create(
                series=series, period=key[0], kind=key[1], country=country
            )
            payload = {"series": series, "period": notice.period, "kind": notice.kind}
            record_event(
                StatsAuditAction.SURGE_NOTIFIED, actor=None, subject=notice, payload=payload
            )
            for user in users:
                _send(user, series, worded.flag(user.language, key))
    except IntegrityError:
        return 0  # already sent
    return len(users)


def _send(user: User, series: str, flag: dict[str, Any]) -> None:
    year, month = (int(part) for part in str(flag["period"]).split("-"))
    with override(user.language):
        words = {"series": SERIES_LABELS[series], "month": MONTHS[month], "year": year}
        subject = _("Amparo: a surge in %(series)s in %(month)s %(year)s") % words
        body = "\n\n".join(
            [
                str(flag["explanation"]),
                _(
                    "Counts of the whole country only: this message names no person, case or "
                    "institution. The statistics dashboard shows the figures."
                ),
            ]
        )
    send_mail(subject, body, None, [user.email])
