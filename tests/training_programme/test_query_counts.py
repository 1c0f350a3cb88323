"""Every list page reads in as many queries with three items as with one."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from amparo.accounts.models import User
from amparo.training.models import Course
from tests.training_programme.factories import (
    attempt,
    cohort_with,
    practise,
    session_for,
    trainee,
)

type LoginIn = Callable[[User, str], Client]


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def _trainees(start: int, count: int) -> list[User]:
    return [
        trainee(f"t{i}.mx", "mx-inm" if i % 2 else "mx-comar") for i in range(start, start + count)
    ]


def _cohorts(trainer: User, start: int, count: int) -> None:
    for i in range(start, start + count):
        cohort_with(trainer, _trainees(10 * i, 1), name=f"Cohorte {i}")


def _sessions(trainer: User, start: int, count: int) -> None:
    cohort = cohort_with(trainer, [], name=f"Base {start}")
    for i in range(count):
        session_for(trainer, cohort, days=start + i)


def _essays(trainer: User, start: int, count: int) -> None:
    for user in _trainees(10 * start, count):
        attempt(user, "referral")


def _members(trainer: User, start: int, count: int) -> None:
    cohort = cohort_with(trainer, [], name="Miembros") if start == 0 else None
    from amparo.training.domain.programme import add_cohort_member
    from amparo.training.models import Cohort

    cohort = cohort or Cohort.objects.get(name="Miembros")
    for user in _trainees(10 * start, count):
        add_cohort_member(cohort, actor=trainer, trainee=user)
        attempt(user, "identification")


LISTS: dict[str, tuple[str, Callable[[User, int, int], None]]] = {
    "cohorts": ("/training/cohorts/", _cohorts),
    "progress": ("/training/progress/", _cohorts),
    "progress_svg": ("/training/progress.svg", _cohorts),
    "sessions": ("/training/sessions/", _sessions),
    "essays": ("/training/essays/", _essays),
}


@pytest.mark.parametrize("name", list(LISTS))
def test_trainer_lists_read_in_constant_queries(
    name: str, course: Course, trainer: User, login_in: LoginIn
) -> None:
    url, make = LISTS[name]
    client = login_in(trainer, "en")
    make(trainer, 0, 1)
    one = _queries(client, url)
    make(trainer, 1, 2)
    assert _queries(client, url) == one


def test_the_cohort_page_reads_in_constant_queries(
    course: Course, trainer: User, login_in: LoginIn
) -> None:
    client = login_in(trainer, "en")
    _members(trainer, 0, 1)
    from amparo.training.models import Cohort

    cohort = Cohort.objects.get(name="Miembros")
    one = (
        _queries(client, f"/training/cohorts/{cohort.pk}/"),
        _queries(client, f"/training/cohorts/{cohort.pk}/progress.svg"),
    )
    _members(trainer, 1, 2)
    three = (
        _queries(client, f"/training/cohorts/{cohort.pk}/"),
        _queries(client, f"/training/cohorts/{cohort.pk}/progress.svg"),
    )
    assert three == one


@pytest.mark.parametrize("url", ["/training/", "/training/practice/", "trainee"])
def test_a_trainee_work_lists_read_in_constant_queries(
    url: str, course: Course, mx_trainee: User, login_in: LoginIn
) -> None:
    url = f"/training/trainees/{mx_trainee.pk}/" if url == "trainee" else url
    client = login_in(mx_trainee, "en")
    attempt(mx_trainee, "identification", right=False)
    practise(mx_trainee)
    one = _queries(client, url)
    for _ in range(2):
        attempt(mx_trainee, "identification", right=False)
        practise(mx_trainee)
    assert _queries(client, url) == one
