"""The data subject's rights, for a person with a case: access to everything held about them
(JSON and PDF), rectification through the normal edit path, and erasure on request once a
supervisor approves (the approvals of casework). Each is audited with ids and codes only.

Only a case manager or a supervisor of the case's agency handles these; anyone else gets the
same 404 as for a case that does not exist.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import Http404
from django.utils.translation import gettext as _

from amparo.accounts.enums import Role
from amparo.accounts.models import User
from amparo.casework.enums import ApprovalDecision, ApprovalKind
from amparo.casework.errors import TransitionNotAllowed
from amparo.casework.models import Approval
from amparo.people.domain.queries import cases_visible_to, get_case_for
from amparo.people.enums import CaseStatus
from amparo.people.models import Case
from amparo.protection.domain.audit import record_event
from amparo.protection.enums import AuditAction
from amparo.protection.fields import KeyedCodeField
from amparo.protection.retention.apply import anonymise_locked_case
from amparo.protection.retention.holds import is_held
from amparo.protection.retention.records import case_records

SUBJECT_ROLES = frozenset({Role.CASE_MANAGER, Role.SUPERVISOR})
EXPORT_FORMATS = ("json", "pdf")
# Never shown: ids of the rows themselves, keyed hashes (meaningless), the case's version.
_HIDDEN = {"id", "version"}


def get_subject_case_for(user: User, case_id: int) -> Case:
    """The gate of the subject-rights pages: the case gate, then a case manager or supervisor
    membership at the case's agency; 404 otherwise, as for a case that does not exist."""
    case = get_case_for(user, case_id)
    if not any(
        m.active and m.role in SUBJECT_ROLES and m.agency_id == case.agency_id
        for m in user.memberships.all()
    ):
        raise Http404
    return case


@dataclass
class Section:
    """The rows of one kind of record, as the export shows them."""

    model: str  # app_label.model_name: a stable key for JSON
    title: str  # the verbose plural name, in the active language
    rows: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class SubjectExport:
    case: Case
    person: dict[str, Any]
    cases: list[str]  # the references of the person's cases included
    sections: list[Section]


def _value(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    return value


def _row(instance: models.Model) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for f in instance._meta.concrete_fields:
        if f.name in _HIDDEN or isinstance(f, KeyedCodeField):
            continue
        row[f.name] = _value(getattr(instance, f.attname))
    return row


def _sections(cases: list[Case]) -> list[Section]:
    sections: dict[str, Section] = {}
    for case in cases:
        for model, rows in case_records(case):
            meta = model._meta
            section = sections.setdefault(
                meta.label_lower, Section(meta.label_lower, str(meta.verbose_name_plural))
            )
            section.rows.extend(_row(instance) for instance in rows.order_by("pk"))
    return [section for section in sections.values() if section.rows]


def subject_access(user: User, case_id: int, *, fmt: str, language: str) -> SubjectExport:
    """Everything held about the person of a case: their details, and every record of each
    of their cases the user may see (other cases stay out of reach, as everywhere).

    Effects: a `subject.access_exported` audit event naming the cases, the format and the
    language.
    """
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    case = get_subject_case_for(user, case_id)
    cases = list(cases_visible_to(user).filter(person_id=case.person_id).order_by("pk"))
    export = SubjectExport(
        case=case,
        person=_row(case.person),
        cases=[c.reference for c in cases],
        sections=_sections(cases),
    )
    payload = {"cases": [c.pk for c in cases], "format": fmt, "language": language}
    record_event(AuditAction.SUBJECT_ACCESS_EXPORTED, actor=user, subject=case, payload=payload)
    return export


def request_erasure(case: Case, *, actor: User) -> Approval:
    """Record the person's request to erase their data, for a supervisor to decide.

    Refused (`ValidationError` on `case`) unless the case is closed, not under legal hold and
    has no erasure request waiting. Effects: a pending `erasure` approval and a
    `subject.erasure_requested` audit event; one transaction. Nothing is erased until a
    supervisor approves (`decide_approval`, which calls `erase_on_request`).
    """
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        _check_erasable(locked)
        pending = locked.approvals.filter(
            kind=ApprovalKind.ERASURE, decision=ApprovalDecision.PENDING
        )
        if pending.exists():
            raise ValidationError({"case": _("An erasure request is already waiting.")})
        approval = Approval.objects.create(
            case=locked, kind=ApprovalKind.ERASURE, requested_by=actor
        )
        payload = {"approval": approval.pk}
        record_event(
            AuditAction.SUBJECT_ERASURE_REQUESTED, actor=actor, subject=locked, payload=payload
        )
    return approval


def _check_erasable(case: Case) -> None:
    if case.status != CaseStatus.CLOSED:
        raise ValidationError({"case": _("Close the case before erasing the person's data.")})
    if is_held(case):
        raise ValidationError({"case": _("The case is under legal hold: nothing can be erased.")})


def erase_on_request(approval: Approval, *, actor: User) -> None:
    """Erase what is held about the person of an approved erasure request, inside the
    decision's transaction: the case's records and the person anonymised as retention does
    (tombstone with aggregates), then a `subject.erased` audit event. Raises
    `TransitionNotAllowed` when the case was reopened or put under legal hold since the
    request, so the decision is not saved either.
    """
    case = Case.objects.select_for_update().get(pk=approval.case_id)
    try:
        _check_erasable(case)
    except ValidationError as error:
        raise TransitionNotAllowed(" ".join(error.messages)) from None
    tombstone = anonymise_locked_case(case, rule="subject-request", actor=actor)
    payload = {"approval": approval.pk, "tombstone": tombstone.pk}
    record_event(AuditAction.SUBJECT_ERASED, actor=actor, subject=case, payload=payload)
