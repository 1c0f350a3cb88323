"""The programme: cohorts of front-line representatives per country, sessions, attendance.

A trainer acts only for their own country: its cohorts, the sessions their country hosts or is
invited to, and the attendance of their own cohorts' members.
"""

import datetime as dt
from collections.abc import Mapping, Sequence

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from amparo.accounts.enums import Role
from amparo.accounts.models import Agency, Country, User
from amparo.protection.domain.audit import record_event
from amparo.training.enums import (
    COHORT_CAP,
    REPRESENTATIVE_KINDS,
    AttendanceStatus,
    SessionKind,
    TrainingAuditAction,
)
from amparo.training.models import Attendance, Cohort, CohortMember, Course, Module, TrainingSession
from amparo.training.rules import trainer_countries


class ProgrammeError(ValueError):
    """A programme change refused; the message says why, in the user's language."""


def _require_trainer_of(actor: User, country_code: str) -> None:
    if country_code not in trainer_countries(actor):
        raise ProgrammeError(_("Only a trainer of this country can do this."))


def create_cohort(*, actor: User, country: Country, course: Course, name: str) -> Cohort:
    """Create a cohort for the trainer's country.

    Effects: creates the cohort; records `training.cohort_created`. Refuses a trainer of another
    country and a name the country already uses.
    """
    _require_trainer_of(actor, country.code)
    try:
        with transaction.atomic():
            cohort = Cohort.objects.create(
                country=country,
                course=course,
                name=name.strip(),
                created_by=actor,
                created_at=timezone.now(),
            )
            record_event(
                TrainingAuditAction.COHORT_CREATED,
                actor=actor,
                subject=cohort,
                payload={"country": country.code, "course": course.code},
            )
    except IntegrityError:
        raise ProgrammeError(_("This country already has a cohort with this name.")) from None
    return cohort


def eligible_trainees(cohort: Cohort) -> QuerySet[User]:
    """Trainees representing a consulate, refugee commission, migration institute or law
    enforcement body of the cohort's country, not yet in the cohort."""
    return (
        User.objects.filter(
            memberships__role=Role.TRAINEE,
            memberships__active=True,
            memberships__agency__country=cohort.country,
            memberships__agency__kind__in=REPRESENTATIVE_KINDS,
        )
        .exclude(cohort_memberships__cohort=cohort)
        .distinct()
        .order_by("username")
    )


def _representative_agency(trainee: User, country: Country) -> Agency | None:
    membership = (
        trainee.memberships.filter(
            role=Role.TRAINEE,
            active=True,
            agency__country=country,
            agency__kind__in=REPRESENTATIVE_KINDS,
        )
        .select_related("agency")
        .first()
    )
    return membership.agency if membership else None


def add_cohort_member(cohort: Cohort, *, actor: User, trainee: User) -> CohortMember:
    """Add a front-line representative to the cohort, at most `COHORT_CAP` per cohort.

    Effects: locks the cohort row (so two trainers cannot pass the cap together), creates the
    membership with the institution the trainee represents, records
    `training.cohort_member_added`. Refuses (`ProgrammeError`) a trainer of another country, a
    trainee who does not represent an eligible institution of the country, a trainee already
    in the cohort, and a sixth member.
    """
    _require_trainer_of(actor, cohort.country_id)
    agency = _representative_agency(trainee, cohort.country)
    if agency is None:
        raise ProgrammeError(
            _(
                "Only trainees of this country's consulates, refugee commissions, migration "
                "institutes or law-enforcement bodies can join its cohort."
            )
        )
    with transaction.atomic():
        Cohort.objects.select_for_update().get(pk=cohort.pk)
        if cohort.members.filter(trainee=trainee).exists():
            raise ProgrammeError(_("This trainee is already in the cohort."))
        if cohort.members.count() >= COHORT_CAP:
            raise ProgrammeError(
                _("A cohort has at most %(cap)s front-line representatives: this one is full.")
                % {"cap": COHORT_CAP}
            )
        member = CohortMember.objects.create(
            cohort=cohort, trainee=trainee, agency=agency, added_at=timezone.now()
        )
        record_event(
            TrainingAuditAction.COHORT_MEMBER_ADDED,
            actor=actor,
            subject=cohort,
            payload={"trainee": trainee.pk, "agency": agency.code},
        )
    return member


