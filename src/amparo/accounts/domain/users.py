"""Staff users, their memberships and the rules that follow from their roles."""

from django.conf import settings
from django.db import transaction

from amparo.accounts.enums import ROLES_SEEING_PERSONAL_DATA, Role
from amparo.accounts.models import Agency, Membership, User


def roles_of(user: User) -> set[str]:
    if not user.is_authenticated:
        return set()
    return {m.role for m in user.memberships.all() if m.active}


def requires_two_factor(user: User) -> bool:
    """Two-factor authentication is required for roles that see personal data (a setting)."""
    if not settings.AMPARO_REQUIRE_2FA:
        return False
    return bool(roles_of(user) & ROLES_SEEING_PERSONAL_DATA)


def create_staff_user(
    username: str,
    *,
    password: str,
    memberships: list[tuple[Agency, Role]],
    language: str = "es",
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Create a staff user with an Argon2-hashed password and their memberships, all or nothing."""
    with transaction.atomic():
        user = User(
            username=username, language=language, first_name=first_name, last_name=last_name
        )
        user.set_password(password)
        user.save()
        Membership.objects.bulk_create(
            [Membership(user=user, agency=agency, role=role) for agency, role in memberships]
        )
    return user
