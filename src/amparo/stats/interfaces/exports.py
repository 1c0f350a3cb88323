"""A published table as a chart, as CSV and as HXL-tagged CSV, and a release as a PDF report.

Everything here reads a `PublishedTable`: the numbers were suppressed in the domain layer
before they reached this module, so no export can show a value that the page does not.
"""

import io
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from weasyprint import CSS, HTML

from amparo.lib import csvsafe
from amparo.lib.charts import Series, bar_chart
from amparo.stats.domain.tables import Cell, PublishedTable, Release
from amparo.stats.enums import Dimension
from amparo.stats.interfaces.labels import labeller

PDF_CSS = Path(__file__).resolve().parents[2] / "web" / "static" / "web" / "pdf.css"

# HXL hashtags (hxlstandard.org) of each dimension and of the published figure.
HXL = {
    Dimension.COUNTRY: "#country+code",
    Dimension.AGENCY: "#org+code",
    Dimension.MONTH: "#date+month",
    Dimension.PROFILE: "#group+profile+code",
    Dimension.SEX: "#group+sex+code",
    Dimension.AGE_BAND: "#group+age+code",
    Dimension.URGENCY: "#severity+code",
    Dimension.STAGE: "#status+stage+code",
    Dimension.KIND: "#sector+code",
    Dimension.OUTCOME: "#status+outcome+code",
    Dimension.DAYS_TO_ACCEPTANCE: "#indicator+days_to_acceptance+code",
    Dimension.CROSS_BORDER: "#indicator+cross_border+code",
    Dimension.OVERDUE: "#status+overdue+code",
}
HXL_VALUE, HXL_SUPPRESSED = "#indicator+num", "#meta+suppressed"
TOTAL = "total"


def title_of(table: PublishedTable) -> str:
    titles = {
        "screenings_by_profile": _("Screenings by country and profile"),
        "screenings_by_month": _("Screenings by month and country"),
        "screenings_by_urgency": _("Screenings by urgency and country"),
        "cases_by_stage_and_age": _("Cases by stage and age band"),
        "referrals_by_kind_and_outcome": _("Referrals by kind and outcome"),
        "referrals_days_to_acceptance": _("Referrals by days to acceptance and country"),
        "referrals_overdue": _("Overdue referrals by country"),
        "referrals_cross_border": _("Cross-border referrals by country"),
        "certificates_by_country": _("Training certificates by country"),
        "certificates_by_institution": _("Training certificates by institution"),
        "trained_staff_by_country": _("Trained staff by country"),
    }
    return titles.get(table.spec.id, table.spec.id)


def value_words(value: int | None) -> str:
    """A published figure as a chart reads it out: the number, or the word for a hidden one."""
    return _("suppressed") if value is None else f"{value:,}"


def chart(table: PublishedTable) -> SafeString:
    """Row totals as bars; a suppressed total is a word, never a bar."""
    label = labeller(table.spec.rows)
    values = [table.row_totals[r].value for r in table.row_values]
    series = Series(_("Count"), values, words=[value_words(v) for v in values])
    labels = [label(r) for r in table.row_values]
    return bar_chart([series], labels, title_of(table), chart_id=f"chart-{table.spec.id}")


def rows_of(table: PublishedTable) -> list[list[object]]:
    """Cells, then row totals, column totals and the total; `total` in a margin's other column."""
    two = table.spec.columns is not None
    rows: list[list[object]] = []
    for (r, c), cell in table.cells.items():
        rows.append(
            [r, c, cell.value, cell.suppressed] if two else [r, cell.value, cell.suppressed]
        )
    if two:
        for r, cell in table.row_totals.items():
            rows.append([r, TOTAL, cell.value, cell.suppressed])
        for c, cell in table.column_totals.items():
            rows.append([TOTAL, c, cell.value, cell.suppressed])
    rows.append([*([TOTAL, TOTAL] if two else [TOTAL]), table.total.value, table.total.suppressed])
    return rows


def to_csv(table: PublishedTable, *, hxl: bool = False) -> str:
    stream = io.StringIO()
    writer = csvsafe.writer(stream)
    writer.writerow([*table.spec.by, "value", "suppressed"])
    if hxl:
        writer.writerow([*(HXL[Dimension(d)] for d in table.spec.by), HXL_VALUE, HXL_SUPPRESSED])
    for row in rows_of(table):
        writer.writerow(["" if v is None else str(v).lower() if isinstance(v, bool) else v
                         for v in row])  # fmt: skip
    return stream.getvalue()


def grid_of(table: PublishedTable) -> dict[str, object]:
    """The table as the page shows it: labelled rows, columns and margins."""
    row_label = labeller(table.spec.rows)
    if table.spec.columns is None:
        body: list[tuple[str, list[Cell], Cell]] = [
            (row_label(r), [], table.row_totals[r]) for r in table.row_values
        ]
        return {"columns": [], "rows": body, "column_totals": [], "total": table.total}
    column_label = labeller(table.spec.columns)
    body = [
        (row_label(r), [table.cells[(r, c)] for c in table.column_values], table.row_totals[r])
        for r in table.row_values
    ]
    return {
        "columns": [column_label(c) for c in table.column_values],
        "rows": body,
        "column_totals": [table.column_totals[c] for c in table.column_values],
        "total": table.total,
    }


def panels(release: Release) -> list[dict[str, object]]:
    return [
        {"table": t, "title": title_of(t), "chart": chart(t), "grid": grid_of(t)}
        for t in release.tables
    ]


def to_pdf(release: Release, context: dict[str, object]) -> bytes:
    html = render_to_string(
        "web/stats/report_pdf.html",
        {**context, "panels": panels(release), "k": release.k, "privacy": release.privacy},
    )
    return bytes(HTML(string=html).write_pdf(stylesheets=[CSS(filename=str(PDF_CSS))]) or b"")
