"""Who may do what in the training programme. One condition per line.

Trainers work with the trainees of their own country (where they hold the trainer role);
trainees see their own work; course content is open to both. Nobody else sees anything, and
trainers never see case data (that is the case gate's rule, in `people/rules.py`).
"""

from amparo.accounts.enums import Role
from amparo.accounts.models import User


def _countries(user: User, role: Role) -> set[str]:
    if not user.is_authenticated:
        return set()
    rows = user.memberships.filter(active=True, role=role)
    return set(rows.values_list("agency__country_id", flat=True))


def trainer_countries(user: User) -> set[str]:
    """The countries whose cohorts and trainees this user works with as a trainer."""
    return _countries(user, Role.TRAINER)


def trainee_countries(user: User) -> set[str]:
    return _countries(user, Role.TRAINEE)


def may_study(user: User) -> bool:
    """Read course content and work quizzes and practice cases: trainees and trainers."""
    if trainee_countries(user):
        return True
    return bool(trainer_countries(user))
