"""A black-and-white SVG chart of referral KPIs per agency (rates as bars, labelled)."""

from collections.abc import Sequence
from xml.sax.saxutils import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from amparo.referrals.domain.referral_queries import AgencyKpis

_ROW = 46
_LEFT = 190
_WIDTH = 300


def _bar(y: int, rate: float | None, label: str, pattern: str) -> str:
    if rate is None:
        return f'<text x="{_LEFT}" y="{y + 11}" font-size="11">{escape(label)}: —</text>'
    width = int(_WIDTH * rate)
    return (
        f'<rect x="{_LEFT}" y="{y}" width="{width}" height="14" fill="{pattern}" stroke="#000"/>'
        f'<text x="{_LEFT + width + 6}" y="{y + 11}" font-size="11">'
        f"{escape(label)}: {round(rate * 100)}%</text>"
    )


def kpi_chart(rows: Sequence[AgencyKpis]) -> SafeString:
    """Acceptance (solid) and completion (hatched) rates per agency; every text escaped."""
    height = 30 + _ROW * len(rows)
    title = escape(_("Referral acceptance and completion rates per agency"))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 {height}" role="img" '
        'aria-labelledby="kpi-title">',
        f'<title id="kpi-title">{title}</title>',
        '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse">'
        '<path d="M0,6 L6,0" stroke="#000" stroke-width="1"/></pattern></defs>',
    ]
    for index, row in enumerate(rows):
        y = 20 + index * _ROW
        parts.append(f'<text x="0" y="{y + 11}" font-size="11">{escape(row.agency[:32])}</text>')
        parts.append(_bar(y, row.acceptance_rate, _("accepted"), "#000"))
        parts.append(_bar(y + 18, row.completion_rate, _("completed"), "url(#hatch)"))
    parts.append("</svg>")
    return mark_safe("".join(parts))
