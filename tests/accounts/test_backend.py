"""The sign-in backend reads the signed-in user and their memberships together."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from amparo.accounts.backends import StaffBackend
from amparo.accounts.models import Membership, User

pytestmark = pytest.mark.django_db


def test_the_user_comes_with_memberships_and_agencies_in_one_round_trip(
    mx_supervisor: User,
) -> None:
    with CaptureQueriesContext(connection) as captured:
        user = StaffBackend().get_user(mx_supervisor.pk)
    assert user == mx_supervisor
    expected = 1 if connection.vendor == "postgresql" else 2  # SQLite: one after the other
    assert len(captured.captured_queries) == expected
    with CaptureQueriesContext(connection) as afterwards:
        agencies = [m.agency.code for m in user.memberships.all()]
        owners = {m.user for m in user.memberships.all()}
    assert agencies == [m.agency.code for m in Membership.objects.filter(user=mx_supervisor)]
    assert owners == {user}
    assert afterwards.captured_queries == []


def test_an_inactive_or_unknown_user_is_not_signed_in(mx_supervisor: User) -> None:
    mx_supervisor.is_active = False
    mx_supervisor.save()
    assert StaffBackend().get_user(mx_supervisor.pk) is None
    assert StaffBackend().get_user(10_000_000) is None


def test_a_session_of_another_backend_still_gets_its_memberships(
    settings: object, login: Callable[[User], Client], mx_caseworker: User
) -> None:
    """Sessions signed in through Django's own backend (before this one) keep working: the
    memberships middleware reads their memberships apart."""
    model_backend = "django.contrib.auth.backends.ModelBackend"
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, model_backend]  # type: ignore[attr-defined]
    client = login(mx_caseworker)
    client.force_login(mx_caseworker, backend=model_backend)
    session = client.session
    assert session["_auth_user_backend"] == model_backend
    assert client.get("/cases/").status_code == 200
