"""The case-list export: which cases, which columns, and its one audit event.

Who may export: a user holding an active supervisor membership. What: exactly the cases the
access gate opens to them (`queries.cases_visible_to`), narrowed by the filters; of each
person only the fields `queries.person_fields_for` lets the reader see at that case's agency.
Anyone else gets 404 from the page, the same answer as for a page that does not exist.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from amparo.accounts.models import User
from amparo.people.domain.queries import PERSON_FIELDS, cases_visible_to
from amparo.people.models import Case
from amparo.people.rules import fields_with, labels_for
from amparo.protection.domain.audit import record_event
from amparo.protection.enums import AuditAction

CASE_COLUMNS = ("reference", "agency", "country", "status", "opened_on", "closed_on")


@dataclass(frozen=True)
class ExportFilters:
    status: str = ""
    opened_from: dt.date | None = None
    opened_to: dt.date | None = None

    def as_payload(self) -> dict[str, str]:
        return {
            name: str(value)
            for name, value in (
                ("status", self.status),
                ("opened_from", self.opened_from),
                ("opened_to", self.opened_to),
            )
            if value
        }


def person_columns(user: User) -> tuple[str, ...]:
    """The person fields of the header: those the reader sees at any of their agencies."""
    agencies = {m.agency_id for m in user.memberships.all() if m.active}
    visible: set[str] = set()
    for agency_id in agencies:
        visible |= fields_with(labels_for(user, agency_id))
    return tuple(name for name in PERSON_FIELDS if name in visible)


def cases_to_export(user: User, filters: ExportFilters) -> QuerySet[Case]:
    """The gate's cases for this reader, filtered, oldest first (a stable order to stream)."""
    cases = cases_visible_to(user)
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.opened_from:
        cases = cases.filter(opened_at__date__gte=filters.opened_from)
    if filters.opened_to:
        cases = cases.filter(opened_at__date__lte=filters.opened_to)
    return cases.order_by("pk")


def record_case_export(user: User, filters: ExportFilters, rows: int, *, actor: User) -> None:
    """Effects: one `cases.exported` audit event: who, the filters, the number of rows."""
    record_event(
        AuditAction.CASES_EXPORTED,
        actor=actor,
        payload={"rows": rows, "format": "csv", **filters.as_payload()},
    )
