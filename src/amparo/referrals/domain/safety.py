"""Who a case's data may go to: the one place that says no.

Everything that sends a person's data out of the agency (a referral, its slip, an export, a
webhook, a cross-border envelope) asks `check_recipient_allowed` first and refuses when it
answers a `Refusal`; matching leaves out what it would refuse. The principles:

- Non-refoulement (1951 Refugee Convention art. 33; RCM 2013 Guidelines; IOM Handbook 2.2 "do
  no harm"): once a person is recorded as fearing return to a country, nothing about them goes
  to that country's consulates or to any institution of that country.
- Purpose limitation (IOM Data Protection Principles, DOMAIN.md 6.1): protection data is never
  used for immigration enforcement. A body with detention or removal powers receives a referral
  only for a purpose its entry in `accounts/reference/agencies.yaml` names, with a recorded
  legal basis and a supervisor's approval, never for a person with a protection need.
- Best interests of the child (CRC art. 3; UNHCR BID guidelines): no return and no family
  tracing before a best-interests determination for a child, nor where the family may be the
  danger.
"""

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts.domain.reference import AGENCIES_FILE
from amparo.accounts.enums import AgencyKind
from amparo.accounts.models import Agency, User
from amparo.assessment.enums import Mark
from amparo.assessment.models import FactorFinding
from amparo.casework.domain.consent import valid_basis_for
from amparo.casework.enums import BestInterestsKind, ConsentPurpose, LegalBasis
from amparo.casework.models import BestInterestsRecord
from amparo.lib.batch import CompiledRead, Read, fetch_together
from amparo.lib.datafiles import DataFileError, read_data_file
from amparo.people.models import Case, Person
from amparo.referrals.enums import ServedProfile, ServiceCategory
from amparo.screening.domain.queries import latest_confirmed, profile_decisions
from amparo.screening.models import Screening

P = ServedProfile

# A confirmed need for international protection withholds the consulate and authorities of the
# person's nationality, as the screening engine does (ConsularReason.PROTECTION_NEED).
_FEAR_PROFILES = frozenset({P.INTERNATIONAL_PROTECTION.value})
# The assessment factor that records a threat of refoulement (assessment/catalogue/domv.yaml).
_FEAR_FACTOR = "threat_of_refoulement"
# A protection need: an enforcement body never receives a referral for such a person.
PROTECTION_NEED_PROFILES = frozenset(
    {
        P.INTERNATIONAL_PROTECTION.value,
        P.STATELESS.value,
        P.TRAFFICKING.value,
        P.UNACCOMPANIED_CHILD.value,
        P.SEPARATED_CHILD.value,
        P.CRIME_VICTIM_IN_TRANSIT.value,
    }
)
# Profiles where the family may be the danger (IOM Handbook 2.5: LGBTI persons rejected or
# attacked by family; trafficking in which relatives take part): no family tracing or return
# before a best-interests determination or a documented assessment of that risk.
FAMILY_MAY_BE_DANGER = frozenset({P.LGBTI.value, P.TRAFFICKING.value})
CHILD_PROFILES = frozenset({P.UNACCOMPANIED_CHILD.value, P.SEPARATED_CHILD.value})
# The kinds that send a person back to, or look for, the family.
BID_FIRST_KINDS = frozenset(
    {ServiceCategory.RETURN_REINTEGRATION.value, ServiceCategory.FAMILY_TRACING.value}
)
# A general consent to "referral" names no recipient; it never covers a consulate or a
# migration authority, which the person must name (consent to share with that recipient).
NAMED_CONSENT_KINDS = frozenset({AgencyKind.CONSULATE.value, AgencyKind.MIGRATION_AUTHORITY.value})


@dataclass(frozen=True)
class Refusal:
    """Why data may not go to a recipient: a stable code, a message, the country concerned."""

    code: str
    message: str
    country: str = ""


@dataclass(frozen=True)
class RecipientPolicy:
    """What `agencies.yaml` says of one agency beyond its database row."""

    purposes: frozenset[str] = frozenset()
    referral_target: bool = True


@cache
def recipient_policies() -> dict[str, RecipientPolicy]:
    """`purposes` and `referral_target` of every agency in the reference file, checked."""
    data = read_data_file(AGENCIES_FILE)
    policies: dict[str, RecipientPolicy] = {}
    for country, items in data.items():
        for index, item in enumerate(items or []):
            purposes = item.get("purposes", [])
            unknown = sorted(set(purposes) - set(ServiceCategory.values))
            if not isinstance(purposes, list) or unknown:
                where = f"{country}[{index}].purposes"
                raise DataFileError(AGENCIES_FILE, where, f"unknown kind(s): {unknown}")
            target = item.get("referral_target", True)
            policies[item["code"]] = RecipientPolicy(frozenset(purposes), bool(target))
    return policies


