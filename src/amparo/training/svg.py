"""A server-rendered SVG chart of progress: one row per trainee (or cohort).

Each row has its name, an outlined bar whose solid black part is what was achieved, and the
same figure in words, so the chart reads the same printed in black and white and to a screen
reader (the `desc` holds every row in words). Presentation attributes only: the
Content-Security-Policy forbids `style` attributes. Every text is escaped.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH = 560
MARGIN = 12
BAR_WIDTH = 300
BAR_HEIGHT = 18
ROW_HEIGHT = 56
HEADER_HEIGHT = 40
FONT = "system-ui, 'DejaVu Sans', sans-serif"


@dataclass(frozen=True)
class Bar:
    label: str  # whose row: a trainee's name or a cohort's
    value: int
    total: int
    words: str  # the row's figures in words, e.g. "3 of 5 modules passed; 1 overdue"


def _text(x: float, y: float, content: str, *, size: int = 13, weight: str = "normal") -> str:
    return (
        f'<text x="{x:g}" y="{y:g}" font-size="{size}" font-weight="{weight}" '
        f'fill="#000000">{escape(content)}</text>'
    )


def _row(bar: Bar, top: float) -> list[str]:
    filled = BAR_WIDTH * (bar.value / bar.total) if bar.total else 0
    parts = [
        _text(MARGIN, top + 14, bar.label, size=14, weight="bold"),
        f'<rect x="{MARGIN}" y="{top + 22:g}" width="{BAR_WIDTH}" height="{BAR_HEIGHT}" '
        'fill="#ffffff" stroke="#000000" stroke-width="1.5"/>',
    ]
    if filled:
        parts.append(
            f'<rect x="{MARGIN}" y="{top + 22:g}" width="{filled:g}" height="{BAR_HEIGHT}" '
            'fill="#000000"/>'
        )
    parts.append(_text(MARGIN + BAR_WIDTH + 8, top + 36, bar.words, size=12))
    return parts


def render_progress_svg(bars: Sequence[Bar], *, title: str, description: str) -> str:
    """The whole SVG document: title, description in words, one row per bar."""
    height = HEADER_HEIGHT + ROW_HEIGHT * max(1, len(bars))
    body = [_text(MARGIN, 24, title, size=15, weight="bold")]
    for index, bar in enumerate(bars):
        body.extend(_row(bar, HEADER_HEIGHT + index * ROW_HEIGHT))
    return "".join(
        [
            '<?xml version="1.0" encoding="UTF-8"?>\n',
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH + 260} {height}" '
            f'role="img" aria-labelledby="chart-title chart-desc" font-family="{escape(FONT)}">',
            f'<title id="chart-title">{escape(title)}</title>',
            f'<desc id="chart-desc">{escape(description)}</desc>',
            f'<rect width="{WIDTH + 260}" height="{height}" fill="#ffffff"/>',
            *body,
            "</svg>\n",
        ]
    )
