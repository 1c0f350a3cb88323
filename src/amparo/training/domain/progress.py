"""Progress: per trainee (modules passed, behind, overdue), per cohort and per country.

A module is passed once any attempt passes; it is overdue when a self-paced session of one of
the trainee's cohorts made it due and that session has ended. Every function here reads in a
fixed number of queries, whatever the number of trainees.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils import timezone

from amparo.accounts.models import User
from amparo.training.enums import AttemptStatus, SessionKind
from amparo.training.models import (
    Cohort,
    CohortMember,
    Course,
    Module,
    QuizAttempt,
    TrainingSession,
)

PASSED, FAILED, PENDING, NOT_STARTED = "passed", "failed", "pending", "not_started"


@dataclass(frozen=True)
class ModuleProgress:
    module: Module
    status: str  # passed, failed, pending (an essay waits), not_started
    best_score: float | None
    due: dt.datetime | None
    overdue: bool


@dataclass(frozen=True)
class TraineeProgress:
    trainee: User
    course: Course
    modules: tuple[ModuleProgress, ...]

    @property
    def passed(self) -> int:
        return sum(1 for row in self.modules if row.status == PASSED)

    @property
    def total(self) -> int:
        return len(self.modules)

    @property
    def behind(self) -> tuple[ModuleProgress, ...]:
        """The modules not passed yet."""
        return tuple(row for row in self.modules if row.status != PASSED)

    @property
    def overdue(self) -> tuple[ModuleProgress, ...]:
        return tuple(row for row in self.modules if row.overdue)


@dataclass(frozen=True)
class CohortSummary:
    cohort: Cohort
    members: int
    completed: int  # members who passed every module
    behind: int  # members with at least one overdue module
    percent: int  # modules passed over modules to pass, for the whole cohort


@dataclass(frozen=True)
class _Wanted:
    trainee: User
    course: Course
    cohort_ids: frozenset[int]


def _modules_by_course(course_ids: set[int]) -> dict[int, list[Module]]:
    found: dict[int, list[Module]] = defaultdict(list)
    for module in Module.objects.filter(course_id__in=course_ids, retired=False).order_by(
        "position"
    ):
        found[module.course_id].append(module)
    return found


def _results(
    trainee_ids: set[int], course_ids: set[int]
) -> dict[tuple[int, int], list[tuple[str, float | None, bool | None]]]:
    found: dict[tuple[int, int], list[tuple[str, float | None, bool | None]]] = defaultdict(list)
    rows = QuizAttempt.objects.filter(trainee_id__in=trainee_ids, module__course_id__in=course_ids)
    for trainee_id, module_id, status, score, passed in rows.values_list(
        "trainee_id", "module_id", "status", "score", "passed"
    ):
        found[(trainee_id, module_id)].append((status, score, passed))
    return found


def _due_dates(cohort_ids: set[int]) -> dict[tuple[int, int], dt.datetime]:
    """(cohort, module) to the earliest end of a self-paced session that makes it due."""
    found: dict[tuple[int, int], dt.datetime] = {}
    rows = TrainingSession.objects.filter(
        kind=SessionKind.SELF_PACED, module__isnull=False, cohorts__in=cohort_ids
    ).values_list("cohorts", "module_id", "ends_at")
    for cohort_id, module_id, ends_at in rows:
        key = (cohort_id, module_id)
        found[key] = min(ends_at, found.get(key, ends_at))
    return found


def _module_row(
    module: Module,
    results: list[tuple[str, float | None, bool | None]],
    due: dt.datetime | None,
    now: dt.datetime,
) -> ModuleProgress:
    scores = [score for _, score, _ in results if score is not None]
    if any(passed for _, _, passed in results):
        status = PASSED
    elif any(state == AttemptStatus.PENDING for state, _, _ in results):
        status = PENDING
    else:
        status = FAILED if results else NOT_STARTED
    overdue = due is not None and due < now and status != PASSED
    return ModuleProgress(module, status, max(scores) if scores else None, due, overdue)


def _progress(wanted: Sequence[_Wanted]) -> list[TraineeProgress]:
    course_ids = {w.course.pk for w in wanted}
    modules = _modules_by_course(course_ids)
    results = _results({w.trainee.pk for w in wanted}, course_ids)
    dues = _due_dates({cohort for w in wanted for cohort in w.cohort_ids})
    now = timezone.now()
    rows = []
    for w in wanted:
        module_rows = []
        for module in modules[w.course.pk]:
            due_dates = [dues[(c, module.pk)] for c in w.cohort_ids if (c, module.pk) in dues]
            due = min(due_dates) if due_dates else None
            module_rows.append(_module_row(module, results[(w.trainee.pk, module.pk)], due, now))
        rows.append(TraineeProgress(w.trainee, w.course, tuple(module_rows)))
    return rows


def cohort_progress(cohort: Cohort) -> list[TraineeProgress]:
    """Each member's progress on the cohort's course, by username."""
    members = CohortMember.objects.filter(cohort=cohort).select_related("trainee")
    return _progress([_Wanted(m.trainee, cohort.course, frozenset({cohort.pk})) for m in members])


def trainee_progress(trainee: User, courses: Iterable[Course]) -> list[TraineeProgress]:
    """The trainee's progress on each course: their cohorts' courses set the due dates."""
    memberships = list(CohortMember.objects.filter(trainee=trainee).select_related("cohort"))
    wanted = []
    for course in courses:
        cohorts = frozenset(m.cohort_id for m in memberships if m.cohort.course_id == course.pk)
        wanted.append(_Wanted(trainee, course, cohorts))
    return _progress(wanted)


def country_progress(cohorts: Sequence[Cohort]) -> list[CohortSummary]:
    """A summary per cohort (the cohorts of a trainer's countries)."""
    members = list(
        CohortMember.objects.filter(cohort__in=cohorts).select_related("trainee", "cohort__course")
    )
    progress = _progress(
        [_Wanted(m.trainee, m.cohort.course, frozenset({m.cohort_id})) for m in members]
    )
    by_cohort: dict[int, list[TraineeProgress]] = defaultdict(list)
    for member, row in zip(members, progress, strict=True):
        by_cohort[member.cohort_id].append(row)
    return [_summary(cohort, by_cohort[cohort.pk]) for cohort in cohorts]


def _summary(cohort: Cohort, rows: list[TraineeProgress]) -> CohortSummary:
    to_pass = sum(row.total for row in rows)
    passed = sum(row.passed for row in rows)
    return CohortSummary(
        cohort=cohort,
        members=len(rows),
        completed=sum(1 for row in rows if row.total and row.passed == row.total),
        behind=sum(1 for row in rows if row.overdue),
        percent=round(100 * passed / to_pass) if to_pass else 0,
    )