def policy_of(agency: Agency) -> RecipientPolicy:
    """An agency missing from the file (made by hand) is a target with no enforcement purpose."""
    return recipient_policies().get(agency.code, RecipientPolicy())


@dataclass(frozen=True)
class PersonRecords:
    """What the safety rules read of a person, across all their cases, in three queries.

    `screenings`: every screening of the person's cases, newest first, answers included (the
    case page lists those of its case from here); `profiles`: the confirmed profile codes of
    each case, as `confirmed_profiles` gives them; `refoulement_risk`: an assessment marked
    the threat of refoulement as a risk.
    """

    person: Person
    screenings: list[Screening]
    profiles: dict[int, list[str]]
    refoulement_risk: bool

    def profiles_of(self, case: Case) -> list[str]:
        return self.profiles.get(case.pk, [])

    def screenings_of(self, case: Case) -> list[Screening]:
        return [screening for screening in self.screenings if screening.case_id == case.pk]


def person_records(person: Person) -> PersonRecords:
    """Read once what `feared_countries` and `facts_of` need: the screenings, the profile
    decisions (the latest decision on a code in a case wins) and the refoulement finding."""
    records, _none = person_records_with(person)
    return records


# The three reads of `person_records`, by person id, compiled once per process (every case
# page and every referral check sends them).
_SCREENINGS = CompiledRead(
    lambda person_id: Screening.objects.filter(case__person_id=person_id).defer("result")
)
_DECISIONS = CompiledRead(lambda person_id: profile_decisions(screening__case__person_id=person_id))
_REFOULEMENT_RISK = CompiledRead(
    lambda person_id: FactorFinding.objects.filter(
        assessment__case__person_id=person_id,
        mark=Mark.RISK,
        factor_key=FactorFinding.key_of(_FEAR_FACTOR),
    ).values_list("pk", flat=True)[:1]
)


def person_records_with(person: Person, *also: Read) -> tuple[PersonRecords, list[list[Any]]]:
    """`person_records`, and the results of the independent reads `also` (what a page shows
    beside them), all read in one round trip to PostgreSQL (`fetch_together`)."""
    screenings, decisions, risk, *others = fetch_together(
        _SCREENINGS(person.pk), _DECISIONS(person.pk), _REFOULEMENT_RISK(person.pk), *also
    )
    return PersonRecords(person, screenings, latest_confirmed(decisions), bool(risk)), others


def feared_countries(person: Person, records: PersonRecords | None = None) -> frozenset[str]:
    """Every country the person is recorded as fearing return to, from any of their cases.

    Sources: a screening answering yes to fear of return (the country is the screening's
    nationality, else the person's nationalities); a confirmed need for international
    protection; an assessment marking the threat of refoulement as a risk. Once recorded, a
    fear is never forgotten by a later record: safety does not depend on the newest answer.
    `records` are the person's, when the caller has read them already (`person_records`).
    """
    records = records if records is not None else person_records(person)
    nationalities = frozenset(person.nationalities or [])
    feared: set[str] = set()
    for screening in records.screenings:
        answers = screening.answers or {}
        if answers.get("fear_of_return") is True:
            nationality = answers.get("nationality")
            feared |= {nationality} if isinstance(nationality, str) else nationalities
    if any(_FEAR_PROFILES & set(codes) for codes in records.profiles.values()):
        feared |= nationalities
    if records.refoulement_risk:
        feared |= nationalities
    return frozenset(feared)


def is_child(person: Person, profiles: set[str], today: dt.date) -> bool:
    """Under 18 on `today` (`Person.age_on`), or confirmed as a child by a screening."""
    age = person.age_on(today)
    return bool(profiles & CHILD_PROFILES) or (age is not None and age < 18)


def determinations(case: Case) -> QuerySet[BestInterestsRecord, int]:
    """A best-interests determination of the person, in any of their cases (one id or none)."""
    return BestInterestsRecord.objects.filter(
        case__person=case.person, kind=BestInterestsKind.DETERMINATION
    ).values_list("pk", flat=True)[:1]


@dataclass(frozen=True)
class CaseFacts:
    """What the checks need of a case, read once (matching checks many recipients)."""

    feared: frozenset[str]
    profiles: frozenset[str]
    child: bool
    determined: bool
    # The case's country: a person already back in the country they fear (a returned person)
    # still reaches the services there; its consulates elsewhere stay refused.
    here: str = ""

    @property
    def protection_need(self) -> bool:
        return bool(self.feared) or bool(self.profiles & PROTECTION_NEED_PROFILES)

    @property
    def bid_first(self) -> bool:
        """Return and family tracing wait for a best-interests determination."""
        at_risk = self.child or bool(self.profiles & FAMILY_MAY_BE_DANGER)
        return at_risk and not self.determined


