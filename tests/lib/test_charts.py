"""The charting helper: well-formed SVG, figures in words, bars in proportion, text escaped."""

import xml.etree.ElementTree as ET

import pytest
from django.utils import translation

from amparo.lib.charts import Fill, Series, bar_chart, svg_document

NS = {"svg": "http://www.w3.org/2000/svg"}


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314  # our own output, not untrusted input


def _chart() -> str:
    series = [
        Series("Accepted", [0.5, None], words=["50%", "none yet"]),
        Series("Completed", [0.25, 1.0], fill=Fill.HATCHED),
    ]
    with translation.override("en"):
        return bar_chart(series, ["Agency A", "Agency B"], "Rates", maximum=1, chart_id="kpi")


def test_every_figure_is_written_beside_its_bar_and_in_the_description() -> None:
    root = _parse(_chart())
    texts = [t.text for t in root.iterfind(".//svg:text", NS)]
    desc = root.find("svg:desc", NS)
    assert texts == [
        "Rates",
        "Accepted",
        "Completed",
        "Agency A",
        "50%",
        "0.25",
        "Agency B",
        "none yet",
        "1",
    ]
    assert desc is not None
    assert desc.text == "Agency A: 50%, 0.25. Agency B: none yet, 1."


def test_bars_are_in_proportion_to_the_maximum_and_series_differ_by_fill() -> None:
    root = _parse(_chart())
    bars = [
        (rect.get("fill"), float(rect.get("width") or 0))
        for rect in root.iterfind("svg:rect", NS)
        if rect.get("height") == "18"
    ]
    assert bars == [("#000000", 150.0), ("url(#kpi-hatch)", 75.0), ("url(#kpi-hatch)", 300.0)]


def test_text_is_escaped_and_the_chart_holds_no_style_or_script() -> None:
    hostile = '<script>alert("x")</script> & "Co"'
    svg = bar_chart([Series(hostile, [1])], [hostile], hostile)
    root = _parse(svg)
    title = root.find("svg:title", NS)
    assert (title is not None and title.text, "style" in svg, "<script" in svg) == (
        hostile,
        False,
        False,
    )


def test_a_series_without_a_value_per_label_is_refused() -> None:
    with pytest.raises(ValueError, match="'Accepted' needs one value and one word per label"):
        bar_chart([Series("Accepted", [1, 2])], ["only one"], "Rates")


def test_a_standalone_file_starts_with_the_xml_declaration() -> None:
    document = svg_document(bar_chart([Series("A", [1])], ["x"], "T"))
    assert (document.startswith('<?xml version="1.0"'), _parse(document.split("\n", 1)[1]).tag) == (
        True,
        "{http://www.w3.org/2000/svg}svg",
    )
