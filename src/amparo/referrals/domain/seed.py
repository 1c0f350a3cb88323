"""The first directory: one organisation and one service per competent institution (agency)."""

import uuid
from dataclasses import dataclass

from django.db import transaction

from amparo.accounts.enums import AgencyKind
from amparo.accounts.models import Agency
from amparo.referrals.domain.eligibility import refresh_eligibility
from amparo.referrals.domain.safety import policy_of
from amparo.referrals.enums import DIRECTORY_NAMESPACE, ServedProfile, ServiceCategory
from amparo.referrals.models import Organization, Service

K = AgencyKind
C = ServiceCategory
P = ServedProfile

CATEGORY_BY_KIND: dict[str, ServiceCategory] = {
    K.REFUGEE_COMMISSION: C.ASYLUM,
    K.CHILD_PROTECTION: C.CHILD_PROTECTION,
    K.HEALTH: C.HEALTH,
    K.SHELTER: C.SHELTER,
    K.ANTI_TRAFFICKING_BODY: C.ANTI_TRAFFICKING,
    K.VICTIM_ASSISTANCE: C.VICTIM_ASSISTANCE,
    K.CONSULATE: C.DOCUMENTATION,
    K.WOMEN_INSTITUTE: C.GBV,
    K.DISABILITY_COUNCIL: C.DISABILITY,
    K.OLDER_PERSONS_COUNCIL: C.OLDER_PERSONS,
    K.PROSECUTOR: C.LEGAL,
    K.POLICE: C.LEGAL,
    K.HUMAN_RIGHTS_OMBUDSMAN: C.LEGAL,
    K.INTERNATIONAL_ORGANISATION: C.RETURN_REINTEGRATION,
    K.NGO: C.FAMILY_TRACING,
    K.MIGRATION_AUTHORITY: C.DOCUMENTATION,
    K.LEGAL_AID: C.LEGAL,
    # Never seeded (`referral_target: false` in agencies.yaml): a foreign ministry serves its
    # own nationals abroad; the category only completes the table.
    K.FOREIGN_MINISTRY: C.DOCUMENTATION,
}

# The profiles each kind serves: the `refer_to` lists of the RCM 2013 screening protocol
# (screening/protocols/rcm-2013.yaml), read from the other side, minus what protection forbids
# (IOM Handbook 2.2 "do no harm"; RCM 2013 Guidelines):
# - consulates serve no profile: whether to contact one is the screening engine's consular
#   decision (never when the person fears return), not a match on a profile;
# - migration authorities and police serve no profile: they are never suggested on their own
#   initiative (a trafficking victim chooses whether to report; non-refoulement);
# - family tracing (Red Cross) and return (IOM) serve no child and no LGBTI person: no tracing
#   or return before a best-interests determination, or where the family may be the danger.
PROFILES_BY_KIND: dict[str, list[ServedProfile]] = {
    K.REFUGEE_COMMISSION: [P.INTERNATIONAL_PROTECTION, P.STATELESS],
    K.CHILD_PROTECTION: [P.UNACCOMPANIED_CHILD, P.SEPARATED_CHILD],
    K.HEALTH: [
        P.CRIME_VICTIM_IN_TRANSIT,
        P.SMUGGLED_VULNERABLE,
        P.PREGNANT_OR_LACTATING,
        P.WOMAN_AT_RISK,
        P.OLDER_PERSON,
        P.DISABILITY,
        P.SERIOUS_MEDICAL_CONDITION,
    ],
    K.SHELTER: [P.TRAFFICKING, P.UNACCOMPANIED_CHILD, P.WOMAN_AT_RISK],
    K.ANTI_TRAFFICKING_BODY: [P.TRAFFICKING],
    K.VICTIM_ASSISTANCE: [P.TRAFFICKING, P.CRIME_VICTIM_IN_TRANSIT],
    K.CONSULATE: [],
    K.WOMEN_INSTITUTE: [P.PREGNANT_OR_LACTATING, P.WOMAN_AT_RISK],
    K.DISABILITY_COUNCIL: [P.DISABILITY],
    K.OLDER_PERSONS_COUNCIL: [P.OLDER_PERSON],
    K.PROSECUTOR: [P.TRAFFICKING, P.CRIME_VICTIM_IN_TRANSIT],
    K.POLICE: [],
    K.HUMAN_RIGHTS_OMBUDSMAN: [
        P.INTERNATIONAL_PROTECTION,
        P.CRIME_VICTIM_IN_TRANSIT,
        P.LGBTI,
        P.INDIGENOUS,
    ],
    # IOM offices: assisted voluntary return, for adults without a protection need.
    K.INTERNATIONAL_ORGANISATION: [P.SMUGGLED_VULNERABLE, P.EXTRA_CONTINENTAL],
    K.NGO: [],
    K.MIGRATION_AUTHORITY: [],
    # Public legal aid (El Salvador's PGR): legal representation for an asylum claim, a
    # trafficking victim or a crime victim (IOM Handbook 2.4 "legal assistance").
    K.LEGAL_AID: [P.INTERNATIONAL_PROTECTION, P.TRAFFICKING, P.CRIME_VICTIM_IN_TRANSIT],
    # A foreign ministry serves no profile and is never suggested (no referral target).
    K.FOREIGN_MINISTRY: [],
}

