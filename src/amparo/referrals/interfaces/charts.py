"""The chart of referral indicators: acceptance and completion rates per agency."""

from collections.abc import Sequence

from django.utils.safestring import SafeString
from django.utils.translation import gettext

from amparo.lib.charts import Fill, Series, bar_chart
from amparo.referrals.domain.queries import AgencyKpis


def _words(label: str, rate: float | None) -> str:
    if rate is None:
        return gettext("%(label)s: no referrals yet") % {"label": label}
    return gettext("%(label)s: %(percent)s%%") % {"label": label, "percent": round(rate * 100)}


def kpi_chart(rows: Sequence[AgencyKpis]) -> SafeString:
    """Acceptance (solid) and completion (hatched) rates per agency, drawn on one scale."""
    accepted, completed = gettext("accepted"), gettext("completed")
    series = [
        Series(
            accepted,
            [row.acceptance_rate for row in rows],
            words=[_words(accepted, row.acceptance_rate) for row in rows],
        ),
        Series(
            completed,
            [row.completion_rate for row in rows],
            words=[_words(completed, row.completion_rate) for row in rows],
            fill=Fill.HATCHED,
        ),
    ]
    title = gettext("Referral acceptance and completion rates per agency")
    labels = [row.agency[:32] for row in rows]
    return bar_chart(series, labels, title, maximum=1, chart_id="kpi")
