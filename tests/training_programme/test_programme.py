"""Cohorts per country (at most five front-line representatives), sessions between countries,
attendance, and progress with who is behind and on what."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone
from django.utils.translation import override

from amparo.accounts.models import Country, User
from amparo.training.domain.programme import (
    ProgrammeError,
    add_cohort_member,
    add_cohort_to_session,
    record_attendance,
    schedule_session,
)
from amparo.training.domain.progress import cohort_progress, country_progress
from amparo.training.enums import SessionKind
from amparo.training.interfaces.charts import cohort_chart
from amparo.training.models import Attendance, Cohort, CohortMember, Course
from tests.training_programme.factories import attempt, cohort_with, module, session_for, trainee


def _message(caught: pytest.ExceptionInfo[ProgrammeError]) -> str:
    return str(caught.value)


def test_a_cohort_holds_at_most_five_representatives(course: Course, trainer: User) -> None:
    five = [trainee(f"rep{i}.mx", "mx-comar" if i % 2 else "mx-inm") for i in range(5)]
    cohort = cohort_with(trainer, five)
    with override("en"), pytest.raises(ProgrammeError) as caught:
        add_cohort_member(cohort, actor=trainer, trainee=trainee("sixth.mx", "mx-consulado-hn"))
    assert _message(caught) == (
        "A cohort has at most 5 front-line representatives: this one is full."
    )
    assert CohortMember.objects.filter(cohort=cohort).count() == 5


def test_a_member_represents_the_institution_of_their_trainee_role(
    course: Course, trainer: User, mx_trainee: User
) -> None:
    cohort = cohort_with(trainer, [mx_trainee])
    assert list(cohort.members.values_list("trainee__username", "agency__code")) == [
        ("lucia.mx", "mx-inm")
    ]


def test_only_representatives_of_eligible_institutions_of_the_country_may_join(
    course: Course, trainer: User, gt_trainee: User
) -> None:
    cohort = cohort_with(trainer, [])
    ngo = trainee("ngo.mx", "mx-cruz-roja")
    with override("en"), pytest.raises(ProgrammeError) as caught:
        add_cohort_member(cohort, actor=trainer, trainee=ngo)
    with pytest.raises(ProgrammeError):
        add_cohort_member(cohort, actor=trainer, trainee=gt_trainee)
    assert _message(caught) == (
        "Only trainees of this country's consulates, refugee commissions, migration institutes "
        "or law-enforcement bodies can join its cohort."
    )


def test_the_consular_staff_of_a_foreign_ministry_may_still_join(
    course: Course, gt_trainer: User
) -> None:
    """MINEX became a `foreign_ministry` (no consulate in its own country): its consular
    protection staff stay front-line representatives."""
    consul = trainee("consul.gt", "gt-minex")
    cohort = cohort_with(gt_trainer, [consul], country="GT")
    assert list(cohort.members.values_list("agency__code", flat=True)) == ["gt-minex"]


def test_a_trainer_cannot_add_to_another_country_cohort(
    course: Course, trainer: User, gt_trainer: User, gt_trainee: User
) -> None:
    cohort = cohort_with(gt_trainer, [], country="GT")
    with pytest.raises(ProgrammeError):
        add_cohort_member(cohort, actor=trainer, trainee=gt_trainee)
    with pytest.raises(ProgrammeError):
        cohort_with(trainer, [], country="GT", name="Not mine")


def test_a_trainee_joins_a_cohort_only_once(
    course: Course, trainer: User, mx_trainee: User
) -> None:
    cohort = cohort_with(trainer, [mx_trainee])
    with pytest.raises(ProgrammeError):
        add_cohort_member(cohort, actor=trainer, trainee=mx_trainee)


def _dialogue(trainer: User, cohort: Cohort) -> object:
    start = timezone.now() + dt.timedelta(days=3)
    return schedule_session(
        actor=trainer,
        title="Diálogo México-Guatemala",
        kind=SessionKind.DIALOGUE,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        host_country=cohort.country,
        cohorts=[cohort],
        invited=[Country.objects.get(code="GT")],
    )


def test_a_dialogue_session_includes_several_countries_cohorts(
    course: Course, trainer: User, mx_trainee: User, gt_trainer: User, gt_trainee: User
) -> None:
    mx_cohort = cohort_with(trainer, [mx_trainee])
    gt_cohort = cohort_with(gt_trainer, [gt_trainee], country="GT", name="Cohorte GT")
    session = _dialogue(trainer, mx_cohort)
    add_cohort_to_session(session, gt_cohort, actor=gt_trainer)  # type: ignore[arg-type]
    assert sorted(session.cohorts.values_list("country_id", flat=True)) == ["GT", "MX"]  # type: ignore[attr-defined]


def test_only_a_dialogue_invites_other_countries(course: Course, trainer: User) -> None:
    cohort = cohort_with(trainer, [])
    start = timezone.now()
    with pytest.raises(ProgrammeError):
        schedule_session(
            actor=trainer,
            title="Presentación",
            kind=SessionKind.EXPERT_PRESENTATION,
            starts_at=start,
            ends_at=start,
            host_country=cohort.country,
            cohorts=[cohort],
            invited=[Country.objects.get(code="GT")],
        )


def test_a_country_not_invited_cannot_add_its_cohort(
    course: Course, trainer: User, gt_trainer: User
) -> None:
    session = session_for(trainer, cohort_with(trainer, []))
    gt_cohort = cohort_with(gt_trainer, [], country="GT", name="Cohorte GT")
    with pytest.raises(ProgrammeError):
        add_cohort_to_session(session, gt_cohort, actor=gt_trainer)


def test_each_trainer_records_attendance_for_their_own_cohorts_only(
    course: Course, trainer: User, mx_trainee: User, gt_trainer: User, gt_trainee: User
) -> None:
    mx_cohort = cohort_with(trainer, [mx_trainee])
    gt_cohort = cohort_with(gt_trainer, [gt_trainee], country="GT", name="Cohorte GT")
    session = _dialogue(trainer, mx_cohort)
    add_cohort_to_session(session, gt_cohort, actor=gt_trainer)  # type: ignore[arg-type]
    record_attendance(session, actor=trainer, statuses={mx_trainee.pk: "present"})  # type: ignore[arg-type]
    with pytest.raises(ProgrammeError):
        record_attendance(session, actor=trainer, statuses={gt_trainee.pk: "absent"})  # type: ignore[arg-type]
    record_attendance(session, actor=gt_trainer, statuses={gt_trainee.pk: "excused"})  # type: ignore[arg-type]
    assert sorted(Attendance.objects.values_list("trainee__username", "status")) == [
        ("gloria.gt", "excused"),
        ("lucia.mx", "present"),
    ]


def test_progress_shows_who_is_behind_on_what_and_what_is_overdue(
    course: Course, trainer: User, mx_trainee: User
) -> None:
    other = trainee("mateo.mx", "mx-comar", name="Mateo Synth")
    cohort = cohort_with(trainer, [mx_trainee, other])
    overdue = session_for(
        trainer, cohort, kind=SessionKind.SELF_PACED, days=-2, module_code="identification"
    )
    attempt(mx_trainee, "identification")
    attempt(other, "identification", right=False)
    rows = {row.trainee.username: row for row in cohort_progress(cohort)}
    assert [(m.module.code, m.status, m.overdue) for m in rows["mateo.mx"].modules] == [
        ("identification", "failed", True),
        ("referral", "not_started", False),
    ]
    assert [m.module.code for m in rows["lucia.mx"].behind] == ["referral"]
    assert (rows["lucia.mx"].overdue, rows["mateo.mx"].overdue[0].due) == ((), overdue.ends_at)


def test_the_country_summary_counts_modules_passed_and_members_behind(
    course: Course, trainer: User, mx_trainee: User
) -> None:
    cohort = cohort_with(trainer, [mx_trainee, trainee("mateo.mx", "mx-comar")])
    session_for(trainer, cohort, kind=SessionKind.SELF_PACED, days=-1, module_code="referral")
    attempt(mx_trainee, "identification")
    [summary] = country_progress([cohort])
    assert (summary.members, summary.percent, summary.completed, summary.behind) == (2, 25, 0, 2)


def test_the_progress_chart_is_well_formed_svg_readable_in_black_and_white(
    course: Course, trainer: User, mx_trainee: User
) -> None:
    cohort = cohort_with(trainer, [mx_trainee])
    attempt(mx_trainee, "identification")
    with override("en"):
        svg = cohort_chart("Progress <of> Cohorte", cohort_progress(cohort))
    root = ET.fromstring(svg.split("\n", 1)[1])  # noqa: S314  # our own output, not untrusted
    ns = "{http://www.w3.org/2000/svg}"
    fills = {el.get("fill") for el in root.iter() if el.get("fill")}
    texts = [el.text for el in root.iter(f"{ns}text")]
    assert root.find(f"{ns}title").text == "Progress <of> Cohorte"  # type: ignore[union-attr]
    assert root.find(f"{ns}desc").text == "Lucía Trainsynth: 1 of 2 modules passed."  # type: ignore[union-attr]
    assert (fills, "style" in svg) == ({"#ffffff", "#000000"}, False)
    assert texts == ["Progress <of> Cohorte", "Lucía Trainsynth", "1 of 2 modules passed"]


def test_a_module_is_due_at_the_end_of_its_self_paced_session(
    course: Course, trainer: User, mx_trainee: User
) -> None:
    cohort = cohort_with(trainer, [mx_trainee])
    session = session_for(
        trainer, cohort, kind=SessionKind.SELF_PACED, days=5, module_code="referral"
    )
    [row] = cohort_progress(cohort)
    assert [(m.module.code, m.due, m.overdue) for m in row.modules] == [
        ("identification", None, False),
        ("referral", session.ends_at, False),
    ]
    assert module("referral").sessions.count() == 1


def test_the_demo_programme_seeds_a_cohort_and_its_sessions_once(
    course: Course, trainer: User, mx_trainee: User, gt_trainee: User
) -> None:
    from amparo.training.domain.demo import seed_demo_programme

    first = seed_demo_programme(trainer=trainer, trainees=[mx_trainee, gt_trainee])
    again = seed_demo_programme(trainer=trainer, trainees=[mx_trainee, gt_trainee])
    assert first is not None
    assert (again, list(first.members.values_list("trainee__username", flat=True))) == (
        first,
        ["lucia.mx"],
    )
    assert sorted(first.sessions.values_list("kind", flat=True)) == [
        "expert_presentation",
        "self_paced",
    ]
