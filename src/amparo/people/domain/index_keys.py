"""Re-deriving a person's blind indexes, for `amparo rotate-keys --index`.

The protection app drives the rotation (settings.AMPARO_BLIND_INDEX_SOURCES names this
module) and sets the next key around the call; the digests come from the same function that
writes them at registration, so a rotation can never derive them differently.
"""

from django.db.models import QuerySet

from amparo.people.domain.cases import _identifiers
from amparo.people.models import Person, PersonIdentifier

NAME = "people.personidentifier"


def owners() -> QuerySet[Person]:
    """The rows that own blind indexes, in primary-key order."""
    return Person.objects.order_by("pk")


def rederive(persons: list[Person]) -> int:
    """Replace the identifiers of these persons with digests under the current index key."""
    PersonIdentifier.objects.filter(person__in=persons).delete()
    rows = [row for person in persons for row in _identifiers(person)]
    PersonIdentifier.objects.bulk_create(rows)
    return len(rows)
