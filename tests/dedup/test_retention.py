"""Retention of the review queue: decided pairs older than the rule are erased with their
merge records by `amparo retention apply`; pairs touching an anonymised person go with it."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from amparo.accounts.models import User
from amparo.dedup.domain import merge as decisions
from amparo.dedup.enums import CandidateStatus
from amparo.dedup.models import DuplicateCandidate, PersonMerge
from amparo.people.models import Case, Person
from amparo.protection.models import AuditEvent, RetentionTombstone
from amparo.protection.retention.rules import load_rules
from tests.dedup.builders import candidate_for, duplicate_of

LONG_AGO = timezone.now() - dt.timedelta(days=3 * 365)
LATELY = timezone.now() - dt.timedelta(days=30)


def _run(*args: str) -> str:
    out = StringIO()
    call_command("retention", "apply", *args, stdout=out)
    return out.getvalue()


def _decided_at(pair: DuplicateCandidate, when: dt.datetime) -> None:
    DuplicateCandidate.objects.filter(pk=pair.pk).update(decided_at=when)


@pytest.fixture
def pairs(mx_case: Case, mx_caseworker: User) -> list[DuplicateCandidate]:
    """Four pairs of the same person: not the same long ago, not the same lately, open, and
    not the same long ago but touching nobody else."""
    made = [candidate_for(mx_case, duplicate_of(mx_case, actor=mx_caseworker)) for _ in range(3)]
    for pair in (made[0], made[1]):
        decisions.mark_not_same(pair, actor=mx_caseworker)
    _decided_at(made[0], LONG_AGO)
    _decided_at(made[1], LATELY)
    return made


def test_the_rules_file_has_the_decided_pairs_rule() -> None:
    rule = next(r for r in load_rules() if r.kind == "dedup")
    assert (rule.outcome, rule.action, rule.after_months) == ("decided", "erase", 24)


def test_a_pair_decided_long_ago_is_erased_the_others_kept(
    pairs: list[DuplicateCandidate],
) -> None:
    old, recent, still_open = pairs
    listed = _run("--dry-run")
    assert f"erase duplicate-pair duplicate pair #{old.pk} (rule decided-duplicate-pairs" in listed
    assert f"#{recent.pk} " not in listed
    assert DuplicateCandidate.objects.count() == 3
    _run()
    assert sorted(DuplicateCandidate.objects.values_list("pk", flat=True)) == sorted(
        [recent.pk, still_open.pk]
    )
    tombstone = RetentionTombstone.objects.get(kind="duplicate-pair")
    assert tombstone.record_id == str(old.pk)
    assert tombstone.aggregates == {
        "status": "not_same", "decided_year": LONG_AGO.year, "merges": 0,
        "merge_made_final": False,
    }  # fmt: skip
    event = AuditEvent.objects.get(action="retention.applied")
    assert event.payload["rule"] == "decided-duplicate-pairs"


def test_an_old_merge_becomes_final_and_the_merged_away_person_is_emptied(
    mx_case: Case, mx_caseworker: User, mx_supervisor: User
) -> None:
    other = duplicate_of(mx_case, actor=mx_caseworker)
    pair = candidate_for(mx_case, other)
    decisions.propose_merge(pair, actor=mx_caseworker)
    decisions.approve_merge(pair, actor=mx_supervisor)
    _decided_at(pair, LONG_AGO)
    _run()
    assert not DuplicateCandidate.objects.exists()
    assert not PersonMerge.objects.exists()
    merged = Person.objects.get(pk=pair.person_b_id)
    assert (merged.given_names, merged.documents, merged.phone) == ("", None, "")
    survivor = Person.objects.get(pk=pair.person_a_id)
    assert survivor.given_names == "Xiomarafake"
    other.refresh_from_db()
    assert other.person_id == survivor.pk  # the merged case stays with the survivor
    tombstone = RetentionTombstone.objects.get(kind="duplicate-pair")
    assert tombstone.aggregates["merge_made_final"] is True
    assert tombstone.aggregates["merges"] == 1


def test_an_unmerged_pair_is_kept_until_its_new_decision_is_old(
    mx_case: Case, mx_caseworker: User, mx_supervisor: User
) -> None:
    pair = candidate_for(mx_case, duplicate_of(mx_case, actor=mx_caseworker))
    decisions.propose_merge(pair, actor=mx_caseworker)
    decisions.approve_merge(pair, actor=mx_supervisor)
    decisions.unmerge_persons(pair, actor=mx_supervisor)  # not the same, decided now
    _run()
    pair.refresh_from_db()
    assert pair.status == CandidateStatus.NOT_SAME
    _decided_at(pair, LONG_AGO)
    _run()
    assert not DuplicateCandidate.objects.exists()
    assert not PersonMerge.objects.exists()
    assert Person.objects.get(pk=pair.person_b_id).given_names == "Xiomara Fake"  # unmerged


def test_the_pairs_of_an_anonymised_person_go_with_it_whatever_their_state(
    mx_case: Case, pairs: list[DuplicateCandidate]
) -> None:
    Case.objects.filter(pk=mx_case.pk).update(
        status="closed", closure_reason="objectives_met", closed_at=LONG_AGO - dt.timedelta(
            days=6 * 365)
    )  # fmt: skip
    _run()
    assert not DuplicateCandidate.objects.exists()  # open, lately decided and old alike
    erased = RetentionTombstone.objects.filter(kind="duplicate-pair")
    assert sorted(int(t.record_id) for t in erased) == sorted(p.pk for p in pairs)
    case_tombstone = RetentionTombstone.objects.get(kind="case")
    assert case_tombstone.aggregates["duplicate_pairs"] == 3
    # the other persons of the pairs keep their data: they have open cases
    assert Person.objects.get(pk=pairs[0].person_b_id).given_names == "Xiomara Fake"
