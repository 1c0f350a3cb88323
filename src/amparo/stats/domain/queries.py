"""Named reads of the statistics module: series as monthly views, own monthly counts, flags."""

from collections import Counter

from django.db.models import QuerySet
from django.http import Http404

from amparo.stats.domain import analytics
from amparo.stats.domain.facts import facts_for
from amparo.stats.domain.scope import Scope
from amparo.stats.domain.series import is_month, latest_points
from amparo.stats.domain.surges import METHOD, Flag, MonthlyView, detect
from amparo.stats.domain.tables import stats_k
from amparo.stats.enums import Measure
from amparo.stats.models import ExternalSeries, ReceivedAggregate

OWN_SERIES = {"node-screenings": Measure.SCREENINGS, "node-referrals": Measure.REFERRALS}


def all_series() -> QuerySet[ExternalSeries]:
    return ExternalSeries.objects.order_by("name")


def get_series(name: str) -> ExternalSeries:
    series = ExternalSeries.objects.filter(name=name).first()
    if series is None:
        raise Http404
    return series


def series_view(series: ExternalSeries) -> MonthlyView:
    """The latest vintage of each month, each January-to-month figure and each full year."""
    months, cumulative, years = {}, {}, {}
    for (start, end), point in latest_points(series).items():
        if is_month(start, end):
            months[(start.year, start.month)] = point.value
        elif start.month == 1 and start.day == 1 and start.year == end.year:
            cumulative[(end.year, end.month)] = point.value
            if end.month == 12 and end.day == 31:
                years[end.year] = point.value
    for year in {m[0] for m in months}:
        if year not in years and all((year, m) in months for m in range(1, 13)):
            years[year] = sum(months[(year, m)] for m in range(1, 13))
    return MonthlyView(months, cumulative, years)


def own_view(measure: str, scope: Scope) -> MonthlyView:
    """The node's own monthly counts (never published as such: only flags at or above k)."""
    extract = analytics.configured_extract()
    if extract is not None:
        with analytics.open_extract(extract) as con:
            counts = analytics.monthly_counts(con, measure, scope)
    else:
        counts = Counter(str(f["month"]) for f in facts_for(measure, scope))
    return MonthlyView({(int(m[:4]), int(m[5:])): v for m, v in counts.items()}, {}, {})


def surges_for(name: str, scope: Scope | None = None) -> dict[str, object]:
    """`{"series", "method", "flags"}` for an external series or the node's own counts."""
    if name in OWN_SERIES:
        view = own_view(OWN_SERIES[name], scope or Scope("region"))
        flags = [_rounded(f) for f in detect(view, minimum=stats_k())]
        flags = [f for f in flags if f.baseline is None or f.baseline >= stats_k()]
    else:
        flags = detect(series_view(get_series(name)))
    return {"series": name, "method": METHOD, "flags": [f.to_json() for f in flags]}


def _rounded(flag: Flag) -> Flag:
    baseline = None if flag.baseline is None else float(round(flag.baseline))
    return Flag(flag.period, flag.kind, flag.value, baseline, flag.explanation)


def received_aggregates() -> QuerySet[ReceivedAggregate]:
    return ReceivedAggregate.objects.order_by("-period", "node", "-created_at")


def received_periods() -> list[str]:
    """The months a regional node has received aggregates for, newest first."""
    periods = ReceivedAggregate.objects.values_list("period", flat=True).distinct()
    return sorted(set(periods), reverse=True)


def latest_releases(period: str) -> list[ReceivedAggregate]:
    """The newest release of each national node for one month, by country."""
    latest: dict[str, ReceivedAggregate] = {}
    for release in ReceivedAggregate.objects.filter(period=period).order_by("-created_at"):
        latest.setdefault(release.node, release)
    return sorted(latest.values(), key=lambda r: (str(r.payload.get("country", "")), r.node))
