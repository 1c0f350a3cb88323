"""The content shipped in `training/content/` keeps FORMAT.md, and every page of it renders."""

from collections.abc import Callable

import pytest
from django.test import Client

from amparo.accounts.models import User
from amparo.training.domain.content import load_content
from amparo.training.domain.practice import submit_practice
from amparo.training.models import Lesson, Module, PracticeCase


@pytest.fixture
def shipped(reference: None) -> None:
    load_content()


def test_every_lesson_quiz_and_practice_page_of_the_shipped_content_renders(
    shipped: None, mx_trainee: User, login_in: Callable[[User, str], Client]
) -> None:
    urls = [f"/training/lessons/{pk}/" for pk in Lesson.objects.values_list("pk", flat=True)]
    urls += [f"/training/modules/{pk}/quiz/" for pk in Module.objects.values_list("pk", flat=True)]
    urls += [
        f"/training/practice/{pk}/" for pk in PracticeCase.objects.values_list("pk", flat=True)
    ]
    for lang in ("es", "en", "fr"):
        client = login_in(mx_trainee, lang)
        failed = [url for url in urls if client.get(url).status_code != 200]
        assert failed == []


def test_every_shipped_practice_key_scores_full_marks_against_itself(
    shipped: None, mx_trainee: User
) -> None:
    scores = {
        case.code: submit_practice(
            case,
            actor=mx_trainee,
            lang="en",
            answers=case.expert_key["answers"],
            referral_kinds=case.expert_key["referral_kinds"],
            legal_basis=case.expert_key["consent"]["legal_basis"],
        ).score
        for case in PracticeCase.objects.all()
    }
    assert scores == dict.fromkeys(scores, 100.0)
