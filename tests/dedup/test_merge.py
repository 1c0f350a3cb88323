"""Propose, approve, not the same person, unmerge: audited, scoped, all or nothing."""

import pytest
from django.http import Http404

from amparo.accounts.enums import Role
from amparo.accounts.models import Agency, User
from amparo.casework.domain.tasks import create_task
from amparo.dedup.domain import merge as decisions
from amparo.dedup.domain.queries import candidates_visible_to, get_candidate_for
from amparo.dedup.enums import CandidateStatus
from amparo.dedup.models import DuplicateCandidate
from amparo.people.models import Case, PersonIdentifier
from amparo.protection.enums import AuditAction
from amparo.protection.models import AuditEvent
from tests.conftest import _user
from tests.dedup.builders import candidate_for, duplicate_of


@pytest.fixture
def pair(mx_case: Case, mx_caseworker: User) -> DuplicateCandidate:
    return candidate_for(mx_case, duplicate_of(mx_case, actor=mx_caseworker))


@pytest.fixture
def second_supervisor(reference: None) -> User:
    return _user("lucia.mx", "mx-oim", Role.SUPERVISOR)


def _snapshot(candidate: DuplicateCandidate) -> dict[int, list[int]]:
    """Which cases and identifiers each person holds."""
    found: dict[int, list[int]] = {}
    for person_id in (candidate.person_a_id, candidate.person_b_id):
        cases = sorted(Case.objects.filter(person_id=person_id).values_list("pk", flat=True))
        ids = sorted(
            PersonIdentifier.objects.filter(person_id=person_id).values_list("pk", flat=True)
        )
        found[person_id] = cases + [-i for i in ids]
    return found


def test_a_merge_moves_every_case_and_identifier_and_is_audited(
    pair: DuplicateCandidate, mx_caseworker: User, mx_supervisor: User
) -> None:
    moved_case = Case.objects.get(person_id=pair.person_b_id)
    task = create_task(moved_case, actor=mx_caseworker, title="Follow-up")
    decisions.propose_merge(pair, actor=mx_caseworker)
    merge = decisions.approve_merge(pair, actor=mx_supervisor)
    assert Case.objects.filter(person_id=pair.person_b_id).count() == 0
    assert Case.objects.filter(person_id=pair.person_a_id).count() == 2
    assert PersonIdentifier.objects.filter(person_id=pair.person_b_id).count() == 0
    task.refresh_from_db()
    assert task.case.person_id == pair.person_a_id  # what hangs off a case follows it
    event = AuditEvent.objects.get(action=AuditAction.PERSONS_MERGED)
    assert event.payload == {
        "survivor": pair.person_a_id, "merged": pair.person_b_id, "cases": [moved_case.pk],
    }  # fmt: skip
    assert merge.merged.given_names == "Xiomara Fake"  # the merged person is kept as it was


def test_unmerge_restores_both_persons_exactly(
    pair: DuplicateCandidate, mx_caseworker: User, mx_supervisor: User
) -> None:
    before = _snapshot(pair)
    decisions.propose_merge(pair, actor=mx_caseworker)
    decisions.approve_merge(pair, actor=mx_supervisor)
    decisions.unmerge_persons(pair, actor=mx_supervisor)
    assert _snapshot(pair) == before
    pair.refresh_from_db()
    assert pair.status == CandidateStatus.NOT_SAME
    assert AuditEvent.objects.filter(action=AuditAction.PERSONS_UNMERGED).count() == 1


def test_the_proposer_cannot_approve_their_own_merge(
    pair: DuplicateCandidate, mx_supervisor: User, second_supervisor: User
) -> None:
    decisions.propose_merge(pair, actor=mx_supervisor)
    with pytest.raises(decisions.DedupError):
        decisions.approve_merge(pair, actor=mx_supervisor)
    decisions.approve_merge(pair, actor=second_supervisor)
    pair.refresh_from_db()
    assert pair.status == CandidateStatus.MERGED


def test_a_case_manager_cannot_approve(pair: DuplicateCandidate, mx_caseworker: User) -> None:
    decisions.propose_merge(pair, actor=mx_caseworker)
    with pytest.raises(decisions.DedupError, match="Only a supervisor"):
        decisions.approve_merge(pair, actor=_user("eva.mx", "mx-oim", Role.CASE_MANAGER))


def test_a_merge_with_a_case_outside_the_supervisors_agency_is_refused(
    pair: DuplicateCandidate, mx_caseworker: User, mx_supervisor: User, gt_caseworker: User
) -> None:
    person = Case.objects.filter(person_id=pair.person_b_id).get().person
    from amparo.people.domain.cases import open_case

    open_case(person, actor=gt_caseworker, agency=Agency.objects.get(code="gt-oim"))
    decisions.propose_merge(pair, actor=mx_caseworker)
    before = _snapshot(pair)
    with pytest.raises(decisions.DedupError, match="outside your agency"):
        decisions.approve_merge(pair, actor=mx_supervisor)
    assert _snapshot(pair) == before


def test_a_crash_mid_merge_leaves_nothing_half_merged(
    pair: DuplicateCandidate,
    mx_caseworker: User,
    mx_supervisor: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    decisions.propose_merge(pair, actor=mx_caseworker)
    before = _snapshot(pair)

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(decisions, "record_event", crash)
    with pytest.raises(RuntimeError):
        decisions.approve_merge(pair, actor=mx_supervisor)
    assert _snapshot(pair) == before
    pair.refresh_from_db()
    assert pair.status == CandidateStatus.PROPOSED
    assert not pair.merges.exists()


def test_not_the_same_person_is_final(pair: DuplicateCandidate, mx_caseworker: User) -> None:
    decisions.mark_not_same(pair, actor=mx_caseworker)
    with pytest.raises(decisions.DedupError):
        decisions.propose_merge(pair, actor=mx_caseworker)


def test_the_outsider_sees_no_pair(pair: DuplicateCandidate, gt_caseworker: User) -> None:
    assert list(candidates_visible_to(gt_caseworker)) == []
    with pytest.raises(Http404):
        get_candidate_for(gt_caseworker, pair.pk)


def test_a_merged_pair_stays_visible_to_its_agency(
    pair: DuplicateCandidate, mx_caseworker: User, mx_supervisor: User, gt_caseworker: User
) -> None:
    decisions.propose_merge(pair, actor=mx_caseworker)
    decisions.approve_merge(pair, actor=mx_supervisor)
    assert list(candidates_visible_to(mx_supervisor)) == [pair]
    assert list(candidates_visible_to(mx_caseworker)) == [pair]
    assert list(candidates_visible_to(gt_caseworker)) == []
