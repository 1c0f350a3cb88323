"""Countries, agencies, staff users and their memberships (a role at an agency)."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from amparo.accounts.enums import AgencyKind, Language, Role


class Country(models.Model):
    """An RCM member country, by ISO 3166-1 alpha-2 code."""

    code = models.CharField(max_length=2, primary_key=True)
    name_es = models.CharField(max_length=80)
    name_en = models.CharField(max_length=80)
    name_fr = models.CharField(max_length=80)

    class Meta:
        ordering = ["code"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        lang = (get_language() or "es")[:2]
        return str(getattr(self, f"name_{lang}", self.name_es))


class Agency(models.Model):
    """An institution or organisation: a government body, an international organisation, an NGO.

    `represents` is set for consulates: the country whose nationals they serve.
    `enforcement` marks immigration-enforcement bodies, which are never suggested as a referral.
    """

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200, blank=True)
    acronym = models.CharField(max_length=30, blank=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="agencies")
    kind = models.CharField(max_length=40, choices=AgencyKind.choices)
    represents = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="consulates"
    )
    parent = models.CharField(max_length=200, blank=True)
    enforcement = models.BooleanField(default=False)
    confidence = models.CharField(max_length=1, default="K")  # V verified, K known-unchecked
    active = models.BooleanField(default=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["country_id", "name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return f"{self.acronym} - {self.name}" if self.acronym else self.name


class User(AbstractUser):  # type: ignore[django-manager-missing]  # borrowed otp Device FK
    """A staff member. Migrants are never users; they are Persons in the people app."""

    language = models.CharField(max_length=5, choices=Language.choices, default=Language.SPANISH)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class Membership(models.Model):
    """A user's role at an agency. A user may hold several; each grants its own scope."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=30, choices=Role.choices)
    active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="unique_membership")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user.username} @ {self.agency.code} ({self.role})"
