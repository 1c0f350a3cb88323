"""The sign-in backend: Django's model backend, reading a signed-in user and their
memberships in one round trip per request.

Every request of a signed-in user reads the user (Django's session check) and then their
memberships with their agencies (the access rules, the navigation and the role checks read
them). The two reads depend only on the user id the session holds, so they go together
(`amparo.lib.batch`), each compiled once per process.
"""

from typing import Any

from django.contrib.auth.backends import ModelBackend

from amparo.accounts.models import Membership, User
from amparo.lib.batch import CompiledRead, fetch_together

_USER = CompiledRead(lambda user_id: User.objects.filter(pk=user_id))
_MEMBERSHIPS = CompiledRead(
    lambda user_id: Membership.objects.filter(user_id=user_id).select_related("agency")
)


class StaffBackend(ModelBackend):
    """Signs in as Django's `ModelBackend` does; `get_user` also loads the memberships."""

    def get_user(self, user_id: Any) -> User | None:
        users, memberships = fetch_together(_USER(int(user_id)), _MEMBERSHIPS(int(user_id)))
        if not users or not self.user_can_authenticate(users[0]):
            return None
        user: User = users[0]
        remember_memberships(user, memberships)
        return user


def load_memberships(user: User) -> None:
    """Read the user's memberships (with agencies) once, for a session signed in through
    another backend (`MembershipsMiddleware`)."""
    (memberships,) = fetch_together(_MEMBERSHIPS(user.pk))
    remember_memberships(user, memberships)


def remember_memberships(user: User, memberships: list[Membership]) -> None:
    """Keep `memberships` as `user.memberships.all()`'s result, as Django's
    `prefetch_related` keeps what it read."""
    queryset = user.memberships.all()
    queryset._result_cache = memberships
    queryset._prefetch_done = True  # type: ignore[attr-defined]
    for membership in memberships:
        membership.user = user
    user._prefetched_objects_cache = {"memberships": queryset}  # type: ignore[attr-defined]


def memberships_remembered(user: User) -> bool:
    return "memberships" in getattr(user, "_prefetched_objects_cache", {})
