"""Readable labels for the codes of published tables, in the reader's language."""

from collections.abc import Callable

from django.utils.translation import gettext as _

from amparo.accounts.models import Agency, Country
from amparo.people.enums import CaseStatus, Sex
from amparo.referrals.enums import ReferralStatus, ServedProfile, ServiceCategory
from amparo.screening.enums import UrgencyLevel
from amparo.stats.domain.facts import NO_PROFILE, OTHER_PROFILE
from amparo.stats.enums import AgeBand, DaysBand, Dimension, YesNo


def labeller(dimension: str) -> Callable[[str], str]:
    """A function from a code of `dimension` to its label (the code itself when unknown)."""
    if dimension == Dimension.COUNTRY:
        names = {c.code: c.name for c in Country.objects.all()}
        return lambda code: names.get(code, code)
    if dimension == Dimension.AGENCY:
        agencies = {str(a.pk): str(a) for a in Agency.objects.all()}
        return lambda code: agencies.get(code, code)
    choices: dict[str, dict[str, str]] = {
        Dimension.PROFILE: {
            **dict(ServedProfile.choices),
            NO_PROFILE: _("No profile confirmed"),
            OTHER_PROFILE: _("Other profile"),
        },
        Dimension.SEX: dict(Sex.choices),
        Dimension.AGE_BAND: dict(AgeBand.choices),
        Dimension.URGENCY: dict(UrgencyLevel.choices),
        Dimension.STAGE: dict(CaseStatus.choices),
        Dimension.KIND: dict(ServiceCategory.choices),
        Dimension.OUTCOME: dict(ReferralStatus.choices),
        Dimension.DAYS_TO_ACCEPTANCE: dict(DaysBand.choices),
        Dimension.CROSS_BORDER: dict(YesNo.choices),
        Dimension.OVERDUE: dict(YesNo.choices),
    }
    table = choices.get(dimension, {})
    return lambda code: str(table.get(code, code))
