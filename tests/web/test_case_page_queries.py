"""The full case page reads in a fixed number of queries, whatever the person's records hold.

Every person here is synthetic. Time is measured in `bench/case_read_bench.py`, never here.
"""

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from psycopg import pq

from amparo.accounts.models import User
from amparo.assessment.domain.assessments import FindingInput, record_assessment
from amparo.casework.domain.consent import ConsentInput, record_consent
from amparo.casework.domain.plans import ActionInput, GoalInput, save_plan
from amparo.casework.domain.tasks import create_task
from amparo.people.domain.cases import open_case
from amparo.people.models import Case
from amparo.screening.models import Screening
from tests.referrals.conftest import screen

# The page of a case in progress, with the "do not contact" box, the 2FA device check of the
# test client included: session, user, device, memberships, gate, the audit append (five
# statements on PostgreSQL), the plan, its goals and their actions, the person's screenings,
# profile decisions and refoulement finding, consents, tasks, approvals, notes, referrals, and
# the member countries' names.
MOST_QUERIES = 23
# On PostgreSQL, the messages sent outside a pipeline, each waiting for its answer: session,
# the user with their memberships (`StaffBackend`), device, the gate, and the page's fifteen
# reads together in one (`amparo.lib.batch`). The audit append is pipelined.
MOST_SENT_ALONE = 5


def _queries_of_the_page(client: Client, case: Case) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/cases/{case.pk}/")
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def _in_progress(case: Case, actor: User) -> None:
    record_consent(case, ConsentInput(purpose="assistance", method="written"), actor=actor)
    goals = [GoalInput(description="Synthetic goal", actions=[ActionInput(description="Act")])]
    save_plan(case, actor=actor, summary="Synthetic plan", goals=goals, expected_version=1)
    create_task(case, actor=actor, title="Synthetic task")


def test_the_case_page_reads_the_persons_records_in_a_fixed_number_of_queries(
    login: Callable[[User], Client], mx_caseworker: User, mx_case: Case
) -> None:
    client = login(mx_caseworker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    _in_progress(mx_case, mx_caseworker)
    client.get(f"/cases/{mx_case.pk}/")
    before = _queries_of_the_page(client, mx_case)

    # More records about the same person, on this case and on a second one: screenings (one
    # with fear of return, so the box shows), confirmed profiles, an assessment.
    second = open_case(mx_case.person, actor=mx_caseworker, agency=mx_case.agency)
    screen(mx_case, mx_caseworker)
    screen(second, mx_caseworker, fear_of_return=True, nationality="GT")
    screen(second, mx_caseworker)
    record_assessment(
        second,
        actor=mx_caseworker,
        kind="individual",
        concern_level="high",
        justification="Synthetic: removal order announced.",
        findings=[FindingInput("threat_of_refoulement", "risk", "Synthetic.", "self_report")],
    )
    after = _queries_of_the_page(client, mx_case)

    # Nothing more is read per case, screening or feared country.
    assert len(after) == len(before), "\n".join(after)
    assert len(after) <= MOST_QUERIES, "\n".join(after)


# Outside a test transaction, as a server runs: the audit append pipelines only then.
@pytest.mark.django_db(transaction=True)
def test_the_page_reads_in_one_round_trip_on_postgresql(
    login: Callable[[User], Client], mx_caseworker: User, mx_case: Case
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs in the process: there are no round trips to save")
    client = login(mx_caseworker)
    _in_progress(mx_case, mx_caseworker)
    client.get(f"/cases/{mx_case.pk}/")
    alone: list[str] = []

    def note_if_alone(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if connection.connection.pgconn.pipeline_status == pq.PipelineStatus.OFF:
            alone.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(note_if_alone):
        queries = _queries_of_the_page(client, mx_case)
    # Statements sent: compiled reads run as prepared statements (EXECUTE) once prepared.
    statements = sum(sql.count("SELECT ") + sql.count("EXECUTE ") for sql in queries)
    assert statements > MOST_SENT_ALONE + 10
    assert len(alone) <= MOST_SENT_ALONE, "\n".join(alone)
    assert any(sql.startswith("EXECUTE amparo_") for sql in alone)


def test_the_box_names_a_country_feared_in_another_case_of_the_same_person(
    login: Callable[[User], Client], mx_caseworker: User, mx_case: Case
) -> None:
    second = open_case(mx_case.person, actor=mx_caseworker, agency=mx_case.agency)
    screen(second, mx_caseworker, confirm=False, fear_of_return=True, nationality="GT")
    screen(mx_case, mx_caseworker, confirm=False)
    client = login(mx_caseworker)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(f"/cases/{mx_case.pk}/").content.decode()
    box = page.split("Do not contact", 1)[1][:600]
    assert "Guatemala" in box
    assert "Honduras" not in box
    # The case's own screening only is listed on its page.
    own = Screening.objects.get(case=mx_case)
    other = Screening.objects.get(case=second)
    assert f"/screening/{own.pk}/" in page
    assert f"/screening/{other.pk}/" not in page
