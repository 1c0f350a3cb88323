"""The optional gate: with AMPARO_REQUIRE_TRAINING_FOR_SCREENING, live screenings need the
identification module passed."""

from django.test import override_settings

from amparo.accounts.models import User
from amparo.training.domain.gate import may_submit_live_screenings
from amparo.training.models import Course
from tests.training_programme.factories import attempt


def test_without_the_setting_everyone_may_screen(course: Course, mx_caseworker: User) -> None:
    assert may_submit_live_screenings(mx_caseworker) is True


@override_settings(AMPARO_REQUIRE_TRAINING_FOR_SCREENING=True)
def test_with_the_setting_only_a_user_who_passed_identification_may_screen(
    course: Course, mx_caseworker: User, mx_trainee: User
) -> None:
    before = may_submit_live_screenings(mx_trainee)
    attempt(mx_trainee, "identification", right=False)
    after_failing = may_submit_live_screenings(mx_trainee)
    attempt(mx_trainee, "identification")
    assert (before, after_failing, may_submit_live_screenings(mx_trainee)) == (False, False, True)
    assert may_submit_live_screenings(mx_caseworker) is False


@override_settings(AMPARO_REQUIRE_TRAINING_FOR_SCREENING=True)
def test_passing_another_module_does_not_open_the_gate(course: Course, mx_trainee: User) -> None:
    attempt(mx_trainee, "referral")
    assert may_submit_live_screenings(mx_trainee) is False
