"""Helpers shared by the training pages."""

from django.http import Http404, HttpRequest
from django.utils.translation import get_language

from amparo.accounts.models import User
from amparo.training.enums import CONTENT_LANGUAGES
from amparo.training.rules import may_study, trainer_countries


def user_of(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def content_language() -> str:
    """The interface language if content carries it, else Spanish."""
    lang = (get_language() or "es")[:2]
    return lang if lang in CONTENT_LANGUAGES else "es"


def studying_user(request: HttpRequest) -> User:
    """The signed-in trainee or trainer; 404 for anyone else."""
    user = user_of(request)
    if not may_study(user):
        raise Http404
    return user


def trainer_of(request: HttpRequest) -> tuple[User, set[str]]:
    """The signed-in trainer and their countries; 404 for anyone else."""
    user = user_of(request)
    countries = trainer_countries(user)
    if not countries:
        raise Http404
    return user, countries
