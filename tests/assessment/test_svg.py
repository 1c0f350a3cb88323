"""The per-level chart: well-formed SVG, readable in black and white, text escaped, no styles."""

import xml.etree.ElementTree as ET

from django.utils import translation

from amparo.assessment.domain.assessments import SummaryRow
from amparo.assessment.interfaces.charts import render_summary_svg

NS = {"svg": "http://www.w3.org/2000/svg"}


def parse(svg: bytes) -> ET.Element:
    """Parse a chart Amparo rendered itself (not untrusted input, so no defusedxml)."""
    return ET.fromstring(svg)  # noqa: S314  # our own output, see the docstring


def _row(title: str, risk: int, protective: int) -> SummaryRow:
    return SummaryRow(
        level=title.lower(),
        title=title,
        risk=risk,
        protective=protective,
        not_present=0,
        unknown=0,
        factors=(),
    )


ROWS = [
    _row("Individual", 3, 1),
    _row("Household", 0, 2),
    _row("Community", 1, 1),
    _row("Structural", 0, 0),
]


def _chart(rows: list[SummaryRow], title: str = "Factors by level") -> ET.Element:
    with translation.override("en"):
        svg = render_summary_svg(rows, title=title)
    return parse(svg.encode("utf-8"))


def _texts(root: ET.Element) -> list[str]:
    return [text.text or "" for text in root.iterfind(".//svg:text", NS)]


def test_the_chart_is_well_formed_svg_with_a_title_and_a_description() -> None:
    root = _chart(ROWS)
    title = root.find("svg:title", NS)
    desc = root.find("svg:desc", NS)
    assert (root.tag, root.get("role"), title is not None and title.text) == (
        "{http://www.w3.org/2000/svg}svg",
        "img",
        "Factors by level",
    )
    assert desc is not None
    assert desc.text == (
        "Individual: 3 risk factors, 1 protective factor. "
        "Household: 0 risk factors, 2 protective factors. "
        "Community: 1 risk factor, 1 protective factor. "
        "Structural: 0 risk factors, 0 protective factors."
    )


def test_the_chart_prints_every_count_beside_its_bar() -> None:
    assert _texts(_chart(ROWS))[3:] == [
        "Individual",
        "3 risk factors",
        "1 protective factor",
        "Household",
        "0 risk factors",
        "2 protective factors",
        "Community",
        "1 risk factor",
        "1 protective factor",
        "Structural",
        "0 risk factors",
        "0 protective factors",
    ]


def test_risk_bars_are_solid_black_and_protective_bars_hatched_in_proportion() -> None:
    root = _chart(ROWS)
    bars = [
        (rect.get("fill"), float(rect.get("width") or 0))
        for rect in root.iterfind("svg:rect", NS)
        if rect.get("height") == "18"
    ]
    assert bars == [
        ("#000000", 300.0),
        ("url(#chart-hatch)", 100.0),
        ("url(#chart-hatch)", 200.0),
        ("#000000", 100.0),
        ("url(#chart-hatch)", 100.0),
    ]


def test_text_in_the_chart_is_escaped() -> None:
    hostile = '<script>alert("x")</script> & Co'
    root = _chart([_row(hostile, 1, 0)], title=hostile)
    title = root.find("svg:title", NS)
    assert (title is not None and title.text, _texts(root)[0], root.find(".//svg:script", NS)) == (
        hostile,
        hostile,
        None,
    )


def test_the_chart_has_no_style_attributes_or_elements() -> None:
    with translation.override("en"):
        svg = render_summary_svg(ROWS, title="Factors by level")
    assert ("style" in svg, "<script" in svg) == (False, False)
