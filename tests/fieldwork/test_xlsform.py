"""The protocol as an XLSForm: KoboToolbox's conventions, and pyxform converts it to an XForm."""

from pathlib import Path

import pytest
from defusedxml import ElementTree
from django.core.management import call_command
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from amparo.fieldwork.interfaces.xlsform import relevance, xlsform_sheets
from amparo.screening.protocol import load_protocol
from amparo.screening.protocol.loader import load_protocol_file
from amparo.screening.protocol.model import AnswerTest

XF = "{http://www.w3.org/2002/xforms}"


@pytest.fixture
def form(tmp_path: Path) -> Path:
    out = tmp_path / "rcm.xlsx"
    call_command("screening", "xlsform", "--protocol", "rcm-2013", "--out", str(out))
    return out


def _rows(path: Path, sheet: str) -> list[dict[str, object]]:
    rows = list(load_workbook(path)[sheet].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_the_form_has_the_three_sheets_and_the_three_languages(form: Path) -> None:
    book = load_workbook(form)
    assert book.sheetnames == ["survey", "choices", "settings"]
    header = next(book["survey"].iter_rows(values_only=True))
    assert [c for c in header if str(c).startswith("label::")] == [
        "label::Español (es)",
        "label::English (en)",
        "label::Français (fr)",
    ]
    settings = _rows(form, "settings")[0]
    assert settings["version"] == load_protocol("rcm-2013").version
    assert settings["default_language"] == "Español (es)"


def test_every_field_is_named_with_the_protocols_answer_code(form: Path) -> None:
    protocol = load_protocol("rcm-2013")
    names = [
        row["name"]
        for row in _rows(form, "survey")
        if row["type"] not in {"begin_group", "end_group", "calculate"}
    ]
    assert names == [code for section in protocol.sections for code in section.questions]


def test_skip_logic_and_ranges_become_relevant_and_constraint(form: Path) -> None:
    rows = {row["name"]: row for row in _rows(form, "survey")}
    assert rows["accompanying_adult_relationship"]["relevant"] == "${travelling_alone} = 'no'"
    assert rows["persecution_grounds"]["relevant"] == "${fear_of_return} = 'yes'"
    assert rows["age_years"]["constraint"] == ". >= 0 and . <= 120"
    assert rows["age_years"]["constraint_message::English (en)"] == (
        "Must be a whole number between 0 and 120."
    )


def test_pyxform_converts_the_form_to_a_valid_xform_without_java_or_network(form: Path) -> None:
    warnings: list[str] = []
    xform = convert(xlsform=str(form), warnings=warnings, validate=False).xform
    assert warnings == []
    root = ElementTree.fromstring(xform)
    instance = root.find(f".//{XF}instance/{XF}data")
    assert instance is not None
    version = load_protocol("rcm-2013").version
    assert instance.attrib["version"] == version
    binds = {b.attrib["nodeset"]: b.attrib for b in root.iter(f"{XF}bind")}
    assert binds["/data/company/accompanying_adult_relationship"]["relevant"].split() == [
        "/data/company/travelling_alone",
        "=",
        "'no'",
    ]
    assert binds["/data/amparo_protocol"]["calculate"] == f"'rcm-2013 {version}'"
    assert "/data/meta/instanceID" in binds


def test_an_unknown_answer_satisfies_no_negative_test() -> None:
    protocol = load_protocol("rcm-2013")
    test = AnswerTest("nationality", "not_in", frozenset({"MX", "GT"}))
    assert relevance(protocol, test) == (
        "(${nationality} != '' and not(${nationality} = 'GT' or ${nationality} = 'MX'))"
    )


def test_a_new_protocol_version_gives_a_new_form_version(tmp_path: Path) -> None:
    latest = load_protocol("rcm-2013")
    newer = tmp_path / "rcm-2013.v99.yaml"
    text = latest.path.read_text()
    newer.write_text(text.replace(f'version: "{latest.version}"', 'version: "99.1"', 1))
    sheets = xlsform_sheets(load_protocol_file(newer), lang="fr")
    assert sheets.settings[1][2] == "99.1"
    assert sheets.settings[1][3] == "Français (fr)"
    hidden = sheets.survey[1]
    assert hidden[:2] == ["calculate", "amparo_protocol"]
    assert hidden[5] == "'rcm-2013 99.1'"


def test_an_unknown_protocol_is_refused_naming_it(tmp_path: Path) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="no screening protocol 'nope'"):
        call_command("screening", "xlsform", "--protocol", "nope", "--out", str(tmp_path / "x"))
