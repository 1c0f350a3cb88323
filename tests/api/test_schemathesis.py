"""The API probed by a tool, not by hand (issue 13 item 10): schemathesis generates requests
from /api/openapi.json, as read by a signed-in case manager, and every answer must be free of
server errors and match the documented status codes, content types and schemas.

Bounded: a fixed number of examples per operation, derandomised, so a run costs the same
every time and a failure replays.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.schemas import BaseSchema
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from amparo.accounts.models import User
from amparo.people.models import Case

EXAMPLES = 12
# The peer-to-peer inbox takes sealed envelopes from other nodes, not staff requests: the
# federation tests probe it with real envelopes.
NOT_FOR_STAFF = {"POST /api/federation/inbox"}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def signed_in(login: Callable[[User], Client], mx_caseworker: User, mx_case: Case) -> Client:
    """A verified session of the Mexican case manager, with real data present."""
    return login(mx_caseworker)


@pytest.fixture
def credentials(signed_in: Client) -> dict[str, dict[str, str]]:
    csrf = _get_new_csrf_string()
    cookies = {"sessionid": signed_in.cookies["sessionid"].value, "csrftoken": csrf}
    return {"cookies": cookies, "headers": {"X-CSRFToken": csrf}}


@contextmanager
def connection_kept_across_requests() -> Iterator[None]:
    """What Django's test client does around each request: a request must not close the
    test's connection (on PostgreSQL that would end the test transaction). Entered after the
    last use of the test client, which reconnects the signal when it finishes."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(signed_in: Client) -> BaseSchema:
    """The schema as a signed-in case manager reads it at /api/openapi.json."""
    response = signed_in.get("/api/openapi.json")
    assert response.status_code == 200
    loaded = schemathesis.openapi.from_dict(response.json())
    loaded.app = get_wsgi_application()
    return loaded


def _probe(operation: Any, credentials: dict[str, dict[str, str]]) -> None:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(
            headers=credentials["headers"], cookies=credentials["cookies"], checks=CHECKS
        )

    run()


def test_the_api_answers_every_generated_request_as_documented(
    api_schema: BaseSchema, credentials: dict[str, dict[str, str]]
) -> None:
    # One test walks every operation (schemathesis's own pytest wrapper does not run on this
    # pytest), collecting each failure so one run shows them all.
    failures, probed = [], 0
    for result in api_schema.get_all_operations():
        operation = result.ok()
        if operation.label in NOT_FOR_STAFF:
            continue
        probed += 1
        try:
            with connection_kept_across_requests():
                _probe(operation, credentials)
        except (Exception, BaseExceptionGroup) as exc:
            failures.append(f"{operation.label}: {str(exc)[:600]}")
    assert probed >= 30
    assert not failures, "\n\n".join(failures)
