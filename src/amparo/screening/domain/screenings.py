"""Saving screenings and the officer's review of them. One function per state change:

submitted (answers evaluated) → reviewed (every suggested profile confirmed or rejected) →
attached to a case. Each function checks the transition, saves, and writes its audit event in
one transaction; audit payloads hold ids and codes only.
"""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts.enums import CASEWORK_ROLES
from amparo.accounts.models import Agency, User
from amparo.fieldwork.domain.events import emit_event
from amparo.people.domain.cases import PersonData, open_case_for_new_person
from amparo.people.domain.queries import get_case_for
from amparo.people.models import Case
from amparo.protection.domain.audit import record_event
from amparo.protection.enums import AuditAction
from amparo.screening.domain.directory import directory_for
from amparo.screening.domain.queries import get_screening_for, screenings_visible_to
from amparo.screening.engine import ScreeningResult, evaluate
from amparo.screening.enums import TEXT_LANGUAGES
from amparo.screening.models import ProfileDecision, Screening, ScreeningStatus
from amparo.screening.protocol import AnswerValue, Protocol, load_protocol, validate_answers

DEFAULT_PROTOCOL = "rcm-2013"
# The stored result is evaluated in English: English texts are the gettext msgids, so a
# reader in any language gets them translated, and every part also carries its code.
RESULT_LANGUAGE = "en"

type Decisions = Mapping[str, tuple[bool, str]]


class ScreeningError(Exception):
    """A rule of screening refused the change; the message says which and why."""


# --- Submitting -------------------------------------------------------------------------------


def _check_may_screen(actor: User, agency: Agency) -> None:
    if not actor.memberships.filter(active=True, agency=agency, role__in=CASEWORK_ROLES).exists():
        raise PermissionDenied("the actor has no casework role at this agency")


def _json_answers(answers: Mapping[str, AnswerValue]) -> dict[str, Any]:
    return {code: list(v) if isinstance(v, tuple) else v for code, v in answers.items()}


def _evaluate(protocol: Protocol, answers: Mapping[str, AnswerValue]) -> ScreeningResult:
    """The result in English, with the agencies of the country of identification."""
    country = answers.get("country_of_identification")
    directory = directory_for(country if isinstance(country, str) else None)
    return evaluate(protocol, answers, directory=directory, lang=RESULT_LANGUAGE)


def _create(
    actor: User,
    agency: Agency,
    protocol: Protocol,
    answers: Mapping[str, AnswerValue],
    result: ScreeningResult,
    lang: str,
) -> Screening:
    """The screening row and one undecided decision per suggested profile."""
    screening = Screening.objects.create(
        agency=agency,
        country_id=agency.country_id,
        screened_by=actor,
        protocol_id=protocol.id,
        protocol_version=protocol.version,
        protocol_hash=protocol.sha256,
        lang=lang,
        answers=_json_answers(answers),
        result=result.to_dict(),
        urgency=result.urgency.level.value,
        status=ScreeningStatus.SUBMITTED,
    )
    order = list(protocol.profiles)
    ProfileDecision.objects.bulk_create(
        ProfileDecision(screening=screening, code=p.code, position=order.index(p.code))
        for p in result.profiles
    )
    return screening


def submit_screening(
    *,
    actor: User,
    agency: Agency,
    answers: object,
    protocol_id: str = DEFAULT_PROTOCOL,
    protocol_version: str | None = None,
    lang: str = "es",
) -> Screening:
    """Evaluate a person's answers and save the screening, with the protocol it used.

    Raises `AnswersError` listing every bad answer (nothing is saved), `ProtocolNotFoundError`
    for an unknown protocol or version, `ValueError` for an unknown language and
    `PermissionDenied` unless the actor works cases at the agency.

    Effects: evaluates the answers with the agencies of the country of identification read
    from the database; saves the screening (answers and the English result encrypted, the
    urgency level in clear, status `submitted`) and one undecided profile decision per
    suggested profile (its code encrypted); writes a `screening.saved` audit event with ids and
    codes, never a profile code; one transaction.
    """
    if lang not in TEXT_LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(TEXT_LANGUAGES)}")
    _check_may_screen(actor, agency)
    protocol = load_protocol(protocol_id, protocol_version)
    cleaned = validate_answers(protocol, answers)
    result = _evaluate(protocol, cleaned)
    with transaction.atomic():
        screening = _create(actor, agency, protocol, cleaned, result, lang)
        payload = {
            "agency": agency.code,
            "protocol": protocol.id,
            "protocol_version": protocol.version,
            "status": screening.status,
            "urgency": screening.urgency,
            # Decision ids, never the profile codes: those are special-category data.
            "decisions": sorted(screening.decisions.values_list("pk", flat=True)),
        }
        record_event(AuditAction.SCREENING_SAVED, actor=actor, subject=screening, payload=payload)
        emit_event("screening.created", screening)
    return screening


# --- Reviewing --------------------------------------------------------------------------------


def _decision_errors(suggested: set[str], decisions: Decisions) -> dict[str, list[ValidationError]]:
    """Problems with the decisions, each under the profile code it concerns."""
    errors: dict[str, list[ValidationError]] = {}
    for code, (confirmed, reason) in decisions.items():
        if code not in suggested:
            message = _("This profile was not suggested by this screening.")
            errors[code] = [ValidationError(message, code="not_suggested")]
        elif not confirmed and not reason.strip():
            message = _("Give the reason for rejecting this profile.")
            errors[code] = [ValidationError(message, code="reason_required")]
    if not decisions and suggested:
        message = _("Confirm or reject at least one suggested profile.")
        errors[NON_FIELD_ERRORS] = [ValidationError(message, code="no_decision")]
    return errors


