"""Audited reads of the review queue: what the list and the pair pages show."""

from dataclasses import dataclass

from amparo.accounts.models import User
from amparo.dedup.domain.queries import active_merge, candidates_visible_to, get_candidate_for
from amparo.dedup.enums import CandidateStatus
from amparo.dedup.evidence import EvidenceLine, describe
from amparo.dedup.models import DuplicateCandidate
from amparo.people.domain.queries import PersonView, cases_visible_to, person_fields_for
from amparo.people.models import Case, Person
from amparo.protection.domain.audit import record_event
from amparo.protection.enums import AuditAction

PENDING = (CandidateStatus.OPEN, CandidateStatus.PROPOSED)


@dataclass
class PairPage:
    candidate: DuplicateCandidate
    persons: list[Person]
    cases: dict[int, list[Case]]  # person id -> the cases of that person the user sees
    views: dict[int, PersonView]  # person id -> what the user's role may read of them
    evidence: list[EvidenceLine]  # only the fields the user may read of both persons
    merged_into: int | None


NOTHING = PersonView(fields=frozenset(), labels=frozenset(), values={})


def _view_of(user: User, person: Person, cases: list[Case]) -> PersonView:
    """What the user may read of the person: `person_fields_for` at the agency of each case
    of theirs the user sees, the widest of them (a case page there shows as much); nothing
    when the user sees no case of theirs. Asked of the person itself, not the case's current
    person, which after a merge is the survivor."""
    views = [
        person_fields_for(user, Case(agency_id=agency_id, person=person))
        for agency_id in sorted({case.agency_id for case in cases})
    ]
    return max(views, key=lambda view: len(view.fields), default=NOTHING)


def list_candidates(user: User, *, status: str = "", limit: int = 100) -> list[DuplicateCandidate]:
    """The pairs the user may review, most likely first (pending ones unless `status`).

    Effects: a `dedup.listed` audit event with the number shown.
    """
    rows = candidates_visible_to(user)
    rows = rows.filter(status=status) if status else rows.filter(status__in=PENDING)
    found = list(rows.order_by("-probability", "id")[:limit])
    record_event(AuditAction.DUPLICATES_LISTED, actor=user, payload={"pairs": len(found)})
    return found


def read_candidate(user: User, candidate_id: int) -> PairPage:
    """One pair with both persons, their visible cases and the evidence; 404 out of scope.

    Of each person only the fields the user's role may read (`person_fields_for`), and only
    the evidence of fields the user may read of both.

    Effects: a `dedup.viewed` audit event naming the pair and both person ids.
    """
    candidate = get_candidate_for(user, candidate_id)
    merge = active_merge(candidate)
    persons = [candidate.person_a, candidate.person_b]
    cases: dict[int, list[Case]] = {p.pk: [] for p in persons}
    visible = cases_visible_to(user).filter(person_id__in=cases.keys())
    moved = set(merge.cases.values_list("pk", flat=True)) if merge else set()
    for case in visible:
        owner = merge.merged_id if case.pk in moved and merge else case.person_id
        cases[owner].append(case)
    record_event(
        AuditAction.DUPLICATE_VIEWED,
        actor=user,
        subject=candidate,
        payload={"persons": [candidate.person_a_id, candidate.person_b_id]},
    )
    views = {person.pk: _view_of(user, person, cases[person.pk]) for person in persons}
    readable = views[candidate.person_a_id].fields & views[candidate.person_b_id].fields
    return PairPage(
        candidate=candidate,
        persons=persons,
        cases=cases,
        views=views,
        evidence=describe(candidate.evidence, readable=readable),
        merged_into=merge.survivor_id if merge else None,
    )