def facts_of(case: Case) -> CaseFacts:
    """The case's facts, read in one round trip to PostgreSQL."""
    records, (determination,) = person_records_with(case.person, determinations(case))
    profiles = frozenset(records.profiles_of(case))
    return CaseFacts(
        feared=feared_countries(case.person, records),
        profiles=profiles,
        child=is_child(case.person, set(profiles), timezone.localdate()),
        determined=bool(determination),
        here=case.country_id,
    )


def refusal_for(
    facts: CaseFacts, agency: Agency, purpose: str, *, has_basis: bool, approved: bool
) -> Refusal | None:
    """The first rule that forbids this recipient and purpose for these facts, or None."""
    located = agency.country_id if agency.country_id != facts.here else None
    feared = {located, agency.represents_id} & facts.feared
    if feared:
        country = sorted(c for c in feared if c)[0]
        message = _(
            "The person fears returning to %(country)s: nothing about them may go to its "
            "consulates or to any institution of that country."
        ) % {"country": country}
        return Refusal("feared_country", message, country)
    if not policy_of(agency).referral_target:
        return Refusal("not_a_referral_target", _("This institution is not a referral target."))
    if agency.enforcement:
        return _enforcement_refusal(facts, agency, purpose, has_basis=has_basis, approved=approved)
    if purpose in BID_FIRST_KINDS and facts.bid_first:
        message = _(
            "No return or family tracing before a best-interests determination: the person is "
            "a child, or their family may be the danger."
        )
        return Refusal("best_interests_first", message)
    return None


def _enforcement_refusal(
    facts: CaseFacts, agency: Agency, purpose: str, *, has_basis: bool, approved: bool
) -> Refusal | None:
    if facts.protection_need:
        message = _(
            "The person has a protection need: nothing about them may go to a body with "
            "detention or removal powers."
        )
        return Refusal("enforcement_protection_need", message)
    if purpose not in policy_of(agency).purposes:
        message = _("This body has detention or removal powers: it cannot receive this referral.")
        return Refusal("enforcement_purpose", message)
    if not has_basis:
        message = _(
            "A referral to a body with detention or removal powers needs a recorded legal basis "
            "to share with it by name."
        )
        return Refusal("enforcement_no_basis", message)
    if not approved:
        message = _(
            "A referral to a body with detention or removal powers needs a supervisor's "
            "approval, by someone other than the person who drafted it."
        )
        return Refusal("enforcement_not_approved", message)
    return None


def enforcement_basis(case: Case, agency: Agency) -> bool:
    """A legal basis other than consent, recorded for sharing with this body by name."""
    basis = valid_basis_for(case, ConsentPurpose.SHARING, recipient=agency)
    return basis is not None and basis.legal_basis != LegalBasis.CONSENT


def consular_contact_appropriate(case: Case) -> bool:
    """The screening engine's consular decision on the newest screening of the case: contact
    with a consulate is suggested only when the engine found it appropriate (a child without
    fear of return, an adult who may consent); unknown (no screening) means no."""
    screening = Screening.objects.filter(case=case).order_by("-created_at", "-id").first()
    result = (screening.result or {}) if screening is not None else {}
    return bool(result.get("consular_notification", {}).get("appropriate"))


def agencies_matching_leaves_out(case: Case, facts: CaseFacts) -> set[int]:
    """Ids of the agencies of the case's country (and consulates there) that matching must
    never suggest: those the checks refuse for any purpose, every enforcement body, and the
    consulates when the engine's consular decision says no."""
    consular_ok = consular_contact_appropriate(case)
    blocked = set()
    for agency in Agency.objects.filter(country_id=case.country_id):
        consulate = agency.kind == AgencyKind.CONSULATE
        never = refusal_for(facts, agency, "", has_basis=False, approved=False) is not None
        if never or agency.enforcement or (consulate and not consular_ok):
            blocked.add(agency.pk)
    return blocked


def check_draft_allowed(case: Case, agency: Agency, purpose: str) -> Refusal | None:
    """As `check_recipient_allowed`, for a draft: the supervisor approves between drafting and
    sending, so only the approval is not asked for yet."""
    return refusal_for(
        facts_of(case),
        agency,
        purpose,
        has_basis=agency.enforcement and enforcement_basis(case, agency),
        approved=True,
    )


def check_recipient_allowed(
    case: Case, agency: Agency, purpose: str, *, approved_by: User | None = None
) -> Refusal | None:
    """Whether this case's data may go to `agency` for `purpose` (a referral kind), or why not.

    The one check for every path that sends data out: drafting and sending referrals, slips,
    exports, webhooks, cross-border envelopes. `approved_by` is the supervisor who approved
    sending to an enforcement body; without it such a body is always refused. Reads only.
    """
    return refusal_for(
        facts_of(case),
        agency,
        purpose,
        has_basis=agency.enforcement and enforcement_basis(case, agency),
        approved=approved_by is not None,
    )
