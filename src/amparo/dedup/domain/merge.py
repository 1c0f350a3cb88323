"""Deciding on a likely duplicate: propose, approve (merge), not the same person, unmerge.

A merge never deletes or edits a Person: it moves the merged person's cases and identifiers
(blind indexes) to the survivor, and remembers which, so that unmerging moves exactly those
back. Everything attached to a case (screenings, consents, assessments, referrals, plans,
tasks, children's records) follows its case.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts.models import User
from amparo.dedup import rules
from amparo.dedup.enums import CandidateStatus
from amparo.dedup.models import DuplicateCandidate, PersonMerge
from amparo.people.models import Case, PersonIdentifier
from amparo.protection.domain.audit import record_event
from amparo.protection.enums import AuditAction


class DedupError(Exception):
    """A decision refused: the pair is in the wrong state or the user may not take it."""


def _locked(candidate: DuplicateCandidate) -> DuplicateCandidate:
    return DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)


def propose_merge(candidate: DuplicateCandidate, *, actor: User) -> DuplicateCandidate:
    """A case manager or supervisor says the two are one person; a supervisor must approve.

    Effects: status proposed, proposed_by; a `dedup.merge_proposed` audit event.
    """
    if not rules.can_propose(actor):
        raise DedupError(_("Only a case manager or a supervisor can propose a merge."))
    with transaction.atomic():
        current = _locked(candidate)
        if current.status != CandidateStatus.OPEN:
            raise DedupError(_("This pair is not waiting for review."))
        current.status = CandidateStatus.PROPOSED
        current.proposed_by = actor
        current.save(update_fields=["status", "proposed_by"])
        record_event(AuditAction.MERGE_PROPOSED, actor=actor, subject=current)
    return current


def mark_not_same(candidate: DuplicateCandidate, *, actor: User) -> DuplicateCandidate:
    """The two are different persons; the pair is remembered and never comes back.

    Effects: status not_same, decided_by/at; a `dedup.not_same` audit event.
    """
    if not rules.can_propose(actor):
        raise DedupError(_("Only a case manager or a supervisor can decide on a pair."))
    with transaction.atomic():
        current = _locked(candidate)
        if current.status not in (CandidateStatus.OPEN, CandidateStatus.PROPOSED):
            raise DedupError(_("This pair has already been decided."))
        _decide(current, CandidateStatus.NOT_SAME, actor)
        record_event(AuditAction.DUPLICATE_REJECTED, actor=actor, subject=current)
    return current


def _decide(candidate: DuplicateCandidate, status: str, actor: User) -> None:
    candidate.status = status
    candidate.decided_by = actor
    candidate.decided_at = timezone.now()
    candidate.save(update_fields=["status", "decided_by", "decided_at"])


def _check_supervisor(candidate: DuplicateCandidate, actor: User, person_ids: list[int]) -> None:
    scope = rules.supervisor_case_filter(actor)
    if scope is None:
        raise DedupError(_("Only a supervisor can approve or undo a merge."))
    every_case = Case.objects.filter(person_id__in=person_ids)
    if every_case.exclude(scope).exists():
        raise DedupError(
            _("A case of these persons is outside your agency; its supervisor must decide.")
        )


def approve_merge(candidate: DuplicateCandidate, *, actor: User) -> PersonMerge:
    """A supervisor approves a proposed merge: the newer person's cases move to the older.

    Effects, in one transaction: the cases and identifiers of `person_b` point to
    `person_a` (each case's version goes up), a PersonMerge records what moved, the pair
    becomes merged, a `dedup.merged` audit event lists the moved case ids.
    """
    with transaction.atomic():
        current = _locked(candidate)
        if current.status != CandidateStatus.PROPOSED:
            raise DedupError(_("Only a proposed merge can be approved."))
        _check_supervisor(current, actor, [current.person_a_id, current.person_b_id])
        if current.proposed_by_id == actor.pk:
            raise DedupError(_("Another supervisor must approve a merge you proposed."))
        merge = PersonMerge.objects.create(
            candidate=current,
            survivor_id=current.person_a_id,
            merged_id=current.person_b_id,
            approved_by=actor,
        )
        case_ids = list(Case.objects.filter(person_id=merge.merged_id).values_list("pk", flat=True))
        identifier_ids = list(
            PersonIdentifier.objects.filter(person_id=merge.merged_id).values_list("pk", flat=True)
        )
        merge.cases.set(case_ids)
        merge.identifiers.set(identifier_ids)
        Case.objects.filter(pk__in=case_ids).update(
            person_id=merge.survivor_id, version=F("version") + 1, updated_at=timezone.now()
        )
        PersonIdentifier.objects.filter(pk__in=identifier_ids).update(person_id=merge.survivor_id)
        _decide(current, CandidateStatus.MERGED, actor)
        record_event(
            AuditAction.PERSONS_MERGED,
            actor=actor,
            subject=current,
            payload={"survivor": merge.survivor_id, "merged": merge.merged_id, "cases": case_ids},
        )
    return merge


def unmerge_persons(candidate: DuplicateCandidate, *, actor: User) -> PersonMerge:
    """Undo a merge: exactly the cases and identifiers that moved go back; the pair is then
    remembered as not the same person.

    Effects, in one transaction: cases (version up) and identifiers back to `merged`,
    PersonMerge unmerged_by/at, the pair not_same, a `dedup.unmerged` audit event.
    """
    with transaction.atomic():
        current = _locked(candidate)
        merge = current.merges.select_for_update().filter(unmerged_at__isnull=True).first()
        if current.status != CandidateStatus.MERGED or merge is None:
            raise DedupError(_("Only a merged pair can be unmerged."))
        _check_supervisor(current, actor, [merge.survivor_id])
        case_ids = list(merge.cases.values_list("pk", flat=True))
        Case.objects.filter(pk__in=case_ids).update(
            person_id=merge.merged_id, version=F("version") + 1, updated_at=timezone.now()
        )
        merge.identifiers.update(person_id=merge.merged_id)
        merge.unmerged_by = actor
        merge.unmerged_at = timezone.now()
        merge.save(update_fields=["unmerged_by", "unmerged_at"])
        _decide(current, CandidateStatus.NOT_SAME, actor)
        record_event(
            AuditAction.PERSONS_UNMERGED,
            actor=actor,
            subject=current,
            payload={"survivor": merge.survivor_id, "merged": merge.merged_id, "cases": case_ids},
        )
    return merge
