"""Services that fit a case: confirmed profiles, needs, location, language, age and sex.

Candidates come from the case's country; each is scored in Python with the reasons it fits
and the reasons it may not, so the case manager sees why, not just a rank.
"""

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.people.models import Case
from amparo.referrals.domain.queries import services_matching
from amparo.referrals.models import Service


@dataclass
class ServiceMatch:
    service: Service
    score: int
    fits: list[str] = field(default_factory=list)
    misfits: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Needs:
    profiles: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    age: int | None = None
    sex: str = ""


def needs_of(case: Case, profiles: list[str], categories: list[str] | None = None) -> Needs:
    person = case.person
    age = timezone.localdate().year - person.birth_year if person.birth_year else None
    return Needs(tuple(profiles), tuple(categories or ()), tuple(person.languages), age, person.sex)


def score_service(service: Service, needs: Needs) -> ServiceMatch:
    match = ServiceMatch(service=service, score=0)
    served = set(service.profiles) & set(needs.profiles)
    if served:
        match.score += 40 * len(served)
        match.fits.append(_("Serves: %(profiles)s.") % {"profiles": ", ".join(sorted(served))})
    elif needs.profiles and service.profiles:
        match.misfits.append(_("Not specialised in the person's profiles."))
    if service.category in needs.categories:
        match.score += 30
        match.fits.append(_("Offers the service needed."))
    _check_language(match, service, needs)
    _check_eligibility(match, service, needs)
    if not service.available:
        match.score -= 30
        match.misfits.append(_("Marked as not available now."))
    if service.capacity == 0:
        match.score -= 20
        match.misfits.append(_("No capacity left."))
    return match


def _check_language(match: ServiceMatch, service: Service, needs: Needs) -> None:
    if not needs.languages or not service.languages:
        return
    shared = set(service.languages) & set(needs.languages)
    if shared:
        match.score += 15
        match.fits.append(_("Speaks %(languages)s.") % {"languages": ", ".join(sorted(shared))})
    else:
        match.score -= 15
        match.misfits.append(_("Does not list the person's languages: an interpreter is needed."))


def _check_eligibility(match: ServiceMatch, service: Service, needs: Needs) -> None:
    if needs.age is not None:
        too_young = service.minimum_age is not None and needs.age < service.minimum_age
        too_old = service.maximum_age is not None and needs.age > service.maximum_age
        if too_young or too_old:
            match.score -= 50
            match.misfits.append(_("Outside the service's age range."))
    if service.sex and needs.sex and service.sex not in (needs.sex, "all"):
        match.score -= 50
        match.misfits.append(_("Serves another sex only."))


def match_services(case: Case, needs: Needs, *, limit: int = 20) -> list[ServiceMatch]:
    """Ranked services in the case's country that fit the needs, each with its reasons."""
    candidates = services_matching(country=case.country_id)
    matches = [score_service(s, needs) for s in candidates]
    relevant = [m for m in matches if m.fits]
    return sorted(relevant, key=lambda m: (-m.score, m.service.name))[:limit]
