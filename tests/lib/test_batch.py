"""`fetch_together`: the same results as `list()`, in one round trip to PostgreSQL."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from amparo.accounts.models import Agency, Country, User
from amparo.casework.domain.tasks import create_task
from amparo.casework.models import Task
from amparo.lib.batch import fetch_together
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
