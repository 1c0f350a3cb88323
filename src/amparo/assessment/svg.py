"""A server-rendered SVG chart of an assessment's per-level summary.

Four rows, one per level; in each, a solid black bar for the factors marked as a risk and a
hatched, outlined bar for those marked as protective, each followed by its count in words, so
the chart reads the same printed in black and white. Only presentation attributes (fill,
stroke): the Content-Security-Policy forbids `style` attributes in SVG too. Every piece of text
is escaped. The chart shows counts of marks, never a score.
"""

from collections.abc import Sequence
from html import escape

from django.utils.translation import gettext, ngettext

from amparo.assessment.domain.assessments import SummaryRow

WIDTH = 520
MARGIN = 12
BAR_MAX = 300  # width of the longest bar; the rest of the row holds its count in words
BAR_HEIGHT = 18
ROW_HEIGHT = 76
HEADER_HEIGHT = 64
FONT = "system-ui, 'DejaVu Sans', sans-serif"

_HATCH = (
    '<pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
    '<line x1="0" y1="0" x2="0" y2="6" stroke="#000000" stroke-width="2"/></pattern>'
)


def _text(x: float, y: float, content: str, *, size: int = 13, weight: str = "normal") -> str:
    return (
        f'<text x="{x:g}" y="{y:g}" font-size="{size}" font-weight="{weight}" '
        f'fill="#000000">{escape(content)}</text>'
    )


def _risk_words(count: int) -> str:
    return ngettext("%(count)s risk factor", "%(count)s risk factors", count) % {"count": count}


def _protective_words(count: int) -> str:
    return ngettext("%(count)s protective factor", "%(count)s protective factors", count) % {
        "count": count
    }


def _bar(y: float, width: float, *, hatched: bool) -> str:
    fill = "url(#hatch)" if hatched else "#000000"
    return (
        f'<rect x="{MARGIN}" y="{y:g}" width="{width:g}" height="{BAR_HEIGHT}" '
        f'fill="{fill}" stroke="#000000" stroke-width="1.5"/>'
    )


def _row(row: SummaryRow, top: float, scale: float) -> list[str]:
    """The level's title, then its risk bar and its protective bar, each with its count."""
    parts = [_text(MARGIN, top + 14, row.title, size=14, weight="bold")]
    for offset, count, hatched, words in (
        (22, row.risk, False, _risk_words(row.risk)),
        (22 + BAR_HEIGHT + 6, row.protective, True, _protective_words(row.protective)),
    ):
        width = count * scale
        if width:
            parts.append(_bar(top + offset, width, hatched=hatched))
        parts.append(_text(MARGIN + width + 6, top + offset + 14, words))
    return parts


def _legend(top: float) -> list[str]:
    square = 14
    second = MARGIN + WIDTH / 2
    return [
        f'<rect x="{MARGIN}" y="{top:g}" width="{square}" height="{square}" fill="#000000"/>',
        _text(MARGIN + square + 6, top + 12, gettext("Marked as a risk")),
        f'<rect x="{second:g}" y="{top:g}" width="{square}" height="{square}" '
        'fill="url(#hatch)" stroke="#000000" stroke-width="1.5"/>',
        _text(second + square + 6, top + 12, gettext("Marked as protective")),
    ]


def describe(rows: Sequence[SummaryRow]) -> str:
    """The chart in words, for screen readers and for anyone who cannot see it."""
    return " ".join(
        gettext("%(level)s: %(risk)s, %(protective)s.")
        % {
            "level": row.title,
            "risk": _risk_words(row.risk),
            "protective": _protective_words(row.protective),
        }
        for row in rows
    )


def render_summary_svg(rows: Sequence[SummaryRow], *, title: str) -> str:
    """The whole SVG document as text: title, description, legend and one row per level."""
    height = HEADER_HEIGHT + ROW_HEIGHT * len(rows)
    largest = max([1, *(row.risk for row in rows), *(row.protective for row in rows)])
    scale = BAR_MAX / largest
    body = [_text(MARGIN, 24, title, size=15, weight="bold"), *_legend(38)]
    for index, row in enumerate(rows):
        body.extend(_row(row, HEADER_HEIGHT + index * ROW_HEIGHT, scale))
    return "".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>\n',
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
            f'role="img" aria-labelledby="chart-title chart-desc" font-family="{escape(FONT)}">',
            f'<title id="chart-title">{escape(title)}</title>',
            f'<desc id="chart-desc">{escape(describe(rows))}</desc>',
            f"<defs>{_HATCH}</defs>",
            f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
            *body,
            "</svg>\n",
        ]
    )
