"""One small charting helper: horizontal bar charts as SVG, readable in black and white.

A chart has one group per label and, in each group, one bar per series, each followed by its
figure in words, so it reads the same printed in black and white and to a screen reader (the
`desc` holds every figure in words). Series are told apart by fill, solid black or hatched,
never by colour alone. Only presentation attributes (fill, stroke): the Content-Security-Policy
forbids `style` attributes in SVG too. Every piece of text is escaped, so the result is safe to
put in a page as it is.

    bar_chart(
        [Series(gettext("Accepted"), [0.8, None], words=["80%", "—"])],
        ["Agency A", "Agency B"],
        gettext("Referral rates"),
        maximum=1,
    )
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

WIDTH = 820
MARGIN = 12
BAR_MAX = 300  # width of a bar at `maximum`; the rest of the row holds its figure in words
BAR_HEIGHT = 18
BAR_GAP = 6
LABEL_HEIGHT = 22
GROUP_GAP = 16
TITLE_HEIGHT = 40
LEGEND_HEIGHT = 24
FONT = "system-ui, 'DejaVu Sans', sans-serif"


class Fill(StrEnum):
    SOLID = "solid"
    HATCHED = "hatched"


@dataclass(frozen=True)
class Series:
    """One kind of figure, one value per label.

    `values[i]` belongs to `labels[i]`; `None` means no figure (no bar, only its words).
    `words[i]` is the figure in words beside its bar; when empty, the number itself.
    """

    name: str
    values: Sequence[float | None]
    words: Sequence[str] = ()
    fill: Fill = Fill.SOLID

    def words_at(self, index: int) -> str:
        if self.words:
            return self.words[index]
        value = self.values[index]
        return "—" if value is None else f"{value:g}"


def bar_chart(
    series: Sequence[Series],
    labels: Sequence[str],
    title: str,
    *,
    description: str = "",
    maximum: float | None = None,
    track: bool = False,
    chart_id: str = "chart",
) -> SafeString:
    """The chart as an `<svg>` element.

    `maximum` is the value drawn at full width (default: the largest value); `track` draws the
    full width as an outline behind each bar (for "value of total" figures); `description`
    replaces the generated one (every label with its figures in words); `chart_id` keeps the
    ids unique when a page holds more than one chart. A legend is drawn for two series or more.
    """
    for one in series:
        if len(one.values) != len(labels) or (one.words and len(one.words) != len(labels)):
            raise ValueError(f"series {one.name!r} needs one value and one word per label")
    largest = max([0.0, *(v for one in series for v in one.values if v is not None)])
    scale = BAR_MAX / (maximum or largest or 1)
    legend = len(series) > 1
    top = TITLE_HEIGHT + (LEGEND_HEIGHT if legend else 0)
    group = LABEL_HEIGHT + len(series) * (BAR_HEIGHT + BAR_GAP) + GROUP_GAP
    height = top + group * max(1, len(labels))
    body = [_text(MARGIN, 24, title, size=15, weight="bold")]
    if legend:
        body.extend(_legend(series, TITLE_HEIGHT - 2, chart_id))
    for index, label in enumerate(labels):
        body.extend(_group(series, index, label, top + index * group, scale, track, chart_id))
    hatched = any(one.fill is Fill.HATCHED for one in series)
    return mark_safe(  # every piece of text above went through escape()
        "".join(
            [
                f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
                f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
                f'font-family="{escape(FONT)}">',
                f'<title id="{chart_id}-title">{escape(title)}</title>',
                f'<desc id="{chart_id}-desc">'
                f"{escape(description or describe(series, labels))}</desc>",
                f"<defs>{_hatch(chart_id)}</defs>" if hatched else "",
                f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>',
                *body,
                "</svg>",
            ]
        )
    )


def svg_document(chart: str) -> str:
    """A chart as a standalone `.svg` file (with its XML declaration)."""
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{chart}\n'


def describe(series: Sequence[Series], labels: Sequence[str]) -> str:
    """The chart in words: each label with its figures, for anyone who cannot see it."""
    return " ".join(
        gettext("%(label)s: %(figures)s.")
        % {"label": label, "figures": ", ".join(one.words_at(index) for one in series)}
        for index, label in enumerate(labels)
    )


def _text(x: float, y: float, content: str, *, size: int = 13, weight: str = "normal") -> str:
    return (
        f'<text x="{x:g}" y="{y:g}" font-size="{size}" font-weight="{weight}" '
        f'fill="#000000">{escape(content)}</text>'
    )


def _hatch(chart_id: str) -> str:
    return (
        f'<pattern id="{chart_id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#000000" stroke-width="2"/></pattern>'
    )


def _fill(one: Series, chart_id: str) -> str:
    return f"url(#{chart_id}-hatch)" if one.fill is Fill.HATCHED else "#000000"


def _legend(series: Sequence[Series], top: float, chart_id: str) -> list[str]:
    square = 14
    step = (WIDTH - 2 * MARGIN) / len(series)
    parts = []
    for index, one in enumerate(series):
        x = MARGIN + index * step
        parts.append(
            f'<rect x="{x:g}" y="{top:g}" width="{square}" height="{square}" '
            f'fill="{_fill(one, chart_id)}" stroke="#000000" stroke-width="1.5"/>'
        )
        parts.append(_text(x + square + 6, top + 12, one.name))
    return parts


def _group(
    series: Sequence[Series],
    index: int,
    label: str,
    top: float,
    scale: float,
    track: bool,
    chart_id: str,
) -> list[str]:
    """The label, then one bar per series, each followed by its figure in words."""
    parts = [_text(MARGIN, top + 14, label, size=14, weight="bold")]
    for position, one in enumerate(series):
        y = top + LABEL_HEIGHT + position * (BAR_HEIGHT + BAR_GAP)
        value = one.values[index]
        width = max(0.0, value * scale) if value is not None else 0.0
        if track:
            parts.append(_rect(y, BAR_MAX, "#ffffff"))
        if width:
            parts.append(_rect(y, width, _fill(one, chart_id)))
        words_x = MARGIN + (BAR_MAX if track else width) + 8
        parts.append(_text(words_x, y + 14, one.words_at(index), size=12))
    return parts


def _rect(y: float, width: float, fill: str) -> str:
    return (
        f'<rect x="{MARGIN}" y="{y:g}" width="{width:g}" height="{BAR_HEIGHT}" '
        f'fill="{fill}" stroke="#000000" stroke-width="1.5"/>'
    )
