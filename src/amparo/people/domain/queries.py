"""Named reads of persons and cases, and the one access gate for a case."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from amparo.accounts.enums import CASEWORK_ROLES
from amparo.accounts.models import Agency, User
from amparo.lib.batch import CompiledRead, fetch_together
from amparo.people.enums import Sensitivity, Sex
from amparo.people.models import Case
from amparo.people.rules import case_filter_for, fields_with, labels_for

# The person's own fields that pages, PDFs and the API can show, in the order they show them.
PERSON_FIELDS = (
    "given_names",
    "first_surname",
    "second_surname",
    "sex",
    "birth_date",
    "birth_date_is_approximate",
    "birth_year",
    "nationalities",
    "languages",
    "phone",
    "documents",
)


def cases_visible_to(user: User) -> QuerySet[Case]:
    """Every case the user may see, with what list pages show, in one query."""
    condition = case_filter_for(user)
    if condition is None:
        return Case.objects.none()
    return _visible(condition)


def _visible(condition: Q) -> QuerySet[Case]:
    """The cases `condition` opens, with what pages show of each, read in the same query."""
    return Case.objects.filter(condition).select_related(
        "person", "agency", "country", "assigned_to"
    )


def get_case_for(user: User, case_id: int) -> Case:
    """The access gate for a case: the case, or 404 whether it is absent or out of scope.

    Reading and working a case open alike: every role that sees a case through the gate
    (`people/rules.py`) works it; what each role may read of the person is
    `person_fields_for`, and who may decide what (closure, approvals) is checked by the
    domain function that does it.
    """
    condition = case_filter_for(user)
    if condition is None:
        raise Http404
    # Compiled once per access condition (one per set of memberships), bound to the case id.
    (found,) = fetch_together(_VISIBLE_CASE(case_id, shape=condition))
    if not found:
        raise Http404
    return found[0]


_VISIBLE_CASE = CompiledRead(lambda condition, case_id: _visible(condition).filter(pk=case_id))


@dataclass(frozen=True)
class PersonView:
    """What one reader may see of a person: the visible fields and their values only.

    `values` never holds a field outside `fields`, so a template, PDF, slip or schema built
    from it cannot show more than the reader's role may see.
    """

    fields: frozenset[str]
    labels: frozenset[Sensitivity]
    values: dict[str, Any]

    def __contains__(self, name: str) -> bool:
        return name in self.fields


def person_fields_for(user: User, case: Case, *, agency_id: int | None = None) -> PersonView:
    """The one decision of what a reader sees of a case's person, by sensitivity label.

    The labels come from the reader's active roles at `agency_id` (default: the case's agency;
    a referral's receiving agency for its slip), as `people/rules.py` lists them. A person
    field without a label the reader holds is absent from `values`.
    """
    labels = labels_for(user, case.agency_id if agency_id is None else agency_id)
    fields = fields_with(labels)
    person = case.person
    values: dict[str, Any] = {
        name: getattr(person, name) for name in PERSON_FIELDS if name in fields
    }
    if "sex" in values:
        values["sex_label"] = Sex(person.sex).label if person.sex in Sex.values else person.sex
    if "documents" in values:
        values["documents"] = list(person.documents or [])
    return PersonView(fields=fields, labels=labels, values=values)


def registering_agency_of(user: User) -> Agency | None:
    """The agency where the user registers new people and opens their cases: that of their
    first active casework membership; None when they have none."""
    membership = (
        user.memberships.filter(active=True, role__in=CASEWORK_ROLES)
        .select_related("agency")
        .order_by("pk")
        .first()
    )
    return membership.agency if membership else None
