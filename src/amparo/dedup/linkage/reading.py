"""Reading a registry CSV for batch linkage, refusing bad input with its line and column."""

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

REQUIRED = [
    "id",
    "given_name",
    "surname",
    "second_surname",
    "sex",
    "birth_date",
    "nationality",
    "document_number",
    "phone",
]
OPTIONAL = ["address", "locality", "postcode"]

_PARTIAL = [
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})[-/](\d{1,2})[-/](\d{4})$"), ("d", "m", "y")),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), ("y", "m")),
    (re.compile(r"^(\d{4})$"), ("y",)),
]


class InputError(ValueError):
    """Bad input, with where it is: '<file>, line 12, column birth_date: ...'."""


@dataclass(frozen=True)
class BirthDate:
    year: int | None
    month: int | None
    day: int | None


def parse_birth_date(text: str) -> BirthDate:
    """ISO ('1990-05-17'), day first ('17-05-1990'), or partial ('1990-05', '1990').

    Raises ValueError naming what is wrong.
    """
    value = text.strip()
    if not value:
        return BirthDate(None, None, None)
    for pattern, order in _PARTIAL:
        found = pattern.match(value)
        if found:
            parts = dict(zip(order, (int(g) for g in found.groups()), strict=True))
            year, month, day = parts.get("y"), parts.get("m"), parts.get("d")
            if year is not None and month is not None and day is not None:
                dt.date(year, month, day)  # raises ValueError for 1990-02-30
            elif month is not None and not 1 <= month <= 12:
                raise ValueError(_("month %(month)s is not 1 to 12") % {"month": month})
            return BirthDate(year, month, day)
    raise ValueError(
        _("%(value)r is not a date (YYYY-MM-DD, DD-MM-YYYY, YYYY-MM or YYYY)") % {"value": value}
    )


def read_registry(path: str) -> tuple[list[str], list[dict[str, str]]]:
    """The rows of a registry CSV and the optional columns it has.

    Refuses, naming the file, line and column: a file that is not UTF-8, a missing column,
    an empty or repeated id, an unparsable birth date.
    """
    name = Path(path).name
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = Path(path).read_bytes()[: error.start].count(b"\n") + 1
        raise InputError(
            _("%(file)s, line %(line)s: not UTF-8 text (byte %(byte)s); save the file as UTF-8.")
            % {"file": name, "line": line, "byte": error.start}
        ) from None
    except OSError as error:
        raise InputError(f"{name}: {error.strerror}") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError(
            _("%(file)s, line 1: missing column(s) %(columns)s.")
            % {"file": name, "columns": ", ".join(missing)}
        )
    reader.fieldnames = header
    rows = _checked_rows(name, reader)
    return [c for c in OPTIONAL if c in header], rows


def _checked_rows(name: str, reader: csv.DictReader[str]) -> list[dict[str, str]]:
    seen: set[str] = set()
    rows = []
    for row in reader:
        rows.append(row)
        where = {"file": name, "line": reader.line_num}
        record_id = (row.get("id") or "").strip()
        if not record_id:
            raise InputError(_("%(file)s, line %(line)s, column id: empty id.") % where)
        if record_id in seen:
            raise InputError(
                _("%(file)s, line %(line)s, column id: id %(id)r appears twice.")
                % {**where, "id": record_id}
            )
        seen.add(record_id)
        try:
            parse_birth_date(row.get("birth_date") or "")
        except ValueError as error:
            raise InputError(
                _("%(file)s, line %(line)s, column birth_date: %(error)s")
                % {**where, "error": error}
            ) from None
    return rows
