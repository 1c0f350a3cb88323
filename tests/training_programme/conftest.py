"""Fixtures of the training programme tests: the fixture content loaded, trainees and trainers
of Mexico and Guatemala. Every person here is synthetic."""

from collections.abc import Callable

import pytest
from django.conf import settings
from django.test import Client

from amparo.accounts.enums import Role
from amparo.accounts.models import User
from amparo.training.models import Course
from tests.training_programme import factories


@pytest.fixture
def course(reference: None) -> Course:
    return factories.load_fixture_content()


@pytest.fixture
def mx_trainee(reference: None) -> User:
    return factories.trainee("lucia.mx", name="Lucía Trainsynth")


@pytest.fixture
def gt_trainer(reference: None) -> User:
    return factories.person("gabriel.gt", "gt-oim", Role.TRAINER)


@pytest.fixture
def gt_trainee(reference: None) -> User:
    return factories.trainee("gloria.gt", "gt-igm", name="Gloria Guatesynth")


@pytest.fixture
def login_in(login: Callable[[User], Client]) -> Callable[[User, str], Client]:
    """A signed-in client whose interface language is the one given."""

    def _login_in(user: User, language: str = "en") -> Client:
        client = login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        return client

    return _login_in
