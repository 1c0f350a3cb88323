"""Applying the retention rules: list what is due, then anonymise cases, erase unattached
screenings, the contents of old training attempts and decided likely-duplicate pairs,
leaving a tombstone with aggregates and an audit event for each record.

Protection sits below the apps whose records it removes, so their models are looked up by
name (`apps.get_model`), never imported. A case under legal hold is never due.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.db.models.deletion import ProtectedError
from django.utils import timezone

from amparo.protection.domain.audit import record_event
from amparo.protection.enums import AuditAction
from amparo.protection.fields import EncryptedJSONField, EncryptedTextField
from amparo.protection.retention.models import LegalHold, RetentionTombstone
from amparo.protection.retention.records import case_records
from amparo.protection.retention.rules import RetentionRule

# Codes kept when a case is anonymised: encrypted, and what statistics count by profile and
# factor; with the person anonymised they no longer describe anyone who can be named.
KEPT = {("screening", "profiledecision", "code"), ("assessment", "factorfinding", "factor_code")}
# Person fields that identify: emptied. Sex, birth year, nationalities and languages stay for
# the aggregates (docs/data-protection.md: they do not identify a person alone).
PERSON_BLANKS = {
    "given_names": "",
    "first_surname": "",
    "second_surname": "",
    "birth_date": "",
    "documents": None,
    "phone": "",
}


@dataclass(frozen=True)
class Due:
    """A record the rules say is due: its kind, id, how the listing names it, the rule."""

    kind: str
    record_id: int
    label: str
    rule: RetentionRule
    since: dt.datetime


def _done(kind: str) -> set[int]:
    """The ids of the records of this kind retention already handled."""
    ids = RetentionTombstone.objects.filter(kind=kind).values_list("record_id", flat=True)
    return {int(pk) for pk in ids}


def _due_cases(rules: list[RetentionRule], now: dt.datetime) -> list[Due]:
    case_model = apps.get_model("people", "Case")
    specific = {rule.outcome for rule in rules if rule.kind == "case" and rule.outcome != "any"}
    done = _done("case")
    due: list[Due] = []
    for rule in (r for r in rules if r.kind == "case"):
        cutoff = now - relativedelta(months=rule.after_months)
        rows = case_model.objects.filter(status="closed", closed_at__lt=cutoff)
        if rule.outcome == "any":
            rows = rows.exclude(closure_reason__in=specific)
        else:
            rows = rows.filter(closure_reason=rule.outcome)
        rows = rows.exclude(pk__in=LegalHold.objects.values("case_id")).order_by("closed_at", "id")
        for case in rows.only("pk", "reference", "closed_at"):
            if case.pk not in done:
                due.append(Due("case", case.pk, case.reference, rule, case.closed_at or now))
    return due


def _due_screenings(rules: list[RetentionRule], now: dt.datetime) -> list[Due]:
    screening_model = apps.get_model("screening", "Screening")
    due: list[Due] = []
    for rule in (r for r in rules if r.kind == "screening"):
        cutoff = now - relativedelta(months=rule.after_months)
        rows = screening_model.objects.filter(case__isnull=True, created_at__lt=cutoff)
        for row in rows.order_by("created_at", "id").only("pk", "created_at"):
            due.append(Due("screening", row.pk, f"screening #{row.pk}", rule, row.created_at))
    return due


# Training records: the tombstone kind of each rule outcome, and the model it erases from.
TRAINING_KINDS = {"quiz-answers": "quiz-attempt", "practice-attempts": "practice-attempt"}


def _due_training(rules: list[RetentionRule], now: dt.datetime) -> list[Due]:
    due: list[Due] = []
    for rule in (r for r in rules if r.kind == "training"):
        cutoff = now - relativedelta(months=rule.after_months)
        kind = TRAINING_KINDS[rule.outcome]
        rows: QuerySet[Any]
        if kind == "quiz-attempt":
            # An attempt waiting for its essays to be graded is still being worked on.
            rows = apps.get_model("training", "QuizAttempt").objects.filter(status="graded")
        else:
            rows = apps.get_model("training", "PracticeAttempt").objects.all()
        rows = rows.filter(submitted_at__lt=cutoff).exclude(pk__in=_done(kind))
        for row in rows.order_by("submitted_at", "id").only("pk", "submitted_at"):
            label = f"{kind.replace('-', ' ')} #{row.pk}"
            due.append(Due(kind, row.pk, label, rule, row.submitted_at))
    return due


# Likely-duplicate pairs (dedup): decided ones, as the tombstone kind names them.
DECIDED_PAIR_STATUSES = ("not_same", "merged")


def _due_pairs(rules: list[RetentionRule], now: dt.datetime) -> list[Due]:
    due: list[Due] = []
    for rule in (r for r in rules if r.kind == "dedup"):
        cutoff = now - relativedelta(months=rule.after_months)
        rows = apps.get_model("dedup", "DuplicateCandidate").objects.filter(
            status__in=DECIDED_PAIR_STATUSES, decided_at__lt=cutoff
        )
        for row in rows.order_by("decided_at", "id").only("pk", "decided_at"):
            label = f"duplicate pair #{row.pk}"
            due.append(Due("duplicate-pair", row.pk, label, rule, row.decided_at or now))
    return due


def due_records(rules: list[RetentionRule], *, now: dt.datetime) -> list[Due]:
    """Every record the rules make due at `now`, cases first, oldest first; held cases and
    records already anonymised are left out."""
    return (
        _due_cases(rules, now)
        + _due_screenings(rules, now)
        + _due_training(rules, now)
        + _due_pairs(rules, now)
    )


# --- Anonymising a case -----------------------------------------------------------------------


def _blanks(model: type[Model]) -> dict[str, Any]:
    """The empty value of each encrypted field of a model, except the codes kept."""
    meta = model._meta
    values: dict[str, Any] = {}
    for field in meta.concrete_fields:
        if (meta.app_label, meta.model_name, field.name) in KEPT:
            continue
        if isinstance(field, EncryptedTextField):
            values[field.name] = ""
        elif isinstance(field, EncryptedJSONField):
            values[field.name] = None if field.null else {}
    return values


def _blank_case_records(case: Any) -> list[str]:
    """Empty every encrypted field of the rows hanging from the case (at any depth); return
    the models touched, for the tombstone."""
    touched = []
    for model, rows in case_records(case):
        blanks = _blanks(model)
        if blanks and rows.update(**blanks):
            touched.append(model._meta.label_lower)
    return sorted(touched)


def _anonymise_person(case: Any) -> bool:
    """Empty the person's identifying fields and blind indexes, unless another case of theirs
    is still kept (open, held, or not yet due)."""
    others = type(case).objects.filter(person_id=case.person_id).exclude(pk=case.pk)
    if others.exclude(pk__in=_done("case")).exists():
        return False
    person_model = apps.get_model("people", "Person")
    person_model.objects.filter(pk=case.person_id).update(**PERSON_BLANKS)
    apps.get_model("people", "PersonIdentifier").objects.filter(person_id=case.person_id).delete()
    return True


def _case_aggregates(case: Any) -> dict[str, Any]:
    return {
        "country": case.country_id,
        "agency": case.agency_id,
        "opened_year": case.opened_at.year,
        "closed_year": case.closed_at.year if case.closed_at else None,
        "closure_reason": case.closure_reason,
    }


def anonymise_case(due: Due, *, actor: Model | None) -> RetentionTombstone:
    """Anonymise one case a rule made due.

    Effects, in one transaction: re-checks that the case is closed and not held (a hold set
    or a reopening since the listing wins: `HeldError`, nothing changed); empties every
    encrypted field hanging from the case, and the person's names, birth date, documents,
    phone and blind indexes (unless another case of theirs is kept); writes the
    tombstone with aggregates and a `retention.applied` audit event with ids and codes.
    """
    case_model = apps.get_model("people", "Case")
    with transaction.atomic():
        case = case_model.objects.select_for_update().get(pk=due.record_id)
        if LegalHold.objects.filter(case_id=case.pk).exists() or case.status != "closed":
            raise HeldError(f"{due.label}: held or reopened since listed, kept")
        return anonymise_locked_case(case, rule=due.rule.id, actor=actor)


def anonymise_locked_case(case: Any, *, rule: str, actor: Model | None) -> RetentionTombstone:
    """Anonymise a case the caller has locked and checked (retention, or erasure on the
    person's request with `rule="subject-request"`), inside the caller's transaction.

    Effects: the tombstone with aggregates, every encrypted field hanging from the case
    emptied, the person anonymised unless another case of theirs is kept (and then every
    likely-duplicate pair touching them erased, `erase_duplicate_pair`), and a
    `retention.applied` audit event naming the rule and the tombstone.
    """
    aggregates = _case_aggregates(case)
    tombstone = RetentionTombstone.objects.create(
        kind="case", record_id=str(case.pk), rule=rule, action="anonymise", aggregates=aggregates
    )
    touched = _blank_case_records(case)
    person = _anonymise_person(case)
    pairs = _erase_pairs_of_person(case.person_id, rule=rule, actor=actor) if person else 0
    tombstone.aggregates = {
        **aggregates, "person_anonymised": person, "records": touched, "duplicate_pairs": pairs
    }  # fmt: skip
    tombstone.save(update_fields=["aggregates"])
    payload = {"rule": rule, "action": "anonymise", "tombstone": tombstone.pk}
    record_event(AuditAction.RETENTION_APPLIED, actor=actor, subject=case, payload=payload)
    return tombstone


class HeldError(RuntimeError):
    """Retention left the record alone: it changed since it was listed (held, reopened,
    attached), or other records still refer to it. The message says which."""


# --- Erasing a screening ----------------------------------------------------------------------


def erase_screening(due: Due, *, actor: Model | None) -> RetentionTombstone:
    """Erase one unattached screening a rule made due: its row and its decisions. Effects, in
    one transaction: the tombstone (country, agency, year, urgency, protocol), a
    `retention.applied` audit event, the deletion. Raises `HeldError` when it was attached
    to a case since the listing."""
    screening_model = apps.get_model("screening", "Screening")
    with transaction.atomic():
        row = screening_model.objects.select_for_update().get(pk=due.record_id)
        if row.case_id is not None:
            raise HeldError(f"{due.label}: attached to a case since listed, kept")
        aggregates = {
            "country": row.country_id,
            "agency": row.agency_id,
            "year": row.created_at.year,
            "urgency": row.urgency,
            "protocol": row.protocol_id,
            "status": row.status,
        }
        tombstone = _erasure_recorded("screening", row, due.rule.id, aggregates, actor=actor)
        try:
            with transaction.atomic():
                row.delete()
        except ProtectedError:
            # An import record (fieldwork) refers to it: erasing it would let a re-import
            # bring it back. Kept, and the tombstone and event roll back with it.
            raise HeldError(f"{due.label}: other records refer to it, kept") from None
    return tombstone


# --- Erasing training records ----------------------------------------------------------------


def erase_quiz_answers(due: Due, *, actor: Model | None) -> RetentionTombstone:
    """Erase what a trainee wrote in one graded quiz attempt: each answer's response, the
    trainer's comment and the feedback. The attempt's score and pass stay (progress and
    certificates rest on them). Effects, in one transaction: the tombstone (module, year,
    answers erased), a `retention.applied` audit event, the erasure."""
    attempt_model = apps.get_model("training", "QuizAttempt")
    with transaction.atomic():
        attempt = attempt_model.objects.select_for_update().get(pk=due.record_id)
        answers = apps.get_model("training", "AttemptAnswer").objects.filter(attempt=attempt)
        erased = answers.update(response=None, comment="", feedback=[])
        aggregates = {
            "module": attempt.module_id,
            "year": attempt.submitted_at.year,
            "answers": erased,
        }
        return _erasure_recorded(due.kind, attempt, due.rule.id, aggregates, actor=actor)


def erase_practice_attempt(due: Due, *, actor: Model | None) -> RetentionTombstone:
    """Erase one practice attempt whole: the answers, the referral choices and the report.
    Effects, in one transaction: the tombstone (practice case, year), a `retention.applied`
    audit event, the deletion."""
    attempt_model = apps.get_model("training", "PracticeAttempt")
    with transaction.atomic():
        attempt = (
            attempt_model.objects.select_for_update().select_related("case").get(pk=due.record_id)
        )
        aggregates = {"practice_case": attempt.case.code, "year": attempt.submitted_at.year}
        tombstone = _erasure_recorded(due.kind, attempt, due.rule.id, aggregates, actor=actor)
        attempt.delete()
        return tombstone


def _erasure_recorded(
    kind: str, row: Model, rule: str, aggregates: dict[str, Any], *, actor: Model | None
) -> RetentionTombstone:
    """The tombstone of a record about to be erased and its `retention.applied` audit event,
    inside the caller's transaction (so they roll back with an erasure that fails)."""
    tombstone = RetentionTombstone.objects.create(
        kind=kind, record_id=str(row.pk), rule=rule, action="erase", aggregates=aggregates
    )
    payload = {"rule": rule, "action": "erase", "tombstone": tombstone.pk}
    record_event(AuditAction.RETENTION_APPLIED, actor=actor, subject=row, payload=payload)
    return tombstone


# --- Erasing likely-duplicate pairs -----------------------------------------------------------


def _erase_pair(pair: Any, *, rule: str, actor: Model | None) -> RetentionTombstone:
    """Erase one likely-duplicate pair the caller has locked, with its merge records.

    A merge still in force becomes final: the merged-away person, whose cases and blind
    indexes now belong to the survivor, has its identifying fields emptied (nothing could
    restore them to it any more). Effects, inside the caller's transaction: the tombstone
    (status, decision year, merges), a `retention.applied` audit event, the deletions.
    """
    merges = apps.get_model("dedup", "PersonMerge").objects.filter(candidate_id=pair.pk)
    in_force = list(merges.filter(unmerged_at__isnull=True).values_list("merged_id", flat=True))
    aggregates = {
        "status": pair.status,
        "decided_year": pair.decided_at.year if pair.decided_at else None,
        "merges": merges.count(),
        "merge_made_final": bool(in_force),
    }
    tombstone = _erasure_recorded("duplicate-pair", pair, rule, aggregates, actor=actor)
    apps.get_model("people", "Person").objects.filter(pk__in=in_force).update(**PERSON_BLANKS)
    merges.delete()  # with the lists of cases and identifiers each merge moved
    type(pair).objects.filter(pk=pair.pk).delete()
    return tombstone


def _erase_pairs_of_person(person_id: int, *, rule: str, actor: Model | None) -> int:
    """Erase every likely-duplicate pair touching an anonymised person; how many."""
    pairs = apps.get_model("dedup", "DuplicateCandidate").objects.select_for_update()
    touching = pairs.filter(Q(person_a_id=person_id) | Q(person_b_id=person_id)).order_by("pk")
    erased = 0
    for pair in touching:
        _erase_pair(pair, rule=rule, actor=actor)
        erased += 1
    return erased


def erase_duplicate_pair(due: Due, *, actor: Model | None) -> RetentionTombstone:
    """Erase one decided likely-duplicate pair a rule made due, with its merge records
    (`_erase_pair`), in one transaction. Raises `HeldError` when it was decided again since
    the listing (an unmerge), so that it is not due any more."""
    cutoff = timezone.now() - relativedelta(months=due.rule.after_months)
    pair_model = apps.get_model("dedup", "DuplicateCandidate")
    with transaction.atomic():
        pair = pair_model.objects.select_for_update().filter(pk=due.record_id).first()
        if pair is None:
            raise HeldError(f"{due.label}: erased with its person since listed")
        if pair.status not in DECIDED_PAIR_STATUSES or pair.decided_at >= cutoff:
            raise HeldError(f"{due.label}: decided again since listed, kept")
        return _erase_pair(pair, rule=due.rule.id, actor=actor)


def apply_due(due: Due, *, actor: Model | None) -> RetentionTombstone:
    """Anonymise or erase one due record, each in its own transaction."""
    if due.kind == "duplicate-pair":
        return erase_duplicate_pair(due, actor=actor)
    if due.kind == "case":
        return anonymise_case(due, actor=actor)
    if due.kind == "quiz-attempt":
        return erase_quiz_answers(due, actor=actor)
    if due.kind == "practice-attempt":
        return erase_practice_attempt(due, actor=actor)
    return erase_screening(due, actor=actor)
