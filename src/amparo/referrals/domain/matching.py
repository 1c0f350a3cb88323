"""Services that fit a case: confirmed profiles, needs, location, language, age and sex.

Candidates are filtered in the database (country, and a needed profile or service) and read
as plain values; each is scored in Python with the reasons it fits and the reasons it may
not, so the case manager sees why, not just a rank. Only the shown services are loaded as
objects and only their reasons are translated, which keeps matching fast on large directories.
"""

import uuid
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from amparo.people.models import Case
from amparo.referrals.domain.queries import code_in_list, in_country
from amparo.referrals.domain.safety import (
    BID_FIRST_KINDS,
    CaseFacts,
    agencies_matching_leaves_out,
    facts_of,
)
from amparo.referrals.enums import ServiceStatus
from amparo.referrals.models import Service

_SERVES = _("Serves: %(values)s.")
_NOT_SPECIALISED = _("Not specialised in the person's profiles.")
_OFFERS = _("Offers the service needed.")
_SPEAKS = _("Speaks %(values)s.")
_NO_LANGUAGE = _("Does not list the person's languages: an interpreter is needed.")
_AGE = _("Outside the service's age range.")
_SEX = _("Serves another sex only.")
_UNAVAILABLE = _("Marked as not available now.")
_FULL = _("No capacity left.")

Reason = tuple[Promise, tuple[str, ...]]


@dataclass(frozen=True)
class Needs:
    profiles: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    age: int | None = None
    sex: str = ""


@dataclass(frozen=True)
class Candidate:
    """The fields of a service that matching reads. Profiles and languages stay the JSON text
    the database holds: membership of a code is a substring test on '"code"', which spares
    decoding thousands of lists (codes never contain quotes)."""

    pk: str
    category: str
    profiles: str
    languages: str
    minimum_age: int | None
    maximum_age: int | None
    sex: str
    available: bool
    capacity: int | None


@dataclass
class Scored:
    candidate: Candidate
    score: int = 0
    fits: list[Reason] = field(default_factory=list)
    misfits: list[Reason] = field(default_factory=list)


@dataclass
class ServiceMatch:
    service: Service
    score: int
    fits: list[str]
    misfits: list[str]


def needs_of(case: Case, profiles: list[str], categories: list[str] | None = None) -> Needs:
    person = case.person
    age = person.age_on(timezone.localdate())
    return Needs(tuple(profiles), tuple(categories or ()), tuple(person.languages), age, person.sex)


def _listed(codes: tuple[str, ...], json_list: str) -> list[str]:
    return sorted(code for code in codes if f'"{code}"' in json_list)


def score(candidate: Candidate, needs: Needs) -> Scored:
    result = Scored(candidate)
    served = _listed(needs.profiles, candidate.profiles)
    if served:
        result.score += 40 * len(served)
        result.fits.append((_SERVES, tuple(served)))
    elif needs.profiles and candidate.profiles not in ("", "[]"):
        result.misfits.append((_NOT_SPECIALISED, ()))
    if candidate.category in needs.categories:
        result.score += 30
        result.fits.append((_OFFERS, ()))
    _language(result, needs)
    _eligibility(result, needs)
    return result


def _language(result: Scored, needs: Needs) -> None:
    offered = result.candidate.languages
    if not needs.languages or offered in ("", "[]"):
        return
    shared = _listed(needs.languages, offered)
    if shared:
        result.score += 15
        result.fits.append((_SPEAKS, tuple(shared)))
    else:
        result.score -= 15
        result.misfits.append((_NO_LANGUAGE, ()))


def _eligibility(result: Scored, needs: Needs) -> None:
    c = result.candidate
    if needs.age is not None:
        too_young = c.minimum_age is not None and needs.age < c.minimum_age
        too_old = c.maximum_age is not None and needs.age > c.maximum_age
        if too_young or too_old:
            result.score -= 50
            result.misfits.append((_AGE, ()))
    if c.sex and needs.sex and c.sex != needs.sex:
        result.score -= 50
        result.misfits.append((_SEX, ()))
    if not c.available:
        result.score -= 30
        result.misfits.append((_UNAVAILABLE, ()))
    if c.capacity == 0:
        result.score -= 20
        result.misfits.append((_FULL, ()))


def candidates_for(country: str, needs: Needs) -> QuerySet[Service]:
    """Active services of the country that serve a needed profile or offer a needed service."""
    relevant = Q()
    for profile in needs.profiles:
        relevant |= code_in_list("profiles", profile)
    if needs.categories:
        relevant |= Q(category__in=needs.categories)
    rows = Service.objects.filter(Q(status=ServiceStatus.ACTIVE) & in_country(country))
    return rows.filter(relevant) if relevant else rows


def safe_candidates(case: Case, needs: Needs, facts: CaseFacts) -> QuerySet[Service]:
    """The candidates minus what the safety rules forbid for this case (safety.py): the
    feared country's institutions and consulates, enforcement bodies, consulates against the
    engine's consular decision, return and tracing before a best-interests determination."""
    rows = candidates_for(case.country_id, needs)
    rows = rows.exclude(organization__agency_id__in=agencies_matching_leaves_out(case, facts))
    if facts.bid_first:
        rows = rows.exclude(category__in=BID_FIRST_KINDS)
    return rows


def _text(reasons: list[Reason]) -> list[str]:
    return [
        str(message) % {"values": ", ".join(values)} if values else str(message)
        for message, values in reasons
    ]


def match_services(case: Case, needs: Needs, *, limit: int = 20) -> list[ServiceMatch]:
    """Ranked services in the case's country that fit the needs, each with its reasons; never
    one the safety rules would refuse."""
    # Read as text: no UUID objects and no JSON decoding for thousands of candidates.
    rows = safe_candidates(case, needs, facts_of(case)).values_list(
        Cast("id", TextField()),
        "category",
        Cast("profiles", TextField()),
        Cast("languages", TextField()),
        "minimum_age",
        "maximum_age",
        "sex",
        "available",
        "capacity",
    )
    scored = [score(Candidate(*row), needs) for row in rows]
    shown = sorted((s for s in scored if s.fits), key=lambda s: -s.score)[:limit]
    # SQLite keeps UUIDs as 32 hex digits, PostgreSQL with hyphens: UUID() reads both.
    ids = {s.candidate.pk: uuid.UUID(s.candidate.pk) for s in shown}
    services = Service.objects.select_related("organization").in_bulk(list(ids.values()))
    return [
        ServiceMatch(services[ids[s.candidate.pk]], s.score, _text(s.fits), _text(s.misfits))
        for s in sorted(shown, key=lambda s: (-s.score, services[ids[s.candidate.pk]].name))
    ]
