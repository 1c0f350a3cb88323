"""Helpers shared by the training pages."""

from django.http import Http404
from django.utils.translation import get_language

from amparo.accounts.http import AuthenticatedHttpRequest
from amparo.accounts.models import User
from amparo.training.enums import CONTENT_LANGUAGES
from amparo.training.rules import may_study, trainer_countries


def content_language() -> str:
    """The interface language if content carries it, else Spanish."""
    lang = (get_language() or "es")[:2]
    return lang if lang in CONTENT_LANGUAGES else "es"


def studying_user(request: AuthenticatedHttpRequest) -> User:
    """The signed-in trainee or trainer; 404 for anyone else."""
    user = request.user
    if not may_study(user):
        raise Http404
    return user


def trainer_of(request: AuthenticatedHttpRequest) -> tuple[User, set[str]]:
    """The signed-in trainer and their countries; 404 for anyone else."""
    user = request.user
    countries = trainer_countries(user)
    if not countries:
        raise Http404
    return user, countries
