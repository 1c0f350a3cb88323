"""The service directory, shaped after Open Referral HSDS 3.0 but holding only what referrals use.

Ids are HSDS ids (UUIDs), so a directory exchanged with partners keeps its identity. Each row
keeps the HSDS object it was imported from in `raw_hsds`, without the nested records that have
rows of their own, so an export gives back the fields we do not model.
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from amparo.accounts.models import Agency, Country
from amparo.lib.text import normalise_name
from amparo.protection.fields import EncryptedJSONField, EncryptedTextField
from amparo.referrals.enums import (
    LocationType,
    ReferralStatus,
    ServedSex,
    ServiceCategory,
    ServiceStatus,
    Urgency,
)


def search_text_of(name: str, description: str) -> str:
    """The folded text that the directory search matches: no accents, lower case."""
    return normalise_name(f"{name} {description}")


class Organization(models.Model):
    """An organisation that delivers services; linked to our Agency when it is one."""

    id = models.UUIDField(primary_key=True)
    name = models.CharField(max_length=300)
    alternate_name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    website = models.URLField(max_length=500, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    agency = models.OneToOneField(
        Agency,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directory_organization",
    )
    country = models.ForeignKey(
        Country,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="directory_organizations",
    )
    raw_hsds = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Service(models.Model):
    """A service an organisation offers, with who it serves and how to reach it."""

    id = models.UUIDField(primary_key=True)
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="services"
    )
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    status = models.CharField(
        max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE
    )
    url = models.URLField(max_length=500, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    category = models.CharField(max_length=30, choices=ServiceCategory.choices, blank=True)
    # Eligibility: the screening profile codes (ServedProfile) the service is specialised for.
    profiles = models.JSONField(default=list, blank=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=10, choices=ServedSex.choices, blank=True)
    languages = models.JSONField(default=list, blank=True)  # ISO 639 codes, lower case
    capacity = models.PositiveIntegerField(null=True, blank=True)
    available = models.BooleanField(default=True)
    free = models.BooleanField(null=True, blank=True)  # None: not known
    cost_description = models.TextField(blank=True)
    hours = models.TextField(blank=True)
    last_verified = models.DateField(null=True, blank=True)
    raw_hsds = models.JSONField(default=dict, blank=True)
    # Name and description folded (lower case, no accents), so that one `contains` lookup
    # searches them the same way on SQLite and PostgreSQL. `save()` keeps it current; bulk
    # writes and `QuerySet.update()` must set it with `search_text_of`.
    search_text = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_text = search_text_of(self.name, self.description)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "description"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)


class Location(models.Model):
    """A place where services are delivered (or a postal or virtual address)."""

    id = models.UUIDField(primary_key=True)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="locations",
    )
    location_type = models.CharField(
        max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL
    )
    name = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    address_1 = models.CharField(max_length=300, blank=True)
    address_2 = models.CharField(max_length=300, blank=True)
    city = models.CharField(max_length=200, blank=True)
    # HSDS `state_province`: the department, state or province of the address.
    region = models.CharField(max_length=200, blank=True)
    postal_code = models.CharField(max_length=30, blank=True)
    country_code = models.CharField(max_length=2, blank=True)  # ISO 3166-1 alpha-2
    raw_hsds = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self) -> str:
        return self.name or str(self.id)


class ServiceAtLocation(models.Model):
    """A service delivered at a location."""

    id = models.UUIDField(primary_key=True)
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="service_at_locations"
    )
    raw_hsds = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("service at a location")
        verbose_name_plural = _("services at locations")

    def __str__(self) -> str:
        return f"{self.service_id} @ {self.location_id}"


class EligibilityCodeKind(models.TextChoices):
    PROFILE = "profile", "profile"
    LANGUAGE = "language", "language"


class ServiceEligibility(models.Model):
    """Matching's own copy of an active service, one row per country where it is delivered
    (its organisation's country and each of its locations' countries).

    Denormalised so that matching ranks thousands of services in one indexed query, without
    reading JSON lists: the served profiles and languages are rows of `ServiceCode`. Only the
    directory's write functions change it (`referrals.domain.eligibility.refresh_eligibility`,
    called by the HSDS import and the seeding); `amparo directory eligibility --check` compares
    it with the directory. A service that is not active has no row.
    """

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="eligibility")
    country = models.CharField(max_length=2)
    # The organisation's agency, for the safety filter; the service's own row is checked again
    # before it is shown.
    agency = models.ForeignKey(
        Agency, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=300)
    category = models.CharField(max_length=30, blank=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=10, blank=True)
    available = models.BooleanField(default=True)
    full = models.BooleanField(default=False)  # capacity is 0
    lists_profiles = models.BooleanField(default=False)
    # One bit per served profile code (`eligibility.PROFILE_BITS`); codes without a bit are
    # only in `ServiceCode`.
    profile_bits = models.BigIntegerField(default=0)
    lists_languages = models.BooleanField(default=False)

    class Meta:
        ordering = ["country", "name", "service_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "country"], name="referrals_eligibility_service_country"
            )
        ]
        # Covering matching's read: the country's rows are scored from the index alone.
        indexes = [
            models.Index(
                fields=[
                    "country",
                    "profile_bits",
                    "category",
                    "agency",
                    "lists_languages",
                    "minimum_age",
                    "maximum_age",
                    "sex",
                    "available",
                    "full",
                    "name",
                    "service",
                ],
                name="referrals_eligibility_match",
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_id} in {self.country}"


class ServiceCode(models.Model):
    """A profile a service is specialised for, or a language it works in: one row each."""

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="codes")
    kind = models.CharField(max_length=10, choices=EligibilityCodeKind.choices)
    code = models.TextField()

    class Meta:
        ordering = ["service_id", "kind", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "kind", "code"], name="referrals_service_code_unique"
            )
        ]
        indexes = [models.Index(fields=["kind", "code", "service"])]

    def __str__(self) -> str:
        return f"{self.service_id} {self.kind} {self.code}"


class Referral(models.Model):
    """A referral of a case to a service or institution, with the minimum data it carries.

    `shared_data` is the snapshot of the minimum data set taken when the referral was sent:
    the receiving institution sees only that, and only while the consent or legal basis that
    allowed it stands.
    """

    case = models.ForeignKey("people.Case", on_delete=models.PROTECT, related_name="referrals")
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    receiving_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="referrals_received"
    )
    sending_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="referrals_sent"
    )
    kind = models.CharField(max_length=30, choices=ServiceCategory.choices)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    status = models.CharField(
        max_length=15, choices=ReferralStatus.choices, default=ReferralStatus.DRAFT
    )
    basis = models.ForeignKey(
        "casework.Consent", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    shared_data = EncryptedJSONField(null=True, blank=True)
    narrative = EncryptedTextField(blank=True)
    decline_reason = EncryptedTextField(blank=True)
    outcome = EncryptedTextField(blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    acknowledge_due_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The supervisor who approved a referral to a body with detention or removal powers.
    approved_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["receiving_agency", "status", "acknowledge_due_at"]),
            models.Index(fields=["sending_agency", "status"]),
        ]

    def __str__(self) -> str:
        return f"Referral #{self.pk}"

    @property
    def reference(self) -> str:
        return f"R-{self.pk:06d}"
