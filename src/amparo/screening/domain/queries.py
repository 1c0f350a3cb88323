"""Named reads of screenings, and the one access gate for a screening."""

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from amparo.accounts.enums import CASEWORK_ROLES
from amparo.accounts.models import Agency, User
from amparo.people.domain.queries import cases_visible_to
from amparo.people.enums import CaseStatus
from amparo.people.models import Case
from amparo.screening.models import ProfileDecision, Screening
from amparo.screening.protocol import protocol_registry
from amparo.screening.rules import screening_filter_for


def screenings_visible_to(user: User) -> QuerySet[Screening]:
    """Every screening the user may see, newest first, with what lists show, in one query.

    Each row carries `suggested` and `confirmed_count`: how many profiles were suggested and
    how many the officer confirmed (counts only: the codes are special-category data).
    """
    condition = screening_filter_for(user)
    if condition is None:
        return Screening.objects.none()
    return (
        Screening.objects.filter(condition)
        .select_related("agency", "country", "case", "screened_by")
        .annotate(
            suggested=Count("decisions"),
            confirmed_count=Count("decisions", filter=Q(decisions__confirmed=True)),
        )
        .order_by("-created_at", "-id")  # Meta.ordering does not apply to grouped queries
    )


def get_screening_for(user: User, screening_id: int) -> Screening:
    """The access gate for a screening: the screening, or 404 whether absent or out of scope.

    Whoever may see a screening may also work it, as with cases. The decisions come
    prefetched, in the protocol's order.
    """
    condition = screening_filter_for(user)
    if condition is None:
        raise Http404
    screening = (
        Screening.objects.filter(condition, pk=screening_id)
        .select_related("agency", "country", "case", "screened_by")
        .prefetch_related("decisions")
        .first()
    )
    if screening is None:
        raise Http404
    return screening


def screening_agency_for(user: User) -> Agency | None:
    """The agency a user screens for: their first active casework membership's, if any."""
    membership = (
        user.memberships.filter(active=True, role__in=CASEWORK_ROLES)
        .select_related("agency", "agency__country")
        .order_by("id")
        .first()
    )
    return membership.agency if membership is not None else None


def cases_to_attach(user: User) -> QuerySet[Case]:
    """The open cases a screening may be attached to: those the user may see and work."""
    return cases_visible_to(user).exclude(status=CaseStatus.CLOSED).order_by("-opened_at", "-id")


def screenings_of(case: Case) -> QuerySet[Screening]:
    """The screenings attached to a case, newest first, with their decisions."""
    return (
        Screening.objects.filter(case=case)
        .select_related("screened_by")
        .prefetch_related("decisions")
    )


def confirmed_profiles(case: Case) -> list[str]:
    """The profile codes an officer confirmed for this case, in the order first decided.

    The latest decision on a code wins: a profile confirmed at one screening and rejected at
    a later one (by a trained person, with a reason) is no longer listed.
    """
    return confirmed_profiles_by_case(screening__case=case).get(case.pk, [])


def confirmed_profiles_by_case(**screenings: object) -> dict[int, list[str]]:
    """`confirmed_profiles` of every case of the screenings the lookups select (e.g.
    `screening__case__person=person`), by case id, in one query."""
    return latest_confirmed(profile_decisions(**screenings))


def profile_decisions(
    **screenings: object,
) -> QuerySet[ProfileDecision, tuple[int, str, bool | None]]:
    """The profile decisions of the screenings the lookups select, oldest first, as
    (case id, code, confirmed): `latest_confirmed` reads them (a caller may read this query
    together with others, `amparo.lib.batch`)."""
    return (
        ProfileDecision.objects.filter(confirmed__isnull=False, **screenings)
        .order_by("decided_at", "id")
        .values_list("screening__case_id", "code", "confirmed")
    )


def latest_confirmed(decisions: Iterable[tuple[int, str, bool | None]]) -> dict[int, list[str]]:
    """The confirmed codes by case id: the latest decision on a code in a case wins."""
    latest: dict[int, dict[str, bool]] = {}
    for case_id, code, confirmed in decisions:
        latest.setdefault(case_id, {})[code] = bool(confirmed)
    return {
        case_id: [code for code, confirmed in codes.items() if confirmed]
        for case_id, codes in latest.items()
    }


def _profile_codes_by_key(keys: set[str]) -> dict[str, str]:
    """Profile code by keyed code: derived from the protocol files, so no row is decrypted;
    a code no protocol file holds any more is read (decrypted) from one of its rows."""
    known = {
        ProfileDecision.key_of(code): code
        for protocol in protocol_registry().values()
        for code in protocol.profiles
    }
    for key in keys - known.keys():
        row = ProfileDecision.objects.filter(code_key=key).values_list("code", flat=True).first()
        known[key] = row or key
    return known


def confirmed_profile_counts(screenings: QuerySet[Screening]) -> dict[str, int]:
    """How many of these screenings had each profile confirmed, by profile code.

    For statistics: profile codes are stored encrypted, so the database counts by the keyed
    code (`code_key`) in one grouped query and the codes are named here, in Python. The caller
    scopes `screenings` (by country, agency, period) and applies small-number suppression.
    """
    rows = (
        ProfileDecision.objects.filter(screening__in=screenings, confirmed=True)
        .order_by()
        .values("code_key")
        .annotate(count=Count("screening_id", distinct=True))
        .values_list("code_key", "count")
    )
    counts = dict(rows)
    names = _profile_codes_by_key(set(counts))
    return dict(sorted((names[key], count) for key, count in counts.items()))