def schedule_session(
    *,
    actor: User,
    title: str,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    host_country: Country,
    cohorts: Sequence[Cohort],
    invited: Sequence[Country] = (),
    module: Module | None = None,
) -> TrainingSession:
    """Schedule a session hosted by the trainer's country.

    Effects: creates the session with the host's cohorts and the invited countries (dialogue
    sessions only; each invited country adds its own cohorts later); records
    `training.session_scheduled`. Refuses an end before the start, cohorts of another
    country, and invitations to a session that is not a dialogue.
    """
    _require_trainer_of(actor, host_country.code)
    if ends_at < starts_at:
        raise ProgrammeError(_("The session cannot end before it starts."))
    if any(cohort.country_id != host_country.code for cohort in cohorts):
        raise ProgrammeError(_("Add only your own country's cohorts; other countries add theirs."))
    if invited and kind != SessionKind.DIALOGUE:
        raise ProgrammeError(_("Only a dialogue session invites other countries."))
    with transaction.atomic():
        session = TrainingSession.objects.create(
            title=title.strip(),
            kind=kind,
            starts_at=starts_at,
            ends_at=ends_at,
            host_country=host_country,
            module=module,
            created_by=actor,
        )
        session.countries.set([host_country, *invited])
        session.cohorts.set(cohorts)
        record_event(
            TrainingAuditAction.SESSION_SCHEDULED,
            actor=actor,
            subject=session,
            payload={
                "kind": kind,
                "countries": sorted({host_country.code, *(c.code for c in invited)}),
            },
        )
    return session


def add_cohort_to_session(session: TrainingSession, cohort: Cohort, *, actor: User) -> None:
    """A trainer adds their country's cohort to a session their country takes part in.

    Effects: links the cohort to the session; records `training.session_cohort_added`.
    """
    _require_trainer_of(actor, cohort.country_id)
    if not session.countries.filter(code=cohort.country_id).exists():
        raise ProgrammeError(_("This session does not include your country."))
    with transaction.atomic():
        session.cohorts.add(cohort)
        record_event(
            TrainingAuditAction.SESSION_COHORT_ADDED,
            actor=actor,
            subject=session,
            payload={"cohort": cohort.pk, "country": cohort.country_id},
        )


def session_trainees_for(session: TrainingSession, actor: User) -> QuerySet[CohortMember]:
    """The members of the session's cohorts whose attendance this trainer records."""
    return (
        CohortMember.objects.filter(
            cohort__sessions=session, cohort__country_id__in=trainer_countries(actor)
        )
        .select_related("trainee", "agency", "cohort")
        .order_by("cohort__name", "trainee__username")
    )


def record_attendance(session: TrainingSession, *, actor: User, statuses: Mapping[int, str]) -> int:
    """Record who attended (trainee id to present, absent or excused).

    Effects: creates or updates one Attendance per trainee given; records
    `training.attendance_recorded`. Refuses trainees outside the trainer's cohorts in this
    session and unknown statuses. Returns how many were recorded.
    """
    allowed = set(session_trainees_for(session, actor).values_list("trainee_id", flat=True))
    if not set(statuses) <= allowed:
        raise ProgrammeError(_("Record attendance only for your own cohorts in this session."))
    if any(status not in AttendanceStatus.values for status in statuses.values()):
        raise ProgrammeError(_("Attendance is present, absent or excused."))
    now = timezone.now()
    with transaction.atomic():
        for trainee_id, status in statuses.items():
            Attendance.objects.update_or_create(
                session=session,
                trainee_id=trainee_id,
                defaults={"status": status, "recorded_by": actor, "recorded_at": now},
            )
        record_event(
            TrainingAuditAction.ATTENDANCE_RECORDED,
            actor=actor,
            subject=session,
            payload={"trainees": sorted(statuses)},
        )
    return len(statuses)
