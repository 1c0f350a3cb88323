"""Stable codes of the statistics module: dimensions, measures, audit actions, node kinds.

Codes appear in CSV headers, JSON exports and signed aggregates sent to the regional node, so
a code never changes meaning; labels are the user-facing words, translated through gettext.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Dimension(models.TextChoices):
    COUNTRY = "country", _("Country")
    AGENCY = "agency", _("Institution")
    MONTH = "month", _("Month")
    PROFILE = "profile", _("Profile")
    SEX = "sex", _("Sex")
    AGE_BAND = "age_band", _("Age band")
    URGENCY = "urgency", _("Urgency")
    STAGE = "stage", _("Stage")
    KIND = "kind", _("Referral kind")
    OUTCOME = "outcome", _("Outcome")
    DAYS_TO_ACCEPTANCE = "days_to_acceptance", _("Days to acceptance")
    CROSS_BORDER = "cross_border", _("Cross-border")
    OVERDUE = "overdue", _("Overdue")


class Measure(models.TextChoices):
    SCREENINGS = "screenings", _("Screenings")
    CASES = "cases", _("Cases")
    REFERRALS = "referrals", _("Referrals")
    CERTIFICATES = "certificates", _("Training certificates")
    TRAINED_STAFF = "trained_staff", _("Trained staff")


class AgeBand(models.TextChoices):
    CHILD_0_11 = "0-11", _("0 to 11 years")
    CHILD_12_17 = "12-17", _("12 to 17 years")
    ADULT_18_59 = "18-59", _("18 to 59 years")
    OLDER_60 = "60+", _("60 years or more")
    UNKNOWN = "unknown", _("Age unknown")


class DaysBand(models.TextChoices):
    SAME_DAY = "0", _("Same day")
    ONE_TO_THREE = "1-3", _("1 to 3 days")
    FOUR_TO_SEVEN = "4-7", _("4 to 7 days")
    MORE = "8+", _("8 days or more")
    NOT_ACCEPTED = "none", _("Not accepted")


class YesNo(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")


class NodeKind(models.TextChoices):
    """A national node holds cases; a regional node holds only signed, suppressed aggregates."""

    NATIONAL = "national", _("National node")
    REGIONAL = "regional", _("Regional node")


class SurgeKind(models.TextChoices):
    YEAR_TO_DATE = "ytd_passed_previous_year", _("Year to date passed the previous year")
    RECORD_MONTH = "record_month", _("Highest month on record")
    EARS_C2 = "ears_c2", _("Unusual rise (EARS C2)")


class StatsAuditAction(models.TextChoices):
    """Audit codes of this module (payloads hold codes, periods and counts of tables only)."""

    SERIES_IMPORTED = "stats.series_imported"
    AGGREGATES_EXPORTED = "stats.aggregates_exported"
    AGGREGATES_IMPORTED = "stats.aggregates_imported"
    DASHBOARD_DOWNLOADED = "stats.dashboard_downloaded"
    SURGE_NOTIFIED = "stats.surge_notified"
    PRIVATE_RELEASE_PUBLISHED = "stats.private_release_published"
