"""Named reads of the review queue, and its one access gate."""

from django.db.models import Q, QuerySet
from django.http import Http404

from amparo.accounts.models import User
from amparo.dedup.models import DuplicateCandidate, PersonMerge
from amparo.people.domain.queries import cases_visible_to


def candidates_visible_to(user: User) -> QuerySet[DuplicateCandidate]:
    """Pairs where the user sees a case of each person (for a merged pair: of each side)."""
    cases = cases_visible_to(user)
    persons = cases.values("person_id")
    moved = Q(merges__unmerged_at__isnull=True, merges__cases__in=cases.values("pk"))
    side_a = Q(person_a__in=persons)
    side_b = Q(person_b__in=persons)
    condition = (side_a & side_b) | (side_a & moved) | (side_b & moved)
    return DuplicateCandidate.objects.filter(condition).distinct()


def get_candidate_for(user: User, candidate_id: int) -> DuplicateCandidate:
    """The access gate for a pair: 404 whether it is absent or outside the user's scope."""
    candidate = (
        candidates_visible_to(user)
        .filter(pk=candidate_id)
        .select_related("person_a", "person_b")
        .first()
    )
    if candidate is None:
        raise Http404
    return candidate


def active_merge(candidate: DuplicateCandidate) -> PersonMerge | None:
    return candidate.merges.filter(unmerged_at__isnull=True).first()
