"""`amparo dedup scan` over a small registry: real Splink, real encrypted persons."""

from django.core.management import call_command

from amparo.accounts.models import User
from amparo.dedup.domain import merge as decisions
from amparo.dedup.enums import CandidateStatus
from amparo.dedup.models import DuplicateCandidate
from amparo.people.models import Person
from amparo.protection.enums import AuditAction
from amparo.protection.models import AuditEvent


def test_the_scan_queues_the_duplicate_with_its_evidence(registry: list[Person]) -> None:
    call_command("dedup", "scan", "--threshold", "0.5")
    pairs = list(DuplicateCandidate.objects.all())
    assert [(p.person_a_id, p.person_b_id) for p in pairs] == [(registry[0].pk, registry[1].pk)]
    compared = {item["comparison"] for item in pairs[0].evidence}
    assert {"given_name", "surnames", "birth_date", "document"} <= compared
    event = AuditEvent.objects.get(action=AuditAction.DUPLICATES_SCANNED)
    assert event.payload == {"persons": 10, "new": 1, "updated": 0}


def test_a_pair_said_not_the_same_never_comes_back(
    registry: list[Person], mx_caseworker: User
) -> None:
    call_command("dedup", "scan", "--threshold", "0.5")
    decisions.mark_not_same(DuplicateCandidate.objects.get(), actor=mx_caseworker)
    call_command("dedup", "scan", "--threshold", "0.5")
    assert [p.status for p in DuplicateCandidate.objects.all()] == [CandidateStatus.NOT_SAME]
