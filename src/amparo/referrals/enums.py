"""Stable codes of the service directory. Partners and saved referrals store these codes,
so a code never changes meaning: extend, never rename."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceCategory(models.TextChoices):
    """Protection and assistance areas (DOMAIN.md 2.4), used by the directory and case plans."""

    ASYLUM = "asylum", _("Asylum and international protection")
    CHILD_PROTECTION = "child_protection", _("Child protection")
    HEALTH = "health", _("Health")
    MENTAL_HEALTH = "mental_health", _("Mental health and psychosocial support")
    LEGAL = "legal", _("Legal assistance")
    SHELTER = "shelter", _("Shelter")
    FOOD = "food", _("Food and non-food items")
    TRANSPORT = "transport", _("Transport")
    CASH = "cash", _("Cash assistance")
    SAFETY = "safety", _("Security and safety")
    DOCUMENTATION = "documentation", _("Identity and travel documents")
    FAMILY_TRACING = "family_tracing", _("Family tracing and reunification")
    ANTI_TRAFFICKING = "anti_trafficking", _("Assistance to victims of trafficking")
    VICTIM_ASSISTANCE = "victim_assistance", _("Assistance to victims of crime")
    RETURN_REINTEGRATION = "return_reintegration", _("Assisted voluntary return and reintegration")
    LOCAL_INTEGRATION = "local_integration", _("Local integration")
    RESETTLEMENT = "resettlement", _("Resettlement")
    INTERPRETATION = "interpretation", _("Interpretation")
    GBV = "gbv", _("Gender-based violence response")
    DISABILITY = "disability", _("Support for persons with disabilities")
    OLDER_PERSONS = "older_persons", _("Support for older persons")
    EDUCATION = "education", _("Education, training and recreation")
    LIVELIHOOD = "livelihood", _("Livelihoods and economic support")


class ServedProfile(models.TextChoices):
    """The screening profiles (RCM Guidelines 2013) a service is specialised for.

    The codes are those of the screening protocols (`screening/protocols/*.yaml`).
    """

    INTERNATIONAL_PROTECTION = (
        "international_protection",
        _("Person in need of international protection"),
    )
    TRAFFICKING = "trafficking", _("Possible victim of trafficking in persons")
    UNACCOMPANIED_CHILD = "unaccompanied_child", _("Unaccompanied child or adolescent")
    SEPARATED_CHILD = "separated_child", _("Separated child or adolescent")
    CRIME_VICTIM_IN_TRANSIT = "crime_victim_in_transit", _("Victim of crime in transit")
    SMUGGLED_VULNERABLE = (
        "smuggled_vulnerable",
        _("Smuggled migrant in a vulnerable situation"),
    )
    EXTRA_CONTINENTAL = "extra_continental", _("Extra-continental migrant")
    PREGNANT_OR_LACTATING = "pregnant_or_lactating", _("Pregnant or breastfeeding person")
    WOMAN_AT_RISK = "woman_at_risk", _("Woman or girl at risk")
    OLDER_PERSON = "older_person", _("Older person")
    DISABILITY = "disability", _("Person with a disability")
    SERIOUS_MEDICAL_CONDITION = (
        "serious_medical_condition",
        _("Person with a serious medical condition"),
    )
    LGBTI = "lgbti", _("LGBTI person at risk")
    INDIGENOUS = "indigenous", _("Indigenous person")
    STATELESS = "stateless", _("Stateless person or person at risk of statelessness")


class ServiceStatus(models.TextChoices):
    """The HSDS 3.0 service status values, kept verbatim for interchange."""

    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    DEFUNCT = "defunct", _("Defunct")
    TEMPORARILY_CLOSED = "temporarily closed", _("Temporarily closed")


class ServedSex(models.TextChoices):
    """A service restricted to one sex; a blank value means it serves everyone."""

    FEMALE = "female", _("Women and girls only")
    MALE = "male", _("Men and boys only")


class LocationType(models.TextChoices):
    """The HSDS 3.0 location types."""

    PHYSICAL = "physical", _("Physical")
    POSTAL = "postal", _("Postal")
    VIRTUAL = "virtual", _("Virtual")


# The namespace of the UUIDs Amparo derives (uuid5) for directory records it creates itself,
# such as the organisations seeded from agencies. Changing it would change those ids.
DIRECTORY_NAMESPACE = uuid.UUID("6f1c7a52-3d0e-4b8e-9a55-2c1e7d4b9f10")

# HSDS attribute taxonomies that carry our codes, so a directory exported by one Amparo
# instance keeps its categories and eligibility when another imports it.
CATEGORY_TAXONOMY = "amparo-service-category"
PROFILE_TAXONOMY = "amparo-served-profile"
SEX_TAXONOMY = "amparo-served-sex"


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")
    CLOSED = "closed", _("Closed")
    REVOKED = "revoked", _("Revoked")


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency")
    URGENT = "urgent", _("Urgent")
    NORMAL = "normal", _("Normal")
