"""The per-level chart of an assessment: counts of marks, never a score.

One group per level; in each, a solid bar for the factors marked as a risk and a hatched bar
for those marked as protective, each followed by its count in words.
"""

from collections.abc import Sequence

from django.utils.translation import gettext, ngettext

from amparo.assessment.domain.assessments import SummaryRow
from amparo.lib.charts import Fill, Series, bar_chart, describe, svg_document


def _risk_words(count: int) -> str:
    return ngettext("%(count)s risk factor", "%(count)s risk factors", count) % {"count": count}


def _protective_words(count: int) -> str:
    return ngettext("%(count)s protective factor", "%(count)s protective factors", count) % {
        "count": count
    }


def _series(rows: Sequence[SummaryRow]) -> list[Series]:
    return [
        Series(
            gettext("Marked as a risk"),
            [row.risk for row in rows],
            words=[_risk_words(row.risk) for row in rows],
        ),
        Series(
            gettext("Marked as protective"),
            [row.protective for row in rows],
            words=[_protective_words(row.protective) for row in rows],
            fill=Fill.HATCHED,
        ),
    ]


def describe_summary(rows: Sequence[SummaryRow]) -> str:
    """The chart in words, for screen readers and for anyone who cannot see it."""
    return describe(_series(rows), [row.title for row in rows])


def render_summary_svg(rows: Sequence[SummaryRow], *, title: str) -> str:
    """The chart as a standalone SVG file."""
    return svg_document(bar_chart(_series(rows), [row.title for row in rows], title))
