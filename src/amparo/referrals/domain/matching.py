"""Services that fit a case: confirmed profiles, needs, location, language, age and sex.

The database filters and ranks: `ServiceEligibility` (one indexed row per active service and
country, kept by the directory's write functions, `eligibility.py`) and `ServiceCode` (its
profiles and languages) give the points of `score` in SQL, so a query returns only the ids
of the services shown. Those few are loaded and scored in Python with the reasons they fit
and the reasons they may not, so the case manager sees why, not just a rank.
"""

import json
import operator
import uuid
from dataclasses import dataclass, field
from functools import reduce

from django.db.models import Case as SqlCase
from django.db.models import Expression, F, Q, Value, When
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from amparo.people.models import Case
from amparo.referrals.domain.eligibility import LANGUAGE, PROFILE, PROFILE_BITS
from amparo.referrals.domain.safety import (
    BID_FIRST_KINDS,
    CaseFacts,
    agencies_matching_leaves_out,
    facts_of,
)
from amparo.referrals.enums import ServiceStatus
from amparo.referrals.models import Service, ServiceCode, ServiceEligibility

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


def _serving(codes: tuple[str, ...]) -> Q:
    """Rows of services that list one of these profiles: a bit test on the row for the
    profiles with a bit, one indexed read of `ServiceCode` for any other."""
    condition = Q()
    mask = 0
    for code in codes:
        mask |= PROFILE_BITS.get(code, 0)
    if mask:
        condition |= Q(GreaterThan(F("profile_bits").bitand(mask), 0))
    others = tuple(code for code in codes if code not in PROFILE_BITS)
    if others:
        rows = ServiceCode.objects.filter(kind=PROFILE, code__in=others).values("service_id")
        condition |= Q(service_id__in=rows)
    return condition


def _speaking(codes: tuple[str, ...]) -> Q:
    rows = ServiceCode.objects.filter(kind=LANGUAGE, code__in=codes).values("service_id")
    return Q(service_id__in=rows)


def _points(condition: Q, points: int) -> SqlCase:
    return SqlCase(When(condition, then=Value(points)), default=Value(0))


def rank_expression(needs: Needs) -> Expression:
    """`score` in SQL over `ServiceEligibility`: the same points for the same facts."""
    # One term per needed profile, as `score` counts each needed profile it finds.
    parts = [_points(_serving((code,)), 40) for code in needs.profiles]
    if needs.categories:
        parts.append(_points(Q(category__in=needs.categories), 30))
    if needs.languages:
        parts.append(
            SqlCase(
                When(lists_languages=False, then=Value(0)),
                When(_speaking(needs.languages), then=Value(15)),
                default=Value(-15),
            )
        )
    if needs.age is not None:
        parts.append(_points(Q(minimum_age__gt=needs.age) | Q(maximum_age__lt=needs.age), -50))
    if needs.sex:
        parts.append(_points(~Q(sex="") & ~Q(sex=needs.sex), -50))
    parts.append(_points(Q(available=False), -30))
    parts.append(_points(Q(full=True), -20))
    return reduce(operator.add, parts)


def fitting(needs: Needs) -> Q | None:
    """The rows `score` gives at least one reason to fit: a needed profile or service, or,
    when neither is asked for, a shared language. None: nothing can fit."""
    relevant = Q()
    if needs.profiles:
        relevant |= _serving(needs.profiles)
    if needs.categories:
        relevant |= Q(category__in=needs.categories)
    if relevant:
        return relevant
    return _speaking(needs.languages) if needs.languages else None


def ranked_service_ids(
    case: Case, needs: Needs, facts: CaseFacts, leaves_out: set[int], limit: int
) -> list[uuid.UUID]:
    """The ids of the best `limit` active services in the case's country that fit the needs,
    best first (then by name), leaving out what the safety rules forbid for this case
    (safety.py): the feared country's institutions and consulates, enforcement bodies,
    consulates against the engine's consular decision, return and tracing before a
    best-interests determination. One query over the indexed eligibility table."""
    condition = fitting(needs)
    if condition is None:
        return []
    rows = ServiceEligibility.objects.filter(Q(country=case.country_id) & condition)
    rows = rows.exclude(agency_id__in=leaves_out)
    if facts.bid_first:
        rows = rows.exclude(category__in=BID_FIRST_KINDS)
    ranked = rows.annotate(rank=rank_expression(needs)).order_by("-rank", "name", "service_id")
    return list(ranked.values_list("service_id", flat=True)[:limit])


def _allowed(service: Service, leaves_out: set[int], facts: CaseFacts) -> bool:
    """The safety filter again on the service's own rows, whatever the copy says."""
    if service.status != ServiceStatus.ACTIVE:
        return False
    if service.organization.agency_id is not None and service.organization.agency_id in leaves_out:
        return False
    return not (facts.bid_first and service.category in BID_FIRST_KINDS)


def candidate_of(service: Service) -> Candidate:
    return Candidate(
        pk=str(service.pk),
        category=service.category,
        profiles=json.dumps(service.profiles),
        languages=json.dumps(service.languages),
        minimum_age=service.minimum_age,
        maximum_age=service.maximum_age,
        sex=service.sex,
        available=service.available,
        capacity=service.capacity,
    )


def _text(reasons: list[Reason]) -> list[str]:
    return [
        str(message) % {"values": ", ".join(values)} if values else str(message)
        for message, values in reasons
    ]


def match_services(case: Case, needs: Needs, *, limit: int = 20) -> list[ServiceMatch]:
    """Ranked services in the case's country that fit the needs, each with its reasons; never
    one the safety rules would refuse.

    The database ranks (`ranked_service_ids`); only the shown services are loaded, checked
    against the safety rules once more on their own rows and scored in Python for their
    reasons (the same points as the ranking)."""
    facts = facts_of(case)
    leaves_out = agencies_matching_leaves_out(case, facts)
    ids = ranked_service_ids(case, needs, facts, leaves_out, limit)
    if not ids:
        return []
    services = Service.objects.select_related("organization").in_bulk(ids)
    matches = []
    for pk in ids:
        service = services.get(pk)
        if service is None or not _allowed(service, leaves_out, facts):
            continue
        scored = score(candidate_of(service), needs)
        if scored.fits:
            matches.append(
                ServiceMatch(service, scored.score, _text(scored.fits), _text(scored.misfits))
            )
    return sorted(matches, key=lambda match: (-match.score, match.service.name))
