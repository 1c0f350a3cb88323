"""Importing KoboToolbox and ODK submissions as screenings.

Each submission is evaluated by the screening engine and saved by `submit_screening`, exactly
as the web form saves one, so the import follows the same rules, the same audit and the same
events. A submission is imported once per agency, keyed by its instance id: importing the same
file again skips every row as a duplicate. Each row is its own transaction: a refused row saves
nothing, and the rows around it are still imported.
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from amparo.accounts.enums import CASEWORK_ROLES
from amparo.accounts.models import Agency, User
from amparo.fieldwork.formcodec import (
    PROTOCOL_FIELD,
    FieldValueError,
    answers_from_fields,
    form_version,
)
from amparo.fieldwork.models import ImportedSubmission
from amparo.screening.domain.screenings import submit_screening
from amparo.screening.protocol import (
    AnswersError,
    Protocol,
    ProtocolNotFoundError,
    load_protocol,
)
from amparo.training.domain.gate import may_submit_live_screenings


@dataclass(frozen=True)
class Submission:
    """One submission read from a file: where it is (file and line or number), its instance
    id, the protocol it says it was made with ("" when it says nothing), and its fields."""

    where: str
    instance_id: str
    form: str
    fields: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class RowOutcome:
    """What happened to one submission: `imported`, `duplicate` or `refused`; `field` names
    the field a refusal is about ("" for the whole submission)."""

    where: str
    instance_id: str
    outcome: str
    screening_id: int | None = None
    field: str = ""
    message: str = ""

    def __str__(self) -> str:
        values = {"where": self.where, "id": self.screening_id, "field": self.field}
        values["message"] = self.message
        if self.outcome == "imported":
            return _("%(where)s: imported (screening %(id)s)") % values
        if self.outcome == "duplicate":
            return _("%(where)s: skipped as duplicate (screening %(id)s)") % values
        if self.field:
            return _("%(where)s: %(field)s: refused: %(message)s") % values
        return _("%(where)s: refused: %(message)s") % values


@dataclass
class ImportReport:
    rows: list[RowOutcome] = field(default_factory=list)

    def count(self, outcome: str) -> int:
        return sum(1 for row in self.rows if row.outcome == outcome)


class _Refused(Exception):
    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.message, self.field = message, field


def _protocol_of(submission: Submission) -> Protocol:
    """The current version of the protocol the submission names, if it was made with it."""
    if not submission.form:
        message = _(
            "the submission has no %(field)s field: it was not made with a form from "
            "“amparo screening xlsform”"
        )
        raise _Refused(message % {"field": PROTOCOL_FIELD}, PROTOCOL_FIELD)
    protocol_id, _sep, version = submission.form.partition(" ")
    try:
        current = load_protocol(protocol_id)
    except ProtocolNotFoundError:
        message = _("the form names an unknown protocol “%(form)s”") % {"form": submission.form}
        raise _Refused(message, PROTOCOL_FIELD) from None
    if version != current.version:
        # Refused, as issue 12 requires, even for an older version this server still holds:
        # each version is its own set of questions and rules (1.1 split debt bondage from a
        # smuggler's debt and sends every report of sexual violence to health care at once), so
        # old answers evaluated now would give a result no protocol version gives.
        message = _(
            "made with the form of “%(form)s”, but this server imports only the current "
            "version, “%(current)s”: download the form of version %(version)s (Field "
            "collection page, or “amparo screening xlsform --protocol %(protocol)s”), deploy "
            "it in place of the old one, and enter this person's answers again with it"
        ) % {
            "form": submission.form,
            "current": form_version(current),
            "version": current.version,
            "protocol": current.id,
        }
        raise _Refused(message, PROTOCOL_FIELD)
    return current


def _answers(protocol: Protocol, submission: Submission) -> dict[str, object]:
    try:
        return dict(answers_from_fields(protocol, submission.fields))
    except FieldValueError as error:
        raise _Refused(str(error), error.field) from None


def _import_one(
    submission: Submission, *, actor: User, agency: Agency, source: str, lang: str
) -> RowOutcome:
    if not submission.instance_id:
        raise _Refused(_("the submission has no instance id (meta/instanceID or _uuid)"))
    done = ImportedSubmission.objects.filter(agency=agency, instance_id=submission.instance_id)
    previous = done.values_list("screening_id", flat=True).first()
    if previous is not None:
        return RowOutcome(submission.where, submission.instance_id, "duplicate", previous)
    protocol = _protocol_of(submission)
    answers = _answers(protocol, submission)
    with transaction.atomic():
        screening = submit_screening(
            actor=actor,
            agency=agency,
            answers=answers,
            protocol_id=protocol.id,
            protocol_version=protocol.version,
            lang=lang,
        )
        ImportedSubmission.objects.create(
            agency=agency,
            instance_id=submission.instance_id,
            screening=screening,
            source=source,
            imported_by=actor,
        )
    return RowOutcome(submission.where, submission.instance_id, "imported", screening.pk)


def _outcome(
    submission: Submission, *, actor: User, agency: Agency, source: str, lang: str
) -> RowOutcome:
    try:
        return _import_one(submission, actor=actor, agency=agency, source=source, lang=lang)
    except _Refused as refused:
        return RowOutcome(
            submission.where,
            submission.instance_id,
            "refused",
            None,
            refused.field,
            refused.message,
        )
    except AnswersError as error:
        first = error.problems[0]
        message = "; ".join(str(problem) for problem in error.problems)
        return RowOutcome(
            submission.where, submission.instance_id, "refused", None, first.code, message
        )
    except IntegrityError:  # imported by a concurrent run between the check and the insert
        done = ImportedSubmission.objects.get(agency=agency, instance_id=submission.instance_id)
        return RowOutcome(submission.where, submission.instance_id, "duplicate", done.screening_id)


def import_submissions(
    submissions: list[Submission],
    *,
    actor: User,
    agency: Agency,
    source: str,
    lang: str = "es",
) -> ImportReport:
    """Import collected submissions as screenings of `agency`, one transaction per row.

    Raises `PermissionDenied` unless the actor works cases at the agency and, where the
    deployment requires it, has passed the identification training: then nothing is read.

    Effects, per submission: a duplicate instance id is skipped; a submission made with another
    form version, without an instance id, or with an answer the protocol refuses is reported
    with its line and field, and nothing of it is saved; any other is saved by
    `submit_screening` (its audit event and `screening.created` event included) and recorded
    as imported under its instance id, in the same transaction.
    """
    if not _works_cases_at(actor, agency):
        raise PermissionDenied("the actor has no casework role at this agency")
    if not may_submit_live_screenings(actor):
        raise PermissionDenied(_("Pass the identification module of the training programme first."))
    report = ImportReport()
    for submission in submissions:
        report.rows.append(
            _outcome(submission, actor=actor, agency=agency, source=source, lang=lang)
        )
    return report


# Where each tool names the account that sent a submission: KoboToolbox's `_submitted_by`,
# ODK Central's `SubmitterName` (the app user or web user the export shows).
SUBMITTER_FIELDS = ("_submitted_by", "SubmitterName")


def submitter_of(submission: Submission) -> tuple[str, str]:
    """(field, username) naming who sent the submission, ("", "") when the file says nothing."""
    for name in SUBMITTER_FIELDS:
        value = str(submission.fields.get(name) or "").strip()
        if value:
            return name, value
    return "", ""


def _submitter_refusal(submission: Submission, field_name: str, message: str) -> RowOutcome:
    return RowOutcome(
        submission.where, submission.instance_id, "refused", None, field_name, message
    )


def import_submissions_as_submitters(
    submissions: list[Submission], *, agency: Agency, source: str, lang: str = "es"
) -> ImportReport:
    """Import each submission in the name of the staff member who sent it from the collection
    tool (`submitter_of`), for an import run without a named user.

    The submitter must be an active Amparo user with a casework role at `agency` who may
    submit live screenings (the same checks as `import_submissions`); otherwise the row is
    refused naming the field, and nothing of it is saved. Effects per accepted row: exactly
    those of `import_submissions`. Rows are reported in the file's order.
    """
    report = ImportReport()
    actors: dict[str, User | str] = {}
    for submission in submissions:
        field_name, username = submitter_of(submission)
        if not username:
            message = _("the file names no submitter; give the user who answers for the import")
            report.rows.append(_submitter_refusal(submission, SUBMITTER_FIELDS[0], message))
            continue
        if username not in actors:
            actors[username] = _submitter_actor(username, agency)
        actor = actors[username]
        if isinstance(actor, str):
            report.rows.append(_submitter_refusal(submission, field_name, actor))
            continue
        report.rows.append(
            _outcome(submission, actor=actor, agency=agency, source=source, lang=lang)
        )
    return report


def _submitter_actor(username: str, agency: Agency) -> User | str:
    """The user a submitter name stands for, or why it cannot answer for a screening."""
    user = User.objects.filter(username=username, is_active=True).first()
    values = {"user": username, "agency": agency.code}
    if user is None:
        return _("%(user)s is not an active Amparo user") % values
    # The same two checks as `import_submissions` makes of a named importer.
    if not _works_cases_at(user, agency):
        return _("%(user)s has no casework role at %(agency)s") % values
    if not may_submit_live_screenings(user):
        return _("%(user)s has not passed the identification module of the training") % values
    return user


def _works_cases_at(user: User, agency: Agency) -> bool:
    return user.memberships.filter(active=True, agency=agency, role__in=CASEWORK_ROLES).exists()
