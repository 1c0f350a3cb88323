"""Readable labels for the codes of published tables, in the reader's language."""

from collections.abc import Callable

from django.db import models
from django.utils.translation import gettext as _

from amparo.accounts.models import Agency, Country
from amparo.people.enums import CaseStatus, Sex
from amparo.referrals.enums import ReferralStatus, ServedProfile, ServiceCategory
from amparo.screening.enums import UrgencyLevel
from amparo.stats.domain.facts import NO_PROFILE, OTHER_PROFILE
from amparo.stats.enums import AgeBand, DaysBand, Dimension, YesNo


def _choices(codes: type[models.TextChoices]) -> dict[str, str]:
    return {code: str(label) for code, label in codes.choices}


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
            **_choices(ServedProfile),
            NO_PROFILE: _("No profile confirmed"),
            OTHER_PROFILE: _("Other profile"),
        },
        Dimension.SEX: _choices(Sex),
        Dimension.AGE_BAND: _choices(AgeBand),
        Dimension.URGENCY: _choices(UrgencyLevel),
        Dimension.STAGE: _choices(CaseStatus),
        Dimension.KIND: _choices(ServiceCategory),
        Dimension.OUTCOME: _choices(ReferralStatus),
        Dimension.DAYS_TO_ACCEPTANCE: _choices(DaysBand),
        Dimension.CROSS_BORDER: _choices(YesNo),
        Dimension.OVERDUE: _choices(YesNo),
    }
    table = choices.get(dimension, {})
    return lambda code: str(table.get(code, code))
