"""Reading a registry CSV for batch linkage, refusing bad input with its line and column."""

import csv
import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

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


def _check_day(year: int, month: int, day: int) -> None:
    """Raises ValueError, in the reader's language, for a day its month lacks (1990-02-30)."""
    try:
        dt.date(year, month, day)
    except ValueError:
        raise ValueError(
            _("month %(month)s of %(year)s has no day %(day)s")
            % {"month": month, "year": year, "day": day}
        ) from None


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
            if year is not None and year < dt.MINYEAR:
                raise ValueError(_("year %(year)s is not a year") % {"year": year})
            if month is not None and not 1 <= month <= 12:
                raise ValueError(_("month %(month)s is not 1 to 12") % {"month": month})
            if year is not None and month is not None and day is not None:
                _check_day(year, month, day)
            return BirthDate(year, month, day)
    raise ValueError(
        _("%(value)r is not a date (YYYY-MM-DD, DD-MM-YYYY, YYYY-MM or YYYY)") % {"value": value}
    )


BATCH_ROWS = 100_000  # rows read, checked and normalised at a time (bounded memory)


@dataclass
class Registry:
    """A registry CSV opened for reading in batches: its optional columns, known from the
    header, and its rows, checked as they are read."""

    optional: list[str]
    batches: Iterator[list[dict[str, str]]]


@contextmanager
def open_registry(path: str) -> Iterator[Registry]:
    """The registry at `path`, read BATCH_ROWS rows at a time, so that a registry of
    millions is never held whole in memory.

    Refuses, naming the file, line and column (InputError, raised by the header at once and
    by a bad row when its batch is read): a file that is not UTF-8, a missing column, an
    empty or repeated id, an unparsable birth date.
    """
    name = Path(path).name
    try:
        handle = Path(path).open("rb")  # noqa: SIM115  (closed by the `with` below)
    except OSError as error:
        raise InputError(f"{name}: {error.strerror}") from None
    with handle:
        reader = csv.DictReader(_decoded_lines(name, handle))
        header = [c.strip() for c in reader.fieldnames or []]
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise InputError(
                _("%(file)s, line 1: missing column(s) %(columns)s.")
                % {"file": name, "columns": ", ".join(missing)}
            )
        reader.fieldnames = header
        optional = [c for c in OPTIONAL if c in header]
        yield Registry(optional, _checked_batches(name, reader, BATCH_ROWS))


def read_registry(path: str) -> tuple[list[str], list[dict[str, str]]]:
    """The whole registry at once (small files, the Spark engine): its optional columns and
    its rows, refused as `open_registry` refuses them."""
    with open_registry(path) as registry:
        return registry.optional, [row for batch in registry.batches for row in batch]


def _decoded_lines(name: str, handle: BinaryIO) -> Iterator[str]:
    """Each line as text; a line that is not UTF-8 is refused with its number and the bad
    byte's place in the file. Decoded line by line, so the number is exact however far into
    a large file the bad byte is."""
    offset = 0
    for number, raw in enumerate(handle, start=1):
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            raise InputError(
                _(
                    "%(file)s, line %(line)s: not UTF-8 text (byte %(byte)s); "
                    "save the file as UTF-8."
                )
                % {"file": name, "line": number, "byte": offset + error.start}
            ) from None
        offset += len(raw)


def _checked_batches(
    name: str, reader: csv.DictReader[str], batch_rows: int
) -> Iterator[list[dict[str, str]]]:
    seen: set[str] = set()
    batch: list[dict[str, str]] = []
    for row in reader:
        batch.append(row)
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
        if len(batch) == batch_rows:
            yield batch
            batch = []
    if batch:
        yield batch
