"""The case list as CSV, streamed in chunks: one row per case, the columns the reader may see.

Which person fields a row shows is `people.domain.queries.person_fields_for`, asked once per
agency of the exported cases (its answer depends on the reader and the case's agency only, so
every case of one agency gets the same answer); a field it does not grant at that agency is an
empty cell. Rows are read as plain values with `.iterator(chunk_size=...)`, so memory holds one
chunk of cases, never the whole list, and no model object is built per case.

Every cell goes through `lib/csvsafe.py`, so a name such as `=HYPERLINK(...)` is text in any
spreadsheet.
"""

import io
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from amparo.accounts.models import User
from amparo.lib.csvsafe import SafeWriter
from amparo.people.domain.export import CASE_COLUMNS
from amparo.people.domain.queries import person_fields_for
from amparo.people.models import Case

CHUNK = 2000
_CASE_VALUES = ("reference", "agency__code", "country_id", "status", "opened_at", "closed_at")


def _text(name: str, value: Any) -> object:
    if value is None:
        return ""
    if name == "documents":
        return "; ".join(
            " ".join(str(d.get(k, "")) for k in ("type", "number", "country") if d.get(k))
            for d in value
            if isinstance(d, dict)
        )
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _day(moment: Any) -> str:
    return timezone.localtime(moment).date().isoformat() if moment else ""


def fields_by_agency(user: User, cases: QuerySet[Case]) -> dict[int, frozenset[str]]:
    """The person fields `person_fields_for` grants the reader at each agency of the cases."""
    granted: dict[int, frozenset[str]] = {}
    agencies = cases.order_by().values_list("agency_id", flat=True).distinct()
    for agency_id in agencies:
        case = cases.filter(agency_id=agency_id).select_related("person").first()
        if case is not None:
            granted[agency_id] = person_fields_for(user, case).fields
    return granted


def stream_cases_csv(
    user: User, cases: QuerySet[Case], columns: tuple[str, ...], *, chunk: int = CHUNK
) -> Iterator[str]:
    """The header, then the rows, `chunk` cases at a time."""
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    writer.writerow([*CASE_COLUMNS, *columns])
    yield buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    granted = fields_by_agency(user, cases)
    rows = cases.values_list(
        *_CASE_VALUES, "agency_id", *(f"person__{name}" for name in columns)
    ).iterator(chunk_size=chunk)
    for count, row in enumerate(rows, start=1):
        reference, agency, country, status, opened, closed, agency_id, *person = row
        visible = granted.get(agency_id, frozenset())
        writer.writerow(
            [
                reference,
                agency,
                country,
                status,
                _day(opened),
                _day(closed),
                *(
                    _text(name, value) if name in visible else ""
                    for name, value in zip(columns, person, strict=True)
                ),
            ]
        )
        if count % chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
