"""Persons (migrants) and their cases. Personal fields are encrypted at rest.

Sensitivity (see docs/data-protection.md): names, exact birth date, documents and phone are
encrypted; nationalities, languages, sex and birth year stay in clear because referral
matching and suppressed statistics need them and they do not identify a person alone.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from amparo.accounts.models import Agency, Country
from amparo.people.enums import CaseStatus, IdentifierKind, Sex
from amparo.protection.fields import EncryptedJSONField, EncryptedTextField


class Person(models.Model):
    given_names = EncryptedTextField()
    first_surname = EncryptedTextField(blank=True)
    second_surname = EncryptedTextField(blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_date = EncryptedTextField(blank=True)  # ISO date; approximate dates keep day 01
    birth_date_is_approximate = models.BooleanField(default=False)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)
    nationalities = models.JSONField(default=list)  # ISO alpha-2 codes
    languages = models.JSONField(default=list)  # ISO 639 codes
    documents = EncryptedJSONField(null=True, blank=True)  # [{"type", "number", "country"}]
    phone = EncryptedTextField(blank=True)
    is_synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        return f"Person #{self.pk}"

    @property
    def full_name(self) -> str:
        parts = [self.given_names, self.first_surname, self.second_surname]
        return " ".join(p for p in parts if p)

    def age_on(self, day: dt.date) -> int | None:
        """The person's age in whole years on `day`: the one age rule of the project.

        From the birth date when known (a person is a year older on their birthday; one born
        on 29 February, on 1 March in other years). With only the year of birth, the youngest
        age possible, so that a child is never counted as an adult. None when neither is known.
        """
        if self.birth_date:
            born = dt.date.fromisoformat(str(self.birth_date))
            return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        if self.birth_year is not None:
            return day.year - self.birth_year - (0 if (day.month, day.day) == (12, 31) else 1)
        return None


class PersonIdentifier(models.Model):
    """Blind indexes of a person's identifiers: keyed hashes for exact lookup, no plaintext."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(max_length=10, choices=IdentifierKind.choices)
    digest = models.CharField(max_length=64)

    class Meta:
        # with the person: the registration check ranks persons from the index alone
        indexes = [models.Index(fields=["kind", "digest", "person"], name="identifier_lookup")]

    def __str__(self) -> str:
        return f"{self.kind} digest of person #{self.person_id}"


class Case(models.Model):
    """A protection case, owned by one agency in one country, optionally assigned to a user."""

    reference = models.CharField(max_length=30, unique=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="cases")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="cases")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    status = models.CharField(
        max_length=20, choices=CaseStatus.choices, default=CaseStatus.IDENTIFIED
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)  # optimistic locking
    closure_reason = models.CharField(max_length=30, blank=True)  # casework.enums.ClosureReason
    closed_at = models.DateTimeField(null=True, blank=True)
    is_synthetic = models.BooleanField(default=False)

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "status"]),
            models.Index(fields=["assigned_to", "status"]),
            # list pages read the newest cases of an agency, or of an assignee, first
            models.Index(fields=["agency", "-opened_at", "-id"], name="case_agency_newest"),
            models.Index(fields=["assigned_to", "-updated_at", "-id"], name="case_assignee_recent"),
        ]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return self.reference
