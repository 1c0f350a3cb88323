"""`fetch_together`: the same results as `list()`, in one round trip to PostgreSQL."""

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from amparo.accounts.models import Agency, Country, User
from amparo.casework.domain.tasks import create_task
from amparo.casework.models import Task
from amparo.lib.batch import CompiledRead, CompiledReadError, fetch_together
from amparo.people.models import Case
from amparo.protection.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_results_are_those_of_list_for_every_kind_of_queryset(
    mx_case: Case, mx_caseworker: User
) -> None:
    create_task(mx_case, actor=mx_caseworker, title="Call the shelter")
    create_task(mx_case, actor=mx_caseworker, title="Book an interpreter")
    querysets = [
        lambda: Case.objects.filter(pk=mx_case.pk).select_related("person", "agency"),
        lambda: Task.objects.filter(case=mx_case),
        lambda: mx_case.tasks.all()[:1],
        lambda: Agency.objects.filter(code__startswith="mx-").values("code", "kind"),
        lambda: Country.objects.order_by("code").values_list("code", flat=True),
        lambda: Country.objects.filter(code__in=[]),  # matches nothing: no SQL is sent
        lambda: AuditEvent.objects.values_list("action", "subject_id"),
    ]
    expected = [list(make()) for make in querysets]
    with CaptureQueriesContext(connection) as captured:
        found = fetch_together(*(make() for make in querysets))
    assert found == expected
    assert [task.title for task in found[1]] == ["Call the shelter", "Book an interpreter"]
    assert found[0][0].person.pk == mx_case.person_id  # select_related objects are built
    assert found[5] == []
    if connection.vendor == "postgresql":  # six statements, one round trip
        (sent,) = captured.captured_queries
        assert sent["sql"].count("SELECT") == len(querysets) - 1
    else:
        assert len(captured.captured_queries) == len(querysets) - 1


def test_a_failing_query_raises_and_the_connection_still_works(mx_case: Case) -> None:
    broken = Case.objects.extra(where=["no_such_column = 1"])
    # A savepoint, as around any query that may fail inside a transaction on PostgreSQL.
    with pytest.raises(Exception, match="no_such_column"), transaction.atomic():
        fetch_together(Case.objects.all(), broken)
    assert list(Case.objects.filter(pk=mx_case.pk)) == [mx_case]


# Compiled reads: built and compiled once per process, bound to each call's arguments.


def test_a_compiled_read_gives_what_a_fresh_queryset_gives_for_each_argument(
    mx_case: Case, gt_case: Case, mx_caseworker: User
) -> None:
    create_task(mx_case, actor=mx_caseworker, title="Call the shelter")
    builds: list[int] = []

    def tasks(case_id: int) -> QuerySet[Task]:
        builds.append(case_id)
        return Task.objects.filter(case_id=case_id, status="open").select_related("case")

    read = CompiledRead(tasks)
    read(mx_case.pk)
    compiling = len(builds)  # with two sets of placeholders, and the id's range probed
    for case in (mx_case, gt_case, mx_case):
        fresh = tasks(case.pk)
        (found,) = fetch_together(read(case.pk))
        assert found == list(fresh)
        assert read(case.pk).sql() == fresh.query.get_compiler(using="default").as_sql()
    assert [task.case.pk for task in fetch_together(read(mx_case.pk))[0]] == [mx_case.pk]
    # Built again only for the fresh comparisons above: never per call.
    assert len(builds) == compiling + 3


def test_compiled_reads_of_every_kind_go_with_querysets_in_one_message(
    mx_case: Case, mx_caseworker: User
) -> None:
    create_task(mx_case, actor=mx_caseworker, title="Book an interpreter")
    codes = CompiledRead(lambda prefix: Agency.objects.filter(country_id=prefix).values("code"))
    titles = CompiledRead(
        lambda case_id: Task.objects.filter(case_id=case_id).values_list("title", flat=True)[:1]
    )
    countries = CompiledRead(lambda: Country.objects.order_by("code"))
    with CaptureQueriesContext(connection) as captured:
        found = fetch_together(
            codes("MX"), titles(mx_case.pk), Case.objects.filter(pk=mx_case.pk), countries()
        )
    assert found[0] == list(Agency.objects.filter(country_id="MX").values("code"))
    assert found[1] == ["Book an interpreter"]
    assert found[2] == [mx_case]
    assert found[3] == list(Country.objects.order_by("code"))
    expected_messages = 1 if connection.vendor == "postgresql" else 4
    assert len(captured.captured_queries) == expected_messages


def test_each_shape_is_compiled_apart(mx_case: Case, gt_case: Case) -> None:
    by_agency = CompiledRead(
        lambda agency_code, case_id: Case.objects.filter(agency__code=agency_code, pk=case_id)
    )
    assert fetch_together(by_agency(mx_case.pk, shape="mx-oim")) == [[mx_case]]
    assert fetch_together(by_agency(gt_case.pk, shape="mx-oim")) == [[]]
    gt_code = gt_case.agency.code
    assert fetch_together(by_agency(gt_case.pk, shape=gt_code)) == [[gt_case]]


