"""Personas and shared fixtures. Every person and case here is synthetic.

The personas: a case manager at agency A in Mexico (IOM Mexico), her supervisor, a case
manager at agency B in Guatemala, a trainer with no case access, and an administrator.
"""

import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY

from amparo.accounts.domain.reference import load_reference_data
from amparo.accounts.domain.users import create_staff_user
from amparo.accounts.enums import Role
from amparo.accounts.models import Agency, User
from amparo.people.domain.cases import PersonData, open_case, register_person
from amparo.people.models import Case
from amparo.protection import crypto
from amparo.protection.models import AuthenticatorDevice

pytest_plugins = ["tests.browser"]  # the Chromium fixtures

PASSWORD = "synthetic-test-password-1"

# No persistent connections in tests: the live server's threads would keep the test database
# open and PostgreSQL would refuse to drop it at the end.
settings.DATABASES["default"]["CONN_MAX_AGE"] = 0

# Argon2 still, but cheap: the suite creates many users (see tests/hashers.py).
settings.PASSWORD_HASHERS = ["tests.hashers.FastArgon2PasswordHasher"]

# Test keys are generated per run: nothing encrypted in tests outlives the run.
settings.AMPARO_KEYS = Fernet.generate_key().decode()
settings.AMPARO_INDEX_KEY = crypto.encode_index_key(b"k" * 32)
settings.AMPARO_AUDIT_KEY = crypto.new_secret_key()
settings.AMPARO_CHECKPOINT_KEY = crypto.new_secret_key()
crypto.reset_key_ring_cache()


@pytest.fixture(autouse=True)
def english_outside_requests() -> Iterator[None]:
    """Domain messages in English, so assertions read the msgids; pages still follow the
    browser's language through LocaleMiddleware, request by request."""
    with translation.override("en"):
        yield


@pytest.fixture
def reference(db: None) -> None:
    load_reference_data()


def _user(username: str, agency_code: str, role: Role) -> User:
    agency = Agency.objects.get(code=agency_code)
    return create_staff_user(
        username, password=PASSWORD, memberships=[(agency, role)], language="es"
    )


@pytest.fixture
def mx_caseworker(reference: None) -> User:
    return _user("ana.mx", "mx-oim", Role.CASE_MANAGER)


@pytest.fixture
def mx_supervisor(reference: None) -> User:
    return _user("sofia.mx", "mx-oim", Role.SUPERVISOR)


@pytest.fixture
def gt_caseworker(reference: None) -> User:
    return _user("bruno.gt", "gt-oim", Role.CASE_MANAGER)


@pytest.fixture
def trainer(reference: None) -> User:
    return _user("tomas.trainer", "mx-oim", Role.TRAINER)


@pytest.fixture
def administrator(reference: None) -> User:
    return _user("alma.admin", "mx-oim", Role.ADMINISTRATOR)


def make_case(*, actor: User, agency_code: str, given: str, surname: str, doc: str = "") -> Case:
    documents = [{"type": "passport", "number": doc, "country": "HN"}] if doc else []
    person = register_person(
        PersonData(
            given_names=given,
            first_surname=surname,
            second_surname="Synthetica",
            sex="female",
            birth_date=dt.date(1990, 5, 17),
            nationalities=["HN"],
            languages=["es"],
            documents=documents,
            phone="+52 55 0000 1111",
        ),
        actor=actor,
        is_synthetic=True,
    )
    agency = Agency.objects.get(code=agency_code)
    return open_case(person, actor=actor, agency=agency, assigned_to=actor)


@pytest.fixture
def mx_case(mx_caseworker: User) -> Case:
    """A Mexican case whose names must never show to anyone outside its scope."""
    return make_case(
        actor=mx_caseworker,
        agency_code="mx-oim",
        given="Xiomarafake",
        surname="Quetzalsynth",
        doc="HX1234567",
    )


@pytest.fixture
def gt_case(gt_caseworker: User) -> Case:
    return make_case(
        actor=gt_caseworker, agency_code="gt-oim", given="Guadalupefake", surname="Petensynth"
    )


@pytest.fixture
def login(db: None) -> Callable[[User], Client]:
    """A client signed in as the user, past two-factor verification."""

    def _login(user: User) -> Client:
        client = Client()
        client.force_login(user)
        device = AuthenticatorDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return _login
