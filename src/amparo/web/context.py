"""Template context shared by every page."""

from django.conf import settings
from django.http import HttpRequest

from amparo.accounts.domain.users import roles_of
from amparo.accounts.enums import CASEWORK_ROLES, Role


def amparo(request: HttpRequest) -> dict[str, object]:
    roles = roles_of(request.user) if request.user.is_authenticated else set()
    return {
        "demo_mode": settings.AMPARO_DEMO,
        "nav_cases": bool(roles & CASEWORK_ROLES),
        "nav_users": Role.ADMINISTRATOR in roles,
        "nav_approvals": Role.SUPERVISOR in roles,
        "nav_training": bool(roles & {Role.TRAINER, Role.TRAINEE}),
        "nav_stats": bool(roles & {Role.SUPERVISOR, Role.FOCAL_POINT, Role.REGIONAL_ANALYST}),
        "nav_inbox": bool(roles & {Role.RECEIVING_OFFICER, Role.SUPERVISOR}),
        "nav_cross_border": bool(roles & {Role.FOCAL_POINT, Role.RECEIVING_OFFICER}),
        "nav_node": bool(roles & {Role.FOCAL_POINT, Role.ADMINISTRATOR}),
    }