# UNHCR offices are international organisations whose mandate is protection, not return.
_UNHCR_ACRONYMS = {"ACNUR", "UNHCR", "HCR"}
_UNHCR_PROFILES = [
    P.INTERNATIONAL_PROTECTION,
    P.STATELESS,
    P.UNACCOMPANIED_CHILD,
    P.SEPARATED_CHILD,
    P.LGBTI,
]
# Never offer return to someone who may need international protection (non-refoulement), nor
# to a child or an LGBTI person before a best-interests determination or risk assessment.
_NOT_FOR_RETURN = {
    P.INTERNATIONAL_PROTECTION,
    P.STATELESS,
    P.UNACCOMPANIED_CHILD,
    P.SEPARATED_CHILD,
    P.LGBTI,
    P.TRAFFICKING,
}


@dataclass(frozen=True)
class SeedCounts:
    organizations_created: int
    services_created: int


def organization_id_for(agency: Agency) -> uuid.UUID:
    return uuid.uuid5(DIRECTORY_NAMESPACE, f"agency/{agency.code}")


def service_id_for(agency: Agency) -> uuid.UUID:
    return uuid.uuid5(DIRECTORY_NAMESPACE, f"agency/{agency.code}/service")


def category_for(agency: Agency) -> ServiceCategory:
    if agency.kind == K.INTERNATIONAL_ORGANISATION and agency.acronym in _UNHCR_ACRONYMS:
        return C.ASYLUM
    return CATEGORY_BY_KIND[agency.kind]


def profiles_for(agency: Agency) -> list[str]:
    """The profiles an agency's service is for, in the enum's order."""
    if category_for(agency) == C.ASYLUM and agency.kind == K.INTERNATIONAL_ORGANISATION:
        served = set(_UNHCR_PROFILES)
    else:
        served = set(PROFILES_BY_KIND[agency.kind])
    if category_for(agency) in {C.RETURN_REINTEGRATION, C.FAMILY_TRACING}:
        served -= _NOT_FOR_RETURN
    return [profile.value for profile in P if profile in served]


def _seed_one(agency: Agency) -> tuple[bool, bool]:
    # The English name, where it differs, lets English words find the institution.
    description = agency.name_en if agency.name_en != agency.name else ""
    organization, organization_created = Organization.objects.update_or_create(
        id=organization_id_for(agency),
        defaults={
            "name": agency.name,
            "alternate_name": agency.acronym,
            "description": description,
            "agency": agency,
            "country_id": agency.country_id,
        },
    )
    _, service_created = Service.objects.get_or_create(
        id=service_id_for(agency),
        defaults={
            "organization": organization,
            "name": agency.name,
            "description": description,
            "category": category_for(agency),
            "profiles": profiles_for(agency),
        },
    )
    return organization_created, service_created


def seed_directory_from_agencies() -> SeedCounts:
    """Give every active agency that is a referral target and not an enforcement body an
    organisation and a service.

    Effects, in one transaction: creates or renames the organisation of each such agency
    (linked to it, in its country); creates its service once, with a category and profiles
    derived from the agency's kind, and never overwrites a service that exists, so edits
    made in the directory stay. Ids derive from agency codes, so running it again changes
    nothing. Enforcement bodies and institutions that are no referral target (tribunals,
    foreign ministries: `referral_target: false` in agencies.yaml) get no organisation and no
    service.
    """
    agencies = [
        agency
        for agency in Agency.objects.filter(active=True, enforcement=False).order_by("code")
        if policy_of(agency).referral_target
    ]
    organizations = services = 0
    with transaction.atomic():
        for agency in agencies:
            organization_created, service_created = _seed_one(agency)
            organizations += organization_created
            services += service_created
        refresh_eligibility(organizations=[organization_id_for(agency) for agency in agencies])
    return SeedCounts(organizations_created=organizations, services_created=services)