def _locked_for_review(screening: Screening) -> Screening:
    """The screening re-read under a row lock, if it may still be reviewed."""
    current = Screening.objects.select_for_update().get(pk=screening.pk)
    if current.case_id is not None:
        raise ScreeningError(_("This screening is attached to a case: it can no longer change."))
    if current.status not in {ScreeningStatus.SUBMITTED, ScreeningStatus.REVIEWED}:
        raise ScreeningError(_("Only a submitted screening can be reviewed."))
    return current


def decide_profiles(screening: Screening, *, actor: User, decisions: Decisions) -> Screening:
    """Record the officer's decision on suggested profiles: (confirmed, reason) by code.

    A rejection needs a reason. Profiles left out stay as they were, so an officer may decide
    in several passes and change a decision until the screening is attached to a case.
    Raises `ValidationError` keyed by profile code, and `ScreeningError` when the screening
    can no longer be reviewed.

    Effects: saves each decision (who, when; a rejection's reason encrypted) with
    `update_fields`; once every suggested profile is decided, moves the screening to
    `reviewed`; writes a `screening.confirmed` audit event naming the decisions confirmed and
    rejected (ids, never the profile codes); one transaction.
    """
    with transaction.atomic():
        current = _locked_for_review(screening)
        rows = {row.code: row for row in current.decisions.select_for_update()}
        errors = _decision_errors(set(rows), decisions)
        if errors:
            raise ValidationError(errors)
        now = timezone.now()
        for code, (confirmed, reason) in decisions.items():
            row = rows[code]
            row.confirmed = confirmed
            row.reason = "" if confirmed else reason.strip()
            row.decided_by, row.decided_at = actor, now
            row.save(update_fields=["confirmed", "reason", "decided_by", "decided_at"])
        if all(row.confirmed is not None for row in rows.values()):
            current.status, current.reviewed_at = ScreeningStatus.REVIEWED, now
            current.save(update_fields=["status", "reviewed_at"])
        payload = {  # decision ids, never the profile codes (special-category data)
            "confirmed": sorted(rows[code].pk for code, (ok, _reason) in decisions.items() if ok),
            "rejected": sorted(rows[code].pk for code, (ok, _ok) in decisions.items() if not ok),
            "status": current.status,
        }
        record_event(AuditAction.SCREENING_CONFIRMED, actor=actor, subject=current, payload=payload)
    screening.refresh_from_db()  # also drops the prefetched decisions, now stale
    return screening


# --- Attaching --------------------------------------------------------------------------------


def _target_case(
    screening: Screening, actor: User, case: Case | None, person_data: PersonData | None
) -> Case:
    """The existing case, or a new person's new case at the screening's agency."""
    if case is not None:
        return case
    if person_data is None:
        raise ValueError("give either an existing case or the details of a new person")
    return open_case_for_new_person(person_data, actor=actor, agency=screening.agency)


def attach_to_case(
    screening: Screening,
    *,
    actor: User,
    case: Case | None = None,
    person_data: PersonData | None = None,
) -> Case:
    """Attach a reviewed screening to a case: an existing one the actor may work, or the new
    case of a newly registered person at the screening's agency (the actor's, by the gate).

    Give exactly one of `case` and `person_data` (`ValueError` otherwise). Raises `Http404`
    when the case is outside the actor's scope, and `ScreeningError` unless the screening is
    reviewed and not yet attached.

    Effects: with `person_data`, registers the person and opens their case assigned to the
    actor (each writes its own audit event); sets the screening's case and `attached_at` with
    `update_fields`; writes a `screening.saved` audit event naming the case; one transaction.
    """
    if (case is None) == (person_data is None):
        raise ValueError("give either an existing case or the details of a new person")
    if case is not None:
        case = get_case_for(actor, case.pk)
    with transaction.atomic():
        current = Screening.objects.select_for_update().get(pk=screening.pk)
        if current.case_id is not None:
            raise ScreeningError(_("This screening is already attached to a case."))
        if current.status != ScreeningStatus.REVIEWED:
            raise ScreeningError(_("Confirm or reject every suggested profile first."))
        target = _target_case(current, actor, case, person_data)
        current.case, current.attached_at = target, timezone.now()
        current.save(update_fields=["case", "attached_at"])
        payload = {"case": target.pk, "new_case": case is None, "status": current.status}
        record_event(AuditAction.SCREENING_SAVED, actor=actor, subject=current, payload=payload)
    screening.case, screening.attached_at = target, current.attached_at
    return target


# --- Reading ----------------------------------------------------------------------------------


def read_screening(user: User, screening_id: int) -> Screening:
    """Open a screening through the gate, and record the reading: one attached to a case is a
    reading of the case (`case.viewed` naming the screening); one not yet attached is a
    `screening.viewed` event, since its answers are personal data too."""
    screening = get_screening_for(user, screening_id)
    payload = {"screening": screening.pk}
    if screening.case is not None:
        record_event(AuditAction.CASE_VIEWED, actor=user, subject=screening.case, payload=payload)
    else:
        record_event(AuditAction.SCREENING_VIEWED, actor=user, subject=screening, payload=payload)
    return screening


def list_screenings(user: User, *, limit: int, offset: int = 0) -> list[Screening]:
    """A page of the screenings the user may see, newest first. Lists show no answers and no
    profile codes (counts only), so listing is not audited."""
    return list(screenings_visible_to(user)[offset : offset + limit])