@pytest.mark.parametrize(
    ("build", "argument"),
    [
        (lambda name: Country.objects.filter(name_en__icontains=name), "mex"),  # "%mex%"
        (lambda case_id: Case.objects.filter(pk__in=[case_id, 1]), 3),  # fine, but then:
        (lambda day: Case.objects.filter(opened_at__date=day), dt.date(2026, 1, 1)),
        (lambda flag: Case.objects.filter(is_synthetic=flag), True),
    ],
    ids=["transformed", "in-a-list", "a-date", "a-boolean"],
)
def test_an_argument_that_does_not_reach_the_sql_unchanged_is_refused(
    build: Callable[[Any], QuerySet[Any]], argument: object, reference: None
) -> None:
    read = CompiledRead(build)
    if isinstance(argument, int) and not isinstance(argument, bool):
        # An id inside an IN list still reaches the SQL as its own parameter: allowed.
        assert fetch_together(read(argument)) == [list(build(argument))]
        return
    with pytest.raises(CompiledReadError, match="argument"):
        read(argument)  # type: ignore[arg-type]


# On PostgreSQL, a compiled read runs as a prepared statement of its connection.

on_postgresql = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="prepared statements are PostgreSQL's"
)


def _sent(read: CompiledRead, *args: int) -> tuple[list[Any], str]:
    with CaptureQueriesContext(connection) as captured:
        (found,) = fetch_together(read(*args))
    (query,) = captured.captured_queries
    return found, query["sql"]


@on_postgresql
def test_a_compiled_read_is_prepared_once_then_executed(mx_case: Case, gt_case: Case) -> None:
    # A literal percent sign in the SQL survives numbering the parameters.
    read = CompiledRead(
        lambda case_id: (
            Case.objects.extra(where=["people_case.reference NOT LIKE '%%zz'"])
            .exclude(reference="prepared-once")
            .filter(pk=case_id)
        )
    )
    found, first = _sent(read, mx_case.pk)
    assert found == [mx_case]
    assert first.startswith("PREPARE amparo_")
    assert "EXECUTE amparo_" in first
    found, second = _sent(read, gt_case.pk)
    assert found == [gt_case]
    assert second.startswith("EXECUTE amparo_")
    assert "PREPARE" not in second


@on_postgresql
def test_after_a_failed_message_statements_are_prepared_again_under_new_names(
    mx_case: Case,
) -> None:
    broken = Case.objects.extra(where=["no_such_column = 1"])
    read = CompiledRead(lambda case_id: Case.objects.exclude(reference="failed").filter(pk=case_id))
    with (
        CaptureQueriesContext(connection) as captured,
        pytest.raises(Exception, match="no_such_column"),
        transaction.atomic(),
    ):
        fetch_together(read(mx_case.pk), broken)
    # Its PREPARE ran before the failure (PREPARE outlives the rollback): preparing it again
    # under the same name would fail; a new name cannot.
    failed_name = captured.captured_queries[0]["sql"].split()[1]
    found, sql = _sent(read, mx_case.pk)
    assert found == [mx_case]
    assert sql.startswith("PREPARE amparo_")
    assert sql.split()[1] != failed_name
    found, sql = _sent(read, mx_case.pk)
    assert (found, sql.split()[0]) == ([mx_case], "EXECUTE")


@on_postgresql
def test_with_server_side_cursors_disabled_nothing_is_prepared(
    monkeypatch: pytest.MonkeyPatch, mx_case: Case
) -> None:
    """PgBouncer's transaction mode: Django's DISABLE_SERVER_SIDE_CURSORS turns them off."""
    monkeypatch.setitem(connection.settings_dict, "DISABLE_SERVER_SIDE_CURSORS", True)
    read = CompiledRead(lambda case_id: Case.objects.exclude(reference="pooled").filter(pk=case_id))
    found, sql = _sent(read, mx_case.pk)
    assert found == [mx_case]
    assert sql.startswith("SELECT ")


@pytest.mark.parametrize(
    "value", [2**15, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 2**70, -1, -(2**63) - 1]
)
def test_an_id_beyond_its_columns_range_matches_nothing_as_in_django(
    mx_case: Case, value: int
) -> None:
    """Found by schemathesis: /api/cases/22127001153217838972928/referrals answered 500. A
    lookup beyond its column's range matches nothing in Django and is never sent."""
    by_pk = CompiledRead(lambda case_id: Case.objects.filter(pk=case_id))
    by_version = CompiledRead(lambda version: Case.objects.filter(version=version))  # 0..2^31-1
    for read, build in ((by_pk, Case.objects.filter), (by_version, Case.objects.filter)):
        field = "pk" if read is by_pk else "version"
        assert fetch_together(read(value)) == [list(build(**{field: value}))] == [[]]


def test_an_argument_that_changes_the_sql_is_refused(reference: None) -> None:
    read = CompiledRead(lambda case_id: Case.objects.filter(pk=case_id)[: case_id % 7 + 1])
    with pytest.raises(CompiledReadError, match="changes its SQL"):
        read(1)
