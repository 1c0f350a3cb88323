"""Stable codes for roles and agency kinds. Other issues and partners rely on these codes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    FRONT_LINE_OFFICER = "front_line_officer", _("Front-line officer")
    CASE_MANAGER = "case_manager", _("Case manager")
    SUPERVISOR = "supervisor", _("Supervisor")
    RECEIVING_OFFICER = "receiving_officer", _("Receiving-institution officer")
    FOCAL_POINT = "focal_point", _("National focal point")
    REGIONAL_ANALYST = "regional_analyst", _("Regional analyst")
    TRAINER = "trainer", _("Trainer")
    TRAINEE = "trainee", _("Trainee")
    ADMINISTRATOR = "administrator", _("Administrator")


# Roles whose work touches personal data: two-factor authentication is required for them.
ROLES_SEEING_PERSONAL_DATA = frozenset(
    {
        Role.FRONT_LINE_OFFICER,
        Role.CASE_MANAGER,
        Role.SUPERVISOR,
        Role.RECEIVING_OFFICER,
        Role.FOCAL_POINT,
        Role.ADMINISTRATOR,
    }
)

# Roles that work cases at their own agency (the access gate decides which cases).
CASEWORK_ROLES = frozenset({Role.FRONT_LINE_OFFICER, Role.CASE_MANAGER, Role.SUPERVISOR})


class AgencyKind(models.TextChoices):
    MIGRATION_AUTHORITY = "migration_authority", _("Migration authority")
    REFUGEE_COMMISSION = "refugee_commission", _("Refugee commission")
    CHILD_PROTECTION = "child_protection", _("Child-protection agency")
    PROSECUTOR = "prosecutor", _("Public prosecutor")
    POLICE = "police", _("Police")
    ANTI_TRAFFICKING_BODY = "anti_trafficking_body", _("Anti-trafficking body")
    VICTIM_ASSISTANCE = "victim_assistance", _("Victim assistance")
    CONSULATE = "consulate", _("Consulate or consular service")
    HEALTH = "health", _("Health service")
    SHELTER = "shelter", _("Shelter")
    WOMEN_INSTITUTE = "women_institute", _("Women's institute")
    DISABILITY_COUNCIL = "disability_council", _("Disability council")
    OLDER_PERSONS_COUNCIL = "older_persons_council", _("Older persons council")
    HUMAN_RIGHTS_OMBUDSMAN = "human_rights_ombudsman", _("Human-rights ombudsman")
    INTERNATIONAL_ORGANISATION = "international_organisation", _("International organisation")
    NGO = "ngo", _("Non-governmental organisation")
    # Public legal aid and family offices (El Salvador's PGR): legal representation, not
    # prosecution and not victim assistance.
    LEGAL_AID = "legal_aid", _("Public legal aid")
    # A foreign ministry protects its own nationals abroad and organises their repatriation: not
    # a consulate for anyone in its own country, and never a referral destination.
    FOREIGN_MINISTRY = "foreign_ministry", _("Foreign ministry")


class Language(models.TextChoices):
    SPANISH = "es", _("Spanish")
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
