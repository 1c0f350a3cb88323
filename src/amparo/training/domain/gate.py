"""The optional training gate of live screenings (AMPARO_REQUIRE_TRAINING_FOR_SCREENING)."""

from django.conf import settings

from amparo.accounts.models import User
from amparo.training.enums import IDENTIFICATION_MODULE
from amparo.training.models import QuizAttempt


def may_submit_live_screenings(user: User) -> bool:
    """Whether the user may submit live screenings as far as training is concerned.

    Always true unless the deployment requires training; then true only once the user has
    passed the `identification` module of any course (any version). Reads only.
    """
    if not getattr(settings, "AMPARO_REQUIRE_TRAINING_FOR_SCREENING", False):
        return True
    if not user.is_authenticated:
        return False
    return QuizAttempt.objects.filter(
        trainee=user, passed=True, module__code=IDENTIFICATION_MODULE
    ).exists()
