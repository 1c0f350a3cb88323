"""The regional picture from received aggregates: for each dashboard table, the countries side
by side, as a chart and a table.

Only what the national nodes published is shown: each country's own margins and total as
received (suppressed stays suppressed). Nothing is added up across countries, because a sum
of published figures beside a suppressed one could give that one away.
"""

from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from amparo.lib.charts import Series, bar_chart
from amparo.stats.domain.tables import Cell, PublishedTable, TableSpec
from amparo.stats.enums import Dimension
from amparo.stats.interfaces.exports import title_of, value_words
from amparo.stats.interfaces.labels import labeller
from amparo.stats.models import ReceivedAggregate


def _cell(part: dict[str, Any] | None) -> Cell:
    value = None if part is None else part.get("value")
    return Cell(value if isinstance(value, int) else None)


def _margins(table: dict[str, Any]) -> dict[str, Cell]:
    """A received table's row margins by code (a one-way table's cells are its margins)."""
    dimension = table["by"][0]
    return {str(part[dimension]): _cell(part) for part in table["row_totals"]}


def _row(
    code: str, margins: list[dict[str, Cell]], tables: list[dict[str, Any] | None]
) -> list[Cell | None]:
    """A margin per country: absent from a received table means 0; no table at all, None."""
    return [m.get(code, Cell(0)) if t else None for m, t in zip(margins, tables, strict=True)]


def regional_panels(releases: list[ReceivedAggregate]) -> list[dict[str, object]]:
    """One panel per table id, in the order of the first release: a chart of each country's
    total and a grid of its row margins, country by country."""
    countries = [str(r.payload.get("country", r.node)) for r in releases]
    by_id: dict[str, list[dict[str, Any] | None]] = {}
    for position, release in enumerate(releases):
        for table in release.payload.get("tables", []):
            by_id.setdefault(table["id"], [None] * len(releases))[position] = table
    return [_panel(table_id, countries, tables) for table_id, tables in by_id.items()]


def _panel(
    table_id: str, countries: list[str], tables: list[dict[str, Any] | None]
) -> dict[str, object]:
    first = next(t for t in tables if t is not None)
    spec = TableSpec(table_id, first["measure"], first["by"][0])
    margins = [_margins(t) if t else {} for t in tables]
    totals = [_cell(t["total"]) if t else None for t in tables]
    row_label, country_label = labeller(spec.rows), labeller(Dimension.COUNTRY)
    codes = sorted({code for found in margins for code in found})
    title = title_of(PublishedTable(spec, 0, [], []))
    series = Series(
        _("Total"),
        [c.value if c else None for c in totals],
        words=[value_words(c.value) if c else "—" for c in totals],
    )
    labels = [country_label(c) for c in countries]
    chart: SafeString = bar_chart([series], labels, title, chart_id=f"chart-{table_id}")
    grid = {
        "columns": labels,
        "rows": [(row_label(code), _row(code, margins, tables)) for code in codes],
        "totals": totals,
    }
    return {"id": table_id, "title": title, "chart": chart, "grid": grid}
